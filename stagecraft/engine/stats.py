"""Frame timing and the counters a run reports (`--stats FILE.json`, the overlay, the status line)."""
from __future__ import annotations

import json
import math
import os
import time
from collections import deque

import numpy as np


IMPORTED = time.monotonic()     # where a process's age cannot be read, it counts from here


def process_age() -> float:
    """Seconds since this process started: from the kernel's own record where there is one (so the
    interpreter's start and every import count), else since this module was imported."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", encoding="ascii") as f:
            return max(0.0, float(f.read().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return time.monotonic() - IMPORTED


class Histogram:
    """Whole-run percentiles in constant memory: counts in log-spaced bins about 0.8% wide, from
    10 us to 100 s. An installation runs for weeks; a list of every frame time would grow by
    megabytes a day."""

    LO, HI, BINS = 1e-5, 100.0, 2000

    def __init__(self):
        self.counts = np.zeros(self.BINS + 2, np.int64)       # with one bin each below and above
        self._scale = self.BINS / math.log(self.HI / self.LO)

    def add(self, x: float) -> None:
        k = math.floor(math.log(x / self.LO) * self._scale) + 1 if x > self.LO else 0
        self.counts[min(max(k, 0), self.BINS + 1)] += 1

    def __len__(self) -> int:
        return int(self.counts.sum())

    def above(self, x: float) -> int:
        """How many values were above x (to a bin's width, 0.8%)."""
        k = math.floor(math.log(x / self.LO) * self._scale) + 1 if x > self.LO else 0
        return int(self.counts[min(max(k + 1, 0), self.BINS + 1):].sum())

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100), as its bin's geometric middle; 0.0 when empty."""
        total = len(self)
        if total == 0:
            return 0.0
        k = int(np.searchsorted(np.cumsum(self.counts), q / 100.0 * total, side="left"))
        k = min(max(k, 1), self.BINS)
        return self.LO * math.exp((k - 0.5) / self._scale)


class FrameStats:
    """Intervals between frames (what the audience sees) and the work inside them."""

    def __init__(self, window: int = 600):
        self.start_s: float | None = None     # process start to the first frame presented
        self.frames = 0
        self.seconds = 0.0
        self._intervals: deque[float] = deque(maxlen=window)
        self._work: deque[float] = deque(maxlen=window)
        self._all_intervals = Histogram()

    def add(self, interval: float, work: float) -> None:
        if self.start_s is None:
            self.start_s = process_age()
        self.frames += 1
        if interval > 0:
            self.seconds += interval
            self._intervals.append(interval)
            self._all_intervals.add(interval)
        self._work.append(work)

    def recent(self) -> dict:
        """Percentiles over the last few hundred frames, for the overlay and status line."""
        iv = np.array(self._intervals or [0.0]) * 1000.0
        wk = np.array(self._work or [0.0]) * 1000.0
        return {"fps": 1000.0 / iv.mean() if iv.mean() > 0 else 0.0,
                "p50": float(np.percentile(iv, 50)), "p99": float(np.percentile(iv, 99)),
                "work_p50": float(np.percentile(wk, 50)), "work_p99": float(np.percentile(wk, 99))}

    def summary(self, **counters) -> dict:
        iv = self._all_intervals
        out = {"start_s": None if self.start_s is None else round(self.start_s, 3),
               "frames": self.frames, "seconds": round(self.seconds, 3),
               "fps_mean": round(len(iv) / self.seconds, 2) if self.seconds else 0.0,
               "frame_ms_p50": round(iv.percentile(50) * 1000.0, 3),
               "frame_ms_p99": round(iv.percentile(99) * 1000.0, 3),
               "frames_over_20ms": iv.above(0.020)}
        out.update(counters)
        return out

    def write(self, path, **counters) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.summary(**counters), f, indent=2)
            f.write("\n")
