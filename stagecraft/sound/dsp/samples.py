"""Short sounds: a small library made from code (so renders match everywhere), WAV files, a
sampler that plays one per note, and a granular voice that scatters grains of one."""
from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

from . import kernels
from .envelopes import ADSR
from .filters import Formant
from .oscillators import Saw
from .ugen import Context, Ugen


def _coin(t, rng, sr):
    f = np.where(t < 0.06, 987.77, 1318.51)            # B5 then E6, the arcade coin
    wave = np.tanh(4.0 * np.sin(2 * np.pi * np.cumsum(f) / sr))
    return wave * np.where(t < 0.06, 1.0, np.exp(-(t - 0.06) * 9.0))


def _click(t, rng, sr):
    return np.diff(rng.standard_normal(len(t) + 1)) * np.exp(-t * 1500.0)


def _knock(t, rng, sr):
    f = 160.0 + 90.0 * np.exp(-t * 40.0)
    body = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t * 22.0)
    return body + 0.4 * rng.standard_normal(len(t)) * np.exp(-t * 400.0)


def _shaker(t, rng, sr):
    env = np.minimum(t / 0.01, 1.0) * np.exp(-t * 30.0)
    return np.diff(rng.standard_normal(len(t) + 1)) * env


def _tear(t, rng, sr):
    crackle = (rng.random(len(t)) < 0.02) * rng.standard_normal(len(t))
    hiss = 0.25 * np.diff(rng.standard_normal(len(t) + 1))
    swell = np.sin(np.pi * t / t[-1]) ** 0.5
    return (crackle + hiss) * swell * (0.6 + 0.4 * np.sin(2 * np.pi * 13.0 * t))


def _voice(t, rng, sr):
    """A sung 'a' made with the engine's own units: a saw with vibrato through the formant filter."""
    ctx = Context(sr, 0)
    n = len(t)
    saw = Saw(ctx, {"freq": 220.0, "amp": 1.0, "detune": 0.0, "vib_rate": 5.5, "vib_depth": 30.0}, {})
    vowel = Formant(ctx, {"vowel": 0.0, "shift": 1.0}, {"voice": "soprano"})
    env = ADSR(ctx, {"attack": 0.08, "decay": 0.2, "sustain": 0.8, "release": 0.3}, {"curve": 3.0})
    env.note(0, 0, 57.0, n - round(0.3 * sr))
    return env.process(vowel.process(saw.process(None, 0, n), 0, n), 0, n)[0]


RECIPES = {"coin": (_coin, 0.35), "click": (_click, 0.01), "knock": (_knock, 0.25),
           "shaker": (_shaker, 0.15), "tear": (_tear, 0.6), "voice": (_voice, 1.5)}


@lru_cache(maxsize=64)
def load(name: str, sr: int) -> np.ndarray:
    """A sound by library name or WAV path: mono, float, peak 0.9, at `sr`."""
    if name in RECIPES:
        make, seconds = RECIPES[name]
        t = np.arange(round(seconds * sr)) / sr
        data = make(t, np.random.default_rng(sum(map(ord, name))), sr)
    else:
        rate, raw = wavfile.read(name)
        data = raw.astype(float)
        if raw.dtype.kind in "iu":
            data /= float(np.iinfo(raw.dtype).max)
        if data.ndim == 2:
            data = data.mean(axis=1)
        if rate != sr:
            k = gcd(rate, sr)
            data = resample_poly(data, sr // k, rate // k)
    peak = np.abs(data).max()
    return data * (0.9 / peak) if peak > 0 else data


def read(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Linear interpolation at fractional positions, wrapping around the sound."""
    i0 = np.floor(pos).astype(np.int64)
    frac = pos - i0
    a = data[i0 % len(data)]
    return a + (data[(i0 + 1) % len(data)] - a) * frac


class Sampler(Ugen):
    """Plays the sound from the start on each note, pitched by the note against `root`."""
    ends_notes = True

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.data = load(options["sample"], self.sr)
        self.root = options.get("root", 60)
        self.on = np.full(self.rows, -1)
        self.rate = np.ones(self.rows)
        self.stop = np.zeros(self.rows, dtype=np.int64)

    def clear(self, row, seed):
        self.on[row], self.rate[row], self.stop[row] = -1, 1.0, 0

    def note(self, row, t, pitch, dur):
        self.on[row], self.rate[row] = t, 2.0 ** ((pitch - self.root) / 12.0)
        self.stop[row] = t + int(np.ceil((len(self.data) - 1) / self.rate[row]))

    def end(self):
        return self.stop

    def process(self, x, t, n):
        on, rate = self.on[:self.active, None], self.rate[:self.active, None]
        pos = (np.arange(t, t + n)[None, :] - on) * rate
        playing = (pos >= 0) & (pos < len(self.data) - 1) & (on >= 0)
        return np.where(playing, read(self.data, pos), 0.0) * np.asarray(self.p("amp", t, n))


class Granular(Ugen):
    """Grains of a sound, each a Hann-windowed slice read at `position` (+- `spread`) and pitched
    by `pitch` (+- `jitter`) semitones; onsets fall around `density` a second. Grains are scheduled
    on the absolute sample clock from a seeded stream, so a render repeats exactly. One row: it
    plays on its own, not per note."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.data = load(options["sample"], self.sr)
        self.clear(0, 0)

    def clear(self, row, seed):
        self.rng = np.random.Generator(np.random.PCG64(self.ctx.seed + seed))
        self.next = None
        self.grains: list[tuple] = []   # (start, length, source position, rate, gain)

    def _schedule(self, end: int) -> None:
        while self.next < end:
            g = self.next
            p = {k: self.params[k].at(g) for k in ("density", "grain", "position", "spread", "pitch", "jitter")}
            r = self.rng.random(3)
            length = max(16, round(p["grain"] * self.sr))
            src = (p["position"] + p["spread"] * (r[0] - 0.5)) * (len(self.data) - 1)
            rate = 2.0 ** ((p["pitch"] + p["jitter"] * (2.0 * r[1] - 1.0)) / 12.0)
            gain = 1.0 / np.sqrt(max(1.0, p["density"] * p["grain"]))
            self.grains.append((g, length, src, rate, gain))
            self.next = g + max(1, round(self.sr / p["density"] * (0.5 + r[2])))

    def process(self, x, t, n):
        if self.next is None:
            self.next = t
        end = t + n
        self._schedule(end)
        out = np.zeros(n)
        if self.grains:
            starts, lengths, sources, rates, gains = (np.array(c) for c in zip(*self.grains))
            kernels.grains(t, self.data, starts, lengths, sources, rates, gains, out)
        self.grains = [g for g in self.grains if g[0] + g[1] > end]
        return (out * np.asarray(self.p("amp", t, n)))[None]
