"""The address space: what each address takes, what it does, and which port may reach it.

An entry reads its arguments with a parser (numbers clamped, text cleaned, wrong counts refused)
and acts on the frame loop. Addresses are looked up by dictionary; patterns run the linear-time
matcher over the entries once and are then remembered, since controllers repeat them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from .match import Pattern, is_pattern

PATTERN_CACHE = 256


class BadArgs(ValueError):
    """The arguments do not fit the address."""


class Refused(Exception):
    """The address and its arguments are fine, but the engine will not do it now."""


@dataclass(frozen=True)
class Entry:
    address: str
    types: str                      # for people and the map: "f", "ff", "[i]", "s", "T|F|i", "any"
    meaning: str
    parse: Callable[[tuple], Any]   # arguments -> value, or BadArgs
    act: Callable                   # (osc, value, sender) -> data for the reply (frame loop only)
    range: str = ""
    audience: bool = False          # reachable from the audience port
    continuous: bool = False        # a state (latest wins within a frame) rather than an event

    @property
    def replies(self) -> bool:
        """Commands are answered; streams of values and the audience's acts are not."""
        return not (self.continuous or self.audience)


class Space:
    def __init__(self, entries: list[Entry]):
        self.entries = tuple(entries)
        self._by_address = {e.address: e for e in entries}
        self._patterns: dict[str, tuple[Entry, ...]] = {}

    def __contains__(self, address: str) -> bool:
        return address in self._by_address

    def resolve(self, address: str) -> tuple[Entry, ...]:
        """The entries an address or pattern names (none: no such address). Raises BadPattern."""
        entry = self._by_address.get(address)
        if entry is not None:
            return (entry,)
        if not is_pattern(address):
            return ()
        hits = self._patterns.get(address)
        if hits is None:
            pattern = Pattern(address)
            hits = tuple(e for e in self.entries if pattern.matches(e.address))
            if len(self._patterns) >= PATTERN_CACHE:
                self._patterns.clear()
            self._patterns[address] = hits
        return hits


# argument parsers ----------------------------------------------------------------------------
def _number(a) -> float:
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        raise BadArgs(f"expected a number, got {_kind(a)}")
    return a


def _kind(a) -> str:
    return {bool: "a boolean", str: "a string", bytes: "a blob", type(None): "nil"}.get(type(a), type(a).__name__)


def _count(args: tuple, low: int, high: int) -> None:
    if not low <= len(args) <= high:
        want = str(low) if low == high else f"{low} to {high}"
        raise BadArgs(f"takes {want} argument{'s' if high != 1 else ''}, got {len(args)}")


def nothing(args: tuple) -> None:
    _count(args, 0, 0)


def anything(args: tuple) -> tuple:
    return args


def numbers(n: int, lo: float = -math.inf, hi: float = math.inf, *, whole=False, optional=None):
    """n numbers, each clamped to lo..hi (rounded when `whole`); one comes back bare, not a tuple.
    With `optional`, no arguments at all give that value."""
    def parse(args: tuple):
        if not args and optional is not None:
            return optional
        _count(args, n, n)
        vals = tuple(min(max(round(_number(a)) if whole else float(_number(a)), lo), hi) for a in args)
        return vals[0] if n == 1 else vals
    return parse


def text(limit: int, clean: Callable[[str, int], str], *, optional=False):
    def parse(args: tuple) -> str:
        if not args and optional:
            return ""
        _count(args, 1, 1)
        if not isinstance(args[0], str):
            raise BadArgs(f"expected a string, got {_kind(args[0])}")
        s = clean(args[0], limit)
        if not s and not optional:
            raise BadArgs("the text is empty once cleaned")
        return s
    return parse


def flag(args: tuple) -> bool:
    """T or F, or a number (non-zero is on): Pd and many controllers have no booleans."""
    _count(args, 1, 1)
    return args[0] if isinstance(args[0], bool) else _number(args[0]) != 0


def word(args: tuple) -> str:
    _count(args, 1, 1)
    if not isinstance(args[0], str):
        raise BadArgs(f"expected a string, got {_kind(args[0])}")
    return args[0]
