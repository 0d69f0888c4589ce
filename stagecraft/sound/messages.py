"""What a piece asks of the sound, and how it is dated.

A piece's verbs (stage.note, stage.sound_set, ...) make messages with times relative to now, in
seconds. Whoever sends them on (the live client, the offline renderer) dates them with `stamp`
against its own idea of now in samples, giving crossings.SoundChannel's form.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .dsp.master import LATENCY

SR = 48000   # the sound's clock: samples a second, everywhere


def graph(spec: dict, layer: int = 0) -> tuple:
    return ("graph", spec, layer)


def fade(layer: int, gain: float, seconds: float) -> tuple:
    """A layer's level to `gain` over `seconds`: a piece crossfading in or out (0 lets it go)."""
    return ("fade", layer, float(gain), float(seconds))


def set_param(path: str, value: float, at: float, glide: float) -> tuple:
    return ("set", path, float(value), float(at), float(glide))


def note(track: str, pitch: float, velocity: float, at: float, dur: float | None, sync: float | None,
         beats: float | None = None) -> tuple:
    return ("note", track, float(pitch), float(velocity), float(at), dur, sync, beats)


def release(track: str, pitch: float | None, at: float) -> tuple:
    return ("release", track, pitch, float(at))


@dataclass(frozen=True)
class Timeline:
    """The show's beat as the sound counts it: `beat` falls on `sample`, a beat lasts `per_beat`
    samples. The engine gives one a frame, dated at the frame's presentation."""
    sample: float
    beat: float
    per_beat: float

    def next(self, t: int, every: float) -> int:
        """The first sample at or after `t` on a multiple of `every` beats."""
        b = self.beat + (t - self.sample) / self.per_beat
        return math.ceil(self.sample + (math.ceil(b / every - 1e-9) * every - self.beat) * self.per_beat - 1e-6)


def heard(sample: float, beat: float, tempo: float, sr: int) -> Timeline:
    """The timeline for notes, from the sample at which `beat` is heard: a note is started the
    master bus's lookahead early, so that it is heard on the beat itself."""
    return Timeline(sample - LATENCY, beat, 60.0 / tempo * sr)


def when(now: int, at: float, sr: int, sync: float | None = None, beats: float | None = None,
         timeline: Timeline | None = None) -> int:
    """The sample `at` seconds after `now`, moved on to the next multiple of `sync` seconds of the
    sound's clock, or of `beats` beats of the show's timeline, if given; -1 (as soon as possible)
    when now is unknown."""
    if now < 0:
        return -1
    t = now + round(at * sr)
    if beats and timeline is not None:
        return timeline.next(t, beats)
    if sync:
        q = max(1, round(sync * sr))
        t = -(-t // q) * q
    return t


def stamp(m: tuple, now: int, sr: int, timeline: Timeline | None = None) -> tuple:
    kind = m[0]
    if kind == "graph":
        return ("graph", when(now, 0.0, sr), m[1], m[2])
    if kind == "fade":
        return ("fade", when(now, 0.0, sr), m[1], m[2], round(m[3] * sr))
    if kind == "set":
        _, path, value, at, glide = m
        return ("set", when(now, at, sr), path, value, round(glide * sr))
    if kind == "note":
        _, track, pitch, velocity, at, dur, sync, beats = m
        return ("note", when(now, at, sr, sync, beats, timeline), track, pitch, velocity,
                None if dur is None else max(1, round(dur * sr)))
    _, track, pitch, at = m
    return ("release", when(now, at, sr), track, pitch)


class Outbox:
    """A piece's sound requests, checked against its compiled SOUND, held until the frame sends them.
    It starts with the whole graph, and holds a new one whenever the piece's sound changes. Every
    request is addressed to the piece's own layer, so two pieces can sound at once."""

    def __init__(self, spec: dict, layer: int = 0):
        self.spec = spec
        self.layer = layer
        self.messages: list[tuple] = [graph(spec, layer)]

    def replace(self, spec: dict) -> None:
        if spec != self.spec:
            self.spec = spec
            self.messages.append(graph(spec, self.layer))

    def fade(self, gain: float, seconds: float) -> None:
        self.messages.append(fade(self.layer, gain, max(_finite(seconds, "seconds"), 0.0)))

    def _to(self, target: str) -> str:
        return f"{self.layer}:{target}" if self.layer else target

    def note(self, track: str, pitch, velocity, dur, at, sync, beats=None) -> None:
        if track not in self.spec["notes"]:
            known = ", ".join(self.spec["notes"]) or "none"
            raise ValueError(f"no track {track!r} takes notes in this piece's SOUND (those that do: {known})")
        pitch, velocity, at = _finite(pitch, "pitch"), _finite(velocity, "velocity"), _finite(at, "at")
        dur = None if dur is None else max(_finite(dur, "dur"), 0.0)
        sync = None if sync is None else _finite(sync, "sync")
        beats = None if beats is None else _finite(beats, "beats")
        self.messages.append(note(self._to(track), min(max(pitch, 0.0), 135.0), min(max(velocity, 0.0), 1.0),
                                  max(at, 0.0), dur, sync if sync and sync > 0 else None,
                                  beats if beats and beats > 0 else None))

    def release(self, track: str, pitch, at) -> None:
        if track not in self.spec["notes"]:
            raise ValueError(f"no track {track!r} takes notes in this piece's SOUND")
        self.messages.append(release(self._to(track), None if pitch is None else _finite(pitch, "pitch"),
                                     max(_finite(at, "at"), 0.0)))

    def set(self, path: str, value, seconds, at) -> None:
        limits = self.spec["params"].get(path)
        if limits is None:
            track = path.split(".")[0]
            close = sorted((p for p in self.spec["params"] if p.split(".")[0] == track),
                           key=lambda p: (p.count("."), p))[:12]
            raise ValueError(f"no sound parameter {path!r}" + (f" (this track has {', '.join(close)})" if close else ""))
        value = min(max(_finite(value, path), limits[0]), limits[1])
        self.messages.append(set_param(self._to(path), value, max(_finite(at, "at"), 0.0),
                                       max(_finite(seconds, "seconds"), 0.0)))

    def take(self) -> list[tuple]:
        out, self.messages = self.messages, []
        return out


def _finite(v, what: str) -> float:
    x = float(v)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"{what} must be a finite number, not {v!r}")
    return x
