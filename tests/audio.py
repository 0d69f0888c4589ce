"""Measuring sound in tests: levels in dBFS, true peak (4x, as EBU R 128 measures it), spectra, and
rendering a SOUND through the whole DSP (graph, master bus) with no device."""
from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

from stagecraft.sound.graph import compile_sound
from stagecraft.sound.dsp.master import LATENCY
from stagecraft.sound.messages import SR
from stagecraft.sound.dsp.synth import Synth

__all__ = ["LATENCY", "SR", "db", "rms_db", "true_peak_db", "peak_hz", "band_db", "render", "synth"]


def db(x: float) -> float:
    return float(20.0 * np.log10(max(float(x), 1e-30)))


def rms_db(x: np.ndarray) -> float:
    return db(np.sqrt(np.mean(np.square(x, dtype=float))))


def true_peak_db(x: np.ndarray) -> float:
    return db(np.abs(resample_poly(np.asarray(x, dtype=float), 4, 1, axis=0)).max())


def _spectrum(x: np.ndarray):
    x = np.asarray(x, dtype=float)
    window = np.hanning(len(x))
    return np.abs(np.fft.rfft(x * window)), np.fft.rfftfreq(len(x), 1.0 / SR)


def peak_hz(x: np.ndarray) -> float:
    """The strongest frequency, to a fraction of a bin (parabolic interpolation on dB)."""
    mag, freqs = _spectrum(x)
    k = int(np.argmax(mag[1:-1])) + 1
    a, b, c = np.log(mag[k - 1:k + 2] + 1e-30)
    return float((k + 0.5 * (a - c) / (a - 2 * b + c)) * (freqs[1] - freqs[0]))


def band_db(x: np.ndarray, lo: float, hi: float) -> float:
    """Power in [lo, hi) Hz, in dB (relative: for comparing bands of one signal)."""
    mag, freqs = _spectrum(x)
    return float(10.0 * np.log10(np.sum(mag[(freqs >= lo) & (freqs < hi)] ** 2) + 1e-30))


def synth(sound: dict, events=(), seed: int = 0) -> Synth:
    s = Synth(SR, seed)
    s.post(("graph", 0, s.build(compile_sound(sound))))
    for e in events:
        s.post(e)
    return s


def render(sound: dict, n: int, blocks=(256,), events=(), seed: int = 0) -> np.ndarray:
    """n samples, (n, 2) float32, rendered in blocks cycling through `blocks`."""
    s = synth(sound, events, seed)
    out, done, k = [], 0, 0
    while done < n:
        step = min(blocks[k % len(blocks)], n - done)
        out.append(s.render(step))
        done, k = done + step, k + 1
    return np.concatenate(out)
