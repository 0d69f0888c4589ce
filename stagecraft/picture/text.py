"""Text rendered to textures with pygame.font, cached so a HUD costs nothing after its first frame.

Fonts ship with the package, so a render made here matches one made on a stage computer. What the
audience types arrives with emoji, which the stage's fonts do not have: a character the font
lacks is drawn with Noto Emoji (monochrome, so it takes the text's colour like any letter).
Given a width, text wraps at spaces, and a word wider than the line is broken with a hyphen, so
a 140-letter word cannot run off the edge of a column.
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
EMOJI = FONT_DIR / "NotoEmoji.woff"     # the twelve subsets of @fontsource/noto-emoji 5.3, merged (OFL)
UNSEEN = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"))   # variation selectors and joiners: no glyph of their own
NO_GLYPH = "\U0010fffd"        # a private-use character no font here draws
CACHE_SIZE = 256


class TextCache:
    def __init__(self, ctx: moderngl.Context, capacity: int = CACHE_SIZE):
        if not pygame.font.get_init():
            pygame.font.init()
        self.ctx = ctx
        self.capacity = capacity
        self._fonts: dict[tuple, pygame.font.Font] = {}
        self._glyphs: dict[tuple, bool] = {}
        self._missing: dict[str, bytes] = {}
        self._textures: OrderedDict[tuple, moderngl.Texture] = OrderedDict()

    def font(self, name: str, px: int) -> pygame.font.Font:
        key = (name, px)
        if key not in self._fonts:
            path = FONTS.get(name, name)
            if not Path(path).is_file():
                raise ValueError(f"unknown font {name!r}: use {', '.join(FONTS)} or a .ttf path")
            self._fonts[key] = pygame.font.Font(str(path), px)
        return self._fonts[key]

    def _has(self, font: str, ch: str) -> bool:
        """Whether a font draws a character as itself: its drawing is not the font's missing-glyph
        box (pygame reports a missing glyph's box as if it were the glyph). Asked once a character."""
        key = (font, ch)
        if key not in self._glyphs:
            f = self.font(font, 24)
            drawn = f.render(ch, False, (255, 255, 255))
            if font not in self._missing:
                self._missing[font] = pygame.image.tobytes(f.render(NO_GLYPH, False, (255, 255, 255)), "RGBA")
            self._glyphs[key] = pygame.image.tobytes(drawn, "RGBA") != self._missing[font]
        return self._glyphs[key]

    def _runs(self, text: str, font: str, px: int) -> list[tuple[pygame.font.Font, str]]:
        """The text cut where it changes between the font and the emoji font."""
        main, emoji = self.font(font, px), self.font(str(EMOJI), px)
        runs: list[tuple[pygame.font.Font, str]] = []
        for ch in text.translate(UNSEEN):
            f = main if ch.isspace() or self._has(font, ch) else emoji
            if runs and runs[-1][0] is f:
                runs[-1] = (f, runs[-1][1] + ch)
            else:
                runs.append((f, ch))
        return runs

    def width(self, text: str, font: str, px: int) -> int:
        return sum(f.size(run)[0] for f, run in self._runs(text, font, px))

    def wrap(self, text: str, font: str, px: int, width: int, lines: int) -> list[str]:
        """At most `lines` lines no wider than `width` pixels: broken at spaces, a word too long
        for a line broken with a hyphen, the last line ended with an ellipsis if text is left."""
        out, line = [], ""
        words = text.split()
        while words and len(out) < lines:
            word = words.pop(0)
            trial = f"{line} {word}" if line else word
            if self.width(trial, font, px) <= width:
                line = trial
                continue
            if line:
                out.append(line)
                line = ""
                words.insert(0, word)
                continue
            cut = max(1, max((k for k in range(1, len(word)) if self.width(word[:k] + "-", font, px) <= width),
                             default=1))
            out.append(word[:cut] + "-")
            words.insert(0, word[cut:])
        if line and len(out) < lines:
            out.append(line)
        elif words or line:
            last = out[-1].rstrip("-")
            while last and self.width(last + "\u2026", font, px) > width:
                last = last[:-1]
            out[-1] = last + "\u2026"
        return out or [""]

    def texture(self, text: str, font: str, px: int, width: int | None = None, lines: int = 2,
                align: str = "center") -> moderngl.Texture:
        """White text on transparent, one texture per (text, font, size, wrap); the least used go
        first. With `width` (pixels), wrapped to at most `lines` lines, aligned within them."""
        key = (text, font, px, width, lines, align)
        tex = self._textures.get(key)
        if tex is not None:
            self._textures.move_to_end(key)
            return tex
        f = self.font(font, px)
        rows = self.wrap(text, font, px, width, lines) if width else text.split("\n")
        rendered = [self._line(row or " ", font, px) for row in rows]
        w = max(s.get_width() for s in rendered)
        h = f.get_linesize() * (len(rows) - 1) + rendered[-1].get_height()
        surface = pygame.Surface((max(w, 1), max(h, 1)), pygame.SRCALPHA)
        for i, s in enumerate(rendered):
            x = {"left": 0, "right": w - s.get_width()}.get(align, (w - s.get_width()) // 2)
            surface.blit(s, (x, i * f.get_linesize()))
        tex = self.ctx.texture(surface.get_size(), 4, pygame.image.tobytes(surface, "RGBA", True))
        tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self._textures[key] = tex
        while len(self._textures) > self.capacity:
            self._textures.popitem(last=False)[1].release()
        return tex

    def _line(self, text: str, font: str, px: int) -> pygame.Surface:
        """One line, each run in its own font, on one baseline."""
        main = self.font(font, px)
        parts = [(f, f.render(run, True, (255, 255, 255))) for f, run in self._runs(text, font, px)]
        surface = pygame.Surface((max(1, sum(p.get_width() for _, p in parts)), main.get_height()), pygame.SRCALPHA)
        x = 0
        for f, part in parts:
            surface.blit(part, (x, main.get_ascent() - f.get_ascent()))
            x += part.get_width()
        return surface

    def __len__(self) -> int:
        return len(self._textures)

    def release(self) -> None:
        for tex in self._textures.values():
            tex.release()
        self._textures.clear()
