"""What every unit generator shares: its parameters, its state, and how a note reaches it.

`process(x, t, n)` renders samples [t, t + n) of the absolute sample clock from input `x` (None
for a source; shape (n,) mono or (2, n) stereo) and carries its state on exactly where it
stopped. `clear(seed)` puts the state back to the start, as a voice does for each new note.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .smooth import Param

ANTI_DENORMAL = 1e-20  # added inside recursive loops so decaying tails never reach subnormal floats


@dataclass(frozen=True)
class Context:
    sr: int
    seed: int

    def derive(self, *names) -> "Context":
        """A seed of its own for each unit, stable across runs (Python's hash() is not)."""
        key = ":".join(map(str, (self.seed, *names))).encode()
        return Context(self.sr, zlib.crc32(key))


class Ugen:
    ends_notes = False   # an envelope or a sampler: a voice is over when these are

    def __init__(self, ctx: Context, params: dict, options: dict):
        self.ctx, self.sr = ctx, ctx.sr
        self.params = {k: Param(v) for k, v in params.items()}
        self.options = options

    def channels(self, inp: int) -> int:
        return inp

    def process(self, x, t: int, n: int):
        raise NotImplementedError

    def clear(self, seed: int) -> None:
        """Back to the initial state (parameters keep their values)."""

    def note(self, t: int, pitch: float, dur: int | None) -> None:
        """A note starts at sample t (dur samples long, or held when None)."""

    def release(self, t: int) -> None:
        """A held note lets go at sample t."""

    def end(self) -> int | None:
        """For units that end notes: the sample after which this one is silent; None while held."""
        return None

    def p(self, name: str, t: int, n: int):
        return self.params[name].block(t, n)


def midi_to_hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)


def silence(channels: int, n: int) -> np.ndarray:
    return np.zeros(n) if channels == 1 else np.zeros((2, n))
