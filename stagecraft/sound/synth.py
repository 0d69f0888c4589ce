"""Messages in, samples out: the whole DSP of a show, the same in the sound process and offline.

Messages are stamped with the absolute sample they act on (-1: as soon as possible). A block is
cut at every message's sample and the pieces rendered in turn; since every unit gives the same
samples for any split, a note lands on its exact sample at no cost to anything else. A new graph
crossfades with the old one; a panic silences the master and keeps notes out until reset.
"""
from __future__ import annotations

import heapq

import numpy as np

from .analysis import Analyser
from .master import CEILING, Master
from .messages import SR
from .polyphony import shed
from .smooth import GLIDE_S
from .tracks import Graph
from .ugen import Context


class Synth:
    def __init__(self, sr: int = SR, seed: int = 0):
        self.ctx = Context(sr, seed)
        self.sr = sr
        self.t = 0
        self.graph: Graph | None = None
        self.old: Graph | None = None
        self.swap_at = 0
        self.crossfade = round(GLIDE_S * sr)
        self.events: list = []
        self.seq = 0
        self.master = Master(sr)
        self.analyser = Analyser(sr)
        self.late = 0
        self.shed = 0

    def build(self, spec: dict) -> Graph:
        """The DSP for a compiled SOUND (the costly part of a graph change: do it off the clock)."""
        return Graph(spec, self.ctx)

    def post(self, message: tuple) -> None:
        """("graph", t, Graph) ("set", t, path, value, samples) ("note", t, track, pitch, velocity,
        samples | None) ("release", t, track, pitch | None) ("volume", t, v) ("panic", t, seconds)
        ("reset", t)"""
        self.seq += 1
        heapq.heappush(self.events, (message[1], self.seq, message))

    def render(self, n: int) -> np.ndarray:
        """The next n samples of the master bus, (n, 2) float32, and the analysis updated."""
        start, end = self.t, self.t + n
        out = np.empty((2, n))
        pos = start
        while pos < end:
            while self.events and self.events[0][0] <= pos:
                at, _, message = heapq.heappop(self.events)
                self.late += 0 <= at < pos
                self._apply(message, pos)
            nxt = min(self.events[0][0], end) if self.events else end
            out[:, pos - start:nxt - start] = self._mix(pos, nxt - pos)
            pos = nxt
        y = self.master.process(out, start)
        self.analyser.update(y)
        self.t = end
        return np.clip(y.T.astype(np.float32), -np.float32(CEILING), np.float32(CEILING))

    def _apply(self, m: tuple, t: int) -> None:
        kind, g = m[0], self.graph
        if kind == "graph":
            self.old, self.graph, self.swap_at = self.graph, m[2], t
        elif kind == "volume":
            self.master.set_volume(m[2], t)
        elif kind == "panic":
            self.master.panic(t, m[2])
        elif kind == "reset":
            self.master.reset(t)
            if g is not None:
                g.clear()
        elif g is None:
            return
        elif kind == "set":
            for p in g.params(m[2]):
                p.set(m[3], t, m[4])
        elif kind == "note" and not self.master.latched:
            g.note(m[2], t, m[3], m[4], m[5])
        elif kind == "release":
            g.release(m[2], t, m[3])

    def _mix(self, t: int, n: int) -> np.ndarray:
        y = self.graph.render(t, n) if self.graph is not None else np.zeros((2, n))
        if t < self.swap_at + self.crossfade:
            fade = np.clip((np.arange(t, t + n) - self.swap_at) / self.crossfade, 0.0, 1.0)
            y = y * fade
            if self.old is not None:
                y = y + self.old.render(t, n) * (1.0 - fade)
        elif self.old is not None:
            self.old = None
        return y

    def shed_voice(self) -> bool:
        """The sound process is late: drop one voice (quietest, then oldest). False if none."""
        if self.graph is None or not shed(self.graph.polyphonic(), self.t):
            return False
        self.shed += 1
        return True

    def voices(self) -> int:
        return sum(v.sounding(self.t) for v in self.graph.polyphonic()) if self.graph else 0

    def faults(self) -> int:
        return self.master.faults + (self.graph.faults() if self.graph else 0)
