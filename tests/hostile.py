"""Hostile pieces: flashing patterns nobody here wrote, made at random, for the flash limiter.

A pattern is a kind of motion (square, sine, sawtooth, noise, checkers, moving bars, expanding
rings) between two colours at a rate, inside a rectangle of the frame, over a background. It
becomes a real piece (a module and its shader, written to a folder) that the engine renders like
any other, so the limiter is tried on what reaches it through the whole engine.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("square", "sine", "sawtooth", "noise", "checkers", "bars", "rings")
SIZES = ((192, 108), (160, 90), (320, 180), (250, 140), (640, 360))
RATES = (24.0, 30.0, 60.0)

# The value in 0..1 that mixes colour a into colour b, per kind; `f` is the pattern's rate in Hz,
# `uv` 0..1 inside the pattern's rectangle, `k` its spatial frequency.
MOTION = {
    "square": "step(0.5, fract(f * t))",
    "sine": "0.5 + 0.5 * sin(6.2831853 * f * t)",
    "sawtooth": "fract(f * t)",
    "noise": "hash(vec3(floor(uv * k), floor(2.0 * f * t)))",
    "checkers": "abs(mod(floor(uv.x * k) + floor(uv.y * k * 0.75), 2.0) - step(0.5, fract(f * t)))",
    "bars": "step(0.5, fract(k * uv.x - f * t))",
    "rings": "step(0.5, fract(k * length(uv - 0.5) - f * t))",
}

PIECE = '''"""Hostile {kind}

A {kind} pattern at {hz:.2f} Hz, made at random to try the flash limiter."""
SHADER = "{name}.frag"
PARAMS = {{}}


def setup(stage):
    return {{}}


def update(stage, state, dt):
    pass
'''

SHADER = """float hash(vec3 p) {{
    p = fract(p * vec3(0.1031, 0.1030, 0.0973));
    p += dot(p, p.yxz + 33.33);
    return fract((p.x + p.y) * p.z);
}}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {{
    vec2 p = fragCoord / iResolution.xy;
    vec4 box = vec4({box});
    vec2 uv = (p - box.xy) / box.zw;
    float t = iTime, f = {hz:.6f}, k = {k:.4f};
    vec3 c = vec3({background});
    if (all(greaterThanEqual(uv, vec2(0.0))) && all(lessThan(uv, vec2(1.0))))
        c = mix(vec3({a}), vec3({b}), {motion});
    fragColor = vec4(c, 1.0);
}}
"""


def _vec(values) -> str:
    return ", ".join(f"{v:.5f}" for v in values)


@dataclass(frozen=True)
class Pattern:
    kind: str
    hz: float
    a: tuple            # sRGB 0..1
    b: tuple
    box: tuple          # x, y, w, h as fractions of the frame, from the bottom left
    k: float = 4.0      # spatial frequency: checks, bars or rings across the box
    background: tuple = (0.05, 0.05, 0.05)

    def shader(self) -> str:
        return SHADER.format(box=_vec(self.box), hz=self.hz, k=self.k, background=_vec(self.background),
                             a=_vec(self.a), b=_vec(self.b), motion=MOTION[self.kind])

    def write(self, folder, name: str = "hostile") -> str:
        """The piece and its shader in `folder`; the path to load it by."""
        (folder / f"{name}.frag").write_text(self.shader())
        path = folder / f"{name}.py"
        path.write_text(PIECE.format(kind=self.kind, hz=self.hz, name=name))
        return str(path)


def colour_pair(rng: np.random.Generator) -> tuple[tuple, tuple]:
    """Two colours far enough apart to flash: saturated reds, near-white pairs above 0.8,
    anything at all."""
    style = rng.integers(4)
    if style == 0:      # saturated red against something else
        red = (rng.uniform(0.7, 1.0), rng.uniform(0.0, 0.15), rng.uniform(0.0, 0.15))
        other = tuple(rng.uniform(0, 1, 3)) if rng.random() < 0.5 else (rng.uniform(0, 0.3), 0.0, 0.0)
        return red, other
    if style == 1:      # two near-whites
        return tuple(rng.uniform(0.85, 1.0, 3)), tuple(rng.uniform(0.75, 1.0, 3))
    if style == 2:      # light against dark
        return tuple(rng.uniform(0.6, 1.0, 3)), tuple(rng.uniform(0.0, 0.35, 3))
    return tuple(rng.uniform(0, 1, 3)), tuple(rng.uniform(0, 1, 3))


def random_pattern(rng: np.random.Generator, min_area: float = 0.01) -> Pattern:
    """One hostile pattern: 3.5 to 30 Hz, any of the kinds, a rectangle from `min_area` of the
    frame up to all of it."""
    kind = KINDS[rng.integers(len(KINDS))]
    a, b = colour_pair(rng)
    if rng.random() < 0.5:
        a, b = b, a
    if rng.random() < 0.25:
        box = (0.0, 0.0, 1.0, 1.0)
    else:
        area = float(np.exp(rng.uniform(np.log(min_area), 0.0)))
        aspect = float(np.exp(rng.uniform(-1.2, 1.2)))
        w = float(np.clip(np.sqrt(area * aspect), 0.05, 1.0))
        h = float(np.clip(area / w, 0.05, 1.0))
        box = (float(rng.uniform(0, 1 - w)), float(rng.uniform(0, 1 - h)), w, h)
    background = (0.05, 0.05, 0.05) if rng.random() < 0.6 else tuple(rng.uniform(0, 1, 3))
    return Pattern(kind, float(rng.uniform(3.5, 30.0)), a, b, box, float(rng.uniform(1.5, 10.0)), background)
