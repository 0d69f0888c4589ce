"""The render layer: named targets, ping-pong feedback, one instanced quad path, the output pass.

Everything drawn is a quad per instance through `shaders/lib/quad.vert`; a full-screen pass is one
instance covering its target, so shaders written for passes and for crowds look the same to the
artist (Shadertoy's `mainImage`, plus `vUV` and `vData[]` for instances).
"""
from __future__ import annotations

import moderngl
import numpy as np

from .shaders import MAX_DATA
from .units import AUDIO_UNIT

_CORNERS = np.array([-1, -1, 1, -1, -1, 1, 1, 1], dtype="f4")
_MAX_VEC4 = MAX_DATA + 1


class Target:
    """An offscreen image the size of the canvas (times `scale`), or of a fixed `pixels` size.
    Persistent targets keep two images: a pass that writes one may read the other (last frame),
    then they swap. `float_` is half floats, or "f4" for full ones (Shadertoy's buffers)."""

    def __init__(self, ctx: moderngl.Context, size, *, persistent=False, float_=False, scale=1.0, pixels=None):
        self.ctx, self.persistent, self.float_, self.scale, self.pixels = ctx, persistent, float_, scale, pixels
        self._images: list[tuple[moderngl.Texture, moderngl.Framebuffer]] = []
        self._front = 0
        self.resize(size)

    @property
    def shape(self) -> tuple:
        return (self.persistent, self.float_, self.scale, self.pixels)

    def resize(self, canvas_size) -> None:
        self.release()
        w, h = (max(1, round(n * self.scale)) for n in (self.pixels or canvas_size))
        self.size = (w, h)
        dtype = self.float_ if isinstance(self.float_, str) else "f2" if self.float_ else "f1"
        for _ in range(2 if self.persistent else 1):
            tex = self.ctx.texture((w, h), 4, dtype=dtype)
            tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
            tex.repeat_x = tex.repeat_y = False
            fbo = self.ctx.framebuffer(color_attachments=[tex])
            fbo.use()
            fbo.clear(0.0, 0.0, 0.0, 1.0)
            self._images.append((tex, fbo))
        self._front = 0

    @property
    def texture(self) -> moderngl.Texture:
        return self._images[self._front][0]

    @property
    def framebuffer(self) -> moderngl.Framebuffer:
        return self._images[self._front][1]

    @property
    def back(self) -> moderngl.Framebuffer:
        return self._images[(self._front + 1) % len(self._images)][1]

    def wipe(self, color=(0.0, 0.0, 0.0, 1.0)) -> None:
        """Clear the image being drawn."""
        self.back.use()
        self.back.clear(*color)

    def swap(self) -> None:
        self._front = (self._front + 1) % len(self._images)

    def release(self) -> None:
        if any(self.ctx.fbo is fbo for _, fbo in self._images):
            park(self.ctx)
        for tex, fbo in self._images:
            fbo.release()
            tex.release()
        self._images = []


def park(ctx: moderngl.Context) -> None:
    """Bind the default framebuffer before releasing the bound one: moderngl re-binds the
    previous framebuffer after clear() and framebuffer(), and a released one is GL_INVALID_OPERATION."""
    (ctx.screen or ctx.detect_framebuffer(0)).use()


def full_rect(size) -> np.ndarray:
    w, h = size
    return np.array([[0.5, 0.5, w / h, 1.0]], dtype="f4")


def _uniform_value(u: moderngl.Uniform, v):
    if u.array_length == 1 and isinstance(v, list) and v and isinstance(v[0], (tuple, list)):
        v = v[0]    # an array of vectors the compiler cut to its first (a shader reads only [0])
    if u.array_length > 1:
        items = list(v)[:u.array_length]
        if u.dimension == 1:
            return [int(x) if u.fmt.endswith("i") else float(x) for x in items]
        return [tuple(map(float, item)) for item in items]
    if u.dimension == 1:
        if isinstance(v, (tuple, list, np.ndarray)):
            v = np.asarray(v).ravel()[0]
        return int(v) if u.fmt.endswith("i") else float(v)
    cast = int if u.fmt.endswith("i") else float
    return tuple(cast(x) for x in np.asarray(v, dtype="f8").ravel())


class Renderer:
    def __init__(self, ctx: moderngl.Context, warn=print):
        self.ctx = ctx
        self.warn = warn
        self._quad = ctx.buffer(_CORNERS.tobytes())
        self._instances = ctx.buffer(reserve=64 * _MAX_VEC4 * 16, dynamic=True)
        self._vaos: dict[tuple, moderngl.VertexArray] = {}
        self._bad_uniforms: set = set()
        self.white = ctx.texture((1, 1), 4, b"\xff\xff\xff\xff")  # tinted, it fills rectangles
        self.black = ctx.texture((1, 1), 4, b"\x00\x00\x00\xff")  # a channel nothing has drawn yet

    def forget(self, program: moderngl.Program) -> None:
        """Drop the vertex arrays built on a program that is being replaced (they die with it)."""
        for key in [k for k in self._vaos if k[0] == program.glo]:
            self._vaos.pop(key).release()

    def _vao(self, program, width: int) -> moderngl.VertexArray:
        key = (program.glo, width, self._instances.glo)
        vao = self._vaos.get(key)
        if vao is None:
            names = ["iRect"] + [f"iData{i}" for i in range(width - 1)]
            vao = self.ctx.vertex_array(
                program, [(self._quad, "2f", "aPos"), (self._instances, "4f " * width + "/i", *names)],
                skip_errors=True)
            self._vaos[key] = vao
        return vao

    def _upload(self, data: np.ndarray) -> int:
        if data.nbytes > self._instances.size:
            grown = max(data.nbytes, 2 * self._instances.size)
            for key in [k for k in self._vaos if k[2] == self._instances.glo]:
                self._vaos.pop(key).release()
            self._instances.release()
            self._instances = self.ctx.buffer(reserve=grown, dynamic=True)
        self._instances.orphan(self._instances.size)
        self._instances.write(data.tobytes())
        return data.shape[1] // 4

    def set_uniforms(self, program: moderngl.Program, values: dict) -> None:
        for name, value in values.items():
            u = program.get(name, None)
            if not isinstance(u, moderngl.Uniform):
                continue
            try:
                u.value = _uniform_value(u, value)
            except Exception as exc:  # moderngl raises struct.error, TypeError, moderngl.Error
                if (program.glo, name) not in self._bad_uniforms:
                    self._bad_uniforms.add((program.glo, name))
                    self.warn(f"uniform {name!r} cannot take {value!r} ({exc}); left unchanged")

    def draw(self, program, fbo: moderngl.Framebuffer, size, instances: np.ndarray,
             channels=(), uniforms=None, blend=False, viewport=None) -> None:
        data = np.ascontiguousarray(instances, dtype="f4")
        if data.ndim != 2 or data.shape[1] % 4 or not 4 <= data.shape[1] <= 4 * _MAX_VEC4:
            raise ValueError(f"instance data must be N rows of 4 to {4 * _MAX_VEC4} floats "
                             f"(a rect and up to {MAX_DATA} vec4s), got shape {data.shape}")
        if not len(data):
            return
        width = self._upload(data)
        u = dict(uniforms or {})
        u["iResolution"] = (size[0], size[1], 1.0)
        u["iAudio"] = AUDIO_UNIT
        res = []
        named = channels.items() if isinstance(channels, dict) else \
            ((f"iChannel{unit}", tex) for unit, tex in enumerate(channels))
        for unit, (name, tex) in enumerate(named):     # a dict binds samplers by name (ISF's startImage)
            tex.use(unit)
            u[name] = unit
            res.append((tex.size[0], tex.size[1], 1.0))
        if res:
            u["iChannelResolution"] = res + [(0.0, 0.0, 0.0)] * (4 - len(res))
        self.set_uniforms(program, u)
        fbo.use()
        fbo.viewport = viewport or (0, 0, *size)
        if blend:
            self.ctx.enable(moderngl.BLEND)
            self.ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        else:
            self.ctx.disable(moderngl.BLEND)
        self._vao(program, width).render(moderngl.TRIANGLE_STRIP, instances=len(data))
        self.ctx.disable(moderngl.BLEND)

    def shade(self, program, target_fbo, size, channels=(), uniforms=None, viewport=None) -> None:
        self.draw(program, target_fbo, size, full_rect(size), channels, uniforms, viewport=viewport)

    def letterbox(self, canvas_size, screen_size) -> tuple[int, int, int, int]:
        cw, ch = canvas_size
        sw, sh = screen_size
        k = min(sw / cw, sh / ch)
        w, h = max(1, round(cw * k)), max(1, round(ch * k))
        return ((sw - w) // 2, (sh - h) // 2, w, h)

    def release(self) -> None:
        for vao in self._vaos.values():
            vao.release()
        self._vaos.clear()
        self._instances.release()
        self._quad.release()
        self.white.release()
        self.black.release()
