"""Every address the engine answers, in one table: the engine's own, the audience's, and those each
piece's parameters and cues give it. `run.py osc-map` prints this table; nothing else documents it.

Each act runs on the frame loop with `osc` (the frame side, osc.hub.Osc), the parsed value and the
sender; what it returns is the reply's data, and Refused says why it did not happen.
"""
from __future__ import annotations

import re

from ..audience.state import ECHO_CHARS, NAME_CHARS, Act, clean_text
from ..piece.cues import GO_GUARD_S
from ..safety.fade import DEFAULT_PANIC_S, MAX_PANIC_S
from ..piece.module import PieceModule, available
from ..projection.mapping import MAX_CELLS
from ..projection.stage import IDENTIFY_S
from ..tempo.beat import MAX_BPM, MIN_BPM
from .space import Entry, Refused, anything, flag, nothing, numbers, text, word

SMILE_MAX = 2 ** 31 - 1
_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")   # what may stand between slashes without quoting


# transport -----------------------------------------------------------------------------------
def _go(osc, _, sender, cue=None):
    show = osc.engine.show
    if cue is None and show.standby is None and not show.loop:
        raise Refused("no cue on standby")
    fired = osc.engine.go(cue)
    if fired is None:
        raise Refused(f"a GO within {GO_GUARD_S} s of the last one; ignored (double-GO protection)")
    return {"cue": fired.name, "number": fired.number, "standby": show.standby.name if show.standby else None}


def _move(step):
    def act(osc, _, sender):
        osc.engine.move_playhead(step)
        standby = osc.engine.show.standby
        return {"standby": standby.name if standby else None}
    return act


def _start(index):
    def act(osc, _, sender):
        fired = osc.engine.fire(index)
        return {"cue": fired.name, "number": fired.number}
    return act


def _load(osc, name, sender):
    if name not in {n for n, _ in available()}:
        raise Refused(f"no piece {name!r} in pieces/")  # never a path: the port is not a shell
    if not osc.engine.load(name):
        raise Refused(f"piece {name!r} did not load; the operator's terminal says why")
    return {"piece": name}


def _learn(osc, address, sender):
    midi = osc.engine.midi
    if midi is None:
        raise Refused("no controller is bound (run with --midi FILE)")
    if not osc.space().resolve(address):
        raise Refused(f"{address!r} is not an address of the control port")
    midi.learn(address)
    return {"learning": address}


def _sensor(field):
    def act(osc, value, sender):
        osc.engine.set_performer(**{field: value})
    return act


def _audience(kind, field="amount"):
    """An act of the audience, its parsed value in the named field of the Act."""
    def act(osc, value, sender):
        fields = {} if value is None else {field: value}
        osc.engine.audience.take(Act(kind, sender.id, osc.engine.clock.time, **fields))
    return act


ENGINE = [
    Entry("/go", "", "GO: fire the cue on standby and move to the next (double-GO protected)", nothing, _go),
    Entry("/stop", "", "stop every glide where it is", nothing, lambda osc, v, s: osc.engine.stop()),
    Entry("/panic", "", f"fade the picture to black over {DEFAULT_PANIC_S:g} s and hold it there until /reset",
          nothing, lambda osc, v, s: osc.engine.panic(DEFAULT_PANIC_S)),
    Entry("/panicInTime", "f", "panic, fading over the given seconds", numbers(1, 0.0, MAX_PANIC_S),
          lambda osc, v, s: osc.engine.panic(v), range=f"0..{MAX_PANIC_S:g} s"),
    Entry("/reset", "", "clear a panic, stop glides, stand by on the first cue", nothing,
          lambda osc, v, s: osc.engine.reset()),
    Entry("/playhead/next", "", "stand by on the next cue without firing", nothing, _move(1)),
    Entry("/playhead/previous", "", "stand by on the previous cue without firing", nothing, _move(-1)),
    Entry("/piece/load", "s", "switch to a piece from pieces/ (a bad one leaves the current one running)",
          word, _load, range="a name from `run.py list`"),
    Entry("/blackout", "T|F|i", "blackout on or off (a half-second fade)", flag,
          lambda osc, v, s: osc.engine.set_blackout(v)),
    Entry("/master/volume", "f", "the master volume", numbers(1, 0.0, 1.0),
          lambda osc, v, s: osc.engine.set_master_volume(v), range="0..1", continuous=True),
    Entry("/thump", "", "heartbeat: answered with /reply/thump; keeps /updates alive", nothing,
          lambda osc, v, s: "thump"),
    Entry("/updates", "T|F|i", "1: push state to this sender (piece, cue, audience, fps) a few times "
          "a second; 0: stop", flag, lambda osc, v, s: osc.subscribe(s, v)),
    Entry("/connect", "[s]", "unlock the control port when it has a passcode (`--passcode`)",
          anything, lambda osc, v, s: "ok", range="the passcode"),
    Entry("/moderation/hold", "T|F|i", "1: echoes wait for the operator's approval; 0: straight to the stage",
          flag, lambda osc, v, s: osc.engine.hold_echoes(v)),
    Entry("/moderation/approve", "", "the echo waiting longest goes to the stage", nothing,
          lambda osc, v, s: osc.engine.approve()),
    Entry("/moderation/drop", "", "the echo waiting longest is dropped", nothing, lambda osc, v, s: osc.engine.drop()),
    Entry("/moderation/ban", "[s]", "ban a sender for the evening (default: the one whose echo waits longest)",
          anything, lambda osc, v, s: osc.engine.ban(str(v[0]) if v else None), range="a sender, as the console shows it"),
    Entry("/phones/qr", "[f]", "show the way in for phones (the QR code and URL) on stage",
          numbers(1, 1.0, 600.0, optional=20.0), lambda osc, v, s: osc.engine.show_qr(v), range="seconds, default 20"),
    Entry("/midi/learn", "s", "the next control moved on a bound controller is bound to this address, "
          "and saved in its mapping file", word, _learn, range="an address, e.g. /current/hud"),
    Entry("/link/tempo", "f", "the show's tempo in beats a minute (with --link, the whole Link session's)",
          numbers(1, MIN_BPM, MAX_BPM), lambda osc, v, s: osc.engine.set_tempo(v), range=f"{MIN_BPM:g}..{MAX_BPM:g}"),
    Entry("/link/tap", "", "tap tempo: two taps or more set the tempo from their spacing", nothing,
          lambda osc, v, s: osc.engine.tap()),
    Entry("/performer/voice", "f", "the performer's voice level", numbers(1, 0.0, 1.0),
          _sensor("voice"), range="0..1", continuous=True),
    Entry("/performer/hand", "ff", "the performer's hand, x y from the bottom-left", numbers(2, 0.0, 1.0),
          _sensor("hand"), range="0..1 each", continuous=True),
]

AUDIENCE = [
    Entry("/audience/cheer", "[f]", "a cheer: raises the excitement, which decays",
          numbers(1, 0.0, 1.0, optional=1.0), _audience("cheer"), range="0..1, default 1", audience=True),
    Entry("/audience/vote", "f", "a vote; the polarity is every voter's latest vote, averaged",
          numbers(1, -1.0, 1.0), _audience("vote"), range="-1 bazaar .. +1 elite", audience=True),
    Entry("/audience/echo", "s", "a message for the stage, cleaned of control characters",
          text(ECHO_CHARS, clean_text), _audience("echo", "text"), range=f"at most {ECHO_CHARS} characters",
          audience=True),
    Entry("/audience/buy", "[i]", "a purchase of smile credits", numbers(1, 1, 100, whole=True, optional=1),
          _audience("buy"), range="1..100 credits, default 1", audience=True),
    Entry("/audience/refuse", "", "a refusal to buy", nothing, _audience("refuse"), audience=True),
    Entry("/audience/barter", "ii", "a barter between two smiles", numbers(2, 0, SMILE_MAX, whole=True),
          _audience("barter", "smiles"), range="smile numbers, 0 or more", audience=True),
    Entry("/audience/join", "[s]", "join the show with a name; each join makes a smile",
          text(NAME_CHARS, clean_text, optional=True), _audience("join", "text"),
          range=f"at most {NAME_CHARS} characters", audience=True),
    Entry("/audience/touch", "ff", "a touch on the shared stage, x y from the bottom-left", numbers(2, 0.0, 1.0),
          _audience("touch", "point"), range="0..1 each", audience=True),
]

AUDIENCE_ADDRESSES = frozenset(e.address for e in AUDIENCE)


# a piece's parameters and cues ---------------------------------------------------------------
def _param_parser(spec):
    kind = spec.kind
    if kind == "float":
        return numbers(1)
    if kind == "int":
        return numbers(1, whole=True)
    if kind == "bool":
        return flag
    if kind == "point2D":
        return numbers(2)
    if kind == "color":
        return _color
    return anything


_rgb, _rgba = numbers(3), numbers(4)


def _color(args: tuple):
    """r g b [a], or one "#RRGGBB[AA]" string; ParamValues clamps and checks either."""
    return word(args) if len(args) == 1 else _rgb(args) if len(args) == 3 else _rgba(args)


PARAM_TYPES = {"float": "f", "int": "i", "bool": "T|F|i", "point2D": "ff", "color": "ffff|fff|s",
               "event": "any"}


def _param_range(spec) -> str:
    if spec.kind in ("float", "int"):
        labels = f" ({', '.join(f'{i} {l}' for i, l in enumerate(spec.labels, int(spec.min)))})" if getattr(spec, "labels", ()) else ""
        return f"{spec.min:g}..{spec.max:g}{labels}"
    return {"point2D": "0..1 each", "color": "0..1 each, or #RRGGBB[AA]", "event": "fires once per message"}.get(
        spec.kind, "")


def _set_param(name, params_of=lambda engine: engine.player.params):
    def act(osc, value, sender):
        params = params_of(osc.engine)
        if params.spec[name].kind == "event":
            params.fire(name)
            return
        try:
            params.set(name, value)
        except (TypeError, ValueError) as exc:
            osc.engine.operator.tell(f"OSC: a value for {name} was refused ({exc})", key=f"osc:param:{name}")
            raise Refused(f"{name}: {exc}") from None
    return act


def piece_entries(piece: PieceModule) -> list[Entry]:
    """`/<piece>/<param>` and `/current/<param>` for each of the playing piece's parameters."""
    out = []
    prefixes = [p for p in (piece.name, "current") if _PART.match(p)]
    for name, spec in piece.params.items():
        for prefix in prefixes:
            out.append(Entry(f"/{prefix}/{name}", PARAM_TYPES[spec.kind], spec.doc or name, _param_parser(spec),
                             _set_param(name), range=_param_range(spec), continuous=spec.kind != "event"))
    return out


def output_entries(spec: dict) -> list[Entry]:
    """`/output/fx/<n>/<input>`: the show output's effect chain (a program's `effects`)."""
    return [Entry(f"/output/{name}", PARAM_TYPES[p.kind], p.doc or name, _param_parser(p),
                  _set_param(name, lambda engine: engine.output_fx.params), range=_param_range(p),
                  continuous=p.kind != "event") for name, p in spec.items()]


def mapping_entries(outputs: list[str]) -> list[Entry]:
    """`/mapping/<output>/...`: the projectors' corner pins, soft edges and gain, edited live (the
    next frame shows it; the file saves itself a moment after the last change)."""
    out = [Entry("/mapping/save", "", "save the mapping file now (the last five versions are kept)", nothing,
                 lambda osc, v, s: osc.engine.save_mapping()),
           Entry("/mapping/identify", "[f]", "every output shows its calibration card, its name large, for a "
                 "few seconds", numbers(1, 0.0, 60.0, optional=IDENTIFY_S),
                 lambda osc, v, s: osc.engine.identify_outputs(v), range="seconds 0..60 (default 5)")
           ] if outputs else []
    for name in outputs:
        out.append(Entry(f"/mapping/{name}/corner", "iff", f"move a corner of {name}: 1 top-left .. 4 bottom-left, "
                         "x y of the output (0..1, y down)", _corner_args, _mapping_act(name, "corner"),
                         range="1..4, then -10..10 each"))
        for side in ("left", "right", "top", "bottom"):
            out.append(Entry(f"/mapping/{name}/blend/{side}", "fff", f"the {side} soft edge of {name}: width "
                             "(of its source), curve, gamma", numbers(3, 0.0, 8.0), _mapping_act(name, "blend", side),
                             range="width 0..0.5, curve 0.5..8, gamma 1..3"))
        out.append(Entry(f"/mapping/{name}/gain", "ffff", f"{name}'s brightness and red, green, blue gain",
                         numbers(4, 0.0, 4.0), _mapping_act(name, "gain"), range="0..4 each"))
        out.append(Entry(f"/mapping/{name}/grid", "ii", f"a warp grid of COLS x ROWS cells over {name}, every point "
                         "back in place (0 0: no grid)", numbers(2, 0, MAX_CELLS, whole=True),
                         _mapping_act(name, "grid"), range=f"0..{MAX_CELLS} each"))
        out.append(Entry(f"/mapping/{name}/point", "iiff", f"move the warp grid's point COL ROW of {name} by dx dy "
                         "(of the output, y down)", _point_args, _mapping_act(name, "point"),
                         range="the grid's points, then -0.5..0.5 each"))
    return out


def _corner_args(args: tuple):
    corner, x, y = numbers(3, -10.0, 10.0)(args)
    if corner != int(corner) or not 1 <= corner <= 4:
        raise Refused("the corner is 1 (top-left) to 4 (bottom-left)")
    return int(corner), x, y


def _point_args(args: tuple):
    col, row, dx, dy = numbers(4)(args)
    if col != int(col) or row != int(row) or not (0 <= col <= MAX_CELLS and 0 <= row <= MAX_CELLS):
        raise Refused(f"a warp point is its whole column and row (0..{MAX_CELLS}), then dx dy")
    return int(col), int(row), min(max(dx, -0.5), 0.5), min(max(dy, -0.5), 0.5)


def _mapping_act(name: str, what: str, *more):
    def act(osc, v, sender):
        try:
            osc.engine.edit_mapping(name, what, *more, *v)
        except ValueError as exc:
            raise Refused(str(exc)) from None
    return act


def cue_entries(program) -> list[Entry]:
    """`/cue/<name or number>/start` (fire, the playhead stays) and `/cue/.../go` (stand by on
    it and GO) for each cue of the program, by number and by name."""
    out = []
    for index, cue in enumerate(program.cues):
        label = f"cue {cue.label}" + (f" ({cue.note})" if cue.note else "")
        for key in dict.fromkeys((cue.number, cue.name)):
            if _PART.match(key) and not any(e.address == f"/cue/{key}/go" for e in out):
                out.append(Entry(f"/cue/{key}/start", "", f"fire {label} without moving the playhead", nothing,
                                 _start(index)))
                out.append(Entry(f"/cue/{key}/go", "", f"stand by on {label} and GO", nothing,
                                 lambda osc, v, s, i=index: _go(osc, v, s, i)))
                out.append(Entry(f"/cue/{key}/load", "", f"stand by on {label} without firing it", nothing,
                                 lambda osc, v, s, i=index: osc.engine.show.stand_by(i)))
    return out
