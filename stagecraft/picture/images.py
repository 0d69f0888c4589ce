"""Image files beside a shader (ISF's IMPORTED, Shadertoy's textures) as textures, and the
stand-ins for what a file names but the venue does not have (Shadertoy's own media library, a
webcam): seeded noise, the same on every run, so a render stays the same."""
from __future__ import annotations

from pathlib import Path

import moderngl
import numpy as np
import pygame

STAND_IN_SIZE = 256
VOLUME_SIZE = 32


class ImageError(Exception):
    pass


def load(ctx: moderngl.Context, path: Path, vflip: bool, filter_, repeat: bool) -> moderngl.Texture:
    """`vflip` puts the file's top row at the top of the picture (GL's rows run bottom up)."""
    try:
        surface = pygame.image.load(str(path))
    except (pygame.error, OSError, FileNotFoundError) as exc:
        raise ImageError(f"{path}: cannot read the image ({exc})") from None
    rgba = pygame.image.tobytes(surface, "RGBA", vflip)
    tex = ctx.texture(surface.get_size(), 4, rgba)
    _sample(tex, filter_, repeat)
    return tex


def _sample(tex, filter_, repeat: bool) -> None:
    if filter_[0] == moderngl.LINEAR_MIPMAP_LINEAR:
        tex.build_mipmaps()
    tex.filter = filter_
    tex.repeat_x = tex.repeat_y = repeat


def noise(seed: int, shape) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def stand_in(ctx: moderngl.Context, seed: int, filter_, repeat: bool) -> moderngl.Texture:
    """A 256x256 RGBA noise texture (Shadertoy's own 'RGBA noise' is the texture most often used)."""
    tex = ctx.texture((STAND_IN_SIZE, STAND_IN_SIZE), 4, noise(seed, (STAND_IN_SIZE, STAND_IN_SIZE, 4)).tobytes())
    _sample(tex, filter_, repeat)
    return tex


def stand_in_volume(ctx: moderngl.Context, seed: int, filter_, repeat: bool) -> moderngl.Texture3D:
    n = VOLUME_SIZE
    tex = ctx.texture3d((n, n, n), 4, noise(seed, (n, n, n, 4)).tobytes())
    tex.filter = (moderngl.LINEAR, moderngl.LINEAR) if filter_[1] == moderngl.LINEAR else filter_
    tex.repeat_x = tex.repeat_y = tex.repeat_z = repeat
    return tex


def stand_in_cube(ctx: moderngl.Context, seed: int) -> moderngl.TextureCube:
    """A soft sky: lighter above, darker below, with a little noise, on all six faces."""
    n = 64
    y = np.linspace(1.0, 0.0, n)[:, None, None]
    faces = []
    for face in range(6):
        base = {2: 0.85, 3: 0.15}.get(face, 0.5)
        ramp = base + (0.0 if face in (2, 3) else 0.35 * (y - 0.5))
        rgb = np.clip(ramp * np.array([0.55, 0.7, 0.9]) + noise(seed + face, (n, n, 1)) / 2550.0, 0, 1)
        faces.append(np.dstack([rgb * np.ones((n, n, 3)), np.ones((n, n, 1))]))
    data = (np.stack(faces) * 255).astype(np.uint8)
    tex = ctx.texture_cube((n, n), 4, data.tobytes())
    tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
    return tex
