"""What the picture hears: level, peak, three bands, onsets, and Shadertoy's 512x2 audio texture.

The texture follows Shadertoy (after the Web Audio AnalyserNode): row 0 is the spectrum of a
2048-point FFT (Blackman window, magnitudes smoothed with 0.8, -100..-30 dB mapped to 0..1), the
first 512 bins; row 1 is the last 512 samples of the waveform, 0.5 at silence. Level and peak are
linear full-scale amplitudes over the last 1024 samples; the bands are RMS amplitudes of 20-250 Hz,
250-2000 Hz and 2-20 kHz. An onset is a jump in the spectrum well above its recent average.

The analysis is updated from sample counts alone, so an offline render reacts the same every time.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import scipy.fft

from .dsp import kernels

FFT = 2048
BINS = 512
SMOOTHING = 0.8
MIN_DB, MAX_DB = -100.0, -30.0
HOP = 1024                 # the spectrum is taken every HOP samples (47 times a second at 48 kHz)
LEVEL_SPAN = 1024
BAND_EDGES = ((20.0, 250.0), (250.0, 2000.0), (2000.0, 20000.0))
ONSET_RATIO, ONSET_FLOOR = 1.6, 2e-4
ONSET_GAP = 3              # hops after an onset before the next can count (a hit spans two hops)


def silent_texture() -> np.ndarray:
    tex = np.zeros((2, BINS), dtype=np.float32)
    tex[1] = 0.5
    return tex


@dataclass(frozen=True)
class Bands:
    low: float = 0.0
    mid: float = 0.0
    high: float = 0.0

    def __iter__(self):
        return iter((self.low, self.mid, self.high))


@dataclass(frozen=True)
class Audio:
    """`stage.audio`: the latest analysis of what the audience hears."""
    level: float = 0.0
    peak: float = 0.0
    bands: Bands = Bands()
    onset: bool = False         # an onset since the last frame
    voice: float = 0.0          # the performer's voice level, 0..1 (the microphone, with --mic)
    texture: np.ndarray = field(default_factory=silent_texture, repr=False)

    def uniforms(self) -> dict:
        return {"iAudioLevel": self.level, "iAudioPeak": self.peak, "iAudioBands": tuple(self.bands),
                "iAudioOnset": float(self.onset)}


class Analyser:
    def __init__(self, sr: int):
        self.sr = sr
        self.buf = np.zeros((2, 2 * FFT))      # the last FFT samples end at self.end
        self.end = FFT
        self.window = np.blackman(FFT)
        self.norm = 2.0 / (FFT * np.sum(self.window ** 2))
        freqs = np.fft.rfftfreq(FFT, 1.0 / sr)
        self.band_bins = np.array([np.searchsorted(freqs, (lo, hi)) for lo, hi in BAND_EDGES])
        self.mags = np.zeros((5, FFT // 2 + 1))       # smoothed, the last hop's, and room (kernels.hear)
        self.mono = np.zeros(FFT)
        self.flux = deque([0.0] * 8, maxlen=8)
        self.texture = silent_texture()
        self.level = self.peak = 0.0
        self.levels = np.zeros(2)
        self.seen = 0                                 # samples taken in
        self.chunks = np.zeros((2, 2 * LEVEL_SPAN // kernels.CHUNK))    # kernels.listen's ring
        self.bands = np.zeros(3)
        self.onsets = 0
        self.quiet = 0             # hops left before another onset may count
        self.until_hop = HOP

    def update(self, y: np.ndarray) -> None:
        """Take in a block of the output, (2, n)."""
        n = y.shape[1]
        self.end = kernels.listen(self.buf, self.end, FFT, y, LEVEL_SPAN, self.seen, self.chunks, self.levels)
        self.seen += n
        self.level, self.peak = float(self.levels[0]), float(self.levels[1])
        self.until_hop -= n
        if self.until_hop <= 0:
            self.until_hop = HOP - (-self.until_hop) % HOP
            self._spectrum()

    def _spectrum(self) -> None:
        kernels.windowed(self.buf, self.end, self.window, self.mono)
        flux = kernels.hear(scipy.fft.rfft(self.mono), self.buf, self.end, self.band_bins, self.norm, SMOOTHING,
                            MIN_DB, MAX_DB, self.bands, self.texture, self.mags)
        self.quiet = max(self.quiet - 1, 0)
        if flux > ONSET_RATIO * sum(self.flux) / len(self.flux) + ONSET_FLOOR and not self.quiet:
            self.onsets += 1
            self.quiet = ONSET_GAP
        self.flux.append(flux)

    def audio(self, onset: bool = False, voice: float = 0.0) -> Audio:
        return Audio(self.level, self.peak, Bands(*map(float, self.bands)), onset, voice, self.texture.copy())


def voice_level(block: np.ndarray) -> float:
    """A microphone block's level on a 0..1 scale: -60 dBFS RMS and below is 0, full scale is 1."""
    rms = float(np.sqrt(np.mean(np.square(block, dtype=float)))) if block.size else 0.0
    return min(max((20.0 * np.log10(max(rms, 1e-9)) + 60.0) / 60.0, 0.0), 1.0)
