"""ADSR envelopes with curves, computed in closed form from the absolute sample index.

The times are read when a note starts (so a change lands on the next note); a note that starts
while the last still sounds attacks from wherever the envelope is, so retriggers do not click.
`curve` bends every segment: 0 is straight, larger values rise and fall fast then settle, as
analogue envelopes do.
"""
from __future__ import annotations

import numpy as np

from .ugen import Ugen


def bend(x: np.ndarray, c: float) -> np.ndarray:
    if c == 0:
        return x
    return (1.0 - np.exp(-c * x)) / (1.0 - np.exp(-c))


class ADSR(Ugen):
    ends_notes = True

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.curve = float(options.get("curve", 3.0))
        self.clear(0)

    def clear(self, seed: int) -> None:
        self.on = None          # sample the current note started
        self.off = None         # sample it lets go (None: held)
        self.start = 0.0        # level the attack starts from
        self.held = 0.0         # level when it let go
        self.times = (0, 0, 0.0, 0)

    def note(self, t: int, pitch, dur: int | None) -> None:
        self.start = self.level(t)
        p = {k: self.params[k].at(t) for k in ("attack", "decay", "sustain", "release")}
        self.times = (round(p["attack"] * self.sr), round(p["decay"] * self.sr), p["sustain"],
                      round(p["release"] * self.sr))
        self.on, self.off = t, None
        if dur is not None:
            self.release(t + dur)

    def release(self, t: int) -> None:
        if self.on is not None and (self.off is None or t < self.off):
            self.held = float(self._before_release(np.array([t]))[0])
            self.off = t

    def end(self) -> int | None:
        if self.on is None:
            return 0
        a, d, s, r = self.times
        top = self.on + a + d
        if self.off is not None and (s != 0.0 or self.off < top):
            return self.off + r
        return top if s == 0.0 else None

    def level(self, t: int) -> float:
        return float(self.levels(np.array([t]))[0])

    def _before_release(self, t: np.ndarray) -> np.ndarray:
        a, d, s, _ = self.times
        k = (t - self.on).astype(float)
        attack = self.start + (1.0 - self.start) * bend(np.clip(k / max(a, 1), 0.0, 1.0), self.curve)
        decay = 1.0 + (s - 1.0) * bend(np.clip((k - a) / max(d, 1), 0.0, 1.0), self.curve)
        return np.where(k < a, attack, decay)

    def levels(self, t: np.ndarray) -> np.ndarray:
        if self.on is None:
            return np.zeros(t.shape)
        out = self._before_release(t)
        if self.off is not None:
            r = self.times[3]
            k = (t - self.off).astype(float)
            fall = self.held * (1.0 - bend(np.clip(k / max(r, 1), 0.0, 1.0), self.curve))
            out = np.where(t >= self.off, fall, out)
        return out

    def process(self, x, t, n):
        return x * self.levels(np.arange(t, t + n))
