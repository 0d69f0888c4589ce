"""An ISF generator played as a piece: its INPUTS become the piece's typed parameters (ranged,
smoothed where ISF's are continuous, on the control port as /<piece>/<input>, in cues and glides),
its DESCRIPTION and CREDIT the program note, its body the piece's shader."""
from __future__ import annotations

from types import ModuleType

from ..picture import isf
from .params import Bool, Color, Event, Float, Int, Point2D

SMOOTH_S = 0.15     # a fader's step softened, as a VJ tool does; an ISF file cannot say otherwise


def params(doc: isf.Document) -> dict:
    out = {}
    for i in doc.inputs:
        where = f"{doc.path}: INPUT {i.name!r}"
        try:
            out[i.name] = _param(i)
        except (TypeError, ValueError) as exc:
            raise isf.IsfError(f"{where}: {exc}") from None
    return out


def _param(i: isf.Input):
    doc = i.label or i.name
    if i.kind == "float":
        lo = float(i.min if i.min is not None else 0.0)
        hi = float(i.max if i.max is not None else 1.0)
        default = float(i.default if i.default is not None else lo)
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
        lo = tuple(float(x) for x in (i.min or (0.0, 0.0)))
        hi = tuple(float(x) for x in (i.max or (1.0, 1.0)))
        default = tuple(float(x) for x in (i.default or ((a + b) / 2 for a, b in zip(lo, hi))))
        return Point2D(default, lo, hi, smooth=SMOOTH_S, doc=doc)
    raise ValueError(f"TYPE {i.kind!r} is not a parameter")


def module(doc: isf.Document) -> ModuleType:
    """A module as a piece file would be: the checks and the player take it like any other."""
    m = ModuleType(f"stagecraft_isf.{doc.path.stem}")
    title = doc.path.stem.replace("_", " ").replace("-", " ").strip().title()
    note = doc.description + (f"\n\nCredit: {doc.credit}" if doc.credit else "")
    m.__doc__ = f"{title}\n\n{note}".strip()
    m.SHADER = doc.path.name
    m.PARAMS = params(doc)
    m.setup = lambda stage: {}
    m.update = lambda stage, state, dt: None
    return m
