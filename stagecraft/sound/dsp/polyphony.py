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

    def steady(self, t: int, n: int, active: int) -> tuple[list, np.ndarray] | None:
        """What `process` calls for rows [0, active) while nothing changes, and its output (plan.py)."""
        steps, x = [], None
        for u in self.units:
            u.active = active
            made = u.steady(t, n, x)
            if made is None:
                return None
            steps += made[0]
            x = made[1]
        return steps, x

    def resting(self, t: int) -> bool:
        return all(u.resting(t) for u in self.units)

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

    def end(self, row: int) -> int:
        """The first sample every unit that ends notes is silent from, on a row."""
        return max((int(u.end()[row]) for u in self.units if u.ends_notes), default=NEVER)

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
        self.stop = np.zeros(rows, dtype=np.int64)   # the first sample each row is silent from (_stopped)
        self.sounding_rows = None      # _rows' answer and the sample it holds until (a new tuple when it changes)
        self.changes = 0               # notes, releases, fades and clears so far
        self.chosen = (None, 0, 0, None)    # _choose's last answer: for (sample, changes), (row, stolen)
        units = self.chain.units      # an oscillator and its envelope (most voices): one compiled call
        self.plain = len(units) == 2 and isinstance(units[0], Oscillator) and isinstance(units[1], ADSR)

    def channels(self, inp):
        return self.chain.out_channels

    def _stopped(self, row: int) -> None:
        """A row's stop worked out again, after a note, a release or a fade on it: its units' end
        and the filters' tail after it, or its fade's end."""
        end = self.chain.end(row)
        end = end + self.tail if end < NEVER else NEVER
        if self.fade_at[row] < NEVER:
            end = min(end, int(self.fade_at[row]) + self.fade_len)
        self.stop[row] = end if self.on[row] >= 0 else 0
        self.sounding_rows = None
        self.changes += 1

    def fade(self, row: int, t: int) -> None:
        self.fade_at[row] = t
        self._stopped(row)

    def busy(self, t: int) -> np.ndarray:
        return self.stop > t

    def sounding(self, t: int) -> int:
        return int(self.busy(t).sum())

    def playing(self, t: int) -> np.ndarray:
        """Rows that sound and are not on their way out."""
        return self.busy(t) & (self.fade_at == NEVER)

    def clear(self, row, seed):
        self.on[row], self.fade_at[row] = -1, NEVER
        self._stopped(row)

    def _choose(self, t: int) -> tuple[int, int | None]:
        """The row a note at t takes, and the oldest playing row it steals (None: none); asked
        again for the same note (ahead, then note) with nothing changed between, the same answer."""
        if self.chosen[:2] == (t, self.changes):
            return self.chosen[2:]
        self.chosen = (t, self.changes, *self._choice(t))
        return self.chosen[2:]

    def _choice(self, t: int) -> tuple[int, int | None]:
        # a few rows: Python's lists are quicker than numpy's calls on them
        stop, fade_at, on = self.stop.tolist(), self.fade_at.tolist(), self.on.tolist()
        playing = [r for r, s in enumerate(stop) if s > t and fade_at[r] == NEVER]
        oldest = min(playing, key=on.__getitem__) if len(playing) >= self.count else None
        if oldest is not None:
            fade_at[oldest] = t          # still sounding while it fades: the free rows are as they were
        free = [r for r, s in enumerate(stop) if s <= t]
        if free:
            return free[0], oldest
        # more spares fading than spare rows: cut the oldest of them short
        return min((r for r, f in enumerate(fade_at) if f < NEVER), key=on.__getitem__), oldest

    def ahead(self, kind: str, at: int, t: int) -> bool:
        """Whether a note or release due at `at` can be applied at t, before the samples between
        render: a release always (its envelope lets go on its sample); a note when the voice is an
        oscillator and its envelope, whose phases can be set back to start on its sample (their
        pitch steady), and the row it takes is silent from t (nothing of an old note cut short)."""
        if kind == "release":
            return True
        if not self.plain or not self.chain.units[0].rolls(t):
            return False
        row, _ = self._choose(at)
        return self.stop[row] <= t

    def note(self, t, pitch, dur, velocity=1.0):
        row, oldest = self._choose(t)
        if oldest is not None:
            self.fade(oldest, t)
        self.notes += 1
        self.chain.clear(row, self.notes)
        self.chain.note(row, t, pitch, dur)
        self.on[row], self.pitch[row], self.velocity[row], self.fade_at[row] = t, pitch, velocity, NEVER
        self._stopped(row)

    def release(self, t, pitch=None):
        for row in np.flatnonzero(self.busy(t)):
            if pitch is None or self.pitch[row] == pitch:
                self.chain.release(row, t)
                self._stopped(row)

    def levels(self, t: int) -> np.ndarray:
        return self.velocity * self.chain.level(t)

    def _rows(self, t: int) -> int:
        """Rows up to the last that sounds at t (notes take the lowest free row, so sounding rows
        come first; 0: none). It holds until the first of them stops, or a note or fade."""
        if self.sounding_rows is None or t >= self.sounding_rows[1]:
            stops = self.stop.tolist()
            busy = [r for r, s in enumerate(stops) if s > t]
            self.sounding_rows = (busy[-1] + 1, min(stops[r] for r in busy)) if busy else (0, NEVER)
        return self.sounding_rows[0]

    def process(self, x, t, n):
        k = self._rows(t)
        if not k:
            self.chain.idle(t, n)
            return np.zeros((1, n) if self.chain.out_channels == 1 else (1, 2, n))
        mix = (self.fade_at, self.fade_len, self.stop, self.velocity)
        if self.plain:
            wave, envelope = self.chain.units
            wave.active = envelope.active = k
            out = np.empty((1, n))
            kernels.voices(*wave.wave(t, n), *envelope.envelope(t), *mix, out)
            return out
        y = self.chain.process(t, n, k)
        out = np.empty(y.shape[1:])
        kernels.mix_voices(np.ascontiguousarray(y).reshape(k, -1, n), t, *mix, out.reshape(-1, n))
        return out[None]

    def steady(self, t, n, x):
        k = self._rows(t)
        out = np.zeros((1, self.chain.out_channels, n))
        if not k:
            return ([], out) if self.chain.resting(t) else None
        mix = [self.fade_at, self.fade_len, self.stop, self.velocity, out[0]]
        if self.plain:
            wave, envelope = self.chain.units
            wave.active = envelope.active = k
            held = wave.held_wave(t, n)
            if held is None:
                return None
            turn, args = held
            return [turn, (kernels.voices, [*args, *envelope.envelope(t), *mix], len(args))], out
        made = self.chain.steady(t, n, k)
        if made is None:
            return None
        steps, y = made
        return steps + [(kernels.mix_voices, [y, t, *mix], 1)], out


def shed(pools: list[Voices], t: int) -> bool:
    """Fade out the quietest voice of all (the oldest of equals). False when none is left."""
    candidates = [(pool.levels(t)[row], pool.on[row], k, row)
                  for k, pool in enumerate(pools) for row in np.flatnonzero(pool.playing(t))]
    if not candidates:
        return False
    _, _, k, row = min(candidates)
    pools[k].fade(row, t)
    return True
