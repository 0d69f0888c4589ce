"""Parameters that move per sample, and the control grid that filters retune on.

Every value a unit reads is a function of the absolute sample index alone, never of where a block
happens to start: that is what makes a unit's output the same whether it runs in blocks of 1, 65
or 4097 frames. A new target starts a straight ramp from wherever the value is at that sample
(no zipper noise); filters, whose coefficients cost too much per sample, retune on a fixed grid
of absolute sample indices.
"""
from __future__ import annotations

import numpy as np

from .kernels import GRID, ramp

GLIDE_S = 0.02   # how long a parameter takes to reach a target unless told otherwise


class Param:
    __slots__ = ("start", "end", "t0", "t1", "held", "owner")

    def __init__(self, value: float):
        self.start = self.end = float(value)
        self.t0 = self.t1 = 0
        self.held = np.zeros(1)
        self.owner = None     # what keeps something worked out from this value (a track's plan): told of a set

    def set(self, value: float, t: int, length: int = 0) -> None:
        """Head for `value` from sample `t`, arriving `length` samples later (0: jump)."""
        self.start = self.at(t) if length > 0 else float(value)
        self.end = float(value)
        self.t0, self.t1 = t, t + max(int(length), 0)
        if self.owner is not None:
            self.owner.moved(self.t1)

    def settled(self, t: int) -> bool:
        return t >= self.t1

    def at(self, t: int) -> float:
        if t >= self.t1:
            return self.end
        return self.start + (self.end - self.start) * (max(t - self.t0, 0) / (self.t1 - self.t0))

    def values(self, t: np.ndarray) -> np.ndarray:
        """The value at each absolute sample in `t` (the same arithmetic as `at`); a ramp that
        starts later in the block holds its start until then."""
        if self.settled(int(t[0])):
            return np.full(t.shape, self.end)
        frac = np.maximum(t - self.t0, 0) / (self.t1 - self.t0)
        return np.where(t >= self.t1, self.end, self.start + (self.end - self.start) * frac)

    def block(self, t: int, n: int):
        """Per-sample values for [t, t + n): a float when settled, else an array (as `values`
        works them out, compiled)."""
        if self.settled(t):
            return self.end
        out = np.empty(n)
        ramp(self.start, self.end, self.t0, self.t1, t, out)
        return out

    def steady(self, t: int) -> np.ndarray | None:
        """What `samples` gives for every block from t on while nothing sets the value: the kept
        element; None while the value moves."""
        if not self.settled(t):
            return None
        self.held[0] = self.end
        return self.held

    def samples(self, t: int, n: int) -> np.ndarray:
        """As `block`, always an array, as compiled kernels take it: per sample, or when settled
        one element (kept, not made anew each block)."""
        held = self.steady(t)
        return held if held is not None else self.block(t, n)


def grid_points(t: int, n: int) -> np.ndarray:
    """The absolute grid samples in [t, t + n)."""
    first = -(-t // GRID) * GRID
    return np.arange(first, t + n, GRID)
