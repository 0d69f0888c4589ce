"""Each output's calibration card, shown in place of its part of the canvas while the calibration
piece asks for cards or `/mapping/identify` runs. Drawn once, the first time it is shown, the
size of the output's source rectangle in canvas pixels: pinned right, its circles are round."""
from __future__ import annotations

import string

import numpy as np

from ..picture.render import Target
from ..picture.shaders import SHADER_DIR
from .mapping import Output

CARD = SHADER_DIR / "lib" / "card.frag"
BLIT = SHADER_DIR / "lib" / "blit.frag"
CELLS = 8                   # rows of square cells, as card.frag draws them
NAME = (0.24, 0.96, 1.0, 1.0)
LABEL = (1.0, 1.0, 1.0, 1.0)
PANEL = (0.0, 0.0, 0.0, 0.85)


class Cards:
    def __init__(self, gfx):
        self.gfx = gfx
        self._cards: dict[str, Target] = {}     # one an output, at its latest size

    def texture(self, o: Output, canvas_size):
        size = tuple(max(16, round(o.source[2 + i] * canvas_size[i])) for i in (0, 1))
        card = self._cards.get(o.name)
        if card is None or tuple(card.size) != size:
            if card is not None:
                card.release()          # a canvas resized, or a source rectangle changed: not kept
            card = self._cards[o.name] = self._draw(o.name, size)
        return card.texture

    def _draw(self, name: str, size) -> Target:
        w, h = size
        target = Target(self.gfx.renderer.ctx, size, pixels=size)
        r = self.gfx.renderer
        r.shade(self.gfx.shaders.program(CARD, {}), target.framebuffer, size)
        cell = h / CELLS
        left = w / 2 - int(w / 2 // cell) * cell        # the first grid line from the left
        centres = [x for x in (left + (k - 0.5) * cell for k in range(int(w // cell) + 3)) if 0 < x < w]
        labels = [(string.ascii_uppercase[i % 26], x, h - cell / 2) for i, x in enumerate(centres)]
        labels += [(str(j), centres[0], h - (j - 0.5) * cell) for j in range(2, CELLS - 1)]
        px = max(8, round(cell * 0.3))
        self._text(target, [(text, x, y, px, LABEL) for text, x, y in labels if 0 < x < w])
        self._text(target, [(name, w / 2, h / 2, max(12, round(h * 0.14)), NAME)], panel=True)
        return target

    def _text(self, target: Target, items, panel=False) -> None:
        r, (w, h) = self.gfx.renderer, target.size
        blit = self.gfx.shaders.program(BLIT, {})
        for text, x, y, px, color in items:
            tex = self.gfx.text.texture(text, "mono", px)
            rect = np.array([[x / w, y / h, tex.width / h, tex.height / h]], "f4")
            if panel:
                box = rect + (0, 0, px / h, px * 0.4 / h)
                r.draw(blit, target.framebuffer, target.size, box, [r.white], {"tint": PANEL}, blend=True)
            r.draw(blit, target.framebuffer, target.size, rect, [tex], {"tint": color}, blend=True)

    def release(self) -> None:
        for target in self._cards.values():
            target.release()
        self._cards.clear()
