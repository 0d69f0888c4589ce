"""Filters: biquad low/high/band-pass, a state-variable filter, and a formant (vowel) filter.

All run as second-order sections (`kernels.sections`, the arithmetic of scipy.signal.lfilter)
with their state carried from block to block, which gives the same samples for any block split.
Coefficients follow their parameters on a fixed grid of absolute samples (kernels.GRID); the
state-variable filter differs from the biquad in what it carries across a retune: its two
integrator states, so fast sweeps stay smooth.
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .kernels import MAX_CUTOFF
from .smooth import grid_points
from .ugen import Ugen

UNITY = np.ones(1)


class Retuned(Ugen):
    """A bank of second-order sections whose coefficients follow `keys` on the control grid."""
    keys = ("cutoff", "q")
    bank = 1

    def __init__(self, ctx, params, options):
        super().__init__(ctx, params, options)
        self.key = None    # parameter values the current coefficients were designed for
        self.coef = None
        self.zi = None     # (bank, rows, [2,] 2), made when the first block shows the channels

    def clear(self, row: int, seed: int) -> None:
        if self.zi is not None:
            self.zi[:, row] = 0.0

    def design(self, values: tuple):
        """(b, a, gains, ...): b and a (bank, 3), each section's output gain (bank,), for parameter
        values in the order of `keys`."""
        raise NotImplementedError

    def design_all(self, keys: list[tuple]) -> list:
        """The coefficients for each of a block's retunes (a subclass may work them out at once)."""
        return [self.design(k) for k in keys]

    def _holds(self, t: int, key) -> bool:
        """Whether the parameters rest, from t on, where `key` (their values, in `keys`' order) has them."""
        return all(self.params[k].settled(t) and self.params[k].end == v for k, v in zip(self.keys, key))

    def _changes(self, t: int, n: int) -> list[tuple[int, tuple]]:
        if self.key is not None and self._holds(t, self.key):
            return []               # settled where the coefficients already are (most blocks)
        points = grid_points(t, n)
        if self.key is None:
            points = np.concatenate(([t], points[points > t]))
        if len(points) and all(self.params[k].settled(int(points[0])) for k in self.keys):
            points = points[:1]
        values = [self.params[k].values(points) for k in self.keys] if len(points) else []
        out, last = [], self.key
        for i, g in enumerate(points):
            key = tuple(float(v[i]) for v in values)
            if key != last:
                out.append((int(g) - t, key))
                last = key
        return out

    def _retunes(self, t: int, n: int) -> list[tuple[int, tuple, tuple]]:
        changes = self._changes(t, n)
        coefs = self.design_all([key for _, key in changes]) if changes else []
        return [(offset, key, coef) for (offset, key), coef in zip(changes, coefs)]

    def _apply(self, key: tuple, coef: tuple) -> None:
        self.key, self.coef = key, coef
        self.sections = coef[:3]     # b, a, gains: as kernels.sections takes them (designs make them so)

    def designed(self, t: int) -> tuple | None:
        """The sections as kernels.sections takes them (b, a, gains) when the parameters rest, from t
        on, where they were designed for; None while they move or were never designed."""
        return self.sections if self.key is not None and self._holds(t, self.key) else None

    def resting(self, t):
        return self.zi is None or self.designed(t) is not None

    def steady(self, t, n, x):
        sections = self.designed(t)
        if self.zi is None or sections is None:
            return None
        y = np.empty(x.shape)
        return [(kernels.sections, [x, 0, n, *sections, self.zi.reshape(self.bank, self.rows, -1, 2), y], -1)], y

    def idle(self, t, n):
        """No row sounds: only the design follows the parameters."""
        if self.zi is not None:
            empty = np.empty((0, self.zi.shape[2] if self.zi.ndim == 4 else 1, n))
            self._run(empty, t, n, empty, self.zi.reshape(self.bank, self.rows, -1, 2))

    def process(self, x, t, n):
        if self.zi is None:
            self.zi = np.zeros((self.bank, self.rows, *x.shape[1:-1], 2))
        x3 = np.ascontiguousarray(x).reshape(len(x), -1, n)
        y = np.empty_like(x3)
        self._run(x3, t, n, y, self.zi.reshape(self.bank, self.rows, -1, 2))
        return y.reshape(x.shape)

    def _run(self, x3, t, n, y, zi) -> None:
        """x3 (rows x channels x samples) into y, redesigned where the parameters move."""
        pos = 0
        for offset, key, coef in self._retunes(t, n) + [(n, None, None)]:
            if offset > pos:
                kernels.sections(x3, pos, offset, *self.sections, zi, y)
                pos = offset
            if key is not None:
                self._apply(key, coef)


KINDS = {"lowpass": kernels.LOWPASS, "highpass": kernels.HIGHPASS, "bandpass": kernels.BANDPASS}


def rbj(kind: str, fc, q, sr: int):
    """Robert Bristow-Johnson's cookbook biquads for each (fc, q): b and a, (len, 3) (kernels.rbj)."""
    fc, q = (np.ascontiguousarray(v, dtype=float) for v in np.broadcast_arrays(np.atleast_1d(fc), np.atleast_1d(q)))
    b, a = np.empty((len(fc), 3)), np.empty((len(fc), 3))
    kernels.rbj(KINDS[kind], fc, q, float(sr), b, a)
    return b, a


class Biquad(Retuned):
    """The design and the run between retunes in one compiled call (kernels.retuned): a cutoff
    swept every frame retunes eight times a block."""

    def __init__(self, ctx, params, options, kind: str):
        self.kind = kind
        super().__init__(ctx, params, options)
        self.design = np.zeros(3)      # designed yet (0 or 1), cutoff, q
        self.b, self.a = np.zeros((1, 3)), np.zeros((1, 3))

    def designed(self, t):
        return (self.b, self.a, UNITY) if self.design[0] and self._holds(t, self.design[1:]) else None

    def _run(self, x3, t, n, y, zi) -> None:
        sections = self.designed(t)
        if sections is not None:
            kernels.sections(x3, 0, n, *sections, zi, y)       # steady, as designed: most blocks
            return
        ramps = np.array([[p.start, p.end, p.t0, p.t1] for p in (self.params[k] for k in self.keys)], dtype=float)
        kernels.retuned(KINDS[self.kind], x3, t, ramps, float(self.sr), self.design, self.b, self.a, UNITY, zi, y)


class SVF(Retuned):
    """Andrew Simper's trapezoidal state-variable filter, run as a biquad section per grid step.

    Its state space (A, B, C, D) gives the section's transfer function, and the observability
    matrix T = [C; CA + a1 C] (kept with the coefficients) maps its integrator states onto
    lfilter's. At a retune the states are carried through the old T back and the new T forward,
    as the filter itself would carry them.
    """
    MODES = {"low": (1, 0, 0), "band": (0, 1, 0), "high": (0, 0, 1), "notch": (1, 0, 1)}

    def __init__(self, ctx, params, options):
        self.mix = self.MODES[options.get("mode", "low")]
        super().__init__(ctx, params, options)

    def design(self, values):
        fc, q = values
        g = np.tan(np.pi * min(max(fc, 1.0), MAX_CUTOFF * self.sr) / self.sr)
        k = 1.0 / q
        a1 = 1.0 / (1.0 + g * (g + k))
        a2, a3 = g * a1, g * g * a1
        A = np.array([[2 * a1 - 1, -2 * a2], [2 * a2, 1 - 2 * a3]])
        B = np.array([2 * a2, 2 * a3])
        low, band = (np.array([a2, 1 - a3]), a3), (np.array([a1, -a2]), a2)
        high = (-k * band[0] - low[0], 1.0 - k * a2 - a3)
        m = self.mix
        C = m[0] * low[0] + m[1] * band[0] + m[2] * high[0]
        D = m[0] * low[1] + m[1] * band[1] + m[2] * high[1]
        den = np.array([1.0, -np.trace(A), np.linalg.det(A)])
        h1, h2 = C @ B, C @ A @ B
        num = np.array([D, h1 + den[1] * D, h2 + den[1] * h1 + den[2] * D])
        return num[None], den[None], UNITY, np.array([C, C @ A + den[1] * C])

    def _apply(self, key: tuple, coef: tuple) -> None:
        if self.coef is not None:
            self.zi[0] = carry(self.zi[0], self.coef[3], coef[3])
        super()._apply(key, coef)


def carry(zi: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """lfilter states (..., 2) under `old` -> integrator states -> lfilter states under `new`."""
    try:
        states = np.linalg.solve(old, zi.reshape(-1, 2).T)
    except np.linalg.LinAlgError:
        return zi
    out = (new @ states).T.reshape(zi.shape)
    return out if np.all(np.isfinite(out)) else zi


# Formants (Hz), levels (dB) and bandwidths (Hz) of five vowels a e i o u, per voice
# (the table in the Csound manual's appendix, after Peterson & Barney and Sundberg).
FORMANTS = {
    "soprano": ([[800, 1150, 2900, 3900, 4950], [350, 2000, 2800, 3600, 4950], [270, 2140, 2950, 3900, 4950],
                 [450, 800, 2830, 3800, 4950], [325, 700, 2700, 3800, 4950]],
                [[0, -6, -32, -20, -50], [0, -20, -15, -40, -56], [0, -12, -26, -26, -44],
                 [0, -11, -22, -22, -50], [0, -16, -35, -40, -60]],
                [[80, 90, 120, 130, 140], [60, 100, 120, 150, 200], [60, 90, 100, 120, 120],
                 [70, 80, 100, 130, 135], [50, 60, 170, 180, 200]]),
    "alto": ([[800, 1150, 2800, 3500, 4950], [400, 1600, 2700, 3300, 4950], [350, 1700, 2700, 3700, 4950],
              [450, 800, 2830, 3500, 4950], [325, 700, 2530, 3500, 4950]],
             [[0, -4, -20, -36, -60], [0, -24, -30, -35, -60], [0, -20, -30, -36, -60],
              [0, -9, -16, -28, -55], [0, -12, -30, -40, -64]],
             [[80, 90, 120, 130, 140], [60, 80, 120, 150, 200], [50, 100, 120, 150, 200],
              [70, 80, 100, 130, 135], [50, 60, 170, 180, 200]]),
    "tenor": ([[650, 1080, 2650, 2900, 3250], [400, 1700, 2600, 3200, 3580], [290, 1870, 2800, 3250, 3540],
               [400, 800, 2600, 2800, 3000], [350, 600, 2700, 2900, 3300]],
              [[0, -6, -7, -8, -22], [0, -14, -12, -14, -20], [0, -15, -18, -20, -30],
               [0, -10, -12, -12, -26], [0, -20, -17, -14, -26]],
              [[80, 90, 120, 130, 140], [70, 80, 100, 120, 120], [40, 90, 100, 120, 120],
               [40, 80, 100, 120, 120], [40, 60, 100, 120, 120]]),
    "bass": ([[600, 1040, 2250, 2450, 2750], [400, 1620, 2400, 2800, 3100], [250, 1750, 2600, 3050, 3340],
              [400, 750, 2400, 2600, 2900], [350, 600, 2400, 2675, 2950]],
             [[0, -7, -9, -9, -20], [0, -12, -9, -12, -18], [0, -30, -16, -22, -28],
              [0, -11, -21, -20, -40], [0, -20, -32, -28, -36]],
             [[60, 70, 110, 120, 130], [40, 80, 100, 120, 120], [60, 90, 100, 120, 120],
              [40, 80, 100, 120, 120], [40, 80, 100, 120, 120]]),
}


class Formant(Retuned):
    """Five band-passes at a vowel's formants, summed at their levels; `vowel` glides between."""
    keys = ("vowel", "shift")
    bank = 5

    def __init__(self, ctx, params, options):
        freqs, levels, widths = (np.array(a, dtype=float) for a in FORMANTS[options.get("voice", "soprano")])
        self.table = (freqs, levels, widths)
        super().__init__(ctx, params, options)

    def design(self, values):
        vowel, shift = values
        i = min(int(vowel), 3)
        frac = vowel - i
        freqs, levels, widths = (row[i] + (row[i + 1] - row[i]) * frac for row in self.table)
        b, a = rbj("bandpass", freqs * shift, freqs / widths, self.sr)
        return b, a, 10.0 ** (levels / 20.0)
