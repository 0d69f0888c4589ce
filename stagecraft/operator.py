"""What the operator is told: each problem once and plainly, on the terminal and in the overlay.

Never on the audience output. A problem repeats silently (counted) until it changes or clears.
"""
from __future__ import annotations

import sys
import time
from collections import deque


class Operator:
    def __init__(self, stream=None, status_every: float = 1.0):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.recent: deque[str] = deque(maxlen=8)
        self.errors = 0
        self.warnings = 0
        self._told: dict[str, int] = {}
        self._status_at = None
        self._status_every = status_every if self.tty else 10.0
        self._status_shown = False

    def tell(self, message: str, *, key: str | None = None, detail: str = "", error=False) -> bool:
        """Say it once per key (the message itself by default). Returns True if it was said now."""
        key = key or message
        if error:
            self.errors += 1
        else:
            self.warnings += 1
        if key in self._told:
            self._told[key] += 1
            return False
        self._told[key] = 1
        stamp = time.strftime("%H:%M:%S")
        self.recent.append(f"{stamp} {message}")
        self._clear_status()
        print(f"[stagecraft {stamp}] {'ERROR' if error else 'note'}: {message}", file=self.stream)
        if detail:
            print(detail.rstrip(), file=self.stream)
        self.stream.flush()
        return True

    def clear(self, key: str) -> bool:
        """A problem was fixed: say it again if it comes back. True if it had been told."""
        return self._told.pop(key, None) is not None

    def status(self, line: str, now: float) -> None:
        if self._status_at is None:
            self._status_at = now  # wait a period first, so the figures mean something
        if now - self._status_at < self._status_every:
            return
        self._status_at = now
        if self.tty:
            self.stream.write("\r\x1b[2K" + line)
            self._status_shown = True
        else:
            self.stream.write(f"[stagecraft] {line}\n")
        self.stream.flush()

    def _clear_status(self) -> None:
        if self._status_shown:
            self.stream.write("\r\x1b[2K")
            self._status_shown = False

    def close(self) -> None:
        if self._status_shown:
            self.stream.write("\n")
            self._status_shown = False
        self.stream.flush()
