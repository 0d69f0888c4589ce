"""MIDI timecode in: where a film, a playback or a desk says the show is.

Quarter-frame messages (F1 0nnn dddd) carry the time eight nibbles at a time, one every quarter
of a frame: the eighth completes a time that was true when the first was sent, two frames ago.
A full-frame SysEx (F0 7F 7F 01 01 hh mm ss ff F7) relocates at once. Between messages the time
runs on the clock, and on through a dropout for FREEWHEEL_FRAMES; past that it has stopped.
"""
from __future__ import annotations

import re

RATES = (24.0, 25.0, 29.97, 30.0)      # the rate code in the hours' top bits
FREEWHEEL_FRAMES = 8
_TEXT = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})[:;.](\d{2})$")


def parse(text: str) -> tuple[int, int, int, int]:
    """"HH:MM:SS:FF" (";" for drop-frame), as a cue's trigger; ValueError otherwise."""
    m = _TEXT.match(str(text).strip())
    if not m:
        raise ValueError(f"timecode {text!r} must be HH:MM:SS:FF")
    h, mi, s, f = (int(x) for x in m.groups())
    if mi > 59 or s > 59 or f > 29 or h > 23:
        raise ValueError(f"timecode {text!r} is out of range")
    return h, mi, s, f


def seconds(hmsf: tuple[int, int, int, int], rate: float) -> float:
    h, m, s, f = hmsf
    return h * 3600 + m * 60 + s + f / round(rate)


class Timecode:
    def __init__(self):
        self.rate = 30.0
        self._pieces = [0] * 8
        self._seen = 0                  # quarter frames in a row since piece 0
        self._at: tuple[float, float] | None = None     # (timecode seconds, perf_counter when true)

    def quarter(self, data: int, now: float) -> None:
        piece, nibble = data >> 4 & 7, data & 0x0F
        self._seen = self._seen + 1 if piece == self._seen else (1 if piece == 0 else 0)
        self._pieces[piece] = nibble
        if piece == 7 and self._seen == 8:
            p = self._pieces
            self.rate = RATES[p[7] >> 1 & 3]
            hmsf = ((p[7] & 1) << 4 | p[6], p[5] << 4 | p[4], p[3] << 4 | p[2], p[1] << 4 | p[0])
            self._at = (seconds(hmsf, self.rate) + 2 / self.rate, now)
            self._seen = 0

    def full(self, data: bytes, now: float) -> bool:
        """A full-frame message's SysEx body (without F0 and F7); whether it was one."""
        if len(data) != 8 or bytes(data[:4]) != b"\x7f\x7f\x01\x01":
            return False
        hr, m, s, f = data[4:8]
        self.rate = RATES[hr >> 5 & 3]
        self._at = (seconds((hr & 0x1F, m, s, f), self.rate), now)
        self._seen = 0
        return True

    def now(self, t: float) -> float | None:
        """The timecode at perf_counter time t, or None: never heard, or stopped."""
        if self._at is None or t - self._at[1] > FREEWHEEL_FRAMES / self.rate:
            return None
        return self._at[0] + (t - self._at[1])
