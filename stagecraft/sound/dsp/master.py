"""The master bus, the last thing before the speakers, as broadcast and PA safety does it:

    NaN/Inf guard -> DC blocker -> master volume x panic -> true-peak limiter -> hard clip

(the guard, the blocker and the gains in one compiled pass, `kernels.condition`)

The limiter looks ahead: a 4x oversampled peak detector (BS.1770's way of measuring true peak)
gives the gain each sample needs; a sliding minimum over the look-ahead and a moving average of
the same length bring the gain down smoothly *before* the peak arrives; it recovers at a steady
rate in dB. Every step is a closed form over absolute sample indices or an lfilter with its state
carried, so the master bus too gives the same samples for any block size.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import firwin

from . import kernels
from .smooth import GLIDE_S, Param

CEILING_DBTP = -1.0
MARGIN_DB = 0.3           # aims this far under the ceiling: the detector is an estimate, and gain moves
CEILING = 10.0 ** (CEILING_DBTP / 20.0)
LOOKAHEAD = kernels.LOOKAHEAD   # samples (1.3 ms at 48 kHz)
RELEASE_DB_S = 40.0       # recovery after a peak
DC_HZ = 10.0
MADNESS = 1e4             # +80 dBFS: beyond this a sample is a fault, not music
OVERSAMPLE = 4
FIR_TAPS = 20 * OVERSAMPLE + 1
DETECTOR_DELAY = FIR_TAPS // 2 // OVERSAMPLE
LATENCY = LOOKAHEAD + DETECTOR_DELAY - 1   # samples from the master's input to its output


class Fir:
    """FIR filters over rows, carrying their input history (np.convolve is far quicker than
    lfilter for these short filters, and as exact across block splits)."""

    def __init__(self, taps: list[np.ndarray], history: np.ndarray):
        self.taps = taps
        self.history = history

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        """Each filter on each row of x: a list, per filter, of (rows, n)."""
        joined = np.concatenate((self.history, x), axis=-1)
        self.history = joined[..., x.shape[-1]:]
        return [np.array([np.convolve(row, h, mode="valid") for row in joined]) for h in self.taps]


def true_peak_branches() -> list[np.ndarray]:
    """The 4x interpolator (the same design scipy.signal.resample_poly uses), split into polyphase
    branches of equal length: branch k gives the signal k/4 of a sample after its centre."""
    h = firwin(FIR_TAPS, 1.0 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE
    h = np.concatenate((h, np.zeros(-len(h) % OVERSAMPLE)))
    return [h[k::OVERSAMPLE] for k in range(OVERSAMPLE)]


class Limiter:
    def __init__(self, sr: int):
        branches = true_peak_branches()
        self.detector = Fir(branches, np.zeros((2, len(branches[0]) - 1)))
        # No interpolated value can exceed the largest input sample by more than this:
        # below target / overshoot, the limiter has nothing to do.
        self.quiet_below = 10.0 ** ((CEILING_DBTP - MARGIN_DB) / 20.0) / max(np.abs(b).sum() for b in branches)
        self.target_db = CEILING_DBTP - MARGIN_DB
        # Below this the detector asks for no gain (a hair under, for rounding in a different order).
        self.heard_from = 10.0 ** (self.target_db / 20.0) * (1.0 - 1e-9)
        self.flipped = np.array([b[::-1] for b in branches])     # as kernels.unheard convolves them
        self.rate = RELEASE_DB_S / sr
        self.needs = np.zeros(LOOKAHEAD)             # last LOOKAHEAD required gains (dB)
        self.box = Fir([np.full(LOOKAHEAD, 1.0 / LOOKAHEAD)], np.ones((1, LOOKAHEAD - 1)))  # as if gain was 1
        self.delay = np.zeros((2, LATENCY))
        # the running min of (gain - rate * index), the detector samples seen, and whether no gain is
        # still needed in the look-ahead with the smoothing at 1 (kernels.master reads and moves it on)
        self.record = np.array([np.inf, 0.0, 1.0])

    def process(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[1]
        out = np.empty_like(x)
        kernels.through(self.delay, x, out)
        peak = np.max([np.abs(y).max(axis=0) for y in self.detector(x)], axis=0)
        need = np.minimum(0.0, self.target_db - 20.0 * np.log10(np.maximum(peak, 1e-12)))
        window = np.concatenate((self.needs, need))
        self.needs = window[-LOOKAHEAD:]
        # gain index j needs what every peak in [j - 1, j + LOOKAHEAD - 1] needs
        ahead = sliding_window_view(window, LOOKAHEAD + 1).min(axis=1)
        floor, k = self.record[0], int(self.record[1])
        j = k - LOOKAHEAD + 1 + np.arange(n)
        ramp = self.rate * j
        lowest = np.minimum.accumulate(np.concatenate(([floor], ahead - ramp)))[1:]
        gain_db = np.minimum(lowest + ramp, 0.0)
        gain = self.box(10.0 ** (gain_db / 20.0)[None])[0][0]
        settled = not self.needs.any() and bool(np.all(self.box.history == 1.0))
        self.record[:] = lowest[-1], k + n, settled
        # gain j is for the sample DETECTOR_DELAY before detector index j; then the hard clip
        # (an idle block needs none: all it lets out was measured below the ceiling on the way in)
        return np.clip(out * gain, -CEILING, CEILING)


class Master:
    def __init__(self, sr: int):
        self.sr = sr
        r = np.exp(-2.0 * np.pi * DC_HZ / sr)
        self.dc = ((1.0 + r) / 2.0, -(1.0 + r) / 2.0, -r)    # b0, b1, a1: unity gain at Nyquist
        self.dc_z = np.zeros(2)
        self.volume = Param(1.0)
        self.panic_gain = Param(1.0)
        self.volume.owner = self.panic_gain.owner = self
        self.gain: np.ndarray | None = None    # the volume times the panic gain, once both hold
        self.settles = 0                        # ... from this sample on
        self.latched = False
        self.limiter = Limiter(sr)
        self.faults = 0
        self.y = np.empty((2, 0))    # the conditioned block, the limiter's input
        lim = self.limiter      # what kernels.master takes of the bus and its limiter, in one array
        self.bus = np.array([*self.dc, MADNESS, lim.quiet_below, lim.heard_from, lim.rate])

    def set_volume(self, value: float, t: int, seconds: float = GLIDE_S) -> None:
        self.volume.set(min(max(float(value), 0.0), 1.0), t, round(max(seconds, GLIDE_S) * self.sr))

    def panic(self, t: int, seconds: float) -> None:
        """Fade to silence over `seconds` and stay there until reset."""
        self.latched = True
        self.panic_gain.set(0.0, t, max(1, round(seconds * self.sr)))

    def reset(self, t: int) -> None:
        self.latched = False
        self.panic_gain.set(1.0, t, round(GLIDE_S * self.sr))

    def process(self, x: np.ndarray, t: int) -> np.ndarray:
        n = x.shape[1]
        if self.y.shape[1] != n:
            self.y = np.empty((2, n))
        out, lim = np.empty((2, n)), self.limiter
        fault, limited = kernels.master(np.ascontiguousarray(x), self.bus, self.dc_z, self._gain(t, n), self.y,
                                        lim.record, lim.detector.history, lim.flipped, lim.delay, out)
        self.faults += fault
        return out if limited else lim.process(self.y)

    def moved(self, settles: int) -> None:
        """The volume or the panic gain was set, to arrive at sample `settles` (Param.set)."""
        self.gain, self.settles = None, max(self.settles, settles)

    def _gain(self, t: int, n: int) -> np.ndarray:
        """The volume times the panic gain, per sample, or one value (kept) once both hold."""
        if t < self.settles:
            return self.volume.samples(t, n) * self.panic_gain.samples(t, n)
        if self.gain is None:
            self.gain = self.volume.samples(t, n) * self.panic_gain.samples(t, n)
        return self.gain
