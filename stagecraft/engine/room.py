"""What the engine writes over the picture for the room, not for the piece: attract mode's
invitation, on a dark band; and the way in for phones, a QR code with its URL beside it, at each
piece's entry for a while, in attract mode, and whenever the operator asks. Both are drawn on the
canvas, before the output, so the flash limiter sees them and renders carry them."""
from __future__ import annotations

import moderngl
import numpy as np

from ..phones import qr

QR_ENTRY_S = 20.0           # the code stays up this long after a piece comes on
QR_SIZE = 0.26              # of the canvas height, quiet zone included


class Room:
    def __init__(self, gfx, blit):
        self.gfx, self.blit = gfx, blit
        self.url: str | None = None          # set when phones are served (or, for a still, asked for)
        self.qr_until = -1.0
        self._qr: tuple[str, moderngl.Texture] | None = None

    def show_qr(self, now: float, seconds: float = QR_ENTRY_S) -> None:
        self.qr_until = max(self.qr_until, now + seconds)

    def draw(self, picture, now: float, caption: str | None) -> None:
        if caption:
            self._caption(picture, caption)
        if self.url and (now < self.qr_until or caption):
            self._code(picture)

    def _caption(self, picture, text: str) -> None:
        w, h = picture.size
        tex = self.gfx.text.texture(text, "sign", max(12, round(h * 0.04)))
        band = np.array([[0.5, 0.08, w / h, 0.1]], "f4")
        words = np.array([[0.5, 0.08, tex.width / h, tex.height / h]], "f4")
        r = self.gfx.renderer
        r.draw(self.blit, picture.framebuffer, picture.size, band, [r.white], {"tint": (0.0, 0.0, 0.0, 0.6)}, blend=True)
        r.draw(self.blit, picture.framebuffer, picture.size, words, [tex], {"tint": (1.0, 0.95, 0.85, 1.0)}, blend=True)

    def _code(self, picture) -> None:
        """The code in the bottom-right corner, the URL and an invitation to its left."""
        w, h = picture.size
        if self._qr is None or self._qr[0] != self.url:
            if self._qr is not None:
                self._qr[1].release()
            image = qr.image(self.url, scale=1)
            tex = self.gfx.ctx.texture(image.shape[1::-1], 3, np.ascontiguousarray(image[::-1]).tobytes())
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)     # modules stay sharp at any size
            self._qr = (self.url, tex)
        aspect = w / h
        size = QR_SIZE
        cx, cy = 1.0 - (size / 2 + 0.02) / aspect, size / 2 + 0.03
        r = self.gfx.renderer
        r.draw(self.blit, picture.framebuffer, picture.size, np.array([[cx, cy, size, size]], "f4"), [self._qr[1]],
               {"tint": (1.0, 1.0, 1.0, 1.0)})
        px = max(10, round(h * 0.03))
        lines = [(self.gfx.text.texture(text, font, px), y) for text, y, font in
                 (("Join in on your phone", cy + 0.04, "sign"), (self.url.rstrip("/"), cy - 0.02, "mono"))]
        right = cx - (size / 2 + 0.02) / aspect
        wide = max(tex.width for tex, _ in lines) / h + 0.04
        r.draw(self.blit, picture.framebuffer, picture.size,              # a dark band, so the words read
               np.array([[right - wide * h / w / 2 + 0.01 / aspect, cy + 0.01, wide, 0.14]], "f4"), [r.white],
               {"tint": (0.0, 0.0, 0.0, 0.6)}, blend=True)
        for tex, y in lines:
            x = right - tex.width / w / 2
            r.draw(self.blit, picture.framebuffer, picture.size, np.array([[x, y, tex.width / h, tex.height / h]], "f4"),
                   [tex], {"tint": (1.0, 0.95, 0.85, 1.0)}, blend=True)

    def release(self) -> None:
        if self._qr is not None:
            self._qr[1].release()
            self._qr = None
