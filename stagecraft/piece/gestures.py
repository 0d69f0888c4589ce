"""What a piece asks of the audience's phones: a few gestures, each becoming one audience message.

A piece lists them in `GESTURES`, with short verbs:

    GESTURES = [button("buy", "Buy a smile", "/audience/buy"),
                slider("vote", "Where do you stand?", "/audience/vote", -1, 1, ends=("Bazaar", "Elite"))]

Every phone shows the current piece's gestures (and a cheer, which every piece takes). A gesture
is sent as `{"gesture": ID, "value": V}`; `message` checks V against the gesture and makes the
audience message (address and arguments) the OSC audience port would take, so phones and OSC
reach the piece by one path and the same rules.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

from ..audience.state import KINDS as ACTS

KINDS = ("button", "slider", "pad", "text", "choice")
ID = re.compile(r"[a-z][a-z0-9_]{0,31}")
TEXT_CHARS = 140
ADDRESSES = frozenset(f"/audience/{act}" for act in ACTS)


class GestureError(ValueError):
    """A gesture's value that does not fit it; the message says why (counted, never shown on stage)."""


@dataclass(frozen=True)
class Gesture:
    id: str
    kind: str
    label: str
    address: str                        # an audience address (/audience/...)
    low: float = 0.0                    # slider: its range; pad: 0..1 each way
    high: float = 1.0
    step: float | None = None
    ends: tuple = ()                    # slider: the words at its two ends
    options: tuple = ()                 # choice: the options' labels
    pick: int = 1                       # choice: how many options one gesture picks
    max_length: int = TEXT_CHARS        # text
    name: bool = False                  # button: send the phone's name with it (joining)

    @classmethod
    def from_spec(cls, spec: dict) -> "Gesture":
        """Back from `asdict` (the gateway is sent each gesture whole, as JSON)."""
        return cls(**{**spec, "ends": tuple(spec.get("ends", ())), "options": tuple(spec.get("options", ()))})

    def manifest(self) -> dict:
        """What a phone needs to draw it."""
        out = {"id": self.id, "kind": self.kind, "label": self.label}
        if self.kind == "slider":
            out.update(min=self.low, max=self.high, step=self.step or (self.high - self.low) / 100, ends=list(self.ends))
        elif self.kind == "choice":
            out.update(options=list(self.options), pick=self.pick)
        elif self.kind == "text":
            out.update(maxLength=self.max_length)
        return out

    def message(self, value, name: str = "") -> tuple[str, tuple]:
        """The audience message for a value sent by a phone, or GestureError."""
        if self.kind == "button":
            if value is not None:
                raise GestureError("a button sends no value")
            return self.address, ((name,) if self.name and name else ())
        if self.kind == "slider":
            v = _number(value)
            if self.step:
                v = self.low + round((v - self.low) / self.step) * self.step
            return self.address, (min(max(v, self.low), self.high),)
        if self.kind == "pad":
            if not isinstance(value, list) or len(value) != 2:
                raise GestureError("a pad sends [x, y]")
            return self.address, tuple(min(max(_number(v), 0.0), 1.0) for v in value)
        if self.kind == "text":
            if not isinstance(value, str) or not value.strip():
                raise GestureError("a text box sends a string")
            if len(value) > self.max_length:
                raise GestureError(f"a text of {len(value)} characters (at most {self.max_length})")
            return self.address, (value,)
        picks = value if isinstance(value, list) else [value]
        if len(picks) != self.pick or not all(isinstance(p, int) and not isinstance(p, bool) for p in picks):
            raise GestureError(f"this choice picks {self.pick} option number(s)")
        if len(set(picks)) != len(picks) or not all(0 <= p < len(self.options) for p in picks):
            raise GestureError("options out of range, or the same twice")
        return self.address, tuple(picks)


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise GestureError("not a finite number")
    return float(value)


def button(id: str, label: str, address: str, *, name: bool = False) -> Gesture:
    """A button; with `name`, it sends the phone's name (a join)."""
    return Gesture(id, "button", label, address, name=name)


def slider(id: str, label: str, address: str, low: float, high: float, *, step: float | None = None,
           ends: tuple = ()) -> Gesture:
    return Gesture(id, "slider", label, address, float(low), float(high), step, tuple(ends))


def pad(id: str, label: str, address: str = "/audience/touch") -> Gesture:
    """A touch pad: x, y in 0..1 from the bottom-left, as the stage counts them."""
    return Gesture(id, "pad", label, address)


def text(id: str, label: str, address: str = "/audience/echo", *, max_length: int = TEXT_CHARS) -> Gesture:
    return Gesture(id, "text", label, address, max_length=max_length)


def choice(id: str, label: str, address: str, options, *, pick: int = 1) -> Gesture:
    """Pick `pick` of the options (their numbers are sent: a barter picks two stalls)."""
    return Gesture(id, "choice", label, address, options=tuple(options), pick=pick)


CHEER = button("cheer", "Cheer", "/audience/cheer")


def check_gestures(gestures) -> list[str]:
    """Problems with a piece's GESTURES, each naming what to fix."""
    if not isinstance(gestures, (list, tuple)):
        return ["GESTURES must be a list of button(...), slider(...), pad(...), text(...) or choice(...)"]
    problems, seen = [], set()
    for g in gestures:
        if not isinstance(g, Gesture):
            problems.append(f"GESTURES holds {g!r}, not a gesture")
            continue
        if not ID.fullmatch(g.id) or g.id in seen:
            problems.append(f"gesture id {g.id!r} must be lower case letters, digits and _, and unique")
        seen.add(g.id)
        if g.address not in ADDRESSES:
            problems.append(f"gesture {g.id!r}: {g.address!r} is not an audience address "
                            f"({', '.join(sorted(ADDRESSES))})")
        if g.kind == "slider" and not g.low < g.high:
            problems.append(f"gesture {g.id!r}: a slider's low must be below its high")
        if g.kind == "choice" and not 1 <= g.pick <= len(g.options):
            problems.append(f"gesture {g.id!r}: pick {g.pick} of {len(g.options)} options")
    return problems


def manifest(piece: str, gestures) -> dict:
    """What the gateway is told when a piece comes on: for phones, the gestures to draw (its own
    and a cheer); for itself, each gesture whole (`specs`), which it keeps and never sends on."""
    own = list(gestures)
    if not any(g.id == CHEER.id for g in own):
        own.append(CHEER)
    return {"type": "manifest", "piece": piece, "gestures": [g.manifest() for g in own],
            "specs": [asdict(g) for g in own]}
