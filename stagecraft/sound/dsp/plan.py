"""A track's block worked out once: the kernel calls that render it, replayed while nothing changes.

Most blocks of a show change nothing but the clock: no note starts, no parameter moves, the same
voices sound. Then every argument of every kernel a track calls is what it was the block before,
but the sample index. A plan is that list of calls, made by asking each unit what it would call
(`Ugen.steady`), writing into buffers of its own; the track replays it, which costs the kernels
and their dispatch and none of the walk over unit objects, parameters and numpy glue. It holds
until:

- a parameter of the track is set (`Param.set` tells its owner, which drops the plan and waits
  for the parameter to arrive),
- the rows its voices() unit runs change (a note, a release, a fade, a voice coming to its end),
- the block's size or buffers change (a plan is made for the graph's usual block size and
  buffers: the pieces a message cuts a block into run unit by unit, and leave the plan holding),
- the track is cleared or faults.

A track whose plan no longer holds makes a new one at its next block of the usual size, from the
units' state as it is, and runs it at once. Each call is the one `process` would make, on the
same state, so the samples are the same to the bit; a unit that cannot say (noise's generators,
a delay's lfilter, a sampler) leaves its track unplanned, as it always ran, and so does a moving
one (a vibrato, a glide) while it moves.
"""
from __future__ import annotations

import numpy as np

Step = tuple  # (kernel, [arguments], index of the sample index among them, or -1)


class Plan:
    __slots__ = ("steps", "n", "out", "voices", "rows")

    def __init__(self, steps: list[Step], n: int, out: np.ndarray, voices=None):
        self.steps, self.n, self.out = steps, n, out
        self.voices = voices                                  # the track's voices() unit, if any
        self.rows = voices.sounding_rows if voices is not None else (0, np.iinfo(np.int64).max)

    def holds(self, t: int, n: int, out: np.ndarray) -> bool:
        """Still the block it was made for: its size, the same mix buffer, the same sounding rows."""
        return (n == self.n and out is self.out and t < self.rows[1]
                and (self.voices is None or self.voices.sounding_rows is self.rows))

    def run(self, t: int) -> bool:
        """The block from sample t; False if a kernel found a sample that is not finite."""
        for kernel, args, at in self.steps:
            if at >= 0:
                args[at] = t
            if kernel(*args) is False:
                return False
        return True
