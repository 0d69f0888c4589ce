"""Polyphony: a pool of voices, each a copy of one chain, given out note by note.

A voice starts every note from a cleared state (phase, filters, envelopes, a fresh noise seed),
so what a note sounds like never depends on what the voice did before, nor on block sizes. A
voice sounds from its note until its envelopes (or sampler) end, plus a short tail for filters
after them; beyond that its samples are zero, cut at the exact sample.

With every voice busy, a new note steals the oldest, which fades out over a few milliseconds
(never cut, which would click) on a spare voice while the new note starts on another. When the
sound process runs late it sheds voices too, quietest first, then oldest.
"""
from __future__ import annotations

import numpy as np

from .ugen import Ugen, silence

FADE_S = 0.005    # a stolen or shed voice fades out over this
TAIL_S = 0.02     # filters after a voice's envelope ring on for this much
SPARE = 2         # extra voices for stolen notes to fade out on


class Chain:
    """Built units in order; the first is the source."""

    def __init__(self, units: list[Ugen], labels: list[str]):
        self.units, self.labels = units, labels
        ch = 1
        for u in units:
            ch = u.channels(ch)
        self.out_channels = ch

    def process(self, t: int, n: int) -> np.ndarray:
        x = None
        for u in self.units:
            x = u.process(x, t, n)
        return x

    def clear(self, seed: int) -> None:
        for u in self.units:
            u.clear(seed)

    def note(self, t: int, pitch: float, dur: int | None) -> None:
        for u in self.units:
            u.note(t, pitch, dur)

    def release(self, t: int) -> None:
        for u in self.units:
            u.release(t)

    def end(self) -> int | None:
        ends = [u.end() for u in self.units if u.ends_notes]
        return None if not ends or None in ends else max(ends)


class Voice:
    def __init__(self, chain: Chain, sr: int):
        self.chain = chain
        self.tail, self.fade_len = round(TAIL_S * sr), round(FADE_S * sr)
        self.on = None
        self.pitch = 0.0
        self.velocity = 1.0
        self.fade_at = None

    def start(self, t: int, pitch: float, velocity: float, dur: int | None, seed: int) -> None:
        self.chain.clear(seed)
        self.chain.note(t, pitch, dur)
        self.on, self.pitch, self.velocity, self.fade_at = t, pitch, velocity, None

    def stop(self) -> int | None:
        """The first sample this voice is silent from (None: it holds)."""
        if self.on is None:
            return 0
        end = self.chain.end()
        end = None if end is None else end + self.tail
        if self.fade_at is not None:
            faded = self.fade_at + self.fade_len
            end = faded if end is None else min(end, faded)
        return end

    def busy(self, t: int) -> bool:
        end = self.stop()
        return end is None or end > t

    def fading(self) -> bool:
        return self.fade_at is not None

    def fade(self, t: int) -> None:
        if self.fade_at is None:
            self.fade_at = t

    def level(self, t: int) -> float:
        envs = [u.level(t) for u in self.chain.units if hasattr(u, "level")]
        return self.velocity * (max(envs) if envs else 1.0)

    def render(self, t: int, n: int) -> np.ndarray:
        y = self.chain.process(t, n) * self.velocity
        idx = np.arange(t, t + n)
        if self.fade_at is not None:
            y = y * np.clip(1.0 - (idx - self.fade_at) / self.fade_len, 0.0, 1.0)
        end = self.stop()
        if end is not None and end < t + n:
            y = y * (idx < end)
        return y


class Voices(Ugen):
    """The source of a polyphonic track; notes reach it through the track."""

    def __init__(self, ctx, make_chain, count: int):
        super().__init__(ctx, {}, {})
        self.count = count
        self.pool = [Voice(make_chain(i), self.sr) for i in range(count + SPARE)]
        self.out_channels = self.pool[0].chain.out_channels
        self.notes = 0

    def channels(self, inp):
        return self.out_channels

    def clear(self, seed):
        for v in self.pool:
            v.on, v.fade_at = None, None

    def note(self, t, pitch, dur, velocity=1.0):
        sounding = [v for v in self.pool if v.busy(t) and not v.fading()]
        if len(sounding) >= self.count:
            min(sounding, key=lambda v: v.on).fade(t)
        free = [v for v in self.pool if not v.busy(t)]
        voice = free[0] if free else min([v for v in self.pool if v.fading()] or self.pool, key=lambda v: v.on)
        self.notes += 1
        voice.start(t, pitch, velocity, dur, seed=self.notes)

    def release(self, t, pitch=None):
        for v in self.pool:
            if v.busy(t) and (pitch is None or v.pitch == pitch):
                v.chain.release(t)

    def sounding(self, t: int) -> int:
        return sum(v.busy(t) for v in self.pool)

    def process(self, x, t, n):
        out = silence(self.out_channels, n)
        for v in self.pool:
            if v.busy(t):
                out = out + v.render(t, n)
        return out


def shed(pools: list[Voices], t: int) -> bool:
    """Fade out the quietest voice of all (the oldest of equals). False when none is left."""
    sounding = [v for pool in pools for v in pool.pool if v.busy(t) and not v.fading()]
    if not sounding:
        return False
    min(sounding, key=lambda v: (v.level(t), v.on)).fade(t)
    return True
