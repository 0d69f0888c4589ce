"""Opening hours for installations: `--hours "mon-fri 10:00-18:00, sat-sun 12:00-20:00"`.

Days are optional (every day when left out); a range may cross midnight (`22:00-02:00` belongs to
the day it starts on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(?:(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:/[a-z]{3}(?:-[a-z]{3})?)*)\s+)?"
                    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class _Span:
    days: frozenset
    start: int          # minutes after midnight
    end: int


class Hours:
    def __init__(self, spans: list[_Span], spec: str | None = None):
        self.spans, self.spec = spans, spec       # spec: the text parsed, which a director hands its actors

    @classmethod
    def always(cls) -> "Hours":
        return cls([_Span(frozenset(range(7)), 0, 24 * 60)])

    @classmethod
    def parse(cls, text: str) -> "Hours":
        spans = []
        for part in filter(None, (p.strip().lower() for p in text.split(","))):
            m = _RANGE.match(part)
            if not m:
                raise ValueError(f"opening hours {part!r} should look like 'mon-fri 10:00-18:00' or '10:00-18:00'")
            days = _days(m["days"]) if m["days"] else frozenset(range(7))
            start, end = _minutes(m["start"]), _minutes(m["end"])
            if start == end:
                raise ValueError(f"opening hours {part!r} open and close at the same time")
            spans.append(_Span(days, start, end))
        if not spans:
            raise ValueError("no opening hours given")
        return cls(spans, text)

    def open_at(self, when: datetime) -> bool:
        minute = when.hour * 60 + when.minute
        today, yesterday = when.weekday(), (when - timedelta(days=1)).weekday()
        for s in self.spans:
            if s.start < s.end:
                if today in s.days and s.start <= minute < s.end:
                    return True
            elif (today in s.days and minute >= s.start) or (yesterday in s.days and minute < s.end):
                return True
        return False


def _minutes(hhmm: str) -> int:
    h, m = (int(x) for x in hhmm.split(":"))
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
        raise ValueError(f"{hhmm!r} is not a time of day")
    return h * 60 + m


def _days(text: str) -> frozenset:
    out = set()
    for group in text.split("/"):
        first, _, last = group.partition("-")
        for d in (first, last or first):
            if d not in DAYS:
                raise ValueError(f"{d!r} is not a day (use {', '.join(DAYS)})")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out.update(range(a, b + 1) if a <= b else list(range(a, 7)) + list(range(0, b + 1)))
    return frozenset(out)
