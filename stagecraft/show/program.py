"""A program: the pieces of an evening in order, each with its cue list and the way into it.

Written in TOML (`pieces/programs/*.toml`):

    title = "Smiles for All"
    transition = { kind = "crossfade", seconds = 3, curve = "ease" }   # the default way in
    effects = ["vignette"]    # over the whole show's output, whatever plays (/output/fx/<n>/<input>)

    [[piece]]
    name = "smile_credits"
    transition = { kind = "black", seconds = 2 }   # cut, crossfade, black, or a shader file
    follow = 180                                   # go on to the next piece by itself after this
    effects = ["grain", { effect = "rgb_split", amount = 0.2 }]   # in place of the piece's EFFECTS

    [[piece]]
    file = "artists/tunnel.fs"      # an ISF or Shadertoy file (or a piece module), beside the program
    input = "forum"                 # the piece an ISF filter processes (default: the calibration card)

    [[piece.cue]]
    name = "pricing"          # with no actions: runs the piece's own cue of that name
    note = "the HUD arrives"
    pre_wait = 1.5            # seconds between GO and the actions
    follow = 20               # then the next cue fires by itself this long after
    actions = [{ glide = "hud", to = 1.0, seconds = 3, curve = "ease" }, { cue = "pricing" }]

    [[piece.cue]]
    name = "drop"
    quantize = "bar"          # GO arms it; it fires on the frame nearest the next bar (1: the next beat)
    actions = [{ glide = "hud", to = 0.0, beats = 8 }]     # a glide in beats, at the tempo playing

A piece with no cues listed uses its own, in source order. Actions are `cue` (the piece's named
cue), `glide` and `set` (a parameter), `sound` (a sound event, when the piece has sound) and `send`
(an OSC message out, to lights or another machine). `continue = true` fires the next cue as soon as
this one's actions have run, QLab's auto-continue; `follow = S` is its auto-follow; `timecode =
"01:00:12:00"` fires it when MIDI timecode (from a `--midi` controller) passes that time;
`quantize = 1 | 2 | 4 | "bar"` holds its GO for the next boundary of that many beats of the show's
tempo (Ableton Link's with `--link`).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..midi.timecode import parse as parse_timecode
from ..piece import effects
from ..piece.curves import CURVES
from ..picture import isf
from ..picture.shaders import SHADER_DIR
from ..piece.module import PIECE_DIR, PieceError, PieceModule, find_named, load, resolve
from ..tempo.beat import QUANTUM

PROGRAM_DIR = PIECE_DIR / "programs"
KINDS = ("cut", "crossfade", "black", "shader")
ACTIONS = ("cue", "glide", "set", "sound", "send")
PROGRAM_KEYS = {"title", "transition", "piece", "effects"}
PIECE_KEYS = {"name", "file", "input", "effects", "transition", "follow", "cue"}
CUE_KEYS = {"name", "number", "note", "pre_wait", "follow", "continue", "actions", "timecode", "quantize"}
MAX_QUANTIZE = 64
TRANSITION_KEYS = {"kind", "seconds", "curve", "shader"}


class ProgramError(Exception):
    """A program file that cannot be used; the message names the piece and cue to fix."""


@dataclass(frozen=True)
class Transition:
    kind: str = "cut"
    seconds: float = 0.0
    curve: str = "ease"
    shader: str | None = None


@dataclass(frozen=True)
class Action:
    kind: str
    target: str                       # the cue, parameter, sound or address
    value: object = None
    seconds: float = 0.0
    curve: str = "linear"
    to: str = ""                      # send: host:port
    beats: float | None = None        # glide: its length in beats, at the tempo when it starts


@dataclass(frozen=True)
class ShowCue:
    number: str
    name: str
    note: str
    piece: int                        # index into the program's pieces
    actions: tuple[Action, ...] = ()
    pre_wait: float = 0.0
    follow: float | None = None       # seconds after firing, the next cue fires
    auto_continue: bool = False
    enter: Transition | None = None   # a piece's first cue: the way into it
    timecode: tuple | None = None     # (h, m, s, f): fired when MIDI timecode passes it
    quantize: float | None = None     # beats: a GO waits for the next multiple of this many

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"


@dataclass
class ProgramPiece:
    module: PieceModule
    transition: Transition
    follow: float | None


@dataclass
class Program:
    title: str
    pieces: list[ProgramPiece]
    cues: list[ShowCue] = field(default_factory=list)
    path: Path | None = None
    effects: list = field(default_factory=list)        # the show output's chain (piece/effects.py)
    effect_params: dict = field(default_factory=dict)  # its inputs: fx/<n>/<input>

    @classmethod
    def single(cls, module: PieceModule) -> "Program":
        """`play PIECE`: a program of one piece and its own cues, entered with a cut."""
        program = cls(module.title, [ProgramPiece(module, Transition(), None)])
        program.cues = _cues(program, [[]])
        return program

    def scaled(self, k: float) -> "Program":
        """The same program with every wait, follow and transition k times as long (a quick
        run-through: tests, a rehearsal of the cue list)."""
        def t(x):
            return None if x is None else x * k
        pieces = [replace(p, follow=t(p.follow), transition=replace(p.transition, seconds=p.transition.seconds * k))
                  for p in self.pieces]
        cues = [replace(c, pre_wait=c.pre_wait * k, follow=t(c.follow),
                        enter=replace(c.enter, seconds=c.enter.seconds * k) if c.enter else None)
                for c in self.cues]
        return replace(self, pieces=pieces, cues=cues)

    def rehearsal(self, seconds_each: float, transition_s: float) -> "Program":
        """Every piece for `seconds_each`, its cues firing by themselves spread over that time,
        transitions no longer than `transition_s`: the trailer of the show."""
        pieces = [replace(p, follow=seconds_each,
                          transition=replace(p.transition, seconds=min(p.transition.seconds, transition_s)))
                  for p in self.pieces]
        cues, first = [], False
        for c in self.cues:
            if c.enter:
                count = sum(1 for d in self.cues if d.piece == c.piece and not d.enter)
                step, first = seconds_each / (count + 1), True
                cues.append(replace(c, follow=seconds_each, auto_continue=count > 0,
                                    enter=pieces[c.piece].transition))
            else:   # the first cue waits a step, each follows a step later: the last ends the piece
                cues.append(replace(c, pre_wait=step if first else 0.0, follow=step, auto_continue=False))
                first = False
        return replace(self, pieces=pieces, cues=cues)

    def entry(self, piece: int) -> int:
        """The index of a piece's enter cue in the flat list."""
        return next(i for i, c in enumerate(self.cues) if c.piece == piece and c.enter is not None)

    def find(self, key: str) -> int | None:
        """A cue by number or name; `piece:cue` or a piece's name alone work too."""
        piece, _, cue = key.partition(":")
        for i, c in enumerate(self.cues):
            module = self.pieces[c.piece].module
            if cue and module.name == piece and cue in (c.number, c.name):
                return i
            if not cue and (key in (c.number, c.name) or (c.enter and key == module.name)):
                return i
        return None


def available() -> list[tuple[str, str]]:
    out = []
    for p in sorted(PROGRAM_DIR.glob("*.toml")):
        try:
            title = tomllib.loads(p.read_text(encoding="utf-8")).get("title", p.stem)
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            title = f"(unreadable: {exc.__class__.__name__})"
        out.append((p.stem, str(title)))
    return out


def resolve_program(name_or_path: str) -> Path:
    return find_named(name_or_path, PROGRAM_DIR, ".toml", "program", ProgramError, available)


def load_program(path: Path) -> Program:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError(f"{path}: cannot read ({exc})") from None
    _known(data, PROGRAM_KEYS, f"{path}")
    default = _transition(data.get("transition", {"kind": "crossfade", "seconds": 3.0}), "the default",
                          Path(path).parent)
    pieces, cue_tables = [], []
    entries = data.get("piece")
    if not isinstance(entries, list) or not entries:
        raise ProgramError(f"{path}: a program needs at least one [[piece]]")
    for n, entry in enumerate(entries, 1):
        where = f"piece {n}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name", entry.get("file")), str):
            raise ProgramError(f"{path}: {where} needs name = \"a piece from pieces/\" or file = \"a shader file\"")
        try:
            found = resolve(entry["name"]) if "name" in entry else resolve(str(Path(path).parent / entry["file"]))
            module = load(found, source=entry.get("input"), effects=entry.get("effects"))
        except PieceError as exc:
            raise ProgramError(f"{path}: {where}: {exc}") from None
        where = f"piece {n} ({module.name})"
        _known(entry, PIECE_KEYS, where)
        transition = _transition(entry["transition"], where, Path(path).parent) if "transition" in entry else \
            (Transition() if n == 1 else default)
        pieces.append(ProgramPiece(module, transition, _seconds(entry.get("follow"), f"{where} follow")))
        cue_tables.append(entry.get("cue", []))
    chain, params, problems = effects.chain(data.get("effects", []), Path(path).parent)
    if problems:
        raise ProgramError(f"{path}: the output's effects: " + "; ".join(problems))
    program = Program(str(data.get("title", Path(path).stem)), pieces, path=Path(path), effects=chain,
                      effect_params=params)
    program.cues = _cues(program, cue_tables)
    return program


def _cues(program: Program, tables: list) -> list[ShowCue]:
    many = len(program.pieces) > 1
    cues: list[ShowCue] = []
    for k, (piece, table) in enumerate(zip(program.pieces, tables), 1):
        m = piece.module
        way = piece.transition
        note = "comes on with a cut" if way.kind == "cut" else \
            f"comes on: {way.shader or way.kind}, {way.seconds:g} s" + (f"; on to the next after {piece.follow:g} s"
                                                                        if piece.follow else "")
        cues.append(ShowCue(str(k) if many else "0", m.title, note, k - 1, follow=piece.follow, enter=way))
        own = {c.name: c for c in m.cues}
        if not table:
            table = [{"name": c.name} for c in m.cues]
        if not isinstance(table, list):
            raise ProgramError(f"piece {k} ({m.name}): cues must be [[piece.cue]] tables")
        for n, t in enumerate(table, 1):
            where = f"piece {k} ({m.name}) cue {n}"
            if not isinstance(t, dict) or not isinstance(t.get("name"), str):
                raise ProgramError(f"{where}: needs name = \"...\"")
            _known(t, CUE_KEYS, where)
            actions = tuple(_action(a, m, f"{where} ({t['name']})") for a in t.get("actions", []))
            if not actions:
                if t["name"] not in own:
                    raise ProgramError(f"{where}: {m.name} has no cue {t['name']!r} and no actions are "
                                       f"given (its cues: {', '.join(own) or 'none'})")
                actions = (Action("cue", t["name"]),)
            mine = own.get(t["name"])
            number = str(t["number"]) if "number" in t else f"{k}.{n}" if many else mine.number if mine else str(n)
            note = str(t.get("note", mine.note if mine else ""))
            try:
                timecode = parse_timecode(t["timecode"]) if "timecode" in t else None
            except ValueError as exc:
                raise ProgramError(f"{where}: {exc}") from None
            cues.append(ShowCue(number, t["name"], note, k - 1, actions,
                                _seconds(t.get("pre_wait", 0.0), f"{where} pre_wait"),
                                _seconds(t.get("follow"), f"{where} follow"), bool(t.get("continue", False)),
                                timecode=timecode, quantize=_quantize(t.get("quantize"), where)))
    seen: dict = {}
    for c in cues:
        if c.number in seen:
            raise ProgramError(f"cue number {c.number!r} is used twice ({seen[c.number]} and {c.name})")
        seen[c.number] = c.name
    return cues


def _known(table: dict, keys: set, where: str) -> None:
    """A misspelt key is a cue that silently does nothing on the night: refuse it."""
    unknown = sorted(set(table) - keys)
    if unknown:
        raise ProgramError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(sorted(keys))})")


def _seconds(value, where: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 86400:
        raise ProgramError(f"{where} must be a number of seconds from 0, not {value!r}")
    return float(value)


def _quantize(value, where: str) -> float | None:
    if value is None:
        return None
    if value == "bar":
        return QUANTUM
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= MAX_QUANTIZE:
        raise ProgramError(f"{where} quantize must be a number of beats (1, 2, 4, ... up to {MAX_QUANTIZE}) "
                           f"or \"bar\", not {value!r}")
    return float(value)


def _beats(a: dict, where: str) -> float | None:
    if "beats" not in a:
        return None
    if "seconds" in a:
        raise ProgramError(f"{where}: a glide takes seconds or beats, not both")
    value = a["beats"]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 4096:
        raise ProgramError(f"{where}: beats must be a number of beats above 0, not {value!r}")
    return float(value)


def _transition(t, where: str, beside: Path) -> Transition:
    if isinstance(t, str):
        t = {"kind": t}
    if not isinstance(t, dict):
        raise ProgramError(f"{where} transition must be a table such as {{ kind = \"crossfade\", seconds = 3 }}")
    _known(t, TRANSITION_KEYS, f"{where} transition")
    shader = t.get("shader")
    kind = t.get("kind", "shader" if shader else "crossfade")
    if kind not in KINDS:
        raise ProgramError(f"{where} transition kind {kind!r} must be one of {', '.join(KINDS)}")
    if (kind == "shader") != isinstance(shader, str):
        raise ProgramError(f"{where} transition: a shader transition names its file, shader = \"transitions/x.frag\"")
    curve = t.get("curve", "ease")
    if curve not in CURVES:
        raise ProgramError(f"{where} transition curve {curve!r} must be one of {', '.join(CURVES)}")
    seconds = _seconds(t.get("seconds", 0.0 if kind == "cut" else 3.0), f"{where} transition seconds")
    if shader and (beside / shader).is_file():
        shader = str((beside / shader).resolve())   # beside the program, else in shaders/
    if shader and shader.endswith(".fs"):
        try:
            doc = isf.read(SHADER_DIR / shader)
        except isf.IsfError as exc:
            raise ProgramError(f"{where} transition: {exc}") from None
        if doc.kind != "transition" or len(doc.passes) > 1:
            raise ProgramError(f"{where} transition: {shader} is not a one-pass ISF transition "
                               f"(startImage, endImage and progress)")
    return Transition(kind, 0.0 if kind == "cut" else seconds, curve, shader)


def _action(a, module: PieceModule, where: str) -> Action:
    kinds = [k for k in ACTIONS if isinstance(a, dict) and k in a]
    if len(kinds) != 1:
        raise ProgramError(f"{where}: an action is one of {', '.join(f'{{ {k} = ... }}' for k in ACTIONS)}")
    kind = kinds[0]
    target = a[kind]
    if kind == "cue" and target not in {c.name for c in module.cues}:
        raise ProgramError(f"{where}: {module.name} has no cue {target!r}")
    if kind in ("glide", "set"):
        if target not in module.params:
            raise ProgramError(f"{where}: {module.name} has no parameter {target!r}")
        if "to" not in a:
            raise ProgramError(f"{where}: {kind} {target!r} needs to = a value")
        try:
            module.params[target].coerce(a["to"])
        except (TypeError, ValueError) as exc:
            raise ProgramError(f"{where}: {target!r} cannot be {a['to']!r} ({exc})") from None
    if kind == "glide":
        if a.get("curve", "linear") not in CURVES:
            raise ProgramError(f"{where}: unknown curve {a.get('curve')!r}")
    if kind == "send":
        if not str(target).startswith("/") or ":" not in str(a.get("to", "")):
            raise ProgramError(f"{where}: send = \"/address\" needs to = \"host:port\"")
        return Action("send", str(target), tuple(a.get("args", ())), to=str(a["to"]))
    return Action(kind, str(target), a.get("to"), float(a.get("seconds", 0.0)), str(a.get("curve", "linear")),
                  beats=_beats(a, where) if kind == "glide" else None)
