"""The flash limiter on the output: every frame, before it is shown.

The picture is reduced on the GPU to a grid of mean colours in linear light; the small grid is
read back at once (the decision is for this frame, so it cannot wait a frame for an asynchronous
read); stagecraft.flash decides, per region, whether showing it would make a fourth flash within
a second, and if so how to hold it; the output pass applies that. Turning it off takes a flag that
says what it is (`--unsafe-no-flash-limit`).
"""
from __future__ import annotations

import moderngl
import numpy as np

from .flash import GRID, FlashCounter
from .render import Target
from .shaders import SHADER_DIR

CELLS = SHADER_DIR / "lib" / "flash_cells.frag"
DEFAULT_AREA = 0.005   # of the frame: less than one region of the 16x9 grid, so any region counts


class Limiter:
    def __init__(self, gfx, area: float = DEFAULT_AREA, tell=print):
        self.gfx = gfx
        self.area = area
        self.tell = tell
        self.counter = FlashCounter(GRID)
        self.program = gfx.shaders.program(CELLS, {})
        self.cells = Target(gfx.ctx, GRID, float_=True)
        self.terms = gfx.ctx.texture(GRID, 4, dtype="f4")
        self.terms.filter = (moderngl.NEAREST, moderngl.NEAREST)   # a region's blend is its own, exactly
        self.limited_frames = 0

    def check(self, picture, fade: float, now: float):
        """The texture of per-region terms to apply to this frame, or None when it may be shown as is."""
        self.gfx.renderer.shade(self.program, self.cells.back, GRID, [picture])
        cells = np.frombuffer(self.cells.back.read(components=4, dtype="f4"), "f4").reshape(GRID[1], GRID[0], 4)
        shown = cells[::-1, :, :3].astype(float) * fade       # as output.frag: the fade in linear light
        terms, verdict = self.counter.limit(shown, now, self.area)
        if not verdict.limited.any():
            return None
        self.limited_frames += 1
        self.tell(f"flash limiter: holding {int(verdict.limited.sum())} of {verdict.limited.size} regions "
                  f"so no more than three flashes a second reach the screen (counted as flash_limited_frames)",
                  key="flash:limited")
        self.terms.write(np.ascontiguousarray(terms[::-1], dtype="f4").tobytes())
        return self.terms

    def release(self) -> None:
        self.cells.release()
        self.terms.release()

