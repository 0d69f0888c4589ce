"""Messages in, samples out: the whole DSP of a show, the same in the sound process and offline.

Messages are stamped with the absolute sample they act on (-1: as soon as possible). A block is
cut at every message's sample and the pieces rendered in turn; since every unit gives the same
samples for any split, a note lands on its exact sample at no cost to anything else.

Several pieces can sound at once, each its own layer (a piece crossfading into the next): a graph
names its layer, and a piece's notes and parameters are addressed "layer:track" (no prefix: layer
0). A new graph in a layer crossfades with the one before it; ("fade", t, layer, gain, samples)
moves a layer's level, and a layer faded to nothing is let go. A panic silences the master and
keeps notes out until reset.
"""
from __future__ import annotations

import heapq

import numpy as np

from ..analysis import Analyser
from . import kernels
from .master import CEILING, Master
from ..messages import SR
from .polyphony import shed
from .smooth import GLIDE_S, Param
from .tracks import Graph
from .ugen import Context


class _Layer:
    """One piece's sound: its graph (and the one it is replacing, for a short crossfade) and level."""

    def __init__(self):
        self.graph: Graph | None = None
        self.old: Graph | None = None
        self.swap_at = 0
        self.gain = Param(1.0)
        self.closing = False

    def render(self, t: int, n: int, crossfade: int) -> np.ndarray:
        y = self.graph.render(t, n) if self.graph is not None else np.zeros((2, n))
        if t < self.swap_at + crossfade:
            fade = np.clip((np.arange(t, t + n) - self.swap_at) / crossfade, 0.0, 1.0)
            y = y * fade
            if self.old is not None:
                y = y + self.old.render(t, n) * (1.0 - fade)
        elif self.old is not None:
            self.old = None
        if self.gain.settled(t) and self.gain.end == 1.0:
            return y                      # as it is: times 1.0 changes no sample
        return y * self.gain.block(t, n)

    def graphs(self) -> list[Graph]:
        return [g for g in (self.graph, self.old) if g is not None]


def address(target: str) -> tuple[int, str]:
    """"3:drone.cutoff" -> (3, "drone.cutoff"); with no layer named, layer 0."""
    layer, sep, rest = target.partition(":")
    return (int(layer), rest) if sep and layer.isdigit() else (0, target)


class Synth:
    def __init__(self, sr: int = SR, seed: int = 0):
        self.ctx = Context(sr, seed)
        self.sr = sr
        self.t = 0
        self.layers: dict[int, _Layer] = {}
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
        """("graph", t, Graph[, layer]) ("set", t, path, value, samples) ("note", t, track, pitch,
        velocity, samples | None) ("release", t, track, pitch | None) ("fade", t, layer, gain,
        samples) ("volume", t, v[, seconds]) ("panic", t, seconds) ("reset", t); a track or path may be
        "layer:track"."""
        self.seq += 1
        heapq.heappush(self.events, (message[1], self.seq, message))

    def render(self, n: int) -> np.ndarray:
        """The next n samples of the master bus, (n, 2) float32, and the analysis updated."""
        start, end = self.t, self.t + n
        events, pos, out = self.events, start, None
        while pos < end:
            while events and (events[0][0] <= pos or events[0][0] < end and self._ahead(events[0][2], pos)):
                at, _, message = heapq.heappop(events)
                self.late += 0 <= at < pos
                self._apply(message, max(at, pos))
            nxt = min(events[0][0], end) if events else end
            part = self._mix(pos, nxt - pos)
            if nxt - pos == n:
                out = part                   # one piece (most blocks): nothing to join
            else:
                out = np.empty((2, n)) if out is None else out
                out[:, pos - start:nxt - start] = part
            pos = nxt
        y = self.master.process(out, start)
        self.analyser.update(y)
        self.t = end
        played = np.empty((n, 2), np.float32)
        kernels.interleave(y, CEILING, played)
        return played

    def _layer(self, layer: int) -> _Layer:
        if layer not in self.layers:
            self.layers[layer] = _Layer()
        return self.layers[layer]

    def _apply(self, m: tuple, t: int) -> None:
        kind = m[0]
        if kind == "graph":
            layer = self._layer(m[3] if len(m) > 3 else 0)
            layer.old, layer.graph, layer.swap_at = layer.graph, m[2], t
        elif kind == "fade":
            layer = self._layer(m[2])
            layer.gain.set(m[3], t, m[4])
            layer.closing = m[3] <= 0.0
        elif kind == "volume":
            self.master.set_volume(m[2], t, *m[3:])
        elif kind == "panic":
            self.master.panic(t, m[2])
        elif kind == "reset":
            self.master.reset(t)
            for g in self.graphs():
                g.clear()
        elif kind in ("set", "note", "release"):
            number, target = address(m[2])
            g = self.layers[number].graph if number in self.layers else None
            if g is None:
                return
            if kind == "set":
                for p in g.params(target):
                    p.set(m[3], t, m[4])
            elif kind == "note" and not self.master.latched:
                g.note(target, t, m[3], m[4], m[5])
            elif kind == "release":
                g.release(target, t, m[3])

    def _ahead(self, m: tuple, t: int) -> bool:
        """Whether a message due later in the block can be applied now, at sample t, and the block
        still rendered in one piece, the same to the bit (a note or release the track can place on
        its sample itself: Voices.ahead); else the block is cut where it lands."""
        if m[0] not in ("note", "release"):
            return False
        number, target = address(m[2])
        g = self.layers[number].graph if number in self.layers else None
        return g is None or g.ahead(target, m[0], m[1], t)

    def _mix(self, t: int, n: int) -> np.ndarray:
        if len(self.layers) == 1:            # one piece playing (most blocks)
            (number, layer), = self.layers.items()
            if not layer.closing:
                return layer.render(t, n, self.crossfade)
        y = None
        for number, layer in list(self.layers.items()):
            part = layer.render(t, n, self.crossfade)
            y = part if y is None else y + part
            if layer.closing and layer.gain.settled(t + n):
                del self.layers[number]          # faded out: its piece has gone
        return np.zeros((2, n)) if y is None else y

    def graphs(self) -> list[Graph]:
        return [g for layer in self.layers.values() for g in layer.graphs()]

    def shed_voice(self) -> bool:
        """The sound process is late: drop one voice (quietest, then oldest). False if none."""
        voices = [v for g in self.graphs() for v in g.polyphonic()]
        if not voices or not shed(voices, self.t):
            return False
        self.shed += 1
        return True

    def voices(self) -> int:
        return sum(v.sounding(self.t) for g in self.graphs() for v in g.polyphonic())

    def faults(self) -> int:
        return self.master.faults + sum(g.faults() for g in self.graphs())
