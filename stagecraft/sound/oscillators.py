"""Sources that run on their own: sine, band-limited saw, pulse and triangle, wavetable, noise, dust.

Phase is an integer accumulator (a 32-bit fraction of a cycle): integer sums are exact, so a
block split anywhere gives the same phases, and there is no drift to wrap. Saw and pulse have
their steps smoothed by polyBLEP, the triangle its corners by polyBLAMP; the wavetable keeps one
band-limited table per octave.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from .ugen import Context, Ugen, midi_to_hz

CYCLE = 2 ** 32
MASK = CYCLE - 1
TABLE_BITS = 11              # 2048 points a cycle
TABLE_OCTAVES = 11           # tables for fundamentals up to 20 Hz * 2**k
GOLDEN = 0.6180339887498949  # spreads unison start phases without lining them up
NAMED_TABLES = {
    "organ": (1.0, 0.6, 0.0, 0.4, 0.0, 0.25, 0.0, 0.2),
    "glass": (1.0, 0.0, 0.0, 0.35, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.12),
    "reed": tuple(1.0 / h ** 1.5 for h in range(1, 25)),
    "hollow": tuple((1.0 / h if h % 2 else 0.0) for h in range(1, 17)),
}
# A pinking filter (Robert Bristow-Johnson's, from the music-dsp archive): within 0.5 dB of
# -3 dB/octave across the audio band.
PINK_B = (0.049922035, -0.095993537, 0.050612699, -0.004408786)
PINK_A = (1.0, -2.494956002, 2.017265875, -0.522189400)


class Phase:
    def __init__(self, sr: int, count: int):
        self.scale = CYCLE / sr
        self.count = count
        self.p = self.start()

    def start(self) -> np.ndarray:
        return (np.arange(self.count) * GOLDEN * CYCLE).astype(np.int64) & MASK

    def advance(self, freq, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Phases (count, n) as integers, and the increments, for `freq` in Hz ((count, 1|n))."""
        inc = np.broadcast_to(np.rint(np.asarray(freq) * self.scale).astype(np.int64), (self.count, n))
        steps = np.cumsum(inc, axis=1)
        phase = (self.p[:, None] + steps - inc) & MASK
        self.p = (self.p + steps[:, -1]) & MASK
        return phase, inc


class Oscillator(Ugen):
    """Pitched: `freq` follows notes; `detune` cents spread `unison` copies; vibrato in cents."""

    def __init__(self, ctx: Context, params: dict, options: dict):
        super().__init__(ctx, params, options)
        u = int(options.get("unison", 1))
        self.phase = Phase(self.sr, u)
        self.vibrato = Phase(self.sr, 1)
        self.spread = np.linspace(-1.0, 1.0, u)[:, None] if u > 1 else np.zeros((1, 1))
        self.gain = 1.0 / np.sqrt(u)

    def clear(self, seed: int) -> None:
        self.phase.p = self.phase.start()
        self.vibrato.p = self.vibrato.start()

    def note(self, t: int, pitch: float, dur) -> None:
        self.params["freq"].set(midi_to_hz(pitch), t)

    def _freqs(self, t: int, n: int) -> np.ndarray:
        f = np.asarray(self.p("freq", t, n), dtype=float)
        detune = self.p("detune", t, n)
        f = f * 2.0 ** (self.spread * (np.asarray(detune) / 1200.0))
        vib, _ = self.vibrato.advance(self.p("vib_rate", t, n), n)  # always, so its phase is the same
        depth = self.p("vib_depth", t, n)
        if np.any(depth):
            f = f * 2.0 ** (np.asarray(depth) / 1200.0 * np.sin(vib[0] * (2.0 * np.pi / CYCLE)))
        return np.minimum(f, self.sr * 0.45)

    def process(self, x, t: int, n: int) -> np.ndarray:
        phase, inc = self.phase.advance(self._freqs(t, n), n)
        dt = np.maximum(np.abs(inc) / CYCLE, 1e-9)
        rows = self.wave(phase, phase / CYCLE, dt, t, n)
        y = rows[0]
        for r in rows[1:]:
            y = y + r   # row by row: the same sums in the same order for any block size
        return y * (self.gain * np.asarray(self.p("amp", t, n)))

    def wave(self, phase, cycle, dt, t, n) -> np.ndarray:
        raise NotImplementedError


def blep(t: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """polyBLEP residual of a unit step at phase 0 (two samples wide)."""
    after = np.minimum(t / dt, 1.0)
    before = np.maximum((t - 1.0) / dt, -1.0)
    return np.where(t < dt, 2 * after - after * after - 1.0, 0.0) + \
        np.where(t > 1.0 - dt, before * before + 2 * before + 1.0, 0.0)


def blamp(distance: np.ndarray) -> np.ndarray:
    """polyBLAMP residual at `distance` samples from a corner (zero beyond one sample)."""
    d = np.minimum(np.abs(distance), 1.0)
    return (1.0 - d) ** 3 / 6.0


class Sine(Oscillator):
    def wave(self, phase, cycle, dt, t, n):
        return np.sin(cycle * (2.0 * np.pi))


class Saw(Oscillator):
    def wave(self, phase, cycle, dt, t, n):
        return 2.0 * cycle - 1.0 - blep(cycle, dt)


class Square(Oscillator):
    def wave(self, phase, cycle, dt, t, n):
        w = np.asarray(self.p("width", t, n))
        naive = np.where(cycle < w, 1.0, -1.0)
        return naive + blep(cycle, dt) - blep((cycle - w) % 1.0, dt)


class Triangle(Oscillator):
    def wave(self, phase, cycle, dt, t, n):
        naive = np.where(cycle < 0.5, 4.0 * cycle - 1.0, 3.0 - 4.0 * cycle)
        to_start = np.minimum(cycle, 1.0 - cycle) / dt      # the trough at phase 0
        to_middle = np.abs(cycle - 0.5) / dt                # the crest at phase 0.5
        return naive + 8.0 * dt * (blamp(to_start) - blamp(to_middle))


class Wavetable(Oscillator):
    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        table = options.get("table", "organ")
        self.tables = octave_tables(tuple(NAMED_TABLES[table] if isinstance(table, str) else table), self.sr)

    def wave(self, phase, cycle, dt, t, n):
        f = dt * self.sr
        level = np.clip(np.ceil(np.log2(np.maximum(f, 20.0) / 20.0)), 0, TABLE_OCTAVES - 1).astype(np.intp)
        shift = 32 - TABLE_BITS
        i = phase >> shift
        frac = (phase & ((1 << shift) - 1)) / float(1 << shift)
        a = self.tables[level, i]
        return a + (self.tables[level, i + 1] - a) * frac


@lru_cache(maxsize=32)
def octave_tables(harmonics: tuple, sr: int) -> np.ndarray:
    """One single-cycle table per octave, each holding only harmonics below Nyquist for it."""
    size = 1 << TABLE_BITS
    x = np.arange(size + 1) * (2.0 * np.pi / size)
    out = np.zeros((TABLE_OCTAVES, size + 1))
    for k in range(TABLE_OCTAVES):
        top = int((sr / 2) // (20.0 * 2 ** k))
        for h, a in enumerate(harmonics[:top], start=1):
            if a:
                out[k] += a * np.sin(h * x)
    return out / np.abs(out[0]).max()


class Noise(Ugen):
    """White or pink; `amp` is scaled so amp 0.1 has the RMS of a sine of amplitude 0.1."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.pink = options.get("color") == "pink"
        self.clear(0)

    def clear(self, seed: int) -> None:
        self.rng = np.random.Generator(np.random.PCG64(self.ctx.seed + seed))
        self.zi = np.zeros(3)

    def process(self, x, t, n):
        white = self.rng.random(n) * 2.0 - 1.0
        if self.pink:
            white, self.zi = lfilter(PINK_B, PINK_A, white, zi=self.zi)
            white = white * pink_gain()
        return white * (np.sqrt(1.5) * np.asarray(self.p("amp", t, n)))


@lru_cache(maxsize=1)
def pink_gain() -> float:
    """Scales the pinking filter's output back to the RMS of its white input."""
    impulse = np.zeros(1 << 18)
    impulse[0] = 1.0
    return float(1.0 / np.sqrt(np.sum(lfilter(PINK_B, PINK_A, impulse) ** 2)))


class Dust(Ugen):
    """Single-sample clicks at random, `density` a second on average, of random height."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.clear(0)

    def clear(self, seed: int) -> None:
        self.rng = np.random.Generator(np.random.PCG64(self.ctx.seed + seed))

    def process(self, x, t, n):
        u = self.rng.random(n)
        p = np.maximum(np.asarray(self.p("density", t, n)) / self.sr, 1e-12)
        return np.where(u < p, 2.0 * u / p - 1.0, 0.0) * np.asarray(self.p("amp", t, n))
