"""Polyphony: one chain run for all the voices of a track at once, a row per voice.

A voice starts every note from a cleared row (phase, filter state, envelope, a fresh noise seed),
so what a note sounds like never depends on what the row did before, nor on block sizes. A voice
sounds from its note until its envelopes (or sampler) end, plus a short tail for filters after
them; beyond that its samples are zero, cut at the exact sample.

With every voice busy, a new note steals the oldest, which fades out over a few milliseconds
(never cut, which would click) on its row while the new note starts on a spare one. When the
sound process runs late it sheds voices too, quietest first, then oldest.
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .envelopes import ADSR
from .oscillators import Oscillator
from .ugen import NEVER, Ugen

FADE_S = 0.005    # a stolen or shed voice fades out over this
TAIL_S = 0.02     # filters after a voice's envelope ring on for this much
SPARE = 2         # extra rows for stolen notes to fade out on


class Chain:
    """Built units in order; the first is the source."""

    def __init__(self, units: list[Ugen], labels: list[str]):
        self.units, self.labels = units, labels
        ch = 1
        for u in units:
            ch = u.channels(ch)
        self.out_channels = ch

    def process(self, t: int, n: int, active: int) -> np.ndarray:
        """Rows [0, active) of [t, t + n); the other rows' state waits, untouched, for a note to
        clear it."""
        x = None
        for u in self.units:
            u.active = active
            x = u.process(x, t, n)
        return x

    def clear(self, row: int, seed: int) -> None:
        for u in self.units:
            u.clear(row, seed)

    def note(self, row: int, t: int, pitch: float, dur: int | None) -> None:
        for u in self.units:
            u.note(row, t, pitch, dur)

    def release(self, row: int, t: int) -> None:
        for u in self.units:
            u.release(row, t)

    def idle(self, t: int, n: int) -> None:
        for u in self.units:
            u.idle(t, n)

    def end(self) -> np.ndarray:
        """Per row, the first sample every unit that ends notes is silent from."""
        ends = [u.end() for u in self.units if u.ends_notes]
        return np.max(ends, axis=0) if ends else np.full(self.units[0].rows, NEVER)

    def level(self, t: int) -> np.ndarray:
        """Per row, the loudest envelope's level now (1 without envelopes)."""
        levels = [u.level(t) for u in self.units if hasattr(u, "level")]
        return np.max(levels, axis=0) if levels else np.ones(self.units[0].rows)


class Voices(Ugen):
    """The source of a polyphonic track; notes reach it through the track."""

    def __init__(self, ctx, make_chain, count: int):
        super().__init__(ctx, {}, {})
        self.count = count
        self.chain: Chain = make_chain(count + SPARE)
        rows = count + SPARE
        self.tail, self.fade_len = round(TAIL_S * self.sr), round(FADE_S * self.sr)
        self.on = np.full(rows, -1)
        self.pitch = np.zeros(rows)
        self.velocity = np.ones(rows)
        self.fade_at = np.full(rows, NEVER)
        self.notes = 0
        self._stops = self._until = None
        units = self.chain.units      # an oscillator and its envelope (most voices): one compiled call
        self.plain = len(units) == 2 and isinstance(units[0], Oscillator) and isinstance(units[1], ADSR)

    def channels(self, inp):
        return self.chain.out_channels

    def stops(self) -> np.ndarray:
        """Per row, the first sample it is silent from (it changes only with notes and fades)."""
        if self._stops is None:
            end = self.chain.end()
            end = np.where(end < NEVER, end + self.tail, NEVER)
            end = np.minimum(end, np.where(self.fade_at < NEVER, self.fade_at + self.fade_len, NEVER))
            self._stops = np.where(self.on >= 0, end, 0)
        return self._stops

    def fade(self, row: int, t: int) -> None:
        self.fade_at[row] = t
        self._stops = self._until = None

    def busy(self, t: int) -> np.ndarray:
        return self.stops() > t

    def sounding(self, t: int) -> int:
        return int(self.busy(t).sum())

    def playing(self, t: int) -> np.ndarray:
        """Rows that sound and are not on their way out."""
        return self.busy(t) & (self.fade_at == NEVER)

    def clear(self, row, seed):
        self.on[row], self.fade_at[row] = -1, NEVER
        self._stops = self._until = None

    def note(self, t, pitch, dur, velocity=1.0):
        playing = np.flatnonzero(self.playing(t))
        if len(playing) >= self.count:
            self.fade(playing[np.argmin(self.on[playing])], t)
        free = np.flatnonzero(~self.busy(t))
        if len(free):
            row = free[0]
        else:   # more spares fading than spare rows: cut the oldest of them short
            fading = np.flatnonzero(self.fade_at < NEVER)
            row = fading[np.argmin(self.on[fading])]
        self.notes += 1
        self.chain.clear(row, self.notes)
        self.chain.note(row, t, pitch, dur)
        self.on[row], self.pitch[row], self.velocity[row], self.fade_at[row] = t, pitch, velocity, NEVER
        self._stops = self._until = None

    def release(self, t, pitch=None):
        for row in np.flatnonzero(self.busy(t)):
            if pitch is None or self.pitch[row] == pitch:
                self.chain.release(row, t)
        self._stops = self._until = None

    def levels(self, t: int) -> np.ndarray:
        return self.velocity * self.chain.level(t)

    def _rows(self, t: int) -> int:
        """Rows up to the last that sounds at t (notes take the lowest free row, so sounding rows
        come first; 0: none). It holds until the first of them stops, or a note or fade."""
        if self._until is None or t >= self._until[1]:
            stops = self.stops()
            busy = np.flatnonzero(stops > t)
            k = int(busy[-1]) + 1 if len(busy) else 0
            self._until = (k, int(stops[busy].min()) if len(busy) else NEVER)
        return self._until[0]

    def process(self, x, t, n):
        k = self._rows(t)
        if not k:
            self.chain.idle(t, n)
            return np.zeros((1, n) if self.chain.out_channels == 1 else (1, 2, n))
        mix = (t, self.fade_at, self.fade_len, self.stops(), self.velocity)
        if self.plain:
            wave, envelope = self.chain.units
            wave.active = envelope.active = k
            out = np.empty((1, n))
            kernels.voices(*wave.wave(t, n), *envelope.envelope(t), *mix, out)
            return out
        y = self.chain.process(t, n, k)
        out = np.empty(y.shape[1:])
        kernels.mix_voices(np.ascontiguousarray(y).reshape(k, -1, n), *mix, out.reshape(-1, n))
        return out[None]


def shed(pools: list[Voices], t: int) -> bool:
    """Fade out the quietest voice of all (the oldest of equals). False when none is left."""
    candidates = [(pool.levels(t)[row], pool.on[row], k, row)
                  for k, pool in enumerate(pools) for row in np.flatnonzero(pool.playing(t))]
    if not candidates:
        return False
    _, _, k, row = min(candidates)
    pools[k].fade(row, t)
    return True
