"""Finding, importing and checking piece modules. A piece is one `.py` file in `pieces/`."""
from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from collections.abc import Callable

from . import effects as fx
from . import imported
from .cues import Cue, collect
from .gestures import Gesture, check_gestures
from .params import check_spec
from ..picture import isf, shadertoy
from ..picture.passes import Graph
from ..picture.shaders import ROOT, SHADER_DIR
from ..sound.graph import SoundError, compile_sound

PIECE_DIR = ROOT / "pieces"


class PieceError(Exception):
    """A piece that cannot be found, imported or used; the message says what to fix."""


@dataclass
class PieceModule:
    name: str
    path: Path
    module: ModuleType
    title: str
    note: str
    params: dict
    cues: list[Cue]
    shader: str | None
    shaders: list[str]
    setup: Callable
    update: Callable
    draw: Callable | None
    sound: dict                # SOUND, compiled (sound/graph.py): sent whole to the sound process
    gestures: list[Gesture]    # GESTURES: what the audience's phones show while it plays
    graph: Graph | None = None      # GRAPH: passes drawn in place of SHADER (an imported shader file)
    images: dict = field(default_factory=dict)      # IMAGES: sampler -> the piece whose picture it reads
    effects: list = field(default_factory=list)     # EFFECTS, as piece/effects.py reads them
    notes: list = field(default_factory=list)       # NOTES: told to the operator when it starts

    def shader_dirs(self) -> list[Path]:
        return [self.path.parent, self.path.parent.parent / "shaders", SHADER_DIR]

    def all_shaders(self) -> list[str]:
        names = ([self.shader] if self.shader else []) + list(self.shaders)
        return list(dict.fromkeys(names))

    def programs(self) -> list[tuple[int | None, str | Path, str]]:
        """(effect n or None, file, part) for every program it draws with: its SHADER and SHADERS
        by name (found in shader_dirs), its graph's passes and its effects' passes by path."""
        out: list = [(None, name, "") for name in self.all_shaders()]
        if self.graph is not None:
            out += [(None, self.graph.path, p.part) for p in self.graph.passes]
        for n, effect in enumerate(self.effects):
            out += [(n, effect.graph.path, p.part) for p in effect.graph.passes]
        return out


def available() -> list[tuple[str, str]]:
    """(name, title) of every piece in pieces/, without importing any of them."""
    out = []
    for p in sorted(PIECE_DIR.glob("*.py")):
        if not p.name.startswith("_"):
            out.append((p.stem, title_of(p)))
    return out


def title_of(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (SyntaxError, OSError, UnicodeDecodeError) as exc:
        return f"(unreadable: {exc.__class__.__name__})"
    return doc.strip().splitlines()[0] if doc.strip() else "(untitled)"


def resolve(name_or_path: str) -> Path:
    """A piece by name, or a file: a piece module (.py), an ISF file (.fs), a Shadertoy export
    (.json) or mainImage (.glsl)."""
    p = Path(name_or_path)
    if p.suffix in imported.FILES:
        if not p.is_file():
            raise PieceError(f"no {'ISF' if p.suffix == '.fs' else 'Shadertoy'} file at {p}")
        return p.resolve()
    return find_named(name_or_path, PIECE_DIR, ".py", "piece", PieceError, available)


def find_named(name_or_path: str, folder: Path, suffix: str, kind: str, error: type[Exception],
               known: Callable[[], list]) -> Path:
    """A file given by path, or by name in its folder; the error lists the names there are."""
    p = Path(name_or_path)
    if p.suffix == suffix:
        if not p.is_file():
            raise error(f"no {kind} file at {p}")
        return p.resolve()
    candidate = folder / f"{name_or_path}{suffix}"
    if candidate.is_file():
        return candidate.resolve()
    names = ", ".join(n for n, _ in known()) or "none"
    raise error(f"unknown {kind} {name_or_path!r} (known: {names})")


def _arity(fn: Callable) -> int:
    try:
        return len(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return -1


def load(path: Path, source: str | None = None, effects: list | None = None) -> PieceModule:
    """Import a fresh copy of the piece module and check its shape; PieceError says what is wrong.
    `source`: the piece an imported filter processes; `effects`: an EFFECTS list in place of its own."""
    name = path.stem
    if path.suffix in imported.FILES:
        try:
            module = imported.module(path, source)
        except (isf.IsfError, shadertoy.ShadertoyError) as exc:
            raise PieceError(str(exc)) from None
        return check(name, path, module, effects)
    modname = f"stagecraft_piece.{name}"
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(modname)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        if previous is not None:
            sys.modules[modname] = previous
        else:
            sys.modules.pop(modname, None)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        raise PieceError(f"piece {name!r} does not import: {detail}") from exc
    return check(name, path, module, effects)


def check(name: str, path: Path, module: ModuleType, effects: list | None = None) -> PieceModule:
    problems = []
    doc = (module.__doc__ or "").strip()
    if not doc:
        problems.append("it needs a docstring: the first line is its title, the rest its program note")
    title, _, note = doc.partition("\n")
    params = getattr(module, "PARAMS", {})
    graph = getattr(module, "GRAPH", None)
    problems += check_spec(params, uniforms=graph is None)
    shader = getattr(module, "SHADER", None)
    shaders = getattr(module, "SHADERS", [])
    if shader is not None and not isinstance(shader, str):
        problems.append("SHADER must be a file name such as 'my_piece.frag'")
    if not isinstance(shaders, (list, tuple)) or not all(isinstance(s, str) for s in shaders):
        problems.append("SHADERS must be a list of file names")
    funcs = {}
    for fname, args, required in (("setup", 1, True), ("update", 3, True), ("draw", 2, False)):
        fn = getattr(module, fname, None)
        if fn is None:
            if required:
                problems.append(f"it needs a function {fname}({', '.join(['stage', 'state', 'dt'][:args])})")
            continue
        if not callable(fn) or _arity(fn) not in (args, -1):
            problems.append(f"{fname} must be a function of {args} argument(s)")
        funcs[fname] = fn
    if shader is None and "draw" not in funcs and graph is None:
        problems.append("it needs SHADER = 'file.frag' or a draw(stage, state) function")
    chain, fx_params, fx_problems = fx.chain(getattr(module, "EFFECTS", []) if effects is None else effects,
                                             path.parent)
    problems += fx_problems
    try:
        cues = collect(module)
    except ValueError as exc:
        problems.append(str(exc))
        cues = []
    for c in cues:
        if _arity(c.fn) not in (2, -1):
            problems.append(f"cue {c.name!r} must be a function of (stage, state)")
    try:
        sound = compile_sound(getattr(module, "SOUND", {}))
    except SoundError as exc:
        problems.append(str(exc))
        sound = None
    gestures = getattr(module, "GESTURES", [])
    problems += check_gestures(gestures)
    if problems:
        raise PieceError(f"piece {name!r} ({path}): " + "; ".join(problems))
    return PieceModule(name, path, module, title.strip(), inspect.cleandoc(note), {**params, **fx_params}, cues,
                       shader, list(shaders), funcs["setup"], funcs["update"], funcs.get("draw"), sound,
                       list(gestures), graph, dict(getattr(module, "IMAGES", {})), chain,
                       list(getattr(module, "NOTES", [])))
