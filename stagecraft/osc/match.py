"""OSC address patterns, matched in linear time.

OSC 1.0 within a part: `?` one character, `*` any run, `[a-z]` and `[!a-z]` a set, `{a,b}` one
of several strings. OSC 1.1 adds `//`: any number of whole parts. A pattern is compiled once into
tokens and run as a set of states over the address (Thompson's construction, as RE2 does), so the
work grows with the address times the pattern and can never explode as backtracking can; python-osc
turns patterns into regular expressions and takes seconds over one with many `*`.
"""
from __future__ import annotations

from typing import NamedTuple

SPECIAL = frozenset("*?[]{},")
_ANY_DEPTH = None  # the part that `//` stands for


class BadPattern(ValueError):
    pass


def is_pattern(address: str) -> bool:
    return "//" in address or not SPECIAL.isdisjoint(address)


class _Token(NamedTuple):
    kind: str            # "lit" "any" "star" "set" "alt"
    chars: str = ""      # lit: the character; set: the members, ranges expanded lazily
    negate: bool = False
    options: tuple = ()  # alt: the strings


def _parse_set(part: str, i: int) -> tuple[_Token, int]:
    close = part.find("]", i + 1)
    if close < 0:
        raise BadPattern("'[' without ']'")
    body = part[i + 1:close]
    negate = body.startswith("!")
    body = body[1:] if negate else body
    if not body:
        raise BadPattern("an empty '[]'")
    members, j = [], 0
    while j < len(body):
        if j + 2 < len(body) and body[j + 1] == "-":
            lo, hi = body[j], body[j + 2]
            if lo > hi:
                raise BadPattern(f"range {lo}-{hi} runs backwards")
            members.append(lo + hi)
            j += 3
        else:
            members.append(body[j] * 2)
            j += 1
    return _Token("set", "".join(members), negate), close + 1


def _parse_part(part: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    i = 0
    while i < len(part):
        c = part[i]
        if c == "*":
            if not tokens or tokens[-1].kind != "star":  # ** is *, and costs one state
                tokens.append(_Token("star"))
            i += 1
        elif c == "?":
            tokens.append(_Token("any"))
            i += 1
        elif c == "[":
            token, i = _parse_set(part, i)
            tokens.append(token)
        elif c == "{":
            close = part.find("}", i)
            if close < 0:
                raise BadPattern("'{' without '}'")
            options = tuple(part[i + 1:close].split(","))
            if any(not SPECIAL.isdisjoint(o) for o in options):
                raise BadPattern("'{...}' holds plain strings only")
            tokens.append(_Token("alt", options=options))
            i = close + 1
        elif c in SPECIAL:
            raise BadPattern(f"a stray {c!r}")
        else:
            tokens.append(_Token("lit", c))
            i += 1
    return tuple(tokens)


def _in_set(token: _Token, c: str) -> bool:
    ranges = token.chars
    hit = any(ranges[k] <= c <= ranges[k + 1] for k in range(0, len(ranges), 2))
    return hit != token.negate


class Pattern:
    """A compiled address pattern. `matches(address)` is O(len(address) x len(pattern))."""

    def __init__(self, pattern: str):
        if not pattern.startswith("/") or pattern.endswith("/"):
            raise BadPattern("a pattern starts with '/' and does not end with one")
        if "///" in pattern:
            raise BadPattern("'///' is not a pattern")
        parts = pattern[1:].split("/")
        self.parts = tuple(_ANY_DEPTH if p == "" else _parse_part(p) for p in parts)
        self._memo: dict = {}

    def matches(self, address: str) -> bool:
        """Part by part: a state is the index of the next pattern part. `//` keeps its state
        alive over any part; each (pattern part, address part) pair is decided once per address."""
        states = self._closure({0})
        for text in address[1:].split("/"):
            nxt = set()
            for s in states:
                if s == len(self.parts):
                    continue
                if self.parts[s] is _ANY_DEPTH:
                    nxt.add(s)
                elif self._part(s, text):
                    nxt.add(s + 1)
            states = self._closure(nxt)
            if not states:
                return False
        return len(self.parts) in states

    def _closure(self, states: set) -> set:
        out = set(states)
        for s in sorted(states):
            while s < len(self.parts) and self.parts[s] is _ANY_DEPTH:
                s += 1
                out.add(s)
        return out

    def _part(self, index: int, text: str) -> bool:
        key = (index, text)
        if key not in self._memo:
            if len(self._memo) > 4096:
                self._memo.clear()
            self._memo[key] = match_part(self.parts[index], text)
        return self._memo[key]


def match_part(tokens: tuple[_Token, ...], text: str) -> bool:
    """One part against one pattern part. A state is (token, option, offset in option)."""
    n = len(tokens)

    def closure(states):
        out, stack = set(), list(states)
        while stack:
            st = stack.pop()
            if st in out:
                continue
            out.add(st)
            i, j, k = st
            if i >= n:
                continue
            t = tokens[i]
            if t.kind == "star":
                stack.append((i + 1, -1, 0))
            elif t.kind == "alt":
                if j < 0:
                    stack.extend((i, jj, 0) for jj in range(len(t.options)))
                elif k == len(t.options[j]):
                    stack.append((i + 1, -1, 0))
        return out

    states = closure({(0, -1, 0)})
    for c in text:
        nxt = set()
        for i, j, k in states:
            if i >= n:
                continue
            t = tokens[i]
            kind = t.kind
            if kind == "star":
                nxt.add((i, -1, 0))
            elif kind == "lit":
                if t.chars == c:
                    nxt.add((i + 1, -1, 0))
            elif kind == "any":
                nxt.add((i + 1, -1, 0))
            elif kind == "set":
                if _in_set(t, c):
                    nxt.add((i + 1, -1, 0))
            elif j >= 0 and k < len(t.options[j]) and t.options[j][k] == c:
                nxt.add((i, j, k + 1))
        if not nxt:
            return False
        states = closure(nxt)
    return any(i == n for i, _, _ in states)
