"""What every shader may read without asking: the sound's analysis and the operator's keyboard, as
textures held on fixed units for the whole run (picture/render.py names the units).

Shadertoy's audio texture is 512x2 (spectrum, waveform); ISF's audio and audioFFT images are one
row each, so they are those rows apart. Shadertoy's keyboard texture is 256x3, indexed by the
browser's key codes: row 0 held, row 1 pressed this frame, row 2 toggled by each press.
"""
from __future__ import annotations

import moderngl
import numpy as np
import pygame

from .units import AUDIO_UNIT, FFT_UNIT, KEYBOARD_UNIT, WAVE_UNIT

# pygame's keys as the browser's key codes (what Shadertoy's keyboard texture is indexed by)
_NAMED = {pygame.K_BACKSPACE: 8, pygame.K_TAB: 9, pygame.K_RETURN: 13, pygame.K_LSHIFT: 16, pygame.K_RSHIFT: 16,
          pygame.K_LCTRL: 17, pygame.K_RCTRL: 17, pygame.K_LALT: 18, pygame.K_RALT: 18, pygame.K_ESCAPE: 27,
          pygame.K_SPACE: 32, pygame.K_PAGEUP: 33, pygame.K_PAGEDOWN: 34, pygame.K_END: 35, pygame.K_HOME: 36,
          pygame.K_LEFT: 37, pygame.K_UP: 38, pygame.K_RIGHT: 39, pygame.K_DOWN: 40, pygame.K_DELETE: 46}


def key_code(key: int) -> int | None:
    if pygame.K_a <= key <= pygame.K_z:
        return 65 + key - pygame.K_a
    if pygame.K_0 <= key <= pygame.K_9:
        return 48 + key - pygame.K_0
    if pygame.K_F1 <= key <= pygame.K_F12:
        return 112 + key - pygame.K_F1
    return _NAMED.get(key)


class Keyboard:
    """The keys the operator holds, has just pressed, and has toggled."""

    def __init__(self):
        self.rows = np.zeros((3, 256), dtype=np.uint8)

    def down(self, key: int) -> None:
        code = key_code(key)
        if code is not None and not self.rows[0, code]:
            self.rows[0, code] = self.rows[1, code] = 255
            self.rows[2, code] ^= 255

    def up(self, key: int) -> None:
        code = key_code(key)
        if code is not None:
            self.rows[0, code] = 0

    def end_frame(self) -> None:
        self.rows[1] = 0


class Senses:
    def __init__(self, ctx: moderngl.Context, bins: int):
        self._textures = [(ctx.texture((bins, 2), 1, dtype="f4"), AUDIO_UNIT),
                          (ctx.texture((bins, 1), 1, dtype="f4"), WAVE_UNIT),
                          (ctx.texture((bins, 1), 1, dtype="f4"), FFT_UNIT),
                          (ctx.texture((256, 3), 1), KEYBOARD_UNIT)]
        for tex, _ in self._textures:
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        self._textures[1][0].filter = self._textures[2][0].filter = (moderngl.LINEAR, moderngl.LINEAR)

    def write(self, audio: np.ndarray, keys: np.ndarray) -> None:
        """audio: Shadertoy's (2, bins) rows; keys: the keyboard's (3, 256) rows."""
        audio = np.ascontiguousarray(audio, dtype="f4")
        for (tex, unit), data in zip(self._textures, (audio, audio[1], audio[0], keys)):
            tex.write(np.ascontiguousarray(data).tobytes())
            tex.use(unit)

    def release(self) -> None:
        for tex, _ in self._textures:
            tex.release()
