"""How much a camera's picture moves, and how much of it someone fills: two numbers from 0 to 1 a
piece reads (stage.camera_motion, stage.camera_presence), worked out on the capture thread from a
small grey copy of each frame, so they cost the frame loop nothing.

Presence is the part of the picture unlike the empty room. The room is learnt as it goes: fast
where nothing differs (daylight drifting, a lamp coming on), slowly where something does, so a
visitor standing still fades from presence over about half a minute rather than at once.
"""
from __future__ import annotations

import cv2
import numpy as np

SMALL = (64, 36)
DIFFERENT = 25 / 255        # a pixel this far from the room is someone
ROOM_RATE = 0.05            # where the picture is the room
SOMEONE_RATE = 0.002        # where someone is: about 30 s at 30 frames a second
MOTION_FULL = 0.08          # a mean change this large between frames is full motion


class Measures:
    def __init__(self):
        self._last: np.ndarray | None = None
        self._room: np.ndarray | None = None

    def __call__(self, bgr: np.ndarray) -> tuple[float, float]:
        small = cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), SMALL, interpolation=cv2.INTER_AREA)
        small = small.astype(np.float32) / 255.0
        if self._last is None or self._last.shape != small.shape:
            self._last, self._room = small, small.copy()
            return 0.0, 0.0
        motion = min(float(cv2.absdiff(small, self._last).mean()) / MOTION_FULL, 1.0)
        someone = cv2.absdiff(small, self._room) > DIFFERENT
        presence = float(someone.mean())
        cv2.accumulateWeighted(small, self._room, ROOM_RATE, mask=(~someone).astype(np.uint8))
        cv2.accumulateWeighted(small, self._room, SOMEONE_RATE, mask=someone.astype(np.uint8))
        self._last = small
        return motion, presence
