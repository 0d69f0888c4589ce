"""`run.py send`: a small OSC client for rehearsals, printing whatever the engine answers."""
from __future__ import annotations

import socket

from pythonosc.osc_message_builder import OscMessageBuilder

from .wire import Malformed, decode

_CONVERT = {"i": int, "h": int, "f": float, "d": float, "s": str, "T": None, "F": None, "N": None}


def infer(text: str) -> str:
    """A type tag for a word from the command line: 3 is i, 2.5 is f, true/false are T/F, else s."""
    for tag, kind in (("i", int), ("f", float)):
        try:
            kind(text)
            return tag
        except ValueError:
            pass
    return {"true": "T", "false": "F"}.get(text.lower(), "s")


def build(address: str, words: list[str], types: str | None = None) -> bytes:
    """ValueError, in plain words, for anything that cannot be sent."""
    if not address.startswith("/"):
        raise ValueError(f"an OSC address starts with '/', not {address!r}")
    if types is None:
        pairs = [(infer(w), w) for w in words]
    else:
        if any(t not in _CONVERT for t in types):
            raise ValueError(f"types {types!r}: use i h f d s T F N")
        valued = sum(_CONVERT[t] is not None for t in types)
        if valued != len(words):
            raise ValueError(f"types {types!r} want {valued} value(s), got {len(words)}")
        values = iter(words)
        pairs = [(t, next(values) if _CONVERT[t] else None) for t in types]
    builder = OscMessageBuilder(address)
    for t, word in pairs:
        convert = _CONVERT[t]
        try:
            builder.add_arg(convert(word) if convert else None, t)
        except ValueError:
            raise ValueError(f"{word!r} is not a value of type {t!r}") from None
    return builder.build().dgram


def send(data: bytes, host: str, port: int, *, wait: float, passcode: str | None = None) -> list[str]:
    """Send one packet (after /connect when there is a passcode) and collect the answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        if passcode is not None:
            sock.sendto(build("/connect", [passcode], "s"), (host, port))
        sock.sendto(data, (host, port))
        answers = []
        sock.settimeout(wait)
        while wait > 0:
            try:
                packet = sock.recv(65536)
            except (TimeoutError, ConnectionRefusedError):
                break
            try:
                answers += [f"{m.address} {' '.join(map(str, m.args))}" for _, m in decode(packet)]
            except Malformed as exc:
                answers.append(f"(a malformed answer: {exc})")
        return answers
