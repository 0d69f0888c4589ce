"""`--hash-frames FILE`: a line per frame, `frame_index show_time_s sha1`, so two runs or two
machines can compare frames exactly rather than by eye.

What is hashed is the canvas as the flash limiter hands it on (the picture the audience is meant
to see, at the canvas's size), before any output mapping: the bytes of its pixels as RGB, rows
from the top. Frames are read back without waiting on the GPU (picture.readback), so their lines
follow a frame or two behind; closing writes the rest.
"""
from __future__ import annotations

import hashlib
from collections import deque
from pathlib import Path

import moderngl
import numpy as np

from ..picture.readback import Readback


def line(index: int, time: float, pixels: np.ndarray) -> str:
    return f"{index} {time:.6f} {hashlib.sha1(np.ascontiguousarray(pixels).tobytes()).hexdigest()}\n"


class FrameHashes:
    def __init__(self, ctx: moderngl.Context, path: Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.ctx = ctx
        # a line written as each frame is hashed: what an engine killed mid-show (a machine that lost
        # its power, a crash) had shown is still on record to compare
        self.file = open(path, "w", encoding="ascii", buffering=1)
        self.readback: Readback | None = None
        self.waiting: deque[tuple[int, float]] = deque()     # frames read but not yet hashed

    def add(self, framebuffer: moderngl.Framebuffer, size, index: int, time: float) -> None:
        if self.readback is None or self.readback.size != tuple(size):
            self._collect()                # a new canvas size: the frames of the old one first
            self.readback = Readback(self.ctx, size)
        self.waiting.append((index, time))
        pixels = self.readback.request(framebuffer)
        if pixels is not None:
            self.file.write(line(*self.waiting.popleft(), pixels))

    def _collect(self) -> None:
        while self.waiting:
            self.file.write(line(*self.waiting.popleft(), self.readback.collect()))
        if self.readback:
            self.readback.release()

    def close(self) -> None:
        self._collect()
        self.file.close()
