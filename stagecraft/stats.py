"""Frame timing and the counters a run reports (`--stats FILE.json`, the overlay, the status line)."""
from __future__ import annotations

import json
from collections import deque

import numpy as np


class FrameStats:
    """Intervals between frames (what the audience sees) and the work inside them."""

    def __init__(self, window: int = 600):
        self.frames = 0
        self.seconds = 0.0
        self._intervals: deque[float] = deque(maxlen=window)
        self._work: deque[float] = deque(maxlen=window)
        self._all_intervals: list[float] = []

    def add(self, interval: float, work: float) -> None:
        self.frames += 1
        if interval > 0:
            self.seconds += interval
            self._intervals.append(interval)
            self._all_intervals.append(interval)
        self._work.append(work)

    def recent(self) -> dict:
        """Percentiles over the last few hundred frames, for the overlay and status line."""
        iv = np.array(self._intervals or [0.0]) * 1000.0
        wk = np.array(self._work or [0.0]) * 1000.0
        return {"fps": 1000.0 / iv.mean() if iv.mean() > 0 else 0.0,
                "p50": float(np.percentile(iv, 50)), "p99": float(np.percentile(iv, 99)),
                "work_p50": float(np.percentile(wk, 50)), "work_p99": float(np.percentile(wk, 99))}

    def summary(self, **counters) -> dict:
        iv = np.array(self._all_intervals or [0.0]) * 1000.0
        out = {"frames": self.frames, "seconds": round(self.seconds, 3),
               "fps_mean": round(len(self._all_intervals) / self.seconds, 2) if self.seconds else 0.0,
               "frame_ms_p50": round(float(np.percentile(iv, 50)), 3),
               "frame_ms_p99": round(float(np.percentile(iv, 99)), 3)}
        out.update(counters)
        return out

    def write(self, path, **counters) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.summary(**counters), f, indent=2)
            f.write("\n")
