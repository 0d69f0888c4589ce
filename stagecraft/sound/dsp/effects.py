"""Effects: gain, pan, drive, a modulated feedback delay, and a feedback-delay-network reverb.

The delay lines are written at the absolute sample index; the delay cuts each block into pieces
no longer than its shortest delay, and the reverb (in `kernels`) runs sample by sample, so
every sample read back was written before: per sample, the same arithmetic for any block size.
Delay and reverb hold seconds of sound, so they run on a track's single row, never inside
voices(...).
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from . import kernels
from .oscillators import CYCLE, Phase
from .kernels import ANTI_DENORMAL
from .ugen import Ugen


class Gain(Ugen):
    def process(self, x, t, n):
        return x * np.asarray(self.p("amount", t, n))

    def steady(self, t, n, x):
        amount = self.params["amount"]
        if not amount.settled(t):
            return None
        y = np.empty(x.shape)
        return [(np.multiply, [x, amount.end, y], -1)], y


class Pan(Ugen):
    """Equal-power pan for mono; balance for stereo."""

    def channels(self, inp):
        return 2

    def process(self, x, t, n):
        out = np.empty((len(x), 2, n))
        kernels.pan(np.ascontiguousarray(x).reshape(len(x), -1, n), self.samples("pos", t, n), out)
        return out

    def steady(self, t, n, x):
        pos = self.params["pos"].steady(t)
        if pos is None:
            return None
        y = np.empty((len(x), 2, n))
        return [(kernels.pan, [x, pos, y], -1)], y


class Drive(Ugen):
    """tanh saturation, scaled so a full-scale input still peaks at full scale."""

    def process(self, x, t, n):
        out = np.empty(x.shape)
        kernels.drive(np.ascontiguousarray(x).reshape(len(x), -1, n), self._gain(self.samples("amount", t, n)),
                      out.reshape(len(x), -1, n))
        return out

    def steady(self, t, n, x):
        amount = self.params["amount"].steady(t)
        if amount is None:
            return None
        y = np.empty(x.shape)
        return [(kernels.drive, [x, self._gain(amount), y], -1)], y

    @staticmethod
    def _gain(amount: np.ndarray) -> np.ndarray:
        return 1.0 + 24.0 * amount ** 2


def one_pole(cutoff: float, sr: int):
    p = np.exp(-2.0 * np.pi * cutoff / sr)
    return np.array([1.0 - p]), np.array([1.0, -p])


def _pow2(n: float) -> int:
    return 1 << int(np.ceil(np.log2(n)))


class Delay(Ugen):
    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.longest = options.get("max_time", 2.0) * self.sr
        self.size = _pow2(2 * (self.longest + 0.03 * self.sr) + 4)
        self.damp = one_pole(options.get("damp", 6000.0), self.sr)
        self.lfo = Phase(self.sr, (1, 1))
        self.clear(0, 0)

    def clear(self, row, seed):
        self.buf = self.zi = None
        self.lfo.reset(0)

    def process(self, x, t, n):
        if self.buf is None:
            self.buf = np.zeros((*x.shape[:-1], self.size))
            self.zi = np.zeros((*x.shape[:-1], 1))
        wobble, _ = self.lfo.advance(self.p("mod_rate", t, n), n)
        d = np.asarray(self.p("time", t, n), dtype=float)
        depth = self.p("mod_depth", t, n)
        if np.any(depth):
            d = d + np.asarray(depth) * np.sin(wobble[0, 0] * (2.0 * np.pi / CYCLE))
        d = np.broadcast_to(np.clip(d * self.sr, 2.0, self.longest), (n,))
        feedback = np.broadcast_to(self.p("feedback", t, n), (n,))
        mix = np.broadcast_to(self.p("mix", t, n), (n,))
        step = max(1, int(d.min()) - 1)
        out = np.empty_like(x)
        for pos in range(0, n, step):
            end = min(pos + step, n)
            now = np.arange(t + pos, t + end)
            back = now - d[pos:end]
            i0 = np.floor(back).astype(np.int64)
            frac = back - i0
            a = self.buf[..., i0 % self.size]
            wet = a + (self.buf[..., (i0 + 1) % self.size] - a) * frac
            wet, self.zi = lfilter(*self.damp, wet, axis=-1, zi=self.zi)
            dry = x[..., pos:end]
            self.buf[..., now % self.size] = dry + feedback[pos:end] * wet + ANTI_DENORMAL
            out[..., pos:end] = dry * (1.0 - mix[pos:end]) + wet * mix[pos:end]
        return out


LINES_48K = np.array([1559, 1871, 2243, 2647, 3119, 3527, 3947, 4441])  # mutually prime, 32 to 93 ms


class Reverb(Ugen):
    """Eight delay lines mixed through a Hadamard matrix, each damped and scaled so that sound
    falls 60 dB in `decay` seconds; even lines feed the left output, odd lines the right."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.lengths = np.round(LINES_48K * options.get("size", 1.0) * self.sr / 48000).astype(np.int64)
        self.size = _pow2(2 * self.lengths.max() + 2)
        self.damp = one_pole(options.get("damp", 5000.0), self.sr)
        self.inject = np.array([1.0, -1.0] * 4) * (1.0 / np.sqrt(8.0))
        self.clear(0, 0)

    def channels(self, inp):
        return 2

    def clear(self, row, seed):
        self.buf = np.zeros((8, self.size))
        self.z = np.zeros(8)
        self.held = (None, None)      # a steady decay and the lines' gains for it

    def process(self, x, t, n):
        decay = self.p("decay", t, n)
        if not isinstance(decay, float) or decay != self.held[0]:
            gains = 10.0 ** (-3.0 * self.lengths[:, None] / (np.atleast_1d(decay)[None, :] * self.sr))
            self.held = (decay if isinstance(decay, float) else None, gains)
        out = np.empty((1, 2, n))
        kernels.reverb(*self._lines(t), np.ascontiguousarray(x).reshape(-1, n), self.samples("mix", t, n), out[0])
        return out

    def _lines(self, t: int) -> tuple:
        """What kernels.reverb takes but the signal in and out and the mix."""
        return t, self.buf, self.lengths, self.held[1], self.damp[0][0], -self.damp[1][1], self.z, self.inject

    def steady(self, t, n, x):
        decay, mix = self.params["decay"], self.params["mix"].steady(t)
        if not decay.settled(t) or decay.end != self.held[0] or mix is None:
            return None
        y = np.empty((1, 2, n))
        return [(kernels.reverb, [*self._lines(t), x.reshape(-1, n), mix, y[0]], 0)], y
