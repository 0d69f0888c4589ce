"""ADSR envelopes with curves, computed in closed form from the absolute sample index, a row each
(the arithmetic is in `kernels`).

The times are read when a note starts (so a change lands on the next note); a note that starts
while the last still sounds attacks from wherever the envelope is, so retriggers do not click.
`curve` bends every segment: 0 is straight, larger values rise and fall fast then settle, as
analogue envelopes do.
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .ugen import NEVER, Ugen


class ADSR(Ugen):
    ends_notes = True

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.curve = float(options.get("curve", 3.0))
        r = self.rows
        self.on = np.full(r, -1)            # sample each row's note started (-1: never)
        self.off = np.full(r, NEVER)        # sample it lets go
        self.start = np.zeros(r)            # level the attack starts from
        self.held = np.zeros(r)             # level when it let go
        self.times = np.zeros((r, 4))       # attack, decay, release (samples) and sustain level

    def clear(self, row: int, seed: int) -> None:
        self.on[row], self.off[row], self.start[row], self.held[row] = -1, NEVER, 0.0, 0.0

    def note(self, row: int, t: int, pitch, dur: int | None) -> None:
        self.start[row] = self.level(t)[row]
        p = [self.params[k].at(t) for k in ("attack", "decay", "release", "sustain")]
        self.times[row] = [round(p[0] * self.sr), round(p[1] * self.sr), round(p[2] * self.sr), p[3]]
        self.on[row], self.off[row] = t, NEVER
        if dur is not None:
            self.release(row, t + dur)

    def release(self, row: int, t: int) -> None:
        if self.on[row] >= 0 and t < self.off[row]:
            self.held[row] = self.level(t)[row]
            self.off[row] = t

    def end(self) -> np.ndarray:
        a, d, r, s = self.times.T
        top = self.on + a + d
        released = (self.off < NEVER) & ((s != 0.0) | (self.off < top))
        out = np.where(released, self.off + r, np.where(s == 0.0, top, NEVER)).astype(np.int64)
        return np.where(self.on >= 0, out, 0)

    def level(self, t: int) -> np.ndarray:
        return self.levels(t, 1)[:, 0]

    def levels(self, t: int, n: int) -> np.ndarray:
        """(rows, n): every row's level at samples [t, t + n)."""
        return self._apply(np.ones((self.rows, 1, n)), t)[:, 0]

    def process(self, x, t, n):
        return self._apply(x, t)

    def envelope(self, t: int) -> tuple:
        """What kernels.adsr takes from sample t, but the signal and where it goes."""
        return t, self.on, self.off, self.start, self.held, self.times, self.curve

    def _apply(self, x: np.ndarray, t: int) -> np.ndarray:
        """x (rows, n) or (rows, 2, n) times the first rows' levels, from sample t."""
        n = x.shape[-1]
        out = np.empty(x.shape)
        kernels.adsr(*self.envelope(t), np.ascontiguousarray(x).reshape(len(x), -1, n), out.reshape(len(x), -1, n))
        return out
