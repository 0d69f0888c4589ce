"""The camera as the frame loop sees it: the newest frame, uploaded once a frame into a texture a
piece reads as a channel (`channels=[stage.camera]`), with its motion and presence. A lost camera
leaves its last frame in place, a still, and the operator is told once, and again when it is back."""
from __future__ import annotations

import importlib.util

import moderngl

from ..crossings import LatestFrame


def available() -> bool:
    return importlib.util.find_spec("cv2") is not None


class Camera:
    def __init__(self, ctx: moderngl.Context, source: str, operator):
        self.ctx, self.source, self.operator = ctx, source, operator
        self.slot = LatestFrame()
        self.texture = self._texture((2, 2))
        self.texture.write(bytes(16))       # black until the first frame
        self.index = 0              # the capture's number of the frame shown; 0: none yet
        self.stamp = 0.0            # when it was read (time.perf_counter())
        self.motion = self.presence = 0.0
        self.uploads = 0
        self._state = "opening"
        from .capture import Capture        # OpenCV (the camera extra) only when a camera is asked for
        self._capture = Capture(source, self.slot)

    def _texture(self, size) -> moderngl.Texture:
        tex = self.ctx.texture(size, 4)
        tex.swizzle = "BGR1"        # OpenCV's order, read as RGB without a copy
        tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        tex.repeat_x = tex.repeat_y = False
        return tex

    def update(self) -> None:
        frame = self.slot.take()
        if frame is not None:
            h, w = frame.pixels.shape[:2]
            if self.texture.size != (w, h):
                self.texture.release()
                self.texture = self._texture((w, h))
            self.texture.write(frame.pixels)
            self.index, self.stamp, self.motion, self.presence = frame.index, frame.stamp, frame.motion, frame.presence
            self.uploads += 1
        state = self.slot.state
        if state != self._state:
            self._told(state)
            self._state = state

    def _told(self, state: str) -> None:
        key = f"camera {self.source}"
        if state == "live":
            if self.operator.clear(key):
                self.operator.tell(f"camera back: {self.source}")
            return
        self.motion = self.presence = 0.0      # nobody is seen moving, or standing, by a lost camera
        kept = "showing its last frame" if self.index else "showing black"
        self.operator.tell(f"camera lost: {state}; {kept}, trying again", key=key, error=True)

    def uniforms(self) -> dict:
        return {"iCameraMotion": self.motion, "iCameraPresence": self.presence}

    def close(self) -> None:
        self._capture.stop()
        self.texture.release()
