"""What a piece writes to declare its sound: unit generators from one table, chained into tracks.

    SOUND = {
        "drone": saw(55, detune=8, unison=3).lowpass(700).gain(0.2),
        "blip":  voices(sine().adsr(0.002, 0.05, 0, 0.08), count=6).send("room", 0.3),
        "room":  bus().reverb(decay=2.5, mix=1.0),
    }

Each track starts with a source and runs through effects; every track is summed into the master
bus, through its own fader (`level`) and `pan`. `bus()` starts a track that hears what others
`send` to it. Like hydra's table of primitives, every unit is one row of TABLE: its kind, its
parameters (smoothed, and settable while the piece runs as "track.param" or
"track.unit.param"), and its options (fixed when the sound is built).

Nothing here makes a sound: `compile_sound` turns the chains into a plain, checked dict, the one
thing sent whole to the sound process (or to the offline renderer), which builds the DSP.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

SOUND_DIR = Path(__file__).resolve().parent.parent.parent / "sounds"
SAMPLES = ("coin", "click", "knock", "shaker", "tear", "voice")
TABLES = ("organ", "glass", "reed", "hollow")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Unit:
    kind: str                      # "source" starts a chain, "effect" continues one
    params: dict                   # name: (default, min, max), smoothed per sample, settable live
    options: dict = field(default_factory=dict)  # name: default, fixed when built
    choices: dict = field(default_factory=dict)  # option: allowed values
    order: tuple = ()              # what positional arguments mean
    doc: str = ""


_PITCHED = {"freq": (440.0, 0.0, 20000.0), "amp": (1.0, 0.0, 8.0), "detune": (0.0, 0.0, 100.0),
            "vib_rate": (5.0, 0.0, 20.0), "vib_depth": (0.0, 0.0, 100.0)}
_UNISON = {"unison": 1}
_FILTER = {"cutoff": (1000.0, 10.0, 20000.0), "q": (0.7071, 0.1, 30.0)}

TABLE: dict[str, Unit] = {
    # sources
    "sine": Unit("source", _PITCHED, _UNISON, order=("freq", "amp"),
                 doc="a sine; detune (cents) spreads `unison` copies, vib_depth (cents) wobbles"),
    "saw": Unit("source", _PITCHED, _UNISON, order=("freq", "amp"), doc="band-limited saw (polyBLEP)"),
    "square": Unit("source", {**_PITCHED, "width": (0.5, 0.01, 0.99)}, _UNISON, order=("freq", "amp", "width"),
                   doc="band-limited pulse (polyBLEP); width 0.5 is square"),
    "triangle": Unit("source", _PITCHED, _UNISON, order=("freq", "amp"), doc="band-limited triangle (polyBLAMP)"),
    "wavetable": Unit("source", _PITCHED, {**_UNISON, "table": "organ"}, order=("table", "freq", "amp"),
                      doc="a single cycle from harmonic amplitudes (a name or a list), band-limited per octave"),
    "noise": Unit("source", {"amp": (1.0, 0.0, 8.0)}, {"color": "white"}, {"color": ("white", "pink")},
                  order=("color", "amp"), doc="white or pink noise; amp 0.1 has the RMS of a 0.1 sine"),
    "dust": Unit("source", {"density": (20.0, 0.0, 5000.0), "amp": (1.0, 0.0, 8.0)}, order=("density", "amp"),
                 doc="random clicks, `density` a second: crackle"),
    "sampler": Unit("source", {"amp": (1.0, 0.0, 8.0)}, {"sample": "click", "root": 60},
                    order=("sample", "amp"), doc="plays a short sound on each note; `root` plays it as recorded"),
    "granular": Unit("source", {"density": (20.0, 0.5, 200.0), "grain": (0.08, 0.005, 1.0),
                                "position": (0.5, 0.0, 1.0), "spread": (0.1, 0.0, 1.0),
                                "pitch": (0.0, -24.0, 24.0), "jitter": (0.0, 0.0, 12.0), "amp": (1.0, 0.0, 8.0)},
                     {"sample": "voice"}, order=("sample",),
                     doc="grains of a sound: `density` a second, `grain` seconds long, read at `position`"),
    "voices": Unit("source", {}, {"voice": None, "count": 8}, order=("voice", "count"),
                   doc="a chain played once per note, `count` at a time (the oldest is stolen)"),
    "bus": Unit("source", {}, doc="what other tracks `send` here"),
    # effects
    "gain": Unit("effect", {"amount": (1.0, 0.0, 8.0)}, order=("amount",)),
    "pan": Unit("effect", {"pos": (0.0, -1.0, 1.0)}, order=("pos",), doc="-1 left .. 1 right; makes stereo"),
    "adsr": Unit("effect", {"attack": (0.01, 0.0, 30.0), "decay": (0.1, 0.0, 30.0), "sustain": (0.7, 0.0, 1.0),
                            "release": (0.3, 0.0, 60.0)}, {"curve": 3.0},
                 order=("attack", "decay", "sustain", "release"),
                 doc="an envelope opened by each note; times in seconds, read when a note starts"),
    "lowpass": Unit("effect", _FILTER, order=("cutoff", "q")),
    "highpass": Unit("effect", _FILTER, order=("cutoff", "q")),
    "bandpass": Unit("effect", _FILTER, order=("cutoff", "q"), doc="0 dB at the centre"),
    "svf": Unit("effect", _FILTER, {"mode": "low"}, {"mode": ("low", "band", "high", "notch")},
                order=("cutoff", "q", "mode"), doc="state-variable filter: stays smooth under fast sweeps"),
    "formant": Unit("effect", {"vowel": (0.0, 0.0, 4.0), "shift": (1.0, 0.5, 2.0)}, {"voice": "soprano"},
                    {"voice": ("soprano", "alto", "tenor", "bass")}, order=("vowel",),
                    doc="sung vowels: 0 a, 1 e, 2 i, 3 o, 4 u, and between"),
    "drive": Unit("effect", {"amount": (0.5, 0.0, 1.0)}, order=("amount",), doc="soft saturation"),
    "delay": Unit("effect", {"time": (0.3, 0.002, 4.0), "feedback": (0.4, 0.0, 0.98), "mix": (0.3, 0.0, 1.0),
                             "mod_rate": (0.5, 0.0, 10.0), "mod_depth": (0.0, 0.0, 0.02)},
                  {"max_time": 2.0, "damp": 6000.0}, order=("time", "feedback", "mix"),
                  doc="echoes; mod_depth (seconds) wobbles the time"),
    "reverb": Unit("effect", {"decay": (2.0, 0.1, 60.0), "mix": (0.3, 0.0, 1.0)}, {"size": 1.0, "damp": 5000.0},
                   order=("decay", "mix"), doc="a feedback-delay network; decay is RT60 in seconds; stereo"),
    "send": Unit("effect", {"amount": (1.0, 0.0, 8.0)}, {"to": ""}, order=("to", "amount"),
                 doc="copies the signal here to a bus track, and passes it on"),
}
OPTION_LIMITS = {"unison": (1, 7), "count": (1, 64), "root": (0, 127), "max_time": (0.01, 10.0),
                 "damp": (200.0, 20000.0), "size": (0.25, 4.0), "curve": (0.0, 12.0)}
FADER = {"level": (1.0, 0.0, 8.0), "pan": (0.0, -1.0, 1.0)}  # every track has these


class Chain:
    """Units in order. Sources are functions (`saw(55)`); effects are methods (`.lowpass(800)`)."""
    __slots__ = ("steps",)

    def __init__(self, steps: tuple):
        self.steps = steps

    def __getattr__(self, name: str):
        unit = TABLE.get(name)
        if unit is None or unit.kind != "effect":
            effects = ", ".join(n for n, u in TABLE.items() if u.kind == "effect")
            raise AttributeError(f"no sound effect {name!r}; effects are {effects}")
        return lambda *args, **kw: Chain(self.steps + (_step(name, args, kw),))

    def __repr__(self) -> str:
        return " . ".join(f"{s['unit']}({s['params']}, {s['options']})" for s in self.steps)


def _step(name: str, args: tuple, kw: dict) -> dict:
    unit = TABLE[name]
    label = kw.pop("name", name)
    if len(args) > len(unit.order):
        raise TypeError(f"{name}() takes at most {len(unit.order)} positional values ({', '.join(unit.order)})")
    given = dict(zip(unit.order, args))
    for k, v in kw.items():
        if k in given:
            raise TypeError(f"{name}() got {k!r} twice")
        given[k] = v
    params, options = {}, dict(unit.options)
    for k, v in given.items():
        if k in unit.params:
            params[k] = _number(name, k, v, unit.params[k])
        elif k in unit.options:
            options[k] = _option(name, k, v, unit)
        else:
            known = ", ".join([*unit.params, *unit.options]) or "nothing"
            raise TypeError(f"{name}() has no {k!r} (it takes {known})")
    if not isinstance(label, str) or not _NAME.match(label):
        raise ValueError(f"{name}(name={label!r}): a unit name is lower case letters, digits and _")
    return {"unit": name, "label": label, "params": {k: params.get(k, d[0]) for k, d in unit.params.items()},
            "options": options}


def _number(unit: str, key: str, v, limits) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{unit}({key}=...) must be a number, not {v!r}") from None
    lo, hi = limits[1], limits[2]
    if not math.isfinite(x) or not lo <= x <= hi:
        raise ValueError(f"{unit}({key}={v!r}) must be between {lo:g} and {hi:g}")
    return x


def _option(unit: str, key: str, v, spec: Unit):
    if key == "voice" and unit == "voices":
        if not isinstance(v, Chain):
            raise TypeError("voices() needs a chain to play per note, such as voices(sine().adsr(0.01, 0.2, 0, 0.1))")
        return list(v.steps)
    allowed = spec.choices.get(key)
    if allowed and v not in allowed:
        raise ValueError(f"{unit}({key}={v!r}): choose one of {', '.join(map(repr, allowed))}")
    default = spec.options[key]
    if key == "table":
        return _table(v)
    if key == "sample":
        return _sample(v)
    if key in OPTION_LIMITS:
        x = _number(unit, key, v, (default, *OPTION_LIMITS[key]))
        if isinstance(default, int) and not x.is_integer():
            raise ValueError(f"{unit}({key}={v!r}) must be a whole number")
        return int(x) if isinstance(default, int) else x
    if not isinstance(v, str):
        raise TypeError(f"{unit}({key}=...) must be a name, not {v!r}")
    return v


def _table(v):
    if isinstance(v, str):
        if v not in TABLES:
            raise ValueError(f"wavetable {v!r}: choose one of {', '.join(TABLES)} or give harmonic amplitudes")
        return v
    amps = [float(a) for a in v]
    if not 1 <= len(amps) <= 64 or not all(math.isfinite(a) for a in amps) or not any(amps):
        raise ValueError("a wavetable's harmonics are 1 to 64 finite amplitudes, not all zero")
    return amps


def _sample(v) -> str:
    if v in SAMPLES:
        return v
    path = Path(str(v))
    if path.suffix.lower() == ".wav":
        path = path if path.is_absolute() else SOUND_DIR / path
        if path.is_file():
            return str(path.resolve())
        raise ValueError(f"sample file {str(path)!r} not found")
    raise ValueError(f"sample {v!r}: choose one of {', '.join(SAMPLES)} or a .wav file in sounds/")


def _source(name: str):
    def make(*args, **kw) -> Chain:
        return Chain((_step(name, args, kw),))
    make.__name__ = name
    make.__doc__ = TABLE[name].doc
    return make


sine, saw, square, triangle, wavetable = (_source(n) for n in ("sine", "saw", "square", "triangle", "wavetable"))
noise, dust, sampler, granular, voices, bus = (_source(n) for n in ("noise", "dust", "sampler", "granular",
                                                                     "voices", "bus"))


class SoundError(ValueError):
    """A SOUND declaration that cannot be built; the message says what to change."""


def compile_sound(sound) -> dict:
    """The plain, checked form of a piece's SOUND: what is sent whole to be built.

    {"tracks": {name: [step, ...]}, "order": [names, senders before their bus],
     "params": {"track.param": (min, max)}, "notes": [tracks that take notes]}
    """
    if not isinstance(sound, dict):
        raise SoundError("SOUND must be a dict of track name to chain, such as {'drone': saw(55)}")
    tracks = {}
    for name, chain in sound.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise SoundError(f"track name {name!r}: lower case letters, digits and _")
        if not isinstance(chain, Chain):
            raise SoundError(f"track {name!r} must be a chain such as saw(55).lowpass(800), not {chain!r}")
        _check_chain(name, chain.steps, in_voice=False)
        tracks[name] = list(chain.steps)
    order = _order(tracks)
    return {"tracks": tracks, "order": order, "params": _addresses(tracks),
            "notes": [n for n, steps in tracks.items() if _takes_notes(steps)]}


def _check_chain(track: str, steps, in_voice: bool) -> None:
    first = steps[0]["unit"]
    if TABLE[first].kind != "source":
        raise SoundError(f"track {track!r} must start with a source (sine, saw, noise, voices, bus ...)")
    if in_voice and first in ("voices", "bus", "granular"):
        raise SoundError(f"track {track!r}: a voice cannot be {first}()")
    for s in steps[1:]:
        if TABLE[s["unit"]].kind != "effect":
            raise SoundError(f"track {track!r}: {s['unit']}() is a source; start another track with it")
        if in_voice and s["unit"] in ("send", "delay", "reverb"):
            raise SoundError(f"track {track!r}: put {s['unit']}() on the track, after voices(...), "
                             f"not inside a voice")
    if first == "voices":
        voice = steps[0]["options"]["voice"]
        if voice is None:
            raise SoundError(f"track {track!r}: voices() needs a chain to play")
        _check_chain(track, voice, in_voice=True)
        if not any(s["unit"] in ("adsr", "sampler") for s in voice):
            raise SoundError(f"track {track!r}: a voice needs an .adsr() or a sampler, so its notes end")
    labels = [s["label"] for s in _units(steps)]
    if len(set(labels)) != len(labels):
        raise SoundError(f"track {track!r}: two units share a name; tell them apart with name='...'")


def _order(tracks: dict) -> list[str]:
    """Tracks that send come before the bus they send to, so a bus hears this block, not the last."""
    sends = {n: {s["options"]["to"] for s in steps if s["unit"] == "send"} for n, steps in tracks.items()}
    for n, targets in sends.items():
        for to in targets:
            if to not in tracks or tracks[to][0]["unit"] != "bus":
                raise SoundError(f"track {n!r} sends to {to!r}, which is not a bus() track")
    done, order = set(), []

    def visit(n, path):
        if n in path:
            raise SoundError(f"sends go round in a circle: {' -> '.join([*path, n])}")
        if n in done:
            return
        for m, targets in sends.items():
            if n in targets:
                visit(m, path + [n])
        done.add(n)
        order.append(n)

    for n in tracks:
        visit(n, [])
    return order


def _units(steps):
    for s in steps:
        yield s
        if s["unit"] == "voices":
            yield from s["options"]["voice"]


def _addresses(tracks: dict) -> dict:
    out = {}
    for name, steps in tracks.items():
        out.update({f"{name}.{k}": v[1:] for k, v in FADER.items()})
        seen: dict[str, int] = {}
        for s in _units(steps):
            for k, limits in TABLE[s["unit"]].params.items():
                out[f"{name}.{s['label']}.{k}"] = limits[1:]
                seen[k] = seen.get(k, 0) + 1
        for s in _units(steps):
            for k, limits in TABLE[s["unit"]].params.items():
                if seen[k] == 1 and k not in FADER:
                    out[f"{name}.{k}"] = limits[1:]
    return out


def _takes_notes(steps) -> bool:
    return any(s["unit"] in ("voices", "adsr", "sampler") or "freq" in s["params"] for s in steps)


def resolve(path: str, tracks: dict) -> tuple[str, str | None, str]:
    """("drone.cutoff" | "drone.lp.cutoff") -> (track, unit label or None for the fader, param)."""
    track, *rest = path.split(".")
    steps = tracks[track]
    if len(rest) == 2:
        return track, rest[0], rest[1]
    (param,) = rest
    if param in FADER:
        return track, None, param
    label = next(s["label"] for s in _units(steps) if param in s["params"])
    return track, label, param
