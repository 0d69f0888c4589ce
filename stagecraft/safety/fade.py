"""The output's fade to black, stepped once a frame: blackout, and panic, which latches."""
from __future__ import annotations

BLACKOUT_S = 0.5
DEFAULT_PANIC_S = 1.0
MAX_PANIC_S = 60.0


class Fade:
    """`level` is 1 for the picture and 0 for black. Blackout fades over BLACKOUT_S either way; a
    panic fades over its own time and holds black until `reset`, whatever blackout says."""

    def __init__(self):
        self.level = 1.0
        self.blackout = False
        self.panic_s: float | None = None

    @property
    def panicked(self) -> bool:
        return self.panic_s is not None

    def panic(self, seconds: float = DEFAULT_PANIC_S) -> None:
        self.panic_s = min(max(float(seconds), 0.0), MAX_PANIC_S)

    def reset(self) -> None:
        self.panic_s = None

    def step(self, dt: float) -> None:
        seconds = BLACKOUT_S if self.panic_s is None else self.panic_s
        move = dt / seconds if seconds > 0 else 1.0
        if self.blackout or self.panicked:
            self.level = max(self.level - move, 0.0)
        else:
            self.level = min(self.level + move, 1.0)
