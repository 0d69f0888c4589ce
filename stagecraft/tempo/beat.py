"""A frame's beat, the internal tempo, and tap tempo."""
from __future__ import annotations

import math
from dataclasses import dataclass

QUANTUM = 4.0           # beats to a bar: Link's quantum for the phase, and a cue's quantize = "bar"
DEFAULT_BPM = 120.0
MIN_BPM, MAX_BPM = 20.0, 999.0      # Link's own range
TAP_RESET_S = 2.0       # a tap this long after the last starts counting again
TAPS_KEPT = 8


@dataclass(frozen=True)
class Beat:
    """The timeline at one frame's presentation: Link agrees on the phase between machines (their
    beat counts may differ by whole bars), so anything that must line up across machines reads
    the phase, or multiples of beats that divide the bar."""
    beat: float = 0.0
    tempo: float = DEFAULT_BPM
    span: float = 0.0           # beats a frame lasts
    peers: int = 0

    @property
    def phase(self) -> float:
        return self.beat % QUANTUM

    def boundary(self, every: float) -> float:
        """The first multiple of `every` beats at or after this frame's beat."""
        return math.ceil(self.beat / every - 1e-9) * every

    def reaches(self, beat: float) -> bool:
        """Whether this frame is the one nearest to `beat`: it has not passed half a frame before."""
        return self.beat + self.span / 2 >= beat


def clamp(bpm: float) -> float:
    return min(max(float(bpm), MIN_BPM), MAX_BPM)


class Taps:
    """Tap tempo: the mean of the last few intervals between taps, once there are two taps."""

    def __init__(self):
        self._taps: list[float] = []

    def tap(self, now: float) -> float | None:
        if self._taps and now - self._taps[-1] > TAP_RESET_S:
            self._taps.clear()
        self._taps = (self._taps + [now])[-TAPS_KEPT:]
        if len(self._taps) < 2 or self._taps[-1] <= self._taps[0]:
            return None
        return clamp(60.0 * (len(self._taps) - 1) / (self._taps[-1] - self._taps[0]))


class Tempo:
    """What the engine holds: a sample a frame, and the operator's tempo, set or tapped."""

    def __init__(self, bpm: float):
        self.tempo = clamp(bpm)
        self.most_peers = 0
        self._taps = Taps()

    def sample(self, now: float, lead: float, period: float) -> Beat:
        raise NotImplementedError

    def set_tempo(self, bpm: float, now: float) -> None:
        raise NotImplementedError

    def tap(self, now: float) -> float | None:
        bpm = self._taps.tap(now)
        if bpm is not None:
            self.set_tempo(bpm, now)
        return bpm

    def close(self) -> None:
        pass


class Internal(Tempo):
    """The tempo without Link: beats counted on the engine's clock (show time, so an offline render
    gives the same beats every time), changed only by the operator."""

    def __init__(self, bpm: float = DEFAULT_BPM):
        super().__init__(bpm)
        self._t0, self._b0 = 0.0, 0.0

    def sample(self, now: float, lead: float, period: float) -> Beat:
        t = now + lead
        return Beat(self._b0 + (t - self._t0) * self.tempo / 60.0, self.tempo, period * self.tempo / 60.0)

    @classmethod
    def carrying_on(cls, beat: Beat, now: float) -> "Internal":
        """The tempo of `beat`, which fell at show time `now`, counted on from there (an understudy
        taking over the director's beat)."""
        tempo = cls(beat.tempo)
        tempo._b0, tempo._t0 = beat.beat, now
        return tempo

    def set_tempo(self, bpm: float, now: float) -> None:
        """From now on at `bpm`, the beat carrying on from where it is (no jump)."""
        self._b0, self._t0 = self.sample(now, 0.0, 0.0).beat, now
        self.tempo = clamp(bpm)
