"""MIDI Show Control: a lighting desk's or QLab's cue commands in, as the control port's own; our
cues and commands out, to a desk that follows them.

    F0 7F <device id> 02 <command format> <command> <data> F7

The data of GO, STOP, RESUME, LOAD and FIRE is a cue number in ASCII (digits and dots), then
optionally a cue list and a path, each ended by 00. A message for another device id is not ours;
127 is everyone's (all-call).
"""
from __future__ import annotations

from dataclasses import dataclass

ALL_CALL = 0x7F
MAX_LENGTH = 126    # the standard's 128 bytes, less F0 and F7: anything longer is not MSC
COMMANDS = {0x01: "GO", 0x02: "STOP", 0x03: "RESUME", 0x04: "TIMED_GO", 0x05: "LOAD", 0x06: "SET",
            0x07: "FIRE", 0x08: "ALL_OFF", 0x09: "RESTORE", 0x0A: "RESET", 0x0B: "GO_OFF"}
_CUE_CHARS = set(b"0123456789.")


@dataclass(frozen=True)
class Command:
    device: int
    format: int
    command: str
    cue: str | None = None
    list: str | None = None


def decode(data: bytes) -> Command | None:
    """A SysEx body (without F0 and F7, as mido gives it) as an MSC command; None if it is not one."""
    if not 5 <= len(data) <= MAX_LENGTH or data[0] != 0x7F or data[2] != 0x02:
        return None
    device, fmt, code = data[1], data[3], data[4]
    name = COMMANDS.get(code)
    if name is None:
        return None
    body = bytes(data[5:])
    if name == "TIMED_GO":
        body = body[5:]         # the time (hours, minutes, seconds, frames, subframes) before the cue
    fields = body.split(b"\0") if body else []
    cue, cue_list = (fields + [b"", b""])[:2]
    if any(c not in _CUE_CHARS for c in cue + cue_list):
        return None
    return Command(device, fmt, name, cue.decode() or None, cue_list.decode() or None)


def encode(device: int, fmt: int, command: str, cue: str | None = None) -> list[int] | None:
    """A command as the bytes of its SysEx; None for a cue number MSC cannot carry."""
    data = cue.encode() if cue else b""
    if any(c not in _CUE_CHARS for c in data):
        return None
    code = next(k for k, name in COMMANDS.items() if name == command)
    return [0xF0, 0x7F, device, 0x02, fmt, code, *data, 0xF7]


def for_us(c: Command, device: int) -> bool:
    return c.device in (device, ALL_CALL)


def messages(c: Command) -> list[tuple[str, tuple]]:
    """What the command is on the control port: (address, arguments), or nothing for a command
    this engine has no meaning for (SET, GO_OFF, RESUME)."""
    if c.command in ("GO", "TIMED_GO", "FIRE"):
        return [(f"/cue/{c.cue}/go", ())] if c.cue else [("/go", ())]
    if c.command == "LOAD" and c.cue:
        return [(f"/cue/{c.cue}/load", ())]
    return {"STOP": [("/stop", ())], "RESET": [("/reset", ())], "ALL_OFF": [("/blackout", (1,))],
            "RESTORE": [("/blackout", (0,))]}.get(c.command, [])
