"""Sources that run on their own: sine, band-limited saw, pulse and triangle, wavetable, noise, dust.

Phase is an integer accumulator (a 32-bit fraction of a cycle): integer sums are exact, so a
block split anywhere gives the same phases, and there is no drift to wrap. Saw and pulse have
their steps smoothed by polyBLEP, the triangle its corners by polyBLAMP (in `kernels`); the
wavetable keeps one band-limited table per octave.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import lfilter

from . import kernels
from .kernels import CYCLE, MASK, TABLE_BITS
from .ugen import Context, Ugen, midi_to_hz, nonzero

TABLE_OCTAVES = 11           # tables for fundamentals up to 20 Hz * 2**k
NO_WIDTH = np.ones(1)         # what waves without a pulse width are given
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
    """Integer phases of shape `shape` (rows, copies); row k can be sent back to its start."""

    def __init__(self, sr: int, shape: tuple[int, int]):
        self.scale = CYCLE / sr
        self.start = np.broadcast_to((np.arange(shape[1]) * GOLDEN * CYCLE).astype(np.int64) & MASK, shape)
        self.p = self.start.copy()
        self.steady = (None, 0)      # a steady frequency and its step

    def reset(self, row: int) -> None:
        self.p[row] = self.start[row]

    def increments(self, freq) -> np.ndarray:
        return np.rint(np.asarray(freq) * self.scale).astype(np.int64)

    def advance(self, freq, n: int, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Phases (rows, copies, n) as integers, and the increments, for `freq` in Hz (broadcast
        against (rows, copies, 1 or n)); only the first `rows` move on."""
        p = self.p[:rows]
        inc = self.increments(freq)
        inc = np.broadcast_to(inc, (*p.shape, inc.shape[-1] if inc.ndim else 1))
        if inc.shape[-1] == 1:
            steps = inc * np.arange(1, n + 1)
        else:
            steps = np.cumsum(inc, axis=-1)
        phase = (p[..., None] + steps - inc) & MASK
        self.p[:rows] = (p + steps[..., -1]) & MASK
        return phase, inc

    def stepping(self, freq: float) -> int:
        """The step of a steady frequency (kept: most blocks ask for the same one)."""
        if freq != self.steady[0]:
            self.steady = (freq, int(self.increments(freq)))
        return self.steady[1]

    def skip(self, freq, n: int, rows: int | None = None) -> None:
        """Move on as `advance` would, without making the phases."""
        if isinstance(freq, float):      # a steady rate (most blocks)
            kernels.turn(self.p, self.p.shape[0] if rows is None else rows, self.stepping(freq) * n)
            return
        inc = self.increments(freq)
        total = inc * n if inc.ndim == 0 else inc[..., 0] * n if inc.shape[-1] == 1 else inc.sum(axis=-1)
        self.p[:rows] = (self.p[:rows] + total) & MASK


def _shaped(inc: np.ndarray) -> np.ndarray:
    """Increments as kernels.oscillate takes them: rows x copies x samples (each 1 where shared)."""
    return np.ascontiguousarray(inc.reshape((1,) * (3 - inc.ndim) + inc.shape))


class Oscillator(Ugen):
    """Pitched: `detune` cents spread `unison` copies; vibrato in cents. On a track, a note sets
    `freq`; in voices(...), each row plays its own note's pitch. The waves themselves are worked out
    sample by sample in `kernels`."""
    kind: int
    tables = np.zeros((1, 2))   # read by the wavetable only

    def __init__(self, ctx: Context, params: dict, options: dict):
        super().__init__(ctx, params, options)
        u = int(options.get("unison", 1))
        self.phase = Phase(self.sr, (self.rows, u))
        self.vibrato = Phase(self.sr, (self.rows, 1))
        self.spread = np.linspace(-1.0, 1.0, u)[:, None] if u > 1 else np.zeros((1, 1))
        self.gain = 1.0 / np.sqrt(u)
        self.hz = np.full((self.rows, 1, 1), params["freq"])
        self.held = (None, None)    # a steady pitch (_steady), and every row's increments for it
        self.scaled = (None, None)  # a steady amplitude, and it times the unison's gain
        self.starting: list[tuple[int, int]] = []   # rows whose note starts later than it was applied: (row, sample)

    def clear(self, row: int, seed: int) -> None:
        self.phase.reset(row)
        self.vibrato.reset(row)
        self.starting = [s for s in self.starting if s[0] != row]

    def note(self, row: int, t: int, pitch: float, dur) -> None:
        if self.rows > 1:
            self.hz[row] = midi_to_hz(pitch)
            self.starting.append((row, t))
            if self.held[0] is not None and self.held[0] == self._steady(t):    # the one row's increments anew
                self.held[1][row:row + 1] = self._tuned(t, 1, slice(row, row + 1))
            else:
                self.held = (None, None)
        else:
            self.params["freq"].set(midi_to_hz(pitch), t)

    def rolls(self, t: int) -> bool:
        """Whether a row's phases can be set back from a note's sample to t (_roll): the pitch
        holds with no vibrato (_steady), and so does the vibrato's rate."""
        return self._steady(t) is not None and self.params["vib_rate"].settled(t)

    def _roll(self, t: int, inc: np.ndarray) -> None:
        """Rows whose note starts after t (applied ahead of its sample: Voices.ahead) have their
        phases set back by the steps until then, so that on its sample they are where a note
        started there puts them; the samples before it, their envelope silences."""
        for row, at in self.starting:
            if at > t:        # integers, a row's few copies: Python's arithmetic, exact as numpy's
                start, steps = self.phase.start[row].tolist(), inc[row if inc.shape[0] > 1 else 0, :, 0].tolist()
                steps = steps * len(start) if len(steps) == 1 else steps
                self.phase.p[row] = [(p - (at - t) * step) & MASK for p, step in zip(start, steps)]
                rate = self.vibrato.stepping(self.params["vib_rate"].end)
                self.vibrato.p[row] = (int(self.vibrato.start[row, 0]) - (at - t) * rate) & MASK
        self.starting.clear()

    def _pitch(self, t: int, n: int, rows: slice) -> np.ndarray:
        """The frequencies before the vibrato: the rows' notes (or `freq`), spread by the detune."""
        f = self.hz[rows] if self.rows > 1 else np.asarray(self.p("freq", t, n), dtype=float)
        detune = self.p("detune", t, n)
        if nonzero(detune):
            f = f * 2.0 ** (self.spread * (np.asarray(detune) / 1200.0))
        return f

    def _tuned(self, t: int, n: int, rows: slice) -> np.ndarray:
        """The rows' increments for a pitch that holds (_steady)."""
        return _shaped(self.phase.increments(np.minimum(self._pitch(t, n, rows), self.sr * 0.45)))

    def _freqs(self, t: int, n: int) -> np.ndarray:
        f = self._pitch(t, n, slice(self.active))
        depth = self.p("vib_depth", t, n)
        if nonzero(depth):
            vib, _ = self.vibrato.advance(self.p("vib_rate", t, n), n, self.active)
            f = f * 2.0 ** (np.asarray(depth) / 1200.0 * np.sin(vib * (2.0 * np.pi / CYCLE)))
        else:               # the vibrato's phase moves on all the same, so it starts where it would have
            self.vibrato.skip(self.p("vib_rate", t, n), n, self.active)
        return np.minimum(f, self.sr * 0.45)

    def _steady(self, t: int):
        """What the pitch is made of, when it holds from t on (no glide, no vibrato); else None."""
        freq, detune, depth = self.params["freq"], self.params["detune"], self.params["vib_depth"]
        if t >= freq.t1 and t >= detune.t1 and t >= depth.t1 and depth.end == 0.0:
            return freq.end, detune.end
        return None

    def _held(self, t: int, n: int, key) -> np.ndarray:
        """The increments of the first `active` rows for a pitch that holds: every row's are kept
        while it does, and a note works out its own row's again (note)."""
        if key != self.held[0]:
            self.held = (key, self._tuned(t, n, slice(None)))
        return self.held[1][:self.active]

    def _increments(self, t: int, n: int) -> np.ndarray:
        key = self._steady(t)
        if key is None:
            return _shaped(self.phase.increments(self._freqs(t, n)))
        self.vibrato.skip(self.p("vib_rate", t, n), n, self.active)    # as _freqs would
        return self._held(t, n, key)

    def wave(self, t: int, n: int) -> tuple:
        """What kernels.oscillate takes for this block, but where it writes."""
        inc = self._increments(t, n)
        if self.starting:
            self._roll(t, inc)
        return self.kind, self.phase.p[:self.active], inc, self.width(t, n), self.tables, self.sr, self._amp(t, n)

    def _amp(self, t: int, n: int) -> np.ndarray:
        """The amplitude per sample, or one value kept while it holds."""
        amp = self.params["amp"]
        if not amp.settled(t):
            return self.gain * amp.block(t, n)
        if self.scaled[0] != amp.end:
            self.scaled = (amp.end, np.array([self.gain * amp.end]))
        return self.scaled[1]

    def process(self, x, t: int, n: int) -> np.ndarray:
        out = np.empty((self.active, n))
        kernels.oscillate(*self.wave(t, n), out)
        return out

    def held_wave(self, t: int, n: int) -> tuple | None:
        """For every block of n from t on while nothing changes: the vibrato's turn (a plan.Step)
        and what kernels.oscillate takes but where it writes; None when the pitch, its vibrato,
        the width or the amplitude move. The increments are worked out here if the pitch is new
        (as `_increments` would: with no vibrato, nothing else moves on)."""
        key, rate, amp, width = self._steady(t), self.params["vib_rate"], self.params["amp"], self.held_width(t)
        if key is None or not rate.settled(t) or not amp.settled(t) or width is None:
            return None
        inc = self._held(t, n, key)
        if self.starting:
            self._roll(t, inc)
        turn = (kernels.turn, [self.vibrato.p, self.active, self.vibrato.stepping(rate.end) * n], -1)
        return turn, (self.kind, self.phase.p[:self.active], inc, width, self.tables, self.sr, self._amp(t, n))

    def steady(self, t, n, x):
        held = self.held_wave(t, n)
        if held is None:
            return None
        y = np.empty((self.active, 1, n))
        return [held[0], (kernels.oscillate, [*held[1], y.reshape(self.active, n)], -1)], y

    def width(self, t: int, n: int) -> np.ndarray:
        return NO_WIDTH

    def held_width(self, t: int) -> np.ndarray | None:
        return NO_WIDTH


class Sine(Oscillator):
    kind = kernels.SINE


class Saw(Oscillator):
    kind = kernels.SAW


class Square(Oscillator):
    kind = kernels.SQUARE

    def width(self, t, n):
        return self.samples("width", t, n)

    def held_width(self, t):
        return self.params["width"].steady(t)


class Triangle(Oscillator):
    kind = kernels.TRIANGLE


class Wavetable(Oscillator):
    kind = kernels.TABLE

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        table = options.get("table", "organ")
        self.tables = octave_tables(tuple(NAMED_TABLES[table] if isinstance(table, str) else table), self.sr)


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


class Random(Ugen):
    """A seeded stream per row: a row's stream starts over from its own seed when it is cleared."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.streams = [self._stream(row) for row in range(self.rows)]

    def _stream(self, seed: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.ctx.seed + seed))

    def clear(self, row: int, seed: int) -> None:
        self.streams[row] = self._stream(seed)

    def uniform(self, n: int) -> np.ndarray:
        return np.stack([s.random(n) for s in self.streams[:self.active]])


class Noise(Random):
    """White or pink; `amp` is scaled so amp 0.1 has the RMS of a sine of amplitude 0.1."""

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.pink = options.get("color") == "pink"
        self.pink_gain = pink_gain() if self.pink else 1.0   # worked out here, not in an audio block
        self.zi = np.zeros((self.rows, 3))

    def clear(self, row: int, seed: int) -> None:
        super().clear(row, seed)
        self.zi[row] = 0.0

    def process(self, x, t, n):
        white = self.uniform(n) * 2.0 - 1.0
        if self.pink:
            white, self.zi[:self.active] = lfilter(PINK_B, PINK_A, white, axis=-1, zi=self.zi[:self.active])
            white = white * self.pink_gain
        return white * (np.sqrt(1.5) * np.asarray(self.p("amp", t, n)))


@lru_cache(maxsize=1)
def pink_gain() -> float:
    """Scales the pinking filter's output back to the RMS of its white input."""
    impulse = np.zeros(1 << 18)
    impulse[0] = 1.0
    return float(1.0 / np.sqrt(np.sum(lfilter(PINK_B, PINK_A, impulse) ** 2)))


class Dust(Random):
    """Single-sample clicks at random, `density` a second on average, of random height."""

    def process(self, x, t, n):
        u = self.uniform(n)
        p = np.maximum(np.asarray(self.p("density", t, n)) / self.sr, 1e-12)
        return np.where(u < p, 2.0 * u / p - 1.0, 0.0) * np.asarray(self.p("amp", t, n))
