"""The engine clock: one tick per frame, with an injectable time source (pyglet's model).

Live shows read a monotonic clock; offline renders and tests step by frame index, so the same
inputs give the same frames. `dt` is capped so a stall (an artist saving a shader that takes a
second to compile) does not throw every animation forward by that second; `time` stays true.
"""
from __future__ import annotations

import time as _time

MAX_DT = 0.1


class Clock:
    def __init__(self, time_source=_time.perf_counter):
        self._source = time_source
        self._start = None
        self._last = None
        self.time = 0.0
        self.dt = 0.0
        self.frame = -1

    def tick(self) -> float:
        now = self._source()
        if self._start is None:
            self._start = self._last = now
        self.dt = min(max(now - self._last, 0.0), MAX_DT)
        self._last = now
        self.time = now - self._start
        self.frame += 1
        return self.dt

    @property
    def fps(self) -> float:
        return 1.0 / self.dt if self.dt > 0 else 0.0

    def carry_on(self, time: float, frame: int) -> "Clock":
        """From show time `time` after frame `frame` (an understudy taking over the show): the next
        tick is the next frame, as much later as has passed since this call."""
        self._start = self._source() - time
        self._last = self._source()
        self.time, self.frame = time, frame
        return self


class FrameClock(Clock):
    """Time is frame / fps exactly: no accumulation, no wall clock."""

    def __init__(self, fps: float, start_frame: int = 0):
        super().__init__(lambda: 0.0)
        self.rate = float(fps)
        self.frame = start_frame - 1

    def tick(self) -> float:
        self.frame += 1
        self.dt = 0.0 if self.frame == 0 else 1.0 / self.rate
        self.time = self.frame / self.rate
        return self.dt

    @property
    def fps(self) -> float:
        return self.rate
