"""Effect chains: ISF filters run in order over a piece's picture after it draws, before the
show's transition, fade and flash limiter (which stays last, judging what the audience sees).

A piece declares them (`EFFECTS = ["blur", {"effect": "mirror", "on": False}, "my_glitch.fs"]`),
a program's [[piece]] may give them instead; each is one of the engine's own (shaders/effects/)
or an ISF filter beside the piece. Effect n's inputs are the piece's parameters `fx/<n>/<input>`,
with `fx/<n>/on` to bypass it: on the control port as /<piece>/fx/<n>/<input>, in cues and
glides, like any other.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..picture import isf, passes
from ..picture.passes import Graph
from ..picture.shaders import SHADER_DIR, ShaderError
from . import imported
from .params import Bool

EFFECT_DIR = SHADER_DIR / "effects"


@dataclass
class Effect:
    name: str
    doc: isf.Document
    graph: Graph
    prefix: str         # its parameters' names begin with this: "fx/<n>/"

    def values(self, uniforms: dict) -> dict:
        """Its inputs' values under ISF's names, from the piece's parameters."""
        n = len(self.prefix)
        return {k[n:]: v for k, v in uniforms.items() if k.startswith(self.prefix)}

    def on(self, uniforms: dict) -> bool:
        return bool(uniforms.get(f"{self.prefix}on", True))


def available() -> list[str]:
    return sorted(p.stem for p in EFFECT_DIR.glob("*.fs"))


def find(name: str, beside: Path) -> Path:
    for p in (beside / name, EFFECT_DIR / name, EFFECT_DIR / f"{name}.fs"):
        if p.suffix == ".fs" and p.is_file():
            return p.resolve()
    raise ValueError(f"effect {name!r} not found (the engine's own are {', '.join(available())}; "
                     f"or an ISF filter's file name beside the piece)")


def chain(entries, beside: Path) -> tuple[list[Effect], dict, list[str]]:
    """(effects, their parameters, problems) from an EFFECTS list."""
    if not isinstance(entries, (list, tuple)):
        return [], {}, ["EFFECTS must be a list of effect names or {effect = NAME, ...} tables"]
    effects, params, problems = [], {}, []
    for n, entry in enumerate(entries):
        spec = {"effect": entry} if isinstance(entry, str) else dict(entry) if isinstance(entry, dict) else {}
        name = spec.pop("effect", None)
        where = f"EFFECTS[{n}]"
        try:
            if not isinstance(name, str):
                raise ValueError("needs an effect name (a string, or a table with effect = NAME)")
            doc = isf.read(find(name, beside))
            if doc.kind != "filter":
                raise ValueError(f"{doc.path.name} is an ISF {doc.kind}, not a filter (it takes no inputImage)")
            fx = Effect(name, doc, isf.graph(doc), f"fx/{n}/")
            own = {f"{fx.prefix}{k}": replace(p, doc=f"{name}: {p.doc}") for k, p in imported.params(doc).items()}
            own[f"{fx.prefix}on"] = Bool(bool(spec.pop("on", True)), doc=f"{name}: on (off bypasses it)")
            for key, value in spec.items():
                p = own.get(f"{fx.prefix}{key}")
                if p is None:
                    has = ", ".join(k.rsplit("/", 1)[1] for k in own)
                    raise ValueError(f"{name} has no input {key!r} (it has {has})")
                own[f"{fx.prefix}{key}"] = replace(p, default=p.coerce(value))
        except (isf.IsfError, ValueError, TypeError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        effects.append(fx)
        params.update(own)
    return effects, params, problems


class Chain:
    """An effect chain at work on a canvas: each effect's passes draw into its own target, the
    next reading it. One that fails is bypassed, told once through `tell(n, exc)`."""

    def __init__(self, effects: list[Effect], canvas, tell):
        self.effects, self.canvas, self._tell = effects, canvas, tell
        self.bypassed: set[int] = set()

    def bypass(self, n: int, exc: Exception) -> None:
        if n not in self.bypassed:
            self.bypassed.add(n)
            self._tell(n, exc)

    def run(self, picture, uniforms: dict):
        """The picture (a target) through every effect that is on; the last one's target."""
        for n, fx in enumerate(self.effects):
            if n in self.bypassed or not fx.on(uniforms):
                continue
            into = f"fx/{n}"
            try:
                passes.run(self.canvas, fx.graph, {**uniforms, **fx.values(uniforms)},
                           dict.fromkeys(fx.graph.images, picture.texture), into=into, scope=f"{into}/")
            except (ShaderError, ValueError) as exc:
                self.bypass(n, exc)
                continue
            picture = self.canvas.targets[into]
        return picture
