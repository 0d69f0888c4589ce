"""The operator overlay: fps, frame times, piece, cue and errors, drawn over the output on demand.

It is drawn after the output pass, onto the window only: never into renders or recordings.
"""
from __future__ import annotations

import numpy as np

from .shaders import SHADER_DIR

BLIT = SHADER_DIR / "lib" / "blit.frag"
PANEL = (0.0, 0.0, 0.0, 0.72)
TEXT = (0.24, 0.96, 1.0, 1.0)   # AR cyan
ERROR = (1.0, 0.45, 0.45, 1.0)


class Overlay:
    def __init__(self, gfx):
        self.gfx = gfx
        self.visible = False

    def draw(self, fbo, size, lines: list[str], errors: list[str]) -> None:
        w, h = size
        px = max(12, h // 45)
        program = self.gfx.shaders.program(BLIT, {})
        rows = [(line, TEXT) for line in lines] + [(e, ERROR) for e in errors]
        textures = [(self.gfx.text.texture(line[:160], "mono", px), color) for line, color in rows]
        line_h = px * 1.3
        panel_w = max(t.width for t, _ in textures) + px
        panel_h = line_h * len(textures) + px * 0.5
        rect = np.array([[panel_w / 2 / w, 1 - panel_h / 2 / h, panel_w / h, panel_h / h]], "f4")
        self.gfx.renderer.draw(program, fbo, size, rect, [self.gfx.renderer.white], {"tint": PANEL}, blend=True)
        for i, (tex, color) in enumerate(textures):
            cx = (px / 2 + tex.width / 2) / w
            cy = 1 - (px * 0.25 + line_h * (i + 0.5)) / h
            rect = np.array([[cx, cy, tex.width / h, tex.height / h]], "f4")
            self.gfx.renderer.draw(program, fbo, size, rect, [tex], {"tint": color}, blend=True)
