"""A controller's mapping file (venue and performer data, not a piece), TOML:

    device = "APC40"            # a port matches when its name contains this, any case
    instance = 1                # the second of two identical devices (0, the first, by default)
    init = [[0xF0, 0x47, 0x00, 0x73, 0x60, 0x00, 0x04, 0x41, 0x08, 0x02, 0x01, 0xF7]]   # SysEx sent on connect
    msc = 1                     # take MIDI Show Control for this device id (127: all-call) from it
    msc_out = 1                 # send our cues (GO n), STOP, RESET and blackout (ALL_OFF, RESTORE) to this id
    msc_format = 1              # the command format sent: 1 lighting (default), 16 sound, 48 video, 127 all

    [[bind]]
    cc = 48                     # or note = 53; channel = 1..16 (any if absent)
    to = "/current/hud"         # an address of the control port
    range = [0.0, 1.0]          # the parameter's values at the control's two ends (its own range if absent)
    mode = "abs"                # abs, relative (rel_twos, rel_offset, rel_sign) or 14bit (cc with cc + 32)
    takeover = "pickup"         # pickup (default), jump or scale
    feedback = true             # LEDs and rings follow the parameter
    # for notes: on = "press" | "release" | "both" (both: press sends the top, release the bottom)

A key or address that is not known is an error naming it, at load.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import venue

KEYS = {"device", "instance", "init", "msc", "msc_out", "msc_format", "bind"}
LIGHTING = 0x01
BIND_KEYS = {"cc", "note", "channel", "to", "range", "mode", "takeover", "feedback", "on"}
MODES = ("abs", "rel_twos", "rel_offset", "rel_sign", "14bit")
TAKEOVER = ("pickup", "jump", "scale")
ON = ("press", "release", "both")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file, the binding and the key."""


@dataclass(frozen=True)
class Bind:
    kind: str                    # "cc" or "note"
    number: int                  # 0..127
    channel: int | None          # 1..16, None for any
    to: str
    range: tuple[float, float] | None = None
    mode: str = "abs"
    takeover: str = "pickup"
    feedback: bool = False
    on: str = "press"

    @property
    def label(self) -> str:
        return f"{self.kind} {self.number}" + (f" ch {self.channel}" if self.channel else "")


@dataclass
class Mapping:
    path: Path
    device: str
    instance: int = 0
    init: list[bytes] = field(default_factory=list)
    binds: list[Bind] = field(default_factory=list)
    msc: int | None = None      # the MIDI Show Control device id it answers, if any
    msc_out: int | None = None  # the device id our cues are sent to, if any
    msc_format: int = LIGHTING


def save(mapping: Mapping) -> None:
    """The mapping back to its file (after MIDI learn), atomically: a crash mid-write leaves the
    old file, never half of one."""
    lines = [f"device = {venue.quote(mapping.device)}"]
    if mapping.instance:
        lines.append(f"instance = {mapping.instance}")
    lines += [f"{key} = {getattr(mapping, key)}" for key, default in
              (("msc", None), ("msc_out", None), ("msc_format", LIGHTING)) if getattr(mapping, key) != default]
    if mapping.init:
        lines.append("init = [" + ", ".join("[" + ", ".join(f"0x{b:02X}" for b in m) + "]" for m in mapping.init) + "]")
    for b in mapping.binds:
        lines += ["", "[[bind]]", f"{b.kind} = {b.number}"]
        if b.channel is not None:
            lines.append(f"channel = {b.channel}")
        lines.append(f"to = {venue.quote(b.to)}")
        if b.range is not None:
            lines.append(f"range = [{b.range[0]!r}, {b.range[1]!r}]")
        lines += [f"{key} = {venue.quote(getattr(b, key))}" for key, default in
                  (("mode", "abs"), ("takeover", "pickup"), ("on", "press")) if getattr(b, key) != default]
        if b.feedback:
            lines.append("feedback = true")
    venue.write(mapping.path, "\n".join(lines) + "\n")


def load(path: Path, known) -> Mapping:
    """Read and check a mapping file; `known(address)` says whether the control port takes an
    address (the engine's, and every piece's of the program)."""
    path = Path(path)
    data = venue.read(path, MappingError)
    _unknown(data, KEYS, f"{path}")
    device = data.get("device")
    if not isinstance(device, str) or not device.strip():
        raise MappingError(f"{path}: device = \"NAME\" names the controller (a port whose name contains it)")
    instance = data.get("instance", 0)
    if not isinstance(instance, int) or isinstance(instance, bool) or instance < 0:
        raise MappingError(f"{path}: instance must be 0 or more (which of several identical devices)")
    init = [_sysex(path, n, m) for n, m in enumerate(data.get("init", []))]
    msc, msc_out, msc_format = (_byte(path, data, key) for key in ("msc", "msc_out", "msc_format"))
    binds = data.get("bind", [])
    if not isinstance(binds, list):
        raise MappingError(f"{path}: bindings are [[bind]] tables")
    return Mapping(path, device.strip(), instance, init, [_bind(path, n, b, known) for n, b in enumerate(binds, 1)],
                   msc, msc_out, LIGHTING if msc_format is None else msc_format)


def _byte(path: Path, data: dict, key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 127):
        raise MappingError(f"{path}: {key} is 0..127" + (" (a device id)" if key != "msc_format" else ""))
    return value


def _unknown(table: dict, keys: set, where: str) -> None:
    venue.known(table, keys, where, MappingError)


def _sysex(path: Path, n: int, message) -> bytes:
    if not (isinstance(message, list) and message and all(isinstance(b, int) and 0 <= b <= 255 for b in message)
            and message[0] == 0xF0 and message[-1] == 0xF7):
        raise MappingError(f"{path}: init[{n}] must be a SysEx message, bytes from 0xF0 to 0xF7")
    return bytes(message)


def _bind(path: Path, n: int, b, known) -> Bind:
    where = f"{path}: bind {n}"
    if not isinstance(b, dict):
        raise MappingError(f"{where}: a binding is a table")
    _unknown(b, BIND_KEYS, where)
    kinds = [k for k in ("cc", "note") if k in b]
    if len(kinds) != 1:
        raise MappingError(f"{where}: give cc = N or note = N (one of them)")
    kind = kinds[0]
    number = b[kind]
    if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 127:
        raise MappingError(f"{where}: {kind} must be 0..127, not {number!r}")
    channel = b.get("channel")
    if channel is not None and (not isinstance(channel, int) or isinstance(channel, bool) or not 1 <= channel <= 16):
        raise MappingError(f"{where}: channel must be 1..16 (or absent: any), not {channel!r}")
    to = b.get("to")
    if not isinstance(to, str) or not known(to):
        raise MappingError(f"{where}: to = {to!r} is not an address of the control port (run.py osc-map lists them)")
    rng = b.get("range")
    if rng is not None and not (isinstance(rng, list) and len(rng) == 2 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng)):
        raise MappingError(f"{where}: range must be [low, high]")
    checks = (("mode", MODES, "abs"), ("takeover", TAKEOVER, "pickup"), ("on", ON, "press"))
    chosen = {}
    for key, allowed, default in checks:
        chosen[key] = b.get(key, default)
        if chosen[key] not in allowed:
            raise MappingError(f"{where}: {key} = {chosen[key]!r}; it is one of {', '.join(allowed)}")
    if kind == "note" and chosen["mode"] != "abs":
        raise MappingError(f"{where}: a note has no mode (modes are for cc)")
    if chosen["mode"] == "14bit" and number >= 32:
        raise MappingError(f"{where}: a 14-bit cc is 0..31 (its low seven bits come on cc + 32)")
    feedback = b.get("feedback", False)
    if not isinstance(feedback, bool):
        raise MappingError(f"{where}: feedback is true or false")
    return Bind(kind, number, channel, to, tuple(float(x) for x in rng) if rng else None, chosen["mode"],
                chosen["takeover"], feedback, chosen["on"])
