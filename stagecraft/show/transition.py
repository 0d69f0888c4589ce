"""A transition: one piece crossing into the next. Both keep playing; a transition shader (ISF's
convention: startImage, endImage, progress; an ISF transition file as it is, its other inputs at
their defaults) mixes their pictures, and their sounds crossfade."""
from __future__ import annotations

from pathlib import Path

from ..piece.curves import curve
from ..piece.imported import params
from .program import Transition
from ..picture import isf
from ..picture.render import Target
from ..picture.shaders import SHADER_DIR

BUILT_IN = {"crossfade": "transitions/crossfade.frag", "black": "transitions/black.frag"}


def shader_path(spec: Transition) -> Path | None:
    """The shader a transition runs (None for a cut)."""
    name = spec.shader if spec.kind == "shader" else BUILT_IN.get(spec.kind)
    return SHADER_DIR / name if name else None


class Crossing:
    def __init__(self, spec: Transition, leaving, entering, started: float, program):
        self.spec, self.leaving, self.entering = spec, leaving, entering
        self.started = started
        self.program = program
        self._shape = curve(spec.curve)
        path = shader_path(spec)
        self.defaults = {name: p.default for name, p in params(isf.read(path)).items()} \
            if path is not None and path.suffix == ".fs" else {}

    def progress(self, now: float) -> float:
        return self._shape(min(max((now - self.started) / max(self.spec.seconds, 1e-6), 0.0), 1.0))

    def done(self, now: float) -> bool:
        return now - self.started >= self.spec.seconds

    def draw(self, renderer, into: Target, now: float) -> None:
        renderer.shade(self.program, into.back, into.size,
                       {"startImage": self.leaving.image, "endImage": self.entering.image},
                       {**self.defaults, "progress": self.progress(now)})
        into.swap()

    @property
    def label(self) -> str:
        return f"{self.leaving.name} > {self.entering.name} ({self.spec.kind}, {self.spec.seconds:g} s)"
