"""One piece's images and the drawing into them: its main canvas and the named targets it asks for.

`main` is what the audience sees. Drawing goes to a fresh image each frame and is shown only when
`draw` finishes, so a piece that raises mid-draw leaves its last good frame on screen; reading
`main` as a channel gives the previous frame, the usual feedback trick. Other persistent targets
swap after every pass that writes them, so a later pass in the same frame sees the new content.
"""
from __future__ import annotations

from pathlib import Path

import moderngl
import numpy as np

from . import images
from .passes import texture_filter
from .render import Renderer, Target, full_rect
from .shaders import SHADER_DIR, Shaders, find
from .text import TextCache

BLIT = SHADER_DIR / "lib" / "blit.frag"
ALIGN = {"left": 0.5, "center": 0.0, "right": -0.5}


class Canvas:
    def __init__(self, ctx: moderngl.Context, renderer: Renderer, shaders: Shaders, text: TextCache,
                 size, shader_dirs: list[Path], params: dict):
        self.ctx, self.renderer, self.shaders, self.text = ctx, renderer, shaders, text
        self.size = size
        self.shader_dirs = shader_dirs
        self.params = params
        self.targets: dict[str, Target] = {"main": Target(ctx, size, persistent=True)}
        self.textures: dict[str, moderngl.Texture] = {}
        self._paths: dict[str, Path] = {}
        self._blank = True  # main's new image has not been drawn into yet this frame

    @property
    def main(self) -> Target:
        return self.targets["main"]

    def rebind(self, params: dict, shader_dirs: list[Path]) -> None:
        """A reloaded module: its parameters make a new prelude, its SHADER names may have moved."""
        self.params, self.shader_dirs = params, shader_dirs
        self._paths.clear()

    def shader_path(self, name: str) -> Path:
        if name not in self._paths:
            self._paths[name] = find(name, self.shader_dirs)
        return self._paths[name]

    def program(self, name: str) -> moderngl.Program:
        return self.shaders.program(self.shader_path(name), self.params)

    def target(self, name: str, *, persistent=False, float_=False, scale=1.0, pixels=None) -> Target:
        t = self.targets.get(name)
        if t is None or t.shape != (persistent, float_, scale, pixels):
            if t is not None:
                t.release()
            t = self.targets[name] = Target(self.ctx, self.size, persistent=persistent,
                                            float_=float_, scale=scale, pixels=pixels)
        return t

    def upload(self, name: str, data) -> None:
        """Rows of float data as an RGBA float texture (each row 4*k floats wide), by name."""
        if name in self.targets:
            raise ValueError(f"{name!r} is already a target; give the texture another name")
        arr = np.ascontiguousarray(data, dtype="f4")
        if arr.ndim != 2 or arr.shape[1] % 4 or not arr.size:
            raise ValueError(f"texture data must be rows of 4*k floats, got shape {arr.shape}")
        size = (arr.shape[1] // 4, arr.shape[0])
        tex = self.textures.get(name)
        if tex is None or tex.size != size:
            if tex is not None:
                tex.release()
            tex = self.textures[name] = self.ctx.texture(size, 4, dtype="f4")
            tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        tex.write(arr.tobytes())

    def _get(self, name: str) -> Target:
        return self.targets.get(name) or self.target(name)

    def channel(self, ch) -> moderngl.Texture:
        if isinstance(ch, str):
            if ch in self.textures:
                return self.textures[ch]
            if ch not in self.targets:
                raise ValueError(f"no target or texture named {ch!r}; make it with stage.target(), "
                                 f"stage.feedback() or stage.texture()")
            return self.targets[ch].texture
        if isinstance(ch, moderngl.Texture):
            return ch
        raise ValueError(f"a channel is a target name or a texture, not {ch!r}")

    @property
    def blank(self) -> moderngl.Texture:
        return self.renderer.black

    def file_texture(self, read) -> moderngl.Texture:
        """An image file beside a shader, or a stand-in for one, made once (picture/images.py)."""
        key = f"{read.kind}:{read.name}:{read.vflip}:{read.filter}:{read.repeat}"
        if key not in self.textures:
            filter_ = texture_filter(read)
            self.textures[key] = (
                images.load(self.ctx, Path(read.name), read.vflip, filter_, read.repeat) if read.kind == "file"
                else images.stand_in_cube(self.ctx, int(read.name)) if read.kind == "cubemap"
                else images.stand_in_volume(self.ctx, int(read.name), filter_, read.repeat) if read.kind == "volume"
                else images.stand_in(self.ctx, int(read.name), filter_, read.repeat))
        return self.textures[key]

    def pass_(self, path: Path, part: str, into: str, textures: dict, uniforms: dict) -> None:
        """One pass of a shader file's graph (picture/passes.py): its samplers bound by name."""
        program = self.shaders.program(path, self.params, part)
        self._draw(program, into, full_rect(self._get(into).size), textures, uniforms, False)

    def copy(self, source: str, into: str) -> None:
        """A target drawn over the whole of another, scaled to fit."""
        program = self.shaders.program(BLIT, {})
        self._draw(program, into, full_rect(self._get(into).size), [self.targets[source].texture],
                   {"tint": (1.0, 1.0, 1.0, 1.0)}, False)

    def _draw(self, program, into: str, instances, channels, uniforms, blend) -> None:
        dest = self._get(into)
        if not dest.persistent and into in [c for c in channels if isinstance(c, str)]:
            raise ValueError(f"target {into!r} is read and written in one pass; "
                             f"make it stage.feedback({into!r}) to read last frame's image")
        textures = channels if isinstance(channels, dict) else [self.channel(c) for c in channels]
        if dest is self.main and self._blank:
            self._blank = False
            if blend or len(instances) != 1 or tuple(instances[0]) != tuple(full_rect(dest.size)[0]):
                dest.wipe()  # not covered by an opaque full-frame pass
        self.renderer.draw(program, dest.back, dest.size, instances, textures, uniforms, blend)
        if dest.persistent and dest is not self.main:
            dest.swap()

    def shade(self, shader: str, into: str, channels, uniforms) -> None:
        self._draw(self.program(shader), into, full_rect(self._get(into).size), channels, uniforms, False)

    def instances(self, shader: str, data, into: str, channels, uniforms, blend=True) -> None:
        self._draw(self.program(shader), into, data, channels, uniforms, blend)

    def text_texture(self, text: str, size: float, font: str, into: str = "main", width: float | None = None,
                     lines: int = 2, align: str = "center") -> moderngl.Texture:
        w_px, h_px = self._get(into).size
        px = max(4, round(size * h_px))
        return self.text.texture(str(text), font, px, None if width is None else max(px, round(width * w_px)),
                                 lines, align)

    def label(self, text: str, x: float, y: float, size: float, color, font: str, align: str,
              into: str, uniforms: dict, width: float | None = None, lines: int = 2) -> None:
        if align not in ALIGN:
            raise ValueError(f"align must be one of {', '.join(ALIGN)}")
        tex = self.text_texture(text, size, font, into, width, lines, align)
        w_px, h_px = self._get(into).size
        w, h = tex.width / h_px, tex.height / h_px
        rect = np.array([[x + ALIGN[align] * w * h_px / w_px, y, w, h]], dtype="f4")
        program = self.shaders.program(BLIT, {})
        self._draw(program, into, rect, [tex], {**uniforms, "tint": color}, True)

    def rect(self, x: float, y: float, w: float, h: float, color, into: str, uniforms: dict) -> None:
        program = self.shaders.program(BLIT, {})
        rect = np.array([[x, y, w, h]], dtype="f4")
        self._draw(program, into, rect, [self.renderer.white], {**uniforms, "tint": color}, True)

    def clear(self, color, into: str) -> None:
        dest = self._get(into)
        dest.wipe(color)
        if dest is self.main:
            self._blank = False
        if dest.persistent and dest is not self.main:
            dest.swap()

    def begin_frame(self) -> None:
        self._blank = True

    def end_frame(self, ok: bool) -> None:
        if self._blank:
            self.main.wipe()  # a draw that drew nothing shows black
        if ok:
            self.main.swap()

    def resize(self, size) -> None:
        self.size = size
        for t in self.targets.values():
            t.resize(size)

    def release(self) -> None:
        for t in self.targets.values():
            t.release()
        for tex in self.textures.values():
            tex.release()
        self.targets.clear()
        self.textures.clear()
