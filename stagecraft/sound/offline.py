"""The sound of an offline render or snapshot: the same Synth, in this process, driven by frames.

Frame i covers samples [i * 48000 / fps, (i + 1) * 48000 / fps), rounded down, exactly, so a
render of N frames has exactly N / fps seconds of sound. Messages made during a frame act from
its first sample (plus their own `at`). No device is opened; the same inputs give the same
samples, bit for bit.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy.io import wavfile

from .analysis import Audio
from .client import Silent
from ..tempo.beat import Beat
from .messages import SR, heard, stamp
from .dsp.synth import Synth


class OfflineSound(Silent):
    def __init__(self, fps: float, seed: int = 0, keep: bool = False):
        self.synth = Synth(SR, seed)
        self.rate = Fraction(fps).limit_denominator(1001)
        self.frame = 0
        self.kept: list[np.ndarray] | None = [] if keep else None
        self.onsets = 0

    def _start(self, frame: int) -> int:
        return frame * SR * self.rate.denominator // self.rate.numerator

    def send(self, messages: list, beat: Beat | None = None, at: float = 0.0) -> None:
        """This frame's messages, then this frame's samples. The beat falls at show time `at`."""
        now = self._start(self.frame)
        timeline = heard(at * SR, beat.beat, beat.tempo, SR) if beat else None
        for m in messages:
            if m[0] == "graph":
                self.synth.post(("graph", now, self.synth.build(m[1]), m[2]))
            else:
                self.synth.post(stamp(m, now, SR, timeline))
        block = self.synth.render(self._start(self.frame + 1) - now)
        if self.kept is not None:
            self.kept.append(block)
        self.frame += 1

    def poll(self) -> Audio:
        onsets = self.synth.analyser.onsets
        onset, self.onsets = onsets > self.onsets, onsets
        return self.synth.analyser.audio(onset, self.voice)

    def set_master_volume(self, value: float, seconds: float = 0.0) -> None:
        self.synth.post(("volume", self._start(self.frame), value, float(seconds)))

    def panic(self, seconds: float = 0.02) -> None:
        self.synth.post(("panic", self._start(self.frame), seconds))

    def reset(self) -> None:
        self.synth.post(("reset", self._start(self.frame)))

    def samples(self) -> np.ndarray:
        """Everything rendered so far, (n, 2) float32 (needs keep=True)."""
        return np.concatenate(self.kept) if self.kept else np.zeros((0, 2), np.float32)


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """A 32-bit float stereo WAV at 48 kHz."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wavfile.write(str(path), SR, np.ascontiguousarray(samples, dtype=np.float32))
    return Path(path)
