"""What every unit generator shares: its parameters, its rows of state, and how a note reaches it.

Signals carry a leading axis of rows: (rows, n) mono, (rows, 2, n) stereo, time last. A track
has one row; a polyphonic track (voices) runs its chain once for all its voices, a row each, so
twelve voices cost one set of numpy calls rather than twelve. Parameters are shared by the rows.
Only rows [0, active) run in a block: voices(...) sets `active` to just past its last sounding
row, so three notes on a twelve-voice track cost three rows, not twelve.

`process(x, t, n)` renders samples [t, t + n) of the absolute sample clock from input `x` (None
for a source) and carries its state on exactly where it stopped. `clear(row, seed)` puts one
row back to the start, as a voice does for each new note.
"""
from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass

import numpy as np

from .smooth import Param

NEVER = np.iinfo(np.int64).max // 4   # the end of a note that is held


@dataclass(frozen=True)
class Context:
    sr: int
    seed: int
    rows: int = 1

    def derive(self, *names) -> "Context":
        """A seed of its own for each unit, stable across runs (Python's hash() is not)."""
        key = ":".join(map(str, (self.seed, *names))).encode()
        return dataclasses.replace(self, seed=zlib.crc32(key))

    def with_rows(self, rows: int) -> "Context":
        return dataclasses.replace(self, rows=rows)


class Ugen:
    ends_notes = False   # an envelope or a sampler: a voice is over when these are (each has end():
                         # per row, the first sample it is silent from, NEVER while held)

    def __init__(self, ctx: Context, params: dict, options: dict):
        self.ctx, self.sr, self.rows = ctx, ctx.sr, ctx.rows
        self.params = {k: Param(v) for k, v in params.items()}
        self.options = options
        self.active = self.rows

    def channels(self, inp: int) -> int:
        return inp

    def process(self, x, t: int, n: int):
        raise NotImplementedError

    def steady(self, t: int, n: int, x: np.ndarray | None) -> tuple[list, np.ndarray] | None:
        """For blocks of n from sample t on, while nothing changes (no parameter moves, no note):
        the kernel calls `process` would make on rows [0, active) of x (rows x channels x n, a
        buffer the calls before write), as plan.Step entries, and the buffer they leave the output
        in; None where they would differ from block to block, or the unit cannot say (plan.py)."""
        return None

    def resting(self, t: int) -> bool:
        """Whether `idle` does nothing from t on while nothing changes (it does nothing here)."""
        return True

    def idle(self, t: int, n: int) -> None:
        """In voices(...), a block in which no row sounds: move on only the state the rows share
        (per-row state is cleared before a row is used again), as process would have."""

    def clear(self, row: int, seed: int) -> None:
        """One row back to its initial state (parameters keep their values)."""

    def note(self, row: int, t: int, pitch: float, dur: int | None) -> None:
        """A note starts on a row at sample t (dur samples long, or held when None)."""

    def release(self, row: int, t: int) -> None:
        """A row's held note lets go at sample t."""

    def p(self, name: str, t: int, n: int):
        return self.params[name].block(t, n)

    def samples(self, name: str, t: int, n: int) -> np.ndarray:
        return self.params[name].samples(t, n)


def nonzero(value) -> bool:
    """Whether a parameter block (a float once settled, else an array) is anywhere not zero;
    the float case skips numpy's call, which costs more than the test."""
    return value != 0.0 if isinstance(value, float) else bool(np.any(value))


def midi_to_hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)
