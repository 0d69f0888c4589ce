"""Easing curves for glides, fades and transitions: each maps 0..1 onto 0..1."""
from __future__ import annotations

import math

CURVES = {
    "linear": lambda t: t,
    "ease": lambda t: t * t * (3.0 - 2.0 * t),
    "in": lambda t: t * t,
    "out": lambda t: 1.0 - (1.0 - t) * (1.0 - t),
    "sine": lambda t: 0.5 - 0.5 * math.cos(math.pi * t),
    "exp": lambda t: (math.exp(4.0 * t) - 1.0) / (math.exp(4.0) - 1.0),
}


def curve(name: str):
    try:
        return CURVES[name]
    except KeyError:
        raise ValueError(f"unknown curve {name!r}; choose one of {', '.join(CURVES)}") from None
