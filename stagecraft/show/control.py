"""Show control: the playhead over a program's cues, and the timers that fire cues by themselves.

GO fires the cue on standby and stands by on the next. A fired cue's actions run after its
pre-wait; then `continue` fires the next cue at once and `follow = S` fires it S seconds later
(QLab's auto-continue and auto-follow). A piece's `follow` goes on to the next piece after that
long, wherever its cues have got to. A cue with `quantize` is armed by GO and fires on the frame
nearest the next boundary of that many beats (the engine gives the show each frame's beat).
Everything runs on the engine clock, so tests step it frame by frame and a render replays it
exactly.

The show only decides; `enter(piece, transition)` and `run(cue)` do, on the frame loop.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from collections.abc import Callable

from ..tempo.beat import Beat
from .program import Program, ShowCue

RUN, NEXT, NEXT_PIECE = "run", "next", "next piece"


@dataclass(order=True)
class _Timer:
    due: float
    seq: int
    what: str
    cue: int


class Show:
    def __init__(self, program: Program, enter: Callable[[int, object], None], run: Callable[[ShowCue], None],
                 loop: bool = False):
        self.program = program
        self.loop = loop
        self._enter, self._run = enter, run
        self.index = 0                   # the cue on standby
        self.current: ShowCue | None = None
        self.piece = 0
        self.now = 0.0
        self._timers: list[_Timer] = []
        self._seq = 0
        self.beat = Beat()
        self.armed: list[tuple[int, float]] = []    # (cue, the beat it fires on), GO'd and counting in
        self.told: deque[tuple[str, str | None]] = deque(maxlen=64)   # what it did this frame, for MSC out

    @property
    def cues(self) -> list[ShowCue]:
        return self.program.cues

    @property
    def standby(self) -> ShowCue | None:
        return self.cues[self.index] if self.index < len(self.cues) else None

    @property
    def next_timer(self) -> tuple[float, str] | None:
        """When the next cue fires by itself, and what: for the console's countdown."""
        if not self._timers:
            return None
        t = min(self._timers)
        return t.due, self.cues[t.cue].label if t.what == RUN else t.what

    @property
    def counting_in(self) -> list[tuple[str, float]]:
        """Each armed cue and the beats until it fires, for the console."""
        return [(self.cues[i].label, max(at - self.beat.beat, 0.0)) for i, at in self.armed]

    def start(self, index: int = 0, standby: int | None = None) -> None:
        """Begin at the enter cue `index` (default the first piece) and stand by on `standby`."""
        self._timers.clear()
        self.armed.clear()
        self.index = index
        self.go()
        self.current = None          # starting is not a GO: nothing has been fired yet
        self.told.clear()
        if standby is not None:
            self.index = standby

    # the playhead -----------------------------------------------------------------------------
    def go(self) -> ShowCue | None:
        c = self.standby
        if c is None:
            if not self.loop:
                return None
            self.index = 0
            c = self.standby
        if c.quantize:
            self.armed.append((self.index, self.beat.boundary(c.quantize)))
        else:
            self.fire(self.index)
        self.index += 1
        return c

    def fire(self, index: int) -> ShowCue:
        """Start a cue (its pre-wait, then its actions) without asking where the playhead is."""
        c = self.cues[index]
        self.current = c
        self.told.append(("GO", c.number))
        if c.enter is not None:
            self._cancel(NEXT_PIECE)
            self.piece = c.piece
            self._enter(c.piece, c.enter)
            if c.follow is not None:
                self._at(self.now + c.follow, NEXT_PIECE, index)
            if c.auto_continue:
                self._at(self.now, NEXT, index)
            return c
        self._at(self.now + c.pre_wait, RUN, index)
        return c

    def move(self, step: int) -> None:
        self.index = min(max(self.index + step, 0), len(self.cues))

    def stand_by(self, index: int) -> None:
        self.index = index

    def rewind(self) -> None:
        """Clear every timer and stand by on the first cue of the piece now playing."""
        self._timers.clear()
        self.armed.clear()
        self.index = min(self.program.entry(self.piece) + 1, len(self.cues))

    # time -------------------------------------------------------------------------------------
    def meter(self, beat: Beat) -> None:
        """This frame's beat, at its presentation."""
        self.beat = beat

    def tick(self, now: float) -> None:
        self.now = now
        for armed in [a for a in self.armed if self.beat.reaches(a[1])]:
            self.armed.remove(armed)
            self.fire(armed[0])
        while self._timers and min(self._timers).due <= now:
            t = min(self._timers)
            self._timers.remove(t)
            if t.what == RUN:
                self._finish(t.cue)
            elif t.what == NEXT:
                self.go()
            else:
                self._next_piece()

    def _finish(self, index: int) -> None:
        c = self.cues[index]
        self._run(c)
        if c.auto_continue:
            self.go()
        elif c.follow is not None:
            self._at(self.now + c.follow, NEXT, index)

    def _next_piece(self) -> None:
        following = [i for i, c in enumerate(self.cues) if c.enter is not None and c.piece > self.piece]
        if following:
            self.index = following[0]
        elif self.loop:
            self.index = 0
        else:
            return
        self._timers = [t for t in self._timers if self.cues[t.cue].piece != self.piece]
        self.armed = [a for a in self.armed if self.cues[a[0]].piece != self.piece]
        self.go()

    def _at(self, due: float, what: str, cue: int) -> None:
        self._seq += 1
        self._timers.append(_Timer(due, self._seq, what, cue))

    def _cancel(self, what: str) -> None:
        self._timers = [t for t in self._timers if t.what != what]
