"""NDI out: the canvas the flash limiter let through, or one output's view, as an NDI source that
Resolume, OBS, vMix or a media server on the network can take. The frame loop starts reading frame
N back and hands an earlier one (long finished: N-2 on a GPU, N itself on software GL, where
the read is a copy made at once) to the sender's thread through a LatestFrame; that
thread turns it top row first and gives it to NDI asynchronously, so the frame never waits for
NDI's compression or the network, and a slow network drops frames rather than queueing them.

cyndilib (the `ndi` extra) carries the NDI runtime in its wheel. NDI® is a registered trademark
of Vizrt NDI AB; the runtime's licence is in the README.
"""
from __future__ import annotations

import importlib.util
import threading
from fractions import Fraction

import moderngl
import numpy as np

from ..crossings import LatestFrame
from ..picture.readback import Readback


def available() -> bool:
    return importlib.util.find_spec("cyndilib") is not None


class NdiOut:
    def __init__(self, ctx: moderngl.Context, name: str, size, fps: float):
        from cyndilib.sender import Sender
        from cyndilib.video_frame import VideoSendFrame
        from cyndilib.wrapper.ndi_structs import FourCC
        self.name, self.size = name, tuple(size)
        frame = VideoSendFrame()
        frame.set_resolution(*self.size)
        frame.set_fourcc(FourCC.RGBX)      # alpha is always 1: no alpha plane for NDI to compress
        frame.set_frame_rate(Fraction(round(fps * 1000), 1000))
        self._sender = Sender(name, clock_video=False)     # NDI's clock would make each send wait its turn
        self._sender.set_video_frame(frame)
        self._sender.open()                 # here, not on its thread: a refusing runtime is told at start
        self._readback = Readback(ctx, self.size, components=4)
        self._slot = LatestFrame()
        self._stop = threading.Event()
        self.sent = 0
        self._thread = threading.Thread(target=self._run, name="ndi", daemon=True)
        self._thread.start()

    def send(self, fbo: moderngl.Framebuffer) -> None:
        """Start reading this frame back; the one before goes to the sender's thread."""
        done = self._readback.request(fbo)
        if done is not None:
            self._slot.put(done)

    def _run(self) -> None:
        while not self._stop.is_set():
            frame = self._slot.wait(0.25)
            if frame is not None:
                self._sender.write_video_async(np.ascontiguousarray(frame).ravel())
                self.sent += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5.0)
        self._sender.close()                # flushes the frame NDI still holds
        self._readback.release()
