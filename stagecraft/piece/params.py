"""Typed piece parameters (in the spirit of ISF INPUTS) and their live values.

A piece declares `PARAMS = {"gloss": Float(0.2, 0, 1, smooth=0.5), ...}`. Each parameter becomes
a uniform of the same name in every shader the piece uses, and (through the OSC issue) an address.
Values arriving from outside are coerced and clamped here, so nothing downstream sees a NaN.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .curves import curve

RESERVED = {"iResolution", "iTime", "iTimeDelta", "iFrame", "iMouse", "iDate", "iFrameRate",
            "iChannel0", "iChannel1", "iChannel2", "iChannel3", "iChannelResolution", "main",
            "mainImage", "vUV", "vData", "vInstance", "iAudio", "iAudioLevel", "iAudioPeak",
            "iAudioBands", "iAudioOnset"}
# A parameter becomes a uniform of the same name, so it must not shadow GLSL's own words.
GLSL_WORDS = set("""
attribute const uniform varying layout centroid flat smooth noperspective break continue do for
while switch case default if else in out inout float int void bool true false invariant discard
return mat2 mat3 mat4 vec2 vec3 vec4 ivec2 ivec3 ivec4 bvec2 bvec3 bvec4 uint uvec2 uvec3 uvec4
sampler2D sampler3D samplerCube struct precision highp mediump lowp sample patch subroutine
radians degrees sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh pow exp log exp2 log2
sqrt inversesqrt abs sign floor trunc round roundEven ceil fract mod modf min max clamp mix step
smoothstep isnan isinf length distance dot cross normalize faceforward reflect refract
matrixCompMult outerProduct transpose determinant inverse lessThan lessThanEqual greaterThan
greaterThanEqual equal notEqual any all not texture texelFetch textureSize textureLod dFdx dFdy
fwidth noise1 noise2 noise3 noise4 emit input output filter sizeof cast namespace using
""".split())
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _finite(x) -> float:
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{x} is not a finite number")
    return x


def _clamp(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@dataclass(frozen=True)
class Float:
    default: float = 0.0
    min: float = 0.0
    max: float = 1.0
    smooth: float = 0.0
    doc: str = ""
    kind = "float"
    glsl = "float"

    def coerce(self, v) -> float:
        return _clamp(_finite(v), self.min, self.max)


@dataclass(frozen=True)
class Int:
    default: int = 0
    min: int = 0
    max: int = 100
    labels: tuple[str, ...] = ()        # the names of min, min + 1, ... max
    doc: str = ""
    smooth = 0.0
    kind = "int"
    glsl = "int"

    def coerce(self, v) -> int:
        return int(_clamp(round(_finite(v)), self.min, self.max))


@dataclass(frozen=True)
class Bool:
    default: bool = False
    doc: str = ""
    smooth = 0.0
    kind = "bool"
    glsl = "bool"

    def coerce(self, v) -> bool:
        if isinstance(v, str):
            return v.strip().lower() in ("1", "true", "on", "yes")
        return bool(_finite(v))


def _vector(v, n: int, lo, hi) -> tuple[float, ...]:
    items = tuple(v) if not isinstance(v, (int, float)) else (v,) * n
    if len(items) != n:
        raise ValueError(f"expected {n} numbers, got {len(items)}")
    return tuple(_clamp(_finite(x), a, b) for x, a, b in zip(items, lo, hi))


@dataclass(frozen=True)
class Color:
    default: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    smooth: float = 0.0
    doc: str = ""
    kind = "color"
    glsl = "vec4"

    def coerce(self, v) -> tuple[float, ...]:
        if isinstance(v, str):
            v = hex_color(v)
        if len(v) == 3:
            v = (*v, 1.0)
        return _vector(v, 4, (0.0,) * 4, (1.0,) * 4)


@dataclass(frozen=True)
class Point2D:
    default: tuple[float, float] = (0.5, 0.5)
    min: tuple[float, float] = (0.0, 0.0)
    max: tuple[float, float] = (1.0, 1.0)
    smooth: float = 0.0
    doc: str = ""
    kind = "point2D"
    glsl = "vec2"

    def coerce(self, v) -> tuple[float, ...]:
        return _vector(v, 2, self.min, self.max)


@dataclass(frozen=True)
class Event:
    """A momentary trigger: reads as the number of times it fired since the last frame."""
    doc: str = ""
    default = 0
    smooth = 0.0
    kind = "event"
    glsl = "bool"

    def coerce(self, v) -> int:
        return 1


PARAM_TYPES = (Float, Int, Bool, Color, Point2D, Event)


def hex_color(text: str) -> tuple[float, float, float, float]:
    """'#E07A8B' or '#E07A8BFF' -> floats in 0..1."""
    h = text.lstrip("#")
    if len(h) not in (6, 8) or any(c not in "0123456789abcdefABCDEF" for c in h):
        raise ValueError(f"{text!r} is not a #RRGGBB colour")
    rgba = [int(h[i:i + 2], 16) / 255.0 for i in range(0, len(h), 2)]
    return tuple(rgba + [1.0] * (4 - len(rgba)))


def check_spec(params: dict, uniforms: bool = True) -> list[str]:
    """Plain-language problems with a piece's PARAMS table (empty when it is fine). `uniforms`:
    they become uniforms in the engine's prelude, so they may not shadow GLSL's words (an imported
    file declares its own, and its compiler judges them)."""
    problems = []
    if not isinstance(params, dict):
        return ["PARAMS must be a dict of name -> Float/Int/Bool/Color/Point2D/Event"]
    for name, spec in params.items():
        if not isinstance(name, str) or not _IDENT.match(name):
            problems.append(f"parameter name {name!r} must be a letter followed by letters, digits or _")
        elif name in RESERVED or name.startswith("gl_") or name.startswith("_sc"):
            problems.append(f"parameter name {name!r} is reserved for the engine")
        elif uniforms and name in GLSL_WORDS:
            problems.append(f"parameter name {name!r} is a GLSL word; its uniform would shadow it")
        if not isinstance(spec, PARAM_TYPES):
            problems.append(f"parameter {name!r} must be one of Float, Int, Bool, Color, Point2D, Event")
            continue
        if isinstance(spec, (Float, Int)) and not spec.min <= spec.default <= spec.max:
            problems.append(f"parameter {name!r}: default {spec.default} is outside {spec.min}..{spec.max}")
        if not isinstance(spec, Event):
            try:
                spec.coerce(spec.default)
            except (TypeError, ValueError) as exc:
                problems.append(f"parameter {name!r}: bad default ({exc})")
    return problems


@dataclass
class _Glide:
    start: tuple
    end: tuple
    seconds: float
    shape: str
    elapsed: float = 0.0


@dataclass
class ParamValues:
    """The live values of one piece's parameters: targets, smoothing, glides and events."""
    spec: dict
    _target: dict = field(default_factory=dict)
    _value: dict = field(default_factory=dict)
    _glides: dict = field(default_factory=dict)
    _events: dict = field(default_factory=dict)

    def __post_init__(self):
        for name, p in self.spec.items():
            if isinstance(p, Event):
                self._events[name] = 0
            else:
                self._target[name] = self._value[name] = p.coerce(p.default)

    def set(self, name: str, value) -> None:
        """Set a target (smoothed if the parameter has `smooth`). Raises KeyError/ValueError."""
        p = self.spec[name]
        if isinstance(p, Event):
            self.fire(name)
            return
        self._glides.pop(name, None)
        self._target[name] = p.coerce(value)
        if not p.smooth:
            self._value[name] = self._target[name]

    def start_at(self, name: str, value) -> None:
        """Before the first frame: the value itself, not a target to be smoothed toward."""
        self.set(name, value)
        if name in self._target:
            self._value[name] = self._target[name]

    def glide(self, name: str, value, seconds: float, shape: str = "linear") -> None:
        p = self.spec[name]
        if isinstance(p, Event):
            raise ValueError(f"{name!r} is an event; it cannot glide")
        curve(shape)
        end = p.coerce(value)
        if seconds <= 0:
            self.set(name, end)
            return
        self._glides[name] = _Glide(_as_tuple(self._value[name]), _as_tuple(end), float(seconds), shape)

    def stop(self) -> None:
        """Hold every value where it is now: glides end, smoothing stops short of its target."""
        self._glides.clear()
        self._target.update(self._value)

    def fire(self, name: str) -> None:
        if not isinstance(self.spec[name], Event):
            raise ValueError(f"{name!r} is not an event")
        self._events[name] += 1

    def step(self, dt: float) -> None:
        for name, g in list(self._glides.items()):
            g.elapsed += dt
            t = min(g.elapsed / g.seconds, 1.0)
            k = curve(g.shape)(t)
            mixed = tuple(a + (b - a) * k for a, b in zip(g.start, g.end))
            self._target[name] = self._value[name] = self.spec[name].coerce(_from_tuple(mixed))
            if t >= 1.0:
                del self._glides[name]
        for name, p in self.spec.items():
            if p.smooth and name not in self._glides and dt > 0:
                a = 1.0 - math.exp(-dt / p.smooth)
                cur, tgt = _as_tuple(self._value[name]), _as_tuple(self._target[name])
                self._value[name] = _from_tuple(tuple(c + (t - c) * a for c, t in zip(cur, tgt)))

    def end_frame(self) -> None:
        for name in self._events:
            self._events[name] = 0

    def get(self, name: str):
        return self._events[name] if name in self._events else self._value[name]

    def target(self, name: str):
        return self._target.get(name, 0)

    def uniforms(self) -> dict:
        out = dict(self._value)
        out.update({k: bool(v) for k, v in self._events.items()})
        return out

    def carry_from(self, old: "ParamValues") -> None:
        """Keep the values of parameters that survive a reload unchanged in kind."""
        for name, p in self.spec.items():
            q = old.spec.get(name)
            if q is not None and type(q) is type(p) and not isinstance(p, Event):
                try:
                    self._target[name] = p.coerce(old._target[name])
                    self._value[name] = p.coerce(old._value[name])
                except (TypeError, ValueError):
                    pass


def _as_tuple(v) -> tuple:
    return tuple(v) if isinstance(v, tuple) else (v,)


def _from_tuple(t: tuple):
    return t[0] if len(t) == 1 else t


class ParamView:
    """`stage.p.gloss` reads a parameter's current value; nothing here writes."""
    __slots__ = ("_values",)

    def __init__(self, values: ParamValues):
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name):
        try:
            return self._values.get(name)
        except KeyError:
            raise AttributeError(f"this piece has no parameter {name!r} (declare it in PARAMS)") from None

    __getitem__ = __getattr__

    def __setattr__(self, name, value):
        raise AttributeError("parameters are read here; change them with stage.set() or stage.glide()")

    def __iter__(self):
        return iter(self._values.spec)
