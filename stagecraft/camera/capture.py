"""The camera's own thread: it opens the source (a camera's index, a video file, or a stream's URL
such as udp://127.0.0.1:5000), reads each frame as it comes, turns it bottom row first for GL
and four bytes a pixel (llvmpipe uploads BGRA twelve times faster than BGR), measures it, and
puts it in the LatestFrame slot. A file is paced to its own frame rate and
loops; a lost source is opened again with back-off. Nothing else touches the VideoCapture.

OpenCV's FFmpeg backend takes its options from OPENCV_FFMPEG_CAPTURE_OPTIONS, read at each open:
for a stream `fflags;nobuffer` unless the venue sets its own (a stream from our own low-latency
sender can add `+nofillin+noparse`: 2.6 ms on loopback against 36); for a file none (with
nobuffer an MP4 opens and gives no frame). It is set when the capture is made, before its thread.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..crossings import LatestFrame
from .measure import Measures

OPEN_TIMEOUT_MS = 3000
READ_TIMEOUT_MS = 1000      # a stream silent this long is lost (OpenCV's own default waits 30 s)
BACKOFF_S = (0.25, 2.0)
MAX_WIDTH = 1280            # wider frames are scaled here: the upload is what the frame loop pays
VENUE_OPTIONS = os.environ.get("OPENCV_FFMPEG_CAPTURE_OPTIONS", "fflags;nobuffer")     # as the venue set it


@dataclass(frozen=True)
class Frame:
    index: int              # counted from 1 since the capture began
    stamp: float            # time.perf_counter() when it was read
    pixels: np.ndarray      # BGRA, bottom row first (GL's order), uint8
    motion: float
    presence: float


def kind(source: str) -> str:
    return "camera" if source.isdigit() else "file" if Path(source).is_file() else "stream"


class Capture:
    def __init__(self, source: str, slot: LatestFrame):
        self.source = source
        self.kind = kind(source)
        self.slot = slot
        self._measures = Measures()
        self._index = 0
        self._stop = threading.Event()
        # set here, before the thread starts, never from it (setenv races getenv elsewhere)
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = VENUE_OPTIONS if self.kind == "stream" else ""
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")     # a stream joined midway: libav's every complaint
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)   # we tell the operator ourselves
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
        self._thread.start()

    def _open(self) -> cv2.VideoCapture:
        if self.kind == "camera":
            cap = cv2.VideoCapture(int(self.source))
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)        # a camera's driver queue: the newest frame only
            return cap
        return cv2.VideoCapture(self.source, cv2.CAP_FFMPEG, [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS, cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS,
            cv2.CAP_PROP_N_THREADS, 1])                 # threaded decoding holds frames back

    def _run(self) -> None:
        delay = BACKOFF_S[0]
        while not self._stop.is_set():
            cap = self._open()
            if not cap.isOpened():
                self.slot.state = f"cannot open {self.source}"
            elif self._read(cap):
                delay = BACKOFF_S[0]
            cap.release()
            if self.kind == "file" and self.slot.state == "live":
                continue                                # the end of a file: from the top again
            self._stop.wait(delay)
            delay = min(delay * 2, BACKOFF_S[1])

    def _read(self, cap: cv2.VideoCapture) -> bool:
        """Frames until the source ends or is lost; whether any came."""
        fps = cap.get(cv2.CAP_PROP_FPS) if self.kind == "file" else 0.0
        period = 1.0 / fps if 0 < fps < 1000 else 0.0
        deadline, got = time.perf_counter(), False
        while not self._stop.is_set():
            ok, bgr = cap.read()
            if not ok:
                if self.kind != "file" or not got:
                    self.slot.state = f"no picture from {self.source} for {READ_TIMEOUT_MS / 1000:g} s" \
                        if got else f"{self.source} opened but sends no picture"
                return got
            if period:                                  # a file is read at its own pace, not at once
                deadline += period
                wait = deadline - time.perf_counter()
                if wait > 0:
                    self._stop.wait(wait)
                elif wait < -period:
                    deadline = time.perf_counter()
            got = True
            self._publish(bgr)
        return got

    def _publish(self, bgr: np.ndarray) -> None:
        if bgr.shape[1] > MAX_WIDTH:
            bgr = cv2.resize(bgr, (MAX_WIDTH, round(bgr.shape[0] * MAX_WIDTH / bgr.shape[1])),
                             interpolation=cv2.INTER_AREA)
        motion, presence = self._measures(bgr)
        self._index += 1
        pixels = cv2.cvtColor(cv2.flip(bgr, 0), cv2.COLOR_BGR2BGRA)
        self.slot.put(Frame(self._index, time.perf_counter(), pixels, motion, presence))
        self.slot.state = "live"

    def stop(self, timeout: float = 5.0) -> None:
        """Stops within the read timeout (a blocked read returns only then)."""
        self._stop.set()
        self._thread.join(timeout)
