"""A shader file's passes, as a graph the canvas runs each frame: which program draws into which
target, at what size, and what each of its samplers reads. ISF's PASSES and Shadertoy's buffers
are both this; the file formats' readers (picture/isf.py, picture/shadertoy.py) build it.

A target is read by name in any pass. Every target keeps two images, so a pass reading the
target it writes sees last frame's (ISF's PERSISTENT, Shadertoy's feedback), and a later pass
sees this frame's. Sizes are expressions of the output's ($WIDTH, $HEIGHT) and the inputs'
values, evaluated each frame as ISF says.
"""
from __future__ import annotations

import ast
import functools
import math
import operator
from dataclasses import dataclass, field
from pathlib import Path

import moderngl

_FILTERS = {"nearest": (moderngl.NEAREST, moderngl.NEAREST), "linear": (moderngl.LINEAR, moderngl.LINEAR),
            "mipmap": (moderngl.LINEAR_MIPMAP_LINEAR, moderngl.LINEAR)}


@dataclass(frozen=True)
class Read:
    """What one sampler reads: a target of the graph, an image handed in (a filter's input, a
    transition's two pictures), a file beside the shader, a stand-in (picture/images.py), one of
    the engine's own textures (its unit, picture/render.py), or black; with Shadertoy's sampler
    settings."""
    kind: str       # "target" | "image" | "file" | "noise" | "cubemap" | "volume" | "unit" | "blank"
    name: str = ""  # the target's or the image's name, the file's path, a stand-in's seed
    unit: int = 0
    filter: str = "linear"      # "nearest" | "linear" | "mipmap"
    repeat: bool = False
    vflip: bool = True          # a file's top row at the top


@dataclass(frozen=True)
class Pass:
    part: str                   # which of the file's programs (ISF: "", one program for every pass)
    target: str | None          # None: the output
    float_: bool | str = False
    width: str | None = None    # size expressions; None is the output's
    height: str | None = None
    reads: tuple[tuple[str, Read], ...] = ()


@dataclass
class Graph:
    path: Path
    passes: list[Pass]
    images: list[str] = field(default_factory=list)     # the images it needs handed in, by name


class SizeError(ValueError):
    pass


def read_text(path: Path, error: type[Exception]) -> str:
    """A shader file's text; `error`, naming the file, when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read ({exc})") from None


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
        ast.USub: operator.neg, ast.UAdd: operator.pos}
_CALLS = {"floor": math.floor, "ceil": math.ceil, "round": round, "abs": abs, "min": min, "max": max,
          "pow": pow, "sqrt": math.sqrt, "log": math.log, "exp": math.exp, "fract": lambda x: x - math.floor(x),
          "clamp": lambda x, lo, hi: min(max(x, lo), hi)}


@functools.lru_cache(maxsize=256)
def size_expression(text) -> ast.Expression:
    """ISF's WIDTH/HEIGHT: a number, or arithmetic on $WIDTH, $HEIGHT and $<input>; parsed once,
    evaluated each frame."""
    try:
        tree = ast.parse(str(text).replace("$", "_v_"), mode="eval")
    except SyntaxError as exc:
        raise SizeError(f"{text!r} is not arithmetic ({exc.msg})") from None
    for node in ast.walk(tree):
        ok = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Load, ast.Call,
                               ast.Name, *(_OPS)))
        if not ok or (isinstance(node, ast.Call) and getattr(node.func, "id", None) not in _CALLS) or \
                (isinstance(node, ast.Constant) and not isinstance(node.value, (int, float))):
            raise SizeError(f"{text!r}: only numbers, $WIDTH, $HEIGHT, $<input>, + - * / and "
                            f"{', '.join(_CALLS)} are taken")
    return tree


def evaluate(text, values: dict) -> float:
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp):
            return _OPS[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Call):
            return _CALLS[node.func.id](*map(ev, node.args))
        name = node.id[3:] if node.id.startswith("_v_") else node.id
        if name not in values:
            raise SizeError(f"{text!r}: no value named {name!r}")
        return values[name]
    try:
        return float(ev(size_expression(str(text))))
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise SizeError(f"{text!r}: {exc}") from None


def pass_size(p: Pass, out_size, values: dict) -> tuple[int, int] | None:
    if p.width is None and p.height is None:
        return None
    names = {**values, "WIDTH": out_size[0], "HEIGHT": out_size[1]}
    w = evaluate(p.width, names) if p.width is not None else out_size[0]
    h = evaluate(p.height, names) if p.height is not None else out_size[1]
    return (max(1, min(int(w), 16384)), max(1, min(int(h), 16384)))


def run(canvas, graph: Graph, uniforms: dict, images: dict, into: str = "main", scope: str = "") -> None:
    """Every pass of the graph, in order, the last into `into`. `images` are the textures handed
    in by name; targets are named `scope + TARGET` (so two effects of one file keep their own)."""
    values = {k: v for k, v in uniforms.items() if isinstance(v, (int, float))}
    for index, p in enumerate(graph.passes):
        dest = into
        if p.target is not None:
            dest = scope + p.target
            canvas.target(dest, persistent=True, float_=p.float_, pixels=pass_size(p, canvas.size, values))
        textures, units = {}, {}
        for name, r in p.reads:
            if r.kind == "unit":
                units[name] = r.unit
                continue
            if r.kind in ("target", "image"):
                target = canvas.targets.get(scope + r.name)
                tex = images.get(r.name) if r.kind == "image" else target.texture if target else None
                if tex is None:     # a target no pass has drawn yet: black, as a fresh buffer is
                    tex = canvas.blank
                else:
                    tex.filter = _FILTERS["linear" if r.filter == "mipmap" else r.filter]
                    tex.repeat_x = tex.repeat_y = r.repeat
            else:
                tex = canvas.blank if r.kind == "blank" else canvas.file_texture(r)
            textures[name] = tex
        canvas.pass_(graph.path, p.part, dest, textures, {**uniforms, **units, "PASSINDEX": index})
    last = graph.passes[-1].target if graph.passes else None
    if last is not None:    # ISF: the last pass is the output, whatever its TARGET
        canvas.copy(scope + last, into)


def texture_filter(read: Read):
    return _FILTERS[read.filter]
