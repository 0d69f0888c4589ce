"""Shaders written for other tools played as pieces, unchanged.

An ISF file's INPUTS become the piece's typed parameters (ranged, smoothed where ISF's are
continuous, on the control port as /<piece>/<input>, in cues and glides), its DESCRIPTION and
CREDIT the program note, its PASSES the piece's graph. A filter takes another piece's picture
(the calibration card unless told otherwise) for its images; a transition runs from the card to
standby, its `progress` gliding over TRANSITION_S unless set. A Shadertoy export's passes are its
graph and its info the note. Each is a module as a piece file would be, so the checks, the player
and the show take it like any other.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..picture import isf, shadertoy
from ..picture.shaders import SHADER_DIR
from .params import Bool, Color, Event, Float, Int, Point2D

SMOOTH_S = 0.15         # a fader's step softened, as a VJ tool does; an ISF file cannot say otherwise
SOURCE = "calibration"  # what a filter processes, and a transition leaves, unless told otherwise
DESTINATION = "standby"  # where a transition played alone arrives
TRANSITION_S = 2.0
FILES = (".fs", ".json", ".glsl")


def params(doc: isf.Document) -> dict:
    out = {}
    for i in doc.inputs:
        if i.kind in isf.IMAGES:
            continue
        try:
            out[i.name] = _param(i)
        except (TypeError, ValueError) as exc:
            raise isf.IsfError(f"{doc.path}: INPUT {i.name!r}: {exc}") from None
    return out


def _param(i: isf.Input):
    doc = i.label or i.name
    if i.kind == "float":
        default = float(i.default if i.default is not None else i.min if i.min is not None else 0.0)
        lo = float(i.min) if i.min is not None else min(0.0, default)     # a range the file leaves
        hi = float(i.max) if i.max is not None else max(1.0, default)     # open holds its default
        lo, hi = min(lo, hi), max(lo, hi)
        return Float(min(max(default, lo), hi), lo, hi, smooth=SMOOTH_S, doc=doc)
    if i.kind == "bool":
        return Bool(bool(i.default), doc=doc)
    if i.kind == "event":
        return Event(doc=doc)
    if i.kind == "long":
        values = [int(v) for v in i.values] or list(range(int(i.min or 0), int(i.max if i.max is not None else 1) + 1))
        lo, hi = min(values), max(values)
        labels = tuple(str(x) for x in i.labels) if values == list(range(lo, hi + 1)) else ()
        default = int(i.default if i.default is not None else values[0])
        return Int(min(max(default, lo), hi), lo, hi, labels=labels, doc=doc)
    if i.kind == "color":
        rgba = [float(x) for x in (i.default or (1.0, 1.0, 1.0, 1.0))]
        return Color(tuple((rgba + [1.0])[:4]), smooth=SMOOTH_S, doc=doc)
    if i.kind == "point2D":
        given = tuple(float(x) for x in i.default) if i.default else None
        lo = tuple(float(x) for x in i.min) if i.min else tuple(min(0.0, x) for x in (given or (0.0, 0.0)))
        hi = tuple(float(x) for x in i.max) if i.max else tuple(max(1.0, x) for x in (given or (1.0, 1.0)))
        default = given or tuple((a + b) / 2 for a, b in zip(lo, hi))
        return Point2D(default, lo, hi, smooth=SMOOTH_S, doc=doc)
    raise ValueError(f"TYPE {i.kind!r} is not a parameter")


def title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().title()


def _module(path: Path, title_: str, note: str) -> ModuleType:
    m = ModuleType(f"stagecraft_imported.{path.stem}")
    m.__doc__ = f"{title_}\n\n{note}".strip()
    m.PARAMS, m.IMAGES, m.NOTES = {}, {}, []
    m.setup = lambda stage: {}
    m.update = lambda stage, state, dt: None
    return m


def isf_module(doc: isf.Document, source: str | None = None) -> ModuleType:
    """`source`: the piece a filter processes, or a transition leaves (the calibration card if None)."""
    note = doc.description + (f"\n\nCredit: {doc.credit}" if doc.credit else "")
    m = _module(doc.path, title(doc.path), note)
    m.GRAPH = isf.graph(doc)
    m.PARAMS = params(doc)
    if doc.kind == "transition":
        m.IMAGES = {"startImage": source or SOURCE, "endImage": DESTINATION}
        m.setup = _glide_progress
    else:
        m.IMAGES = {name: source or SOURCE for name in m.GRAPH.images}
    return m


def _glide_progress(stage) -> dict:
    """A transition alone: progress runs 0 to 1 over TRANSITION_S (`--set progress=P` holds it)."""
    stage.set("progress", 0.0)
    stage.glide("progress", 1.0, TRANSITION_S)
    return {}


def shadertoy_module(doc: shadertoy.Document) -> ModuleType:
    by = f"\n\nBy {doc.author} on Shadertoy" if doc.author else ""
    m = _module(doc.path, doc.title, doc.description + by)
    m.GRAPH = shadertoy.graph(doc)
    m.NOTES = list(doc.notes)
    return m


def files(path: Path) -> list[Path]:
    """The shader file and what it reads beside it (a .vs, IMPORTED images, textures)."""
    module_ = module(path)
    reads = [r.name for p in module_.GRAPH.passes for _, r in p.reads if r.kind == "file"]
    vertex = [path.with_suffix(".vs")] if path.suffix == ".fs" and path.with_suffix(".vs").is_file() else []
    return list(dict.fromkeys([path, *vertex, *(Path(r) for r in reads)]))


def shader_file(name: str) -> ModuleType:
    """For a piece module that `run.py import` wrote: the shader file (a path in shaders/) as a
    piece's parts, PARAMS, GRAPH, IMAGES, NOTES and setup, for the module to take as its own."""
    try:
        return module(SHADER_DIR / name)
    except (isf.IsfError, shadertoy.ShadertoyError) as exc:
        raise ValueError(str(exc)) from None


def module(path: Path, source: str | None = None) -> ModuleType:
    """The piece a shader file makes; IsfError or ShadertoyError say why one cannot be made."""
    if path.suffix == ".fs":
        return isf_module(isf.read(path), source)
    return shadertoy_module(shadertoy.read(path))
