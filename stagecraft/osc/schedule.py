"""Bundles dated in the future, held on the frame loop until their time comes.

Bounded in count here and in horizon at the receivers, so a sender whose clock is wrong cannot
fill memory; python-osc instead sleeps inside its receive path until the bundle is due.
"""
from __future__ import annotations

import heapq
import itertools

CAPACITY = 4096


class Schedule:
    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self._heap: list = []
        self._order = itertools.count()  # equal times keep arrival order: a bundle stays in order

    def __len__(self) -> int:
        return len(self._heap)

    def add(self, due: float, item) -> bool:
        if len(self._heap) >= self.capacity:
            return False
        heapq.heappush(self._heap, (due, next(self._order), item))
        return True

    def pop_due(self, now: float) -> list:
        out = []
        while self._heap and self._heap[0][0] <= now:
            out.append(heapq.heappop(self._heap)[2])
        return out
