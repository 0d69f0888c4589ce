"""A progress bar on the terminal for renders: redrawn in place on a TTY, a few lines otherwise."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, label: str, stream=None):
        self.total = max(1, total)
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self._last_quarter = 0

    def update(self, done: int) -> None:
        frac = min(done / self.total, 1.0)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{self.label} [{bar:<30}] {frac:4.0%} {done}/{self.total} "
                              f"{elapsed:5.1f}s, {eta:4.1f}s left")
        elif int(frac * 4) > self._last_quarter:
            self._last_quarter = int(frac * 4)
            self.stream.write(f"{self.label}: {frac:.0%} ({done}/{self.total} frames, {elapsed:.1f}s)\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()
