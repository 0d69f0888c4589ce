"""Text rendered to textures with pygame.font, cached so a HUD costs nothing after its first frame.

Fonts ship with the package, so a render made here matches one made on a stage computer.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import moderngl
import pygame

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {
    "mono": FONT_DIR / "DejaVuSansMono.ttf",               # HUDs, prices, the ticker
    "sign": FONT_DIR / "DejaVuSerifCondensed-BoldItalic.ttf",  # signs and messages, the human register
}
CACHE_SIZE = 256


class TextCache:
    def __init__(self, ctx: moderngl.Context, capacity: int = CACHE_SIZE):
        if not pygame.font.get_init():
            pygame.font.init()
        self.ctx = ctx
        self.capacity = capacity
        self._fonts: dict[tuple, pygame.font.Font] = {}
        self._textures: OrderedDict[tuple, moderngl.Texture] = OrderedDict()

    def font(self, name: str, px: int) -> pygame.font.Font:
        key = (name, px)
        if key not in self._fonts:
            path = FONTS.get(name, name)
            if not Path(path).is_file():
                raise ValueError(f"unknown font {name!r}: use {', '.join(FONTS)} or a .ttf path")
            self._fonts[key] = pygame.font.Font(str(path), px)
        return self._fonts[key]

    def texture(self, text: str, font: str, px: int) -> moderngl.Texture:
        """White text on transparent, one texture per (text, font, size); the least used go first."""
        key = (text, font, px)
        tex = self._textures.get(key)
        if tex is not None:
            self._textures.move_to_end(key)
            return tex
        f = self.font(font, px)
        lines = text.split("\n")
        rendered = [f.render(line or " ", True, (255, 255, 255)) for line in lines]
        w = max(s.get_width() for s in rendered)
        h = f.get_linesize() * (len(lines) - 1) + rendered[-1].get_height()
        surface = pygame.Surface((max(w, 1), max(h, 1)), pygame.SRCALPHA)
        for i, s in enumerate(rendered):
            surface.blit(s, ((w - s.get_width()) // 2, i * f.get_linesize()))
        tex = self.ctx.texture(surface.get_size(), 4, pygame.image.tobytes(surface, "RGBA", True))
        tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self._textures[key] = tex
        while len(self._textures) > self.capacity:
            self._textures.popitem(last=False)[1].release()
        return tex

    def __len__(self) -> int:
        return len(self._textures)

    def release(self) -> None:
        for tex in self._textures.values():
            tex.release()
        self._textures.clear()
