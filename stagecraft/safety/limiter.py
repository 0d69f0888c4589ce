"""The flash limiter on the output: every frame, before it is shown, at the canvas's size.

Two small passes measure, exactly, each region's mean colour in linear light in the piece's
picture (after the fade); the means are read back at once (the decision is for this frame, so it
cannot wait a frame for an asynchronous read); stagecraft.safety.hold plans how far to blend each region
toward last frame's picture; the output pass applies the plan and the fade into the frame to
show, which is kept for the next frame to blend toward. A calm frame is copied as it is.
After a blended frame the same passes measure what was shown: rounded to bytes, a blend that
moves a region less than a byte a frame stalls where the plan's arithmetic goes on moving, and
over a long exposure the two drifted apart by more than a flash's step (a strobe at 23 Hz, seed
431 in tests/test_limiter.py). The plan counts what the screen showed, not what it meant to.
Turning it off takes a flag that says what it is (`--unsafe-no-flash-limit`): then only the fade
is applied.
"""
from __future__ import annotations

import moderngl
import numpy as np

from .flash import GRID, bounds
from .hold import Hold
from ..picture.render import park
from ..picture.shaders import SHADER_DIR

ROWS = SHADER_DIR / "lib" / "flash_rows.frag"
CELLS = SHADER_DIR / "lib" / "flash_cells.frag"
OUTPUT = SHADER_DIR / "output.frag"
DEFAULT_AREA = 0.005   # of the frame: less than one region of the 16x9 grid, so any region counts


def _region_quads(size) -> np.ndarray:
    """One instance rectangle per region, rows from the top, each covering exactly the pixels the
    checker counts in it: centre x, y (0..1, from the bottom) and width, height in heights."""
    w, h = size
    xs, ys = bounds(w, GRID[0]), h - bounds(h, GRID[1])
    x0, y0 = np.meshgrid(xs[:-1], ys[1:])
    x1, y1 = np.meshgrid(xs[1:], ys[:-1])
    return np.stack([(x0 + x1) / (2 * w), (y0 + y1) / (2 * h), (x1 - x0) / h, (y1 - y0) / h], axis=-1).reshape(-1, 4)


def _image(ctx, size, dtype="f1", filter_=moderngl.NEAREST):
    tex = ctx.texture(size, 4, dtype=dtype)
    tex.filter = (filter_, filter_)
    tex.repeat_x = tex.repeat_y = False
    return tex, ctx.framebuffer(color_attachments=[tex])


class Limiter:
    def __init__(self, gfx, area: float = DEFAULT_AREA, tell=print, limit: bool = True):
        self.gfx = gfx
        self.ctx = gfx.ctx
        self.area, self.tell, self.limit = area, tell, limit
        self.rows_program = gfx.shaders.program(ROWS, {})
        self.cells_program = gfx.shaders.program(CELLS, {})
        self.output = gfx.shaders.program(OUTPUT, {})
        self.cells = _image(self.ctx, GRID, dtype="f4")
        self.size = None
        self.rows = None
        self.shown: list[tuple[moderngl.Texture, moderngl.Framebuffer]] = []
        self.limited_frames = 0
        self.guarded_frames = 0
        self.blended = False
        self.hold = Hold(GRID, area)

    def _resize(self, size) -> None:
        """A new canvas size starts the count afresh: its regions are other pixels."""
        self._release_sized()
        self.size = tuple(size)
        self.rows = _image(self.ctx, (GRID[0], self.size[1]), dtype="f4")
        self.shown = [_image(self.ctx, self.size, filter_=moderngl.LINEAR) for _ in range(2)]   # scaled to a screen
        for _, fbo in self.shown:
            fbo.use()
            fbo.clear(0.0, 0.0, 0.0, 1.0)
        self.hold = Hold(GRID, self.area)
        self.blended = False
        self.regions = _region_quads(self.size)

    def frame(self, picture, fade: float, now: float) -> tuple[moderngl.Texture, moderngl.Framebuffer]:
        """The frame to show for `picture` (a canvas target), canvas-sized. Regions left as they
        are copied; the others are drawn through output.frag."""
        if tuple(picture.size) != self.size:
            self._resize(picture.size)
        k = self._plan(picture, fade, now) if self.limit else np.zeros(len(self.regions))
        last_tex, _ = self.shown[0]
        _, next_fbo = self.shown[1]
        drawn = np.ones_like(k, bool) if fade < 1.0 else k > 0
        if not drawn.all():
            self.ctx.copy_framebuffer(next_fbo, picture.framebuffer)
        if drawn.any():
            quads = np.concatenate([self.regions, k[:, None], np.zeros((k.size, 3))], axis=1)[drawn]
            self.gfx.renderer.draw(self.output, next_fbo, self.size, quads, [picture.texture, last_tex],
                                   {"uFade": fade})
        self.shown.reverse()
        self.blended = bool(k.any())
        return self.shown[0]

    def _plan(self, picture, fade: float, now: float) -> np.ndarray:
        """Per region (rows from the top) how far to blend toward last frame."""
        shown = self._means(self.shown[0][0], 1.0) if self.blended else None
        plan = self.hold.plan(self._means(picture.texture, fade), now, shown)
        if not plan.k.any():
            return plan.k
        self.limited_frames += 1
        self.guarded_frames += plan.guarded > 0
        self.tell(f"flash limiter: easing {int((plan.k > 0).sum())} of {plan.k.size} regions so no more than "
                  f"three flashes a second reach the screen (counted as flash_limited_frames)", key="flash:limited")
        return plan.k

    def _means(self, texture, fade: float) -> np.ndarray:
        """Each region's mean linear colour in `texture` times `fade`, (regions, 3), rows from the top."""
        r = self.gfx.renderer
        r.shade(self.rows_program, self.rows[1], (GRID[0], self.size[1]), [texture], {"uColumns": GRID[0], "uFade": fade})
        r.shade(self.cells_program, self.cells[1], GRID, [self.rows[0]], {"uRows": GRID[1]})
        means = np.frombuffer(self.cells[0].read(), "f4").reshape(GRID[1], GRID[0], 4)[::-1, :, :3]
        return means.reshape(-1, 3).astype(float)

    def _release_sized(self) -> None:
        park(self.ctx)
        for tex, fbo in ([self.rows] if self.rows else []) + self.shown:
            fbo.release()
            tex.release()
        self.rows, self.shown = None, []

    def release(self) -> None:
        self._release_sized()
        for obj in self.cells[::-1]:
            obj.release()
