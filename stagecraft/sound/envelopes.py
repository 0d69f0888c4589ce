"""ADSR envelopes with curves, computed in closed form from the absolute sample index, a row each.

The times are read when a note starts (so a change lands on the next note); a note that starts
while the last still sounds attacks from wherever the envelope is, so retriggers do not click.
`curve` bends every segment: 0 is straight, larger values rise and fall fast then settle, as
analogue envelopes do.
"""
from __future__ import annotations

import numpy as np

from .ugen import NEVER, Ugen


def bend(x: np.ndarray, c: float) -> np.ndarray:
    if c == 0:
        return x
    return (1.0 - np.exp(-c * x)) / (1.0 - np.exp(-c))


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
            self.held[row] = self._before_release(np.array([t]))[row, 0]
            self.off[row] = t

    def end(self) -> np.ndarray:
        a, d, r, s = self.times.T
        top = self.on + a + d
        released = (self.off < NEVER) & ((s != 0.0) | (self.off < top))
        out = np.where(released, self.off + r, np.where(s == 0.0, top, NEVER)).astype(np.int64)
        return np.where(self.on >= 0, out, 0)

    def level(self, t: int) -> np.ndarray:
        return self.levels(np.array([t]))[:, 0]

    def _before_release(self, t: np.ndarray, rows=slice(None)) -> np.ndarray:
        a, d, _, s = (c[:, None] for c in self.times[rows].T)
        k = (t[None, :] - self.on[rows, None]).astype(float)
        start = self.start[rows, None]
        attack = start + (1.0 - start) * bend(np.clip(k / np.maximum(a, 1), 0, 1), self.curve)
        decay = 1.0 + (s - 1.0) * bend(np.clip((k - a) / np.maximum(d, 1), 0.0, 1.0), self.curve)
        return np.where(k < a, attack, decay)

    def levels(self, t: np.ndarray, rows: int | None = None) -> np.ndarray:
        """(rows, len(t)): the first `rows` rows' levels at the samples t. Rows holding their
        sustain, and rows silent, are filled in whole; the same arithmetic gives the same values
        either way."""
        a, d, r, s = self.times[:rows].T
        on, off = self.on[:rows], self.off[:rows]
        started = on >= 0
        holding = started & (t[0] - on >= a + np.maximum(d, 1)) & (t[-1] < off)
        moving = started & ~holding & (t[0] < off + np.maximum(r, 1))
        out = np.zeros((len(on), len(t)))
        out[holding] = (1.0 + (s[holding] - 1.0) * bend(np.ones(holding.sum()), self.curve))[:, None]
        if moving.any():
            out[moving] = self._moving(t, np.flatnonzero(moving))
        return out

    def _moving(self, t: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out = self._before_release(t, rows)
        off, r = self.off[rows, None], self.times[rows, 2:3]
        fall = self.held[rows, None] * (1.0 - bend(np.clip((t[None, :] - off) / np.maximum(r, 1), 0, 1), self.curve))
        return np.where(t[None, :] >= off, fall, out)

    def process(self, x, t, n):
        env = self.levels(np.arange(t, t + n), self.active)
        return x * (env if x.ndim == 2 else env[:, None, :])
