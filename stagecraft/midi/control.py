"""One binding at work: a control's moves made the values its address takes.

Positions are fractions 0..1 of the binding's range until they are sent. Soft takeover: once the
parameter has moved by anything else (a piece change, a cue's glide, an OSC write), `pickup` moves
nothing until the control crosses where the parameter is, judged between its successive positions
so a fast sweep cannot skip over it; `scale` closes the gap as the control moves, meeting it at the
control's end; `jump` takes the control's position at once.
"""
from __future__ import annotations

STEP = 1 / 127          # one tick of a 7-bit control, and how far a relative encoder's tick moves
NEAR = 0.5 / 127        # closer than half a step is the same place


def relative(mode: str, value: int) -> int:
    """Ticks from a relative encoder's byte, in each of the three conventions hardware uses."""
    if mode == "rel_twos":          # 1..63 up, 127..65 down (two's complement)
        return value - 128 if value >= 64 else value
    if mode == "rel_offset":        # 65.. up, ..63 down, 64 still (binary offset)
        return value - 64
    return -(value - 64) if value >= 64 else value      # rel_sign: bit 6 is the sign


class Control:
    def __init__(self, bind):
        self.bind = bind
        self.hw: float | None = None        # where the hardware is, 0..1 (None until it is heard)
        self.sent: float | None = None      # the last position this control gave the parameter
        self.holding = False                # the parameter is where this control put it
        self.msb = 0                        # a 14-bit control's halves, as last heard
        self.lsb = 0
        self.high = False                   # past half way: a command bound to it has fired
        self.told: int | None = None        # the value last sent back to the hardware (feedback)
        self.told_at = -1e9

    def owns(self, current: float | None) -> bool:
        return self.holding and current is not None and self.sent is not None and abs(current - self.sent) <= NEAR

    def absolute(self, h: float, current: float | None) -> float | None:
        """The hardware at `h`; the position to send, or None while taking over."""
        prev, self.hw = self.hw, h
        if current is None or self.bind.takeover == "jump" or self.owns(current):
            return self._send(h)
        if self.bind.takeover == "pickup":
            crossed = abs(h - current) <= NEAR or (prev is not None and (prev - current) * (h - current) <= 0)
            return self._send(h) if crossed else None
        if prev is None or h == prev:       # scale: no direction yet
            return None
        room = (1.0 - prev) if h > prev else prev
        k = ((1.0 - current) if h > prev else current) / room if room > 0 else 1.0
        moved = min(max(current + (h - prev) * k, 0.0), 1.0)
        if abs(moved - h) <= NEAR:
            return self._send(h)
        self.sent, self.holding = moved, False
        return moved

    def rising(self, position: float) -> bool:
        """A command fires once as the control passes half way (a button's press, not its hold)."""
        was, self.high = self.high, position >= 0.5
        return self.high and not was

    def _send(self, position: float) -> float:
        self.sent, self.holding = position, True
        return position

    def cc(self, value: int, current: float | None, low_half: bool = False) -> float | None:
        mode = self.bind.mode
        if mode == "abs":
            return self.absolute(value / 127, current)
        if mode == "14bit":
            if low_half:
                self.lsb = value
            else:
                self.msb = value
            return self.absolute((self.msb << 7 | self.lsb) / 16383, current)
        if current is None:
            return None
        return self._send(min(max(current + relative(mode, value) * STEP, 0.0), 1.0))

    def note(self, pressed: bool) -> float | None:
        """A pad or key: press sends the top of the range; with on = "both" release sends the bottom."""
        on = self.bind.on
        if on == "both":
            return self._send(1.0 if pressed else 0.0)
        if pressed == (on == "press"):
            return self._send(1.0)
        return None
