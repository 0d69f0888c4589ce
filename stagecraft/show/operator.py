"""What the operator is told: each problem once and plainly, on the terminal and in the overlay.

Never on the audience output. A problem repeats silently (counted) until it changes or clears.
The console (stagecraft/show/console.py) shows the running status; this is for what happened.
"""
from __future__ import annotations

import sys
import time
from collections import OrderedDict, deque

REMEMBERED = 4096   # problems kept in mind for "once": an installation runs for weeks


class Operator:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.recent: deque[str] = deque(maxlen=8)
        self.errors = 0
        self._told: OrderedDict[str, int] = OrderedDict()

    def tell(self, message: str, *, key: str | None = None, detail: str = "", error=False) -> bool:
        """Say it once per key (the message itself by default). Returns True if it was said now."""
        key = key or message
        if error:
            self.errors += 1
        if key in self._told:
            self._told[key] += 1
            return False
        self._told[key] = 1
        if len(self._told) > REMEMBERED:
            self._told.popitem(last=False)
        stamp = time.strftime("%H:%M:%S")
        self.recent.append(f"{stamp} {message}")
        print(f"[stagecraft {stamp}] {'ERROR' if error else 'note'}: {message}", file=self.stream)
        if detail:
            print(detail.rstrip(), file=self.stream)
        self.stream.flush()
        return True

    def clear(self, key: str) -> bool:
        """A problem was fixed: say it again if it comes back. True if it had been told."""
        return self._told.pop(key, None) is not None
