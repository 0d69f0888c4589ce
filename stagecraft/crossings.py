"""Where work crosses between threads and processes. Each crossing is one named class here.

Everything else in the engine runs on the frame loop's thread and needs no locks.
"""
from __future__ import annotations

import os
import threading
from collections import deque


class OscInbox:
    """OSC receiver threads -> the frame loop.

    A receiver puts the messages of one datagram in one call, so a bundle is never split across
    frames; the frame loop takes what is there once per frame. Bounded in messages: when it is
    full, `put` refuses the whole delivery at once and never blocks, so a flood costs the flooder
    and not the show.
    """

    def __init__(self, capacity: int = 65536):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._items: deque = deque()
        self._count = 0

    def put(self, delivery, size: int) -> bool:
        """Queue one delivery of `size` messages; False (and nothing queued) when it does not fit."""
        with self._lock:
            if self._count + size > self.capacity:
                return False
            self._items.append((delivery, size))
            self._count += size
            return True

    def take(self, budget: int) -> list:
        """Deliveries in arrival order, whole, up to `budget` messages (but always the first);
        the rest wait for the next frame."""
        out = []
        with self._lock:
            while self._items and (not out or self._items[0][1] <= budget):
                delivery, size = self._items.popleft()
                self._count -= size
                budget -= size
                out.append(delivery)
        return out

    def __len__(self) -> int:
        return self._count


class Heartbeat:
    """The engine process -> its installation supervisor: a byte down a pipe, at most twice a
    second, from the frame loop. A frame loop that stops beating is hung, and gets restarted.

    The supervisor makes the pipe and names its writing end in STAGECRAFT_HEARTBEAT_FD."""

    ENV = "STAGECRAFT_HEARTBEAT_FD"
    EVERY_S = 0.5

    def __init__(self, fd: int | None):
        self.fd = fd
        self._at = -1e9

    @classmethod
    def from_env(cls) -> "Heartbeat":
        value = os.environ.get(cls.ENV)
        return cls(int(value) if value and value.isdigit() else None)

    def beat(self, now: float) -> None:
        if self.fd is None or now - self._at < self.EVERY_S:
            return
        self._at = now
        try:
            os.write(self.fd, b".")
        except (BlockingIOError, BrokenPipeError, OSError):
            self.fd = None  # the supervisor has gone; the show goes on without it
