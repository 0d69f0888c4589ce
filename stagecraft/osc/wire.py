"""OSC on the wire: our own validating decoder, SLIP framing for TCP, and NTP timetags.

Every datagram passes through `decode` before anything else reads it. python-osc 1.10.2 hangs on
a negative bundle element size, raises on bad UTF-8 and deep nesting, shifts arguments after an
unknown tag and lets NaN through; here any of those drops the whole packet with a reason.
"""
from __future__ import annotations

import math
import struct
import time
from typing import NamedTuple

MAX_PACKET = 65536       # a UDP datagram cannot be larger; a SLIP frame may not be either
MAX_ADDRESS = 255
MAX_TAGS = 64
MAX_DEPTH = 8            # bundles inside bundles
MAX_MESSAGES = 1024      # per packet, all bundles together
IMMEDIATELY = 1
BUNDLE = b"#bundle\x00"
NTP_EPOCH = 2208988800   # seconds from 1900 (NTP) to 1970 (Unix)

_INT = struct.Struct(">i")
_FLOAT = struct.Struct(">f")
_INT64 = struct.Struct(">q")
_DOUBLE = struct.Struct(">d")
_UINT64 = struct.Struct(">Q")
_FLAGS = {"T": True, "F": False, "N": None, "I": None}   # I: OSC 1.1's impulse, a bang
_ADDRESS_CHARS = frozenset(range(0x21, 0x7F)) - {ord("#")}


class Malformed(ValueError):
    """A packet that breaks the OSC format or our limits; the message says where."""


class Message(NamedTuple):
    address: str
    tags: str      # the type tags without the leading comma
    args: tuple


def decode(data: bytes) -> list[tuple[int, Message]]:
    """Every message in a packet, in order, each with its bundle's timetag (1 for a bare one)."""
    if not data:
        raise Malformed("empty packet")
    if len(data) > MAX_PACKET:
        raise Malformed(f"{len(data)} bytes is over the {MAX_PACKET}-byte limit")
    if len(data) % 4:
        raise Malformed(f"{len(data)} bytes is not a multiple of 4")
    out: list[tuple[int, Message]] = []
    _packet(bytes(data), IMMEDIATELY, 0, out)
    return out


def _packet(data: bytes, timetag: int, depth: int, out: list) -> None:
    if data[:1] == b"#":
        _bundle(data, depth + 1, out)
    else:
        if len(out) >= MAX_MESSAGES:
            raise Malformed(f"more than {MAX_MESSAGES} messages in one packet")
        out.append((timetag, _message(data)))


def _bundle(data: bytes, depth: int, out: list) -> None:
    if depth > MAX_DEPTH:
        raise Malformed(f"bundles nested deeper than {MAX_DEPTH}")
    if len(data) < 16 or data[:8] != BUNDLE:
        raise Malformed("a packet starting with '#' must be a bundle with a timetag")
    timetag = _UINT64.unpack_from(data, 8)[0]
    pos, end = 16, len(data)
    while pos < end:
        if pos + 4 > end:
            raise Malformed("bundle element size cut off")
        size = _INT.unpack_from(data, pos)[0]
        pos += 4
        if size <= 0 or size % 4 or size > end - pos:
            raise Malformed(f"bundle element size {size} at byte {pos - 4} does not fit")
        _packet(data[pos:pos + size], timetag, depth, out)
        pos += size


def _string(data: bytes, pos: int, what: str) -> tuple[str, int]:
    nul = data.find(b"\x00", pos)
    if nul < 0:
        raise Malformed(f"{what} at byte {pos} has no terminating zero")
    end = (nul + 4) & ~3
    if end > len(data) or data.count(0, nul, end) != end - nul:
        raise Malformed(f"{what} at byte {pos} is not zero-padded to 4 bytes")
    try:
        return data[pos:nul].decode("utf-8"), end
    except UnicodeDecodeError:
        raise Malformed(f"{what} at byte {pos} is not UTF-8") from None


def _finite(x: float, pos: int) -> float:
    if not math.isfinite(x):
        raise Malformed(f"non-finite number at byte {pos}")
    return x


def _message(data: bytes) -> Message:
    nul = data.find(b"\x00")
    if nul < 1 or data[0] != 0x2F:
        raise Malformed("a message must start with an address beginning with '/'")
    if nul > MAX_ADDRESS or not _ADDRESS_CHARS.issuperset(data[:nul]):
        raise Malformed("the address is too long or has characters OSC does not allow")
    address, pos = _string(data, 0, "address")
    if pos == len(data):
        return Message(address, "", ())  # OSC 1.0 lets old senders omit the type tags
    if data[pos] != 0x2C:
        raise Malformed("type tags must start with ','")
    tags, pos = _string(data, pos, "type tags")
    tags = tags[1:]
    if len(tags) > MAX_TAGS:
        raise Malformed(f"{len(tags)} type tags is over the limit of {MAX_TAGS}")
    args = []
    end = len(data)
    for tag in tags:
        fixed = _FIXED.get(tag)
        if fixed is not None:
            layout, check = fixed
            if pos + layout.size > end:
                raise Malformed(f"argument '{tag}' at byte {pos} cut off")
            value = layout.unpack_from(data, pos)[0]
            args.append(check(value, pos) if check else value)
            pos += layout.size
        elif tag in "sS":
            s, pos = _string(data, pos, "string")
            args.append(s)
        elif tag == "b":
            size = _INT.unpack_from(data, pos)[0] if pos + 4 <= end else -1
            stop = pos + 4 + size
            if size < 0 or stop > end:
                raise Malformed(f"blob at byte {pos} has a size that does not fit")
            args.append(data[pos + 4:stop])
            pos = (stop + 3) & ~3
            if pos > end:
                raise Malformed(f"blob at byte {stop} is not padded to 4 bytes")
        elif tag in "TFNI":
            args.append(_FLAGS[tag])
        else:
            raise Malformed(f"unsupported type tag {tag!r}")
    if pos != end:
        raise Malformed(f"{end - pos} bytes left over after the arguments")
    return Message(address, tags, tuple(args))


def _char(n: int, pos: int) -> str:
    try:
        return chr(n)
    except (ValueError, OverflowError):
        raise Malformed(f"char argument at byte {pos} is not a character") from None


# the fixed-size arguments: their layout, and what checks the value
_FIXED = {"i": (_INT, None), "f": (_FLOAT, _finite), "c": (_INT, _char),
          "h": (_INT64, None), "d": (_DOUBLE, _finite), "t": (_UINT64, None)}


# timetags ------------------------------------------------------------------------------------
def seconds_until(timetag: int, now: float | None = None) -> float:
    """How far in the future a timetag lies, in seconds (zero or less: due now)."""
    if timetag <= IMMEDIATELY:
        return 0.0
    unix = (timetag >> 32) - NTP_EPOCH + (timetag & 0xFFFFFFFF) / 2 ** 32
    return unix - (time.time() if now is None else now)


def timetag_at(unix_seconds: float) -> int:
    whole = math.floor(unix_seconds)
    return (whole + NTP_EPOCH) << 32 | int((unix_seconds - whole) * 2 ** 32)


# SLIP (OSC 1.1 over TCP) ---------------------------------------------------------------------
END, ESC, ESC_END, ESC_ESC = b"\xc0", b"\xdb", b"\xdb\xdc", b"\xdb\xdd"


def slip_encode(packet: bytes) -> bytes:
    """Double-END framing, as OSC 1.1 asks: a stray byte before the frame cannot join it."""
    return END + packet.replace(ESC, ESC_ESC).replace(END, ESC_END) + END


class SlipFrames:
    """Cuts a TCP byte stream into packets. A frame that grows past MAX_PACKET raises Malformed:
    the caller drops the connection, since nothing after it can be trusted to line up."""

    def __init__(self):
        self._buffer = b""

    def feed(self, data: bytes) -> list[bytes | Malformed]:
        *frames, self._buffer = (self._buffer + data).split(END)
        if len(self._buffer) > 2 * MAX_PACKET:
            raise Malformed("a SLIP frame longer than any OSC packet")
        return [_unslip(f) for f in frames if f]


def _unslip(frame: bytes) -> bytes | Malformed:
    if frame.count(ESC) != frame.count(ESC_END) + frame.count(ESC_ESC):
        return Malformed("a SLIP escape byte not followed by an escaped byte")
    return frame.replace(ESC_END, END).replace(ESC_ESC, ESC)
