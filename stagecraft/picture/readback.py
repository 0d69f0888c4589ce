"""Frames back from the GPU without waiting on it: for renders, recordings and NDI."""
from __future__ import annotations

from collections import deque

import moderngl
import numpy as np


SOFTWARE = ("llvmpipe", "softpipe", "SwiftShader")


class Readback:
    """Reads frames through a ring of pixel-buffer objects: the copy for frame N is started, and
    frame N-1 (long finished) is collected, so the CPU rarely waits on the GPU. On software GL
    there is no GPU to wait for and a pixel buffer is a second copy (1 ms of a 1080p frame's),
    so each frame is read straight into memory and handed back at once."""

    def __init__(self, ctx: moderngl.Context, size, depth: int = 2, components: int = 3):
        self.size = tuple(size)
        self.components = components
        self.direct = any(name in ctx.info.get("GL_RENDERER", "") for name in SOFTWARE)
        self._buffers = [] if self.direct else [ctx.buffer(reserve=self.size[0] * self.size[1] * components)
                                                 for _ in range(depth)]
        self._pending: deque[moderngl.Buffer] = deque()
        self._next = 0

    def request(self, fbo: moderngl.Framebuffer) -> np.ndarray | None:
        """Start reading `fbo`; returns the oldest frame if the ring is full, else None (on
        software GL, this frame, read now)."""
        w, h = self.size
        if self.direct:
            frame = np.empty((h, w, self.components), np.uint8)
            fbo.read_into(frame, viewport=(0, 0, w, h), components=self.components, alignment=1)
            return frame[::-1]
        out = self.collect() if len(self._pending) == len(self._buffers) else None
        buf = self._buffers[self._next]
        self._next = (self._next + 1) % len(self._buffers)
        fbo.read_into(buf, viewport=(0, 0, *self.size), components=self.components, alignment=1)
        self._pending.append(buf)
        return out

    def collect(self) -> np.ndarray | None:
        if not self._pending:
            return None
        data = self._pending.popleft().read()
        w, h = self.size
        return np.frombuffer(data, dtype=np.uint8).reshape(h, w, self.components)[::-1]

    def release(self) -> None:
        for b in self._buffers:
            b.release()
