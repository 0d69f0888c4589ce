"""Named cues: decorated functions of a piece, in source order, and the playhead over them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

GO_GUARD_S = 0.3  # double-GO protection: a second GO sooner than this is a bounce, not a decision


@dataclass(frozen=True)
class Cue:
    name: str
    number: str
    note: str
    fn: Callable


def cue(name: str, number: str | int | None = None, note: str = ""):
    """Mark `fn(stage, state)` as a cue. Cues are numbered 1, 2, ... in source order unless given."""
    def mark(fn):
        fn.__cue__ = (name, None if number is None else str(number), note)
        return fn
    return mark


def collect(module) -> list[Cue]:
    marked = [f for f in vars(module).values() if callable(f) and hasattr(f, "__cue__")]
    marked.sort(key=lambda f: f.__code__.co_firstlineno)
    cues, seen = [], set()
    for i, fn in enumerate(marked, start=1):
        name, number, note = fn.__cue__
        number = number or str(i)
        if name in seen or number in seen:
            raise ValueError(f"two cues share the name or number {name!r}/{number!r}")
        seen.update((name, number))
        cues.append(Cue(name, number, note, fn))
    return cues


class Playhead:
    """Which cue GO fires next. `go()` returns the cue to fire and moves on; standby is the index."""

    def __init__(self, cues: list[Cue]):
        self.cues = cues
        self.index = 0
        self.current: Cue | None = None

    @property
    def standby(self) -> Cue | None:
        return self.cues[self.index] if self.index < len(self.cues) else None

    def go(self) -> Cue | None:
        c = self.standby
        if c is not None:
            self.current = c
            self.index += 1
        return c

    def move(self, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.cues))

    def stand_by(self, c: Cue) -> None:
        self.index = self.cues.index(c)

    def rewind(self) -> None:
        self.index = 0
        self.current = None

    def find(self, key: str) -> Cue | None:
        return next((c for c in self.cues if key in (c.name, c.number)), None)

    def rebind(self, cues: list[Cue]) -> None:
        """After a reload: same playhead position, by name where the cue still exists."""
        standby = self.standby
        self.cues = cues
        if standby is not None and (found := self.find(standby.name)) is not None:
            self.index = cues.index(found)
        self.index = min(self.index, len(cues))
        if self.current is not None:
            self.current = self.find(self.current.name)
