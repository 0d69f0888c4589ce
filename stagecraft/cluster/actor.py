"""An actor: the director's show rendered here frame for frame, from the director's stream alone.

Its clock, beat, date, what its picture hears, the operator's keys and the OSC each frame applied
are the director's (cluster.frames); it has no inputs of its own (no ports; its window's keys and
mouse are not read, only its closing). Its outputs (a mapping), and its sound or none, are its own.
Frame N is rendered when the director's N arrives and presented `delay` after the director
presented it, so network jitter never shows; an actor that has fallen behind renders without
waiting until it has caught up.
"""
from __future__ import annotations

import queue
import time
from collections import Counter, deque

import pygame

from ..engine.clock import Clock
from ..engine.inputs import LocalInputs
from ..tempo.beat import DEFAULT_BPM, Tempo
from .frames import END, Frame, decode

DELAY_FRAMES = 2          # the presentation delay unless --actor-delay-ms says otherwise


class Actor(LocalInputs):
    def __init__(self, link, delay_s: float | None = None, tell=print):
        """`link`: a crossings.NatsLink subscribed to the show's subject."""
        self.link, self.delay_s, self.tell = link, delay_s, tell
        self.current: Frame | None = None
        self.lags: Counter[int] = Counter()   # frames behind the director, once caught up: how often each
        self.caught_up_s: float | None = None   # from following to the first frame rendered live
        self._joined = time.monotonic()
        self._seq = 0                           # the stream's place of the last frame read
        self.ended = False
        self._drift = None        # (director's piece, ours) once told
        self._ahead: deque[Frame] = deque()     # frames read past the start, not yet rendered
        self.run_id: str | None = None          # the show's run (the director's start says it)

    def first(self, timeout: float) -> Frame:
        """The start of the show running now, or of the next to start (ValueError if none is heard
        of within `timeout`). The server keeps every frame of a show from its start, so an actor
        that starts late has the same start as one that was there: the frames read past it, to the
        live one, are kept for `next`. A show that has ended is passed over. A show starts on an
        emptied stream, so a frame read before any start means the server has let the running
        show's first frames go (it keeps so many hours and bytes): ValueError, saying so."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                data, self._seq = self.link.received.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise ValueError(f"no show from a director in {timeout:g} s (is it running, on the same show?)") \
                    from None
            if data == END:
                self._ahead.clear()
                continue
            frame = self._decode(data)
            if frame is None:
                continue
            if frame.start is not None:
                self._ahead.clear()
                self.run_id = frame.start["run"]
            elif not self._ahead:
                raise ValueError(f"the show running began before the oldest frame the server still keeps (frame "
                                 f"{frame.index}: its first frames have aged out of the stream), so no machine can "
                                 "join it late; it can join when the show starts again")
            self._ahead.append(frame)
            if self._seq >= self.link.newest:
                return self.next(0.0)

    def next(self, timeout: float) -> Frame | None:
        """The next frame from the director, or None after `timeout` or when it has ended."""
        if self._ahead:
            frame = self._ahead.popleft()
        else:
            try:
                data, self._seq = self.link.received.get(timeout=timeout)
            except queue.Empty:
                return None
            if data == END:
                self.ended = True
                return None
            frame = self._decode(data)
        behind = max(self.link.newest - self._seq, 0) + len(self._ahead)
        if self.caught_up_s is None and behind == 0:
            self.caught_up_s = time.monotonic() - self._joined
        elif self.caught_up_s is not None:
            self.lags[behind] += 1
        return frame

    def _decode(self, data: bytes) -> Frame | None:
        try:
            return decode(data)
        except ValueError as exc:
            self.tell(f"cluster: a message on the show's subject was skipped: {exc}", error=True)
            return None

    def run(self, engine, seconds: float | None = None, first: Frame | None = None,
            takeover_s: float | None = None) -> bool:
        """Render each frame as the director's arrives, until it ends, the window closes or show
        time reaches `seconds`. With `takeover_s` (an understudy), True when the director, once
        followed live, has fallen silent that long without ending the show."""
        frame, heard = first, time.monotonic()
        while engine.running:
            if frame is None:
                frame = self.next(0.25)
            if frame is None:
                if self.ended:
                    break
                if takeover_s is not None and self.caught_up_s is not None and time.monotonic() - heard > takeover_s:
                    return True
                engine.running = not any(ev.type == pygame.QUIT for ev in engine.surface.events())
                continue
            if self.current is not None and frame.start is not None:
                self.tell(f"cluster: {frame.by} started the show anew; this machine stops following "
                          "(start it again to follow the new show)", error=True)
                break
            if self.current is not None and frame.by != self.current.by:
                self.tell(f"cluster: from frame {frame.index} the show is directed by {frame.by} "
                          f"(until now {self.current.by})", error=True)
            self.current, frame, heard = frame, None, time.monotonic()
            self._wait(self.current)
            engine.frame()
            if seconds is not None and engine.clock.time >= seconds:
                break
        return False

    def _wait(self, frame: Frame) -> None:
        """Until the director's presentation of this frame plus the delay (not when behind)."""
        if self._ahead or not self.link.received.empty():
            return
        delay = self.delay_s if self.delay_s is not None else DELAY_FRAMES * (frame.dt or 1.0 / 60.0)
        pause = frame.wall + delay - time.time()
        if pause > 0:
            time.sleep(pause)

    # the frame's inputs: the director's -----------------------------------------------------------
    def controls(self, engine) -> tuple:
        closing = [ev for ev in engine.surface.events() if ev.type == pygame.QUIT]
        f = self.current
        engine.controls.mouse[:] = f.mouse
        keys = [pygame.event.Event(pygame.KEYDOWN if down else pygame.KEYUP, key=key, mod=mod, unicode="", local=local)
                for down, key, mod, local in f.keys]
        return closing + keys, f.console

    def audio(self, engine):
        engine.sound.poll()       # its own sound's analysis is not what the director's picture heard
        return self.current.audio

    def date(self, engine) -> tuple:
        return self.current.date

    def reload(self, engine) -> list | None:
        """Saved edits looked for in the frames where the director picked one up (looking where it
        found nothing would pick up an edit saved after its look, frames early); told when what
        this machine finds is not what the director's did: its files differ, and its frames too."""
        wanted = self.current.reloaded
        if not wanted:
            return None
        found = engine.reload_changed()
        if found != wanted:
            self.tell(f"cluster: frame {self.current.index}: the director reloaded "
                      f"{_files(wanted)}, this actor {_files(found)}: its files are not the director's, "
                      "and its frames no longer match", error=True)
        return found

    def osc(self, engine) -> None:
        """The audience's way in: phones' names and the page's address, then the OSC applied."""
        f = self.current
        for sender, name in f.names:
            engine.audience.name(sender, name)
        engine.room.url = f.qr
        engine.osc.drain(f.osc)

    def shown(self, engine) -> None:
        drift = (self.current.piece, engine.player.name)
        if drift[0] != drift[1] and drift != self._drift:
            self.tell(f"cluster: frame {self.current.index}: the director plays {drift[0]}, this actor "
                      f"{drift[1]}: its frames no longer match", error=True)
        self._drift = drift if drift[0] != drift[1] else None

    def close(self) -> None:
        self.link.close()

    def counters(self) -> dict:
        lags = sorted(self.lags.elements())
        return {"cluster_role": "actor", "cluster_frames_behind_max": lags[-1] if lags else 0,
                "cluster_frames_behind_p99": lags[int(0.99 * (len(lags) - 1))] if lags else 0,
                "cluster_resyncs": self.link.lost,
                "cluster_caught_up_s": None if self.caught_up_s is None else round(self.caught_up_s, 3)}


class StreamClock(Clock):
    """The director's clock, frame by frame."""

    def __init__(self, actor: Actor):
        super().__init__(lambda: 0.0)
        self.actor = actor

    def tick(self) -> float:
        f = self.actor.current
        self.frame, self.time, self.dt = f.index, f.time, f.dt
        return self.dt


class StreamTempo(Tempo):
    """The director's beat, frame by frame: the tempo is the director's to set."""

    def __init__(self, actor: Actor):
        super().__init__(DEFAULT_BPM)
        self.actor = actor

    def sample(self, now: float, lead: float, period: float):
        beat = self.actor.current.beat
        self.tempo, self.most_peers = beat.tempo, max(self.most_peers, beat.peers)
        return beat

    def set_tempo(self, bpm: float, now: float) -> None:
        """Nothing here: the director's tempo arrives with its next frame."""

    def tap(self, now: float) -> None:
        return None


def _files(tried: list) -> str:
    return ", ".join(f"{f} ({d}{'' if ok else ', refused'})" for f, d, ok in tried) or "nothing"
