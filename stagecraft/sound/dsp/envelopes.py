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

UNIT = np.ones((1, 1, 1))   # what _level runs through an envelope


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
        self.ends = np.zeros(r, dtype=np.int64)    # the first sample each row is silent from (NEVER: held)
        self.sample = np.empty((1, 1, 1))          # where _level has the kernel write

    def clear(self, row: int, seed: int) -> None:
        self.on[row], self.off[row], self.start[row], self.held[row] = -1, NEVER, 0.0, 0.0
        self.ends[row] = 0

    def note(self, row: int, t: int, pitch, dur: int | None) -> None:
        self.start[row] = self._level(row, t)
        p = [self.params[k].at(t) for k in ("attack", "decay", "release", "sustain")]
        self.times[row] = [round(p[0] * self.sr), round(p[1] * self.sr), round(p[2] * self.sr), p[3]]
        self.on[row], self.off[row] = t, NEVER
        self._ended(row)
        if dur is not None:
            self.release(row, t + dur)

    def release(self, row: int, t: int) -> None:
        if self.on[row] >= 0 and t < self.off[row]:
            self.held[row] = self._level(row, t)
            self.off[row] = t
            self._ended(row)

    def end(self) -> np.ndarray:
        return self.ends

    def _ended(self, row: int) -> None:
        """A row's end again, after its note or release: its release's end once let go (or its
        decay's, if it let go before the top and sustains nothing), else its decay's end when it
        sustains nothing, else never."""
        a, d, r, s = self.times[row].tolist()
        top, off = int(self.on[row]) + a + d, int(self.off[row])
        if off < NEVER and (s != 0.0 or off < top):
            self.ends[row] = int(off + r)
        else:
            self.ends[row] = int(top) if s == 0.0 else NEVER

    def level(self, t: int) -> np.ndarray:
        """Every row's level at sample t."""
        return self._apply(np.ones((self.rows, 1, 1)), t)[:, 0, 0]

    def _level(self, row: int, t: int) -> float:
        """One row's level at sample t (the kernel run on that row alone: a note's start costs one
        row's work, not every row's)."""
        one = slice(row, row + 1)
        kernels.adsr(t, self.on[one], self.off[one], self.start[one], self.held[one], self.times[one], self.curve,
                     UNIT, self.sample)
        return float(self.sample[0, 0, 0])

    def process(self, x, t, n):
        return self._apply(x, t)

    def steady(self, t, n, x):
        y = np.empty(x.shape)       # the times are read when a note starts: nothing here moves
        return [(kernels.adsr, [*self.envelope(t), x, y], 0)], y

    def envelope(self, t: int) -> tuple:
        """What kernels.adsr takes from sample t, but the signal and where it goes."""
        return t, self.on, self.off, self.start, self.held, self.times, self.curve

    def _apply(self, x: np.ndarray, t: int) -> np.ndarray:
        """x (rows, n) or (rows, 2, n) times the first rows' levels, from sample t."""
        n = x.shape[-1]
        out = np.empty(x.shape)
        kernels.adsr(*self.envelope(t), np.ascontiguousarray(x).reshape(len(x), -1, n), out.reshape(len(x), -1, n))
        return out
