"""Runs one piece: its parameters, state, cues and every call into its code, each one guarded.

A call that raises is told to the operator once, with its traceback, and the show goes on from
the last good state (the state is snapshotted before each update or cue while that is cheap).
In strict mode (tests) it raises PieceFault instead.
"""
from __future__ import annotations

import copy
import time
import traceback
from dataclasses import dataclass

import moderngl

from ..picture import passes
from ..picture.canvas import Canvas
from .cues import Cue
from .effects import Chain
from .params import ParamValues
from .module import PieceError, PieceModule, load, resolve
from ..picture.render import Renderer, Target
from ..picture.shaders import ShaderError, Shaders
from ..sound.analysis import Audio
from ..sound.messages import Outbox
from .stage import Stage
from ..picture.text import TextCache

SNAPSHOT_BUDGET_S = 0.001
SNAPSHOT_OVERRUNS = 10  # in a row: one slow copy is a GC pause or a busy machine; ten say the state is too big
_NONE = object()


def _value(text: str):
    parts = [t.strip() for t in text.split(",")]
    try:
        numbers = [float(t) for t in parts]
    except ValueError:
        return text
    return numbers[0] if len(numbers) == 1 else tuple(numbers)


class PieceFault(Exception):
    """A piece raised while --strict was on."""


@dataclass
class Graphics:
    """What a player draws with; shared by every player in a run."""
    ctx: moderngl.Context
    renderer: Renderer
    shaders: Shaders
    text: TextCache


class Player:
    def __init__(self, piece: PieceModule, gfx: Graphics, size, *, seed: int, strict: bool, operator,
                 audience, layer: int = 0):
        self.piece = piece
        self.strict = strict
        self.operator = operator
        self.params = ParamValues(piece.params)
        self.canvas = Canvas(gfx.ctx, gfx.renderer, gfx.shaders, gfx.text, size,
                             piece.shader_dirs(), piece.params)
        self.sound = Outbox(piece.sound, layer)
        self.stage = Stage(self.params, self.canvas, seed, self._note, audience, self.sound)
        self.state = None
        self._snapshots = True
        self._overruns = 0
        self._start = None
        self._make_source = lambda module: Player(module, gfx, size, seed=seed, strict=strict, operator=operator,
                                                  audience=audience, layer=layer)
        self.sources: dict[str, Player] = {}    # the pieces whose pictures its IMAGES read, by name
        self._picture: Target | None = None      # the last effect's target, when it has effects
        self.chain = Chain(piece.effects, self.canvas, self._effect_failed)

    @property
    def name(self) -> str:
        return self.piece.name

    def _note(self, message: str) -> None:
        self.operator.tell(f"{self.name}: {message}")

    def start(self) -> bool:
        """Compile the piece's shaders, start the pieces it reads and set it up; False if any of
        that failed (told already)."""
        for note in self.piece.notes:
            self._note(note)
        compiled = self.compile(self.piece) and self._start_sources()
        ok, state = self._call("setup", self.piece.setup, self.stage)
        self.state = state if ok else {}
        return compiled and ok

    def _start_sources(self) -> bool:
        for name in dict.fromkeys(self.piece.images.values()):
            try:
                source = self._make_source(load(resolve(name)))
            except PieceError as exc:
                if self.strict:
                    raise
                self._note(f"the piece it reads, {name}, cannot load: {exc}")
                return False
            self.sources[name] = source
            if not source.start():
                return False
        return True

    def compile(self, piece: PieceModule) -> bool:
        """Compile every shader the piece names, its passes and its effects, now rather than mid-show."""
        ok = True
        for effect, file, part in piece.programs():
            name = file if isinstance(file, str) else file.name
            try:
                if isinstance(file, str):
                    self.canvas.program(file)
                else:
                    self.canvas.shaders.program(file, piece.params, part)
            except ShaderError as exc:
                if self.strict:
                    raise
                if effect is not None:      # a broken effect is left out; the piece still plays
                    self.chain.bypass(effect, exc)
                    continue
                ok = False
                self.operator.tell(**shader_told(self.name, None, name, exc))
        return ok

    # guarded calls ----------------------------------------------------------------------------
    def _call(self, phase: str, fn, *args):
        try:
            return True, fn(*args)
        except Exception as exc:
            if self.strict:
                raise PieceFault(f"{self.name}: {phase} raised {type(exc).__name__}: {exc}") from exc
            where = _where(exc, self.piece.path)
            self.operator.tell(
                f"{self.name}: {phase} raised {type(exc).__name__}: {exc} ({where}); "
                f"the show goes on from the last good state",
                key=f"{self.name}:{phase}:{type(exc).__name__}:{where}",
                detail=traceback.format_exc(), error=True)
            return False, None

    def _snapshot(self):
        if not self._snapshots:
            return _NONE
        t0 = time.perf_counter()
        try:
            snap = copy.deepcopy(self.state)
        except Exception as exc:
            self._snapshots = False
            self._note(f"its state cannot be copied ({exc}); a failing update may leave it half-changed")
            return _NONE
        if time.perf_counter() - t0 <= SNAPSHOT_BUDGET_S:
            self._overruns = 0
        else:
            self._overruns += 1
            if self._overruns >= SNAPSHOT_OVERRUNS:
                self._snapshots = False
                self._note("its state is too large to snapshot every frame; "
                           "a failing update may leave it half-changed")
        return snap

    def _mutate(self, phase: str, fn, *args) -> bool:
        snap = self._snapshot()
        ok, _ = self._call(phase, fn, self.stage, self.state, *args)
        if not ok and snap is not _NONE:
            self.state = snap
        return ok

    def preset(self, settings: list[tuple[str, str]]) -> None:
        """Parameters given on the command line (`--set NAME=VALUE`), before the first frame.
        A value is a number, a word (true, off, #ff0080) or numbers joined by commas (x,y or r,g,b,a)."""
        for name, text in settings:
            if name not in self.params.spec:
                raise ValueError(f"--set {name}: {self.piece.name} has no parameter {name!r} "
                                 f"(it has: {', '.join(self.params.spec) or 'none'})")
            try:
                self.params.start_at(name, _value(text))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"--set {name}={text}: {exc}") from None

    # the frame --------------------------------------------------------------------------------
    def update(self, clock, builtins: dict, mouse, performer, audio: Audio, camera=None) -> None:
        """A piece's time and frame count from its own start, as Shadertoy's iTime and iFrame do."""
        if self._start is None:
            self._start = (clock.time, clock.frame)
        s = self.stage
        s.time, s.frame = clock.time - self._start[0], clock.frame - self._start[1]
        s.dt, s.mouse, s.performer, s.audio, s.camera = clock.dt, mouse, performer, audio, camera or self.canvas.blank
        s._builtins = {**builtins, "iTime": s.time, "iFrame": s.frame}
        self.params.step(clock.dt)
        self._mutate("update", self.piece.update, clock.dt)
        for source in self.sources.values():
            source.update(clock, builtins, mouse, performer, audio, camera)
            source.sound.take()     # a piece read for its picture is not heard

    def draw(self) -> None:
        for source in self.sources.values():
            source.draw()
        self.canvas.begin_frame()
        self.stage._drawing, self.stage._cards = True, False
        uniforms = self.stage._all_uniforms({}) if self.piece.graph or self.piece.effects else None
        if self.piece.draw is not None:
            ok, _ = self._call("draw", self.piece.draw, self.stage, self.state)
        elif self.piece.graph is not None:
            images = {k: self.sources[name].image for k, name in self.piece.images.items() if name in self.sources}
            ok, _ = self._call("draw", passes.run, self.canvas, self.piece.graph, uniforms, images)
        else:
            ok, _ = self._call("draw", self.stage.shade, self.piece.shader)
        self.stage._drawing = False
        self.canvas.end_frame(ok)
        self._picture = self.chain.run(self.canvas.main, uniforms) if self.piece.effects else None
        self.params.end_frame()

    @property
    def cards(self) -> bool:
        """The piece asked for the projectors' calibration cards this frame."""
        return self.stage._cards

    def _effect_failed(self, n: int, exc: Exception) -> None:
        if self.strict:
            raise PieceFault(f"{self.name}: effect {n}: {exc}") from exc
        self.operator.tell(**shader_told(self.name, n, "", exc))

    @property
    def picture(self) -> Target:
        """What it shows: its canvas, or the end of its effect chain."""
        return self._picture or self.canvas.main

    @property
    def image(self) -> moderngl.Texture:
        return self.picture.texture

    # cues -------------------------------------------------------------------------------------
    def cue(self, name: str) -> Cue | None:
        return next((c for c in self.piece.cues if name in (c.name, c.number)), None)

    def fire(self, c: Cue) -> bool:
        return self._mutate(f"cue {c.name!r}", c.fn)

    # reload -----------------------------------------------------------------------------------
    def _bind(self, piece: PieceModule, params: ParamValues) -> None:
        self.piece, self.params = piece, params
        self.chain = Chain(piece.effects, self.canvas, self._effect_failed)
        self.canvas.rebind(piece.params, piece.shader_dirs())
        self.stage._bind(params)

    def reload(self, new: PieceModule) -> bool:
        """Swap in a freshly imported module; keep the old one if the new one cannot set up."""
        old = (self.piece, self.params)
        sound = self.sound.spec
        params = ParamValues(new.params)
        params.carry_from(self.params)
        self._bind(new, params)
        self.compile(new)
        self.sound.replace(new.sound)
        ok, fresh = self._call("setup", new.setup, self.stage)
        if not ok:
            self._bind(*old)
            self.sound.replace(sound)
            self._note("the new version failed in setup; still running the last good version")
            return False
        same, why = fits(self.state, fresh)
        if same:
            self._note("reloaded; state carried over")
        else:
            self.state = fresh
            self._note(f"reloaded; state restarted from setup ({why})")
        self._snapshots, self._overruns = True, 0
        return True

    def resize(self, size) -> None:
        self.canvas.resize(size)
        for source in self.sources.values():
            source.resize(size)

    def release(self) -> None:
        self.canvas.release()
        for source in self.sources.values():
            source.release()


def shader_told(piece: str, effect: int | None, file: str, exc: Exception) -> dict:
    """How the operator is told of a shader that does not compile (once, by its key): a piece's
    stops the piece, an effect's is bypassed."""
    told = str(exc).splitlines()[0].rstrip(":")
    if effect is None:
        return {"message": told, "key": f"shader:{file}", "detail": str(exc), "error": True}
    return {"message": f"{piece}: effect {effect} bypassed: {told}", "key": f"{piece}:effect:{effect}",
            "detail": str(exc), "error": True}


def fits(old, new) -> tuple[bool, str]:
    """Whether state made by the old module still has the shape the new module's setup makes."""
    if type(old) is not type(new):
        return False, f"it was a {type(old).__name__}, now a {type(new).__name__}"
    if hasattr(old, "shape") and hasattr(old, "dtype"):
        same = (old.shape, old.dtype) == (new.shape, new.dtype)
        return same, "" if same else f"array {old.shape} became {new.shape}"
    a = old if isinstance(old, dict) else getattr(old, "__dict__", None)
    b = new if isinstance(new, dict) else getattr(new, "__dict__", None)
    if a is None:
        return True, ""
    if set(a) != set(b):
        added, gone = sorted(set(b) - set(a)), sorted(set(a) - set(b))
        return False, "; ".join(filter(None, [added and f"new {', '.join(map(str, added))}",
                                               gone and f"gone {', '.join(map(str, gone))}"]))
    for k in a:
        same, why = fits(a[k], b[k])
        if not same:
            return False, f"{k}: {why}"
    return True, ""


def _where(exc: BaseException, path) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    f = (frames or traceback.extract_tb(exc.__traceback__) or [None])[-1]
    return f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" if f else "?"
