"""Named cues: decorated functions of a piece, in source order. (The show's playhead: show.py.)"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

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
