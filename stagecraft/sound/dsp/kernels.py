"""The per-sample inner loops, compiled: oscillator waves, ADSR levels, voice mixing, biquad
sections, the reverb and grains.

In numpy each of these was tens of calls on small (rows x block) arrays, and at 256 frames a block
the calls' dispatch, not the arithmetic, was most of the DSP's cost. Here each is one call a
block. A loop that runs sample after sample carries its state exactly, so the output does not
depend on where blocks are cut. The signatures are given, so every kernel is compiled (or loaded
from numba's cache) when this module is imported, never in the middle of an audio block.

The kernels keep the GIL. Released, it went to the sound process's main thread whenever that had
work (a graph to build), and SDL's thread then waited out Python's 5 ms switch interval to take it
back, mid-block: a 5.5 ms callback with 1 ms of CPU in it.
"""
from __future__ import annotations

import math

from numba import njit

from .ugen import ANTI_DENORMAL

CYCLE = 2 ** 32
MASK = CYCLE - 1
SINE, SAW, SQUARE, TRIANGLE, TABLE = range(5)
TABLE_BITS = 11
TABLE_SHIFT = 32 - TABLE_BITS

_JIT = dict(cache=True, error_model="numpy")


@njit("f8(f8, f8)", **_JIT)
def blep(t, dt):
    """polyBLEP residual of a unit step at phase 0: two samples wide."""
    out = 0.0
    if t < dt:
        a = t / dt
        out = 2 * a - a * a - 1.0
    if t > 1.0 - dt:
        b = (t - 1.0) / dt
        out += b * b + 2 * b + 1.0
    return out


@njit("f8(f8, f8)", **_JIT)
def blamp(distance, slope):
    """polyBLAMP residual of a corner where the slope changes by `slope`, `distance` away (< 1)."""
    e = 1.0 - distance
    return slope * (e * e * e / 6.0)


@njit("f8(i8, i8, f8, f8, f8[:, ::1], i8)", **_JIT)
def wave(kind, phase, dt, width, tables, sr):
    cycle = phase / CYCLE
    if kind == SINE:
        return math.sin(cycle * (2.0 * math.pi))
    if kind == SAW:
        return 2.0 * cycle - 1.0 - blep(cycle, dt)
    if kind == SQUARE:
        naive = 1.0 if cycle < width else -1.0
        return naive + blep(cycle, dt) - blep((cycle - width) % 1.0, dt)
    if kind == TRIANGLE:
        out = 4.0 * cycle - 1.0 if cycle < 0.5 else 3.0 - 4.0 * cycle
        trough = min(cycle, 1.0 - cycle)
        if trough < dt:
            out += blamp(trough / dt, 8.0 * dt)
        crest = abs(cycle - 0.5)
        if crest < dt:
            out += blamp(crest / dt, -8.0 * dt)
        return out
    level = int(min(max(math.ceil(math.log2(max(dt * sr, 20.0) / 20.0)), 0.0), tables.shape[0] - 1))
    i = phase >> TABLE_SHIFT
    frac = (phase & ((1 << TABLE_SHIFT) - 1)) / float(1 << TABLE_SHIFT)
    a = tables[level, i]
    return a + (tables[level, i + 1] - a) * frac


@njit("void(i8, i8[:, ::1], i8[:, :, ::1], f8[::1], f8[:, ::1], i8, f8[:, ::1])", **_JIT)
def oscillate(kind, p, inc, width, tables, sr, out):
    """Rows of `p` (integer phases, rows x copies) run on by `inc` (broadcast against rows x copies
    x samples), their copies' waves summed copy by copy into `out` (rows x samples); `width` is
    per sample or one value."""
    rows, copies = p.shape
    n = out.shape[1]
    ir, ic, ij = inc.shape[0] > 1, inc.shape[1] > 1, inc.shape[2] > 1
    wj = width.shape[0] > 1
    for r in range(rows):
        for c in range(copies):
            ph = p[r, c]
            for j in range(n):
                step = inc[r if ir else 0, c if ic else 0, j if ij else 0]
                dt = max(abs(step) / CYCLE, 1e-9)
                w = wave(kind, ph, dt, width[j if wj else 0], tables, sr)
                out[r, j] = w if c == 0 else out[r, j] + w
                ph = (ph + step) & MASK
            p[r, c] = ph


@njit("f8(f8, f8)", **_JIT)
def bend(x, c):
    """0 is straight; larger values rise and fall fast, then settle."""
    if c == 0:
        return x
    return (1.0 - math.exp(-c * x)) / (1.0 - math.exp(-c))


@njit("void(i8, i8[::1], i8[::1], f8[::1], f8[::1], f8[:, ::1], f8, f8[:, ::1])", **_JIT)
def adsr(t, on, off, start, held, times, curve, out):
    """Envelope levels of rows (out: rows x samples) at samples t, t + 1, ... in closed form."""
    for r in range(out.shape[0]):
        a, d, rel, s = times[r, 0], times[r, 1], times[r, 2], times[r, 3]
        for j in range(out.shape[1]):
            now = t + j
            if on[r] < 0:
                out[r, j] = 0.0
            elif now >= off[r]:
                x = min(max((now - off[r]) / max(rel, 1.0), 0.0), 1.0)
                out[r, j] = held[r] * (1.0 - bend(x, curve))
            else:
                k = float(now - on[r])
                if k < a:
                    x = min(max(k / max(a, 1.0), 0.0), 1.0)
                    out[r, j] = start[r] + (1.0 - start[r]) * bend(x, curve)
                else:
                    x = min(max((k - a) / max(d, 1.0), 0.0), 1.0)
                    out[r, j] = 1.0 + (s - 1.0) * bend(x, curve)


@njit("void(f8[:, :, ::1], i8, i8[::1], i8, i8[::1], f8[::1], f8[:, ::1])", **_JIT)
def mix_voices(y, t, fade_at, fade_len, stops, velocity, out):
    """Rows of y (rows x channels x samples) summed row by row into out (channels x samples), each
    faded from its fade_at over fade_len samples, silent from its stop, scaled by its velocity."""
    for r in range(y.shape[0]):
        for j in range(y.shape[2]):
            now = t + j
            g = min(max(1.0 - (now - fade_at[r]) / fade_len, 0.0), 1.0)
            g = g * (1.0 if now < stops[r] else 0.0) * velocity[r]
            for ch in range(y.shape[1]):
                v = y[r, ch, j] * g
                out[ch, j] = v if r == 0 else out[ch, j] + v


@njit("void(i8, f8[::1], f8[:, ::1], i8[::1], f8[:, ::1], f8, f8, f8[::1], f8[::1], f8[:, ::1])", **_JIT)
def reverb(t, feed, buf, lengths, gains, b0, pole, z, inject, wet):
    """Eight delay lines, damped by one-pole lowpasses, scaled by `gains` (per sample or one
    column), mixed through the normalised 8x8 Hadamard matrix by butterflies (sums and
    differences only) and fed back with the input; the even lines' sum is the left output."""
    size = buf.shape[1]
    gj = gains.shape[1] > 1
    x = [0.0] * 8
    norm = 1.0 / math.sqrt(8.0)
    for j in range(feed.shape[0]):
        now = t + j
        for line in range(8):
            y = z[line] + b0 * buf[line, (now - lengths[line]) % size]
            z[line] = pole * y
            x[line] = y * gains[line, j if gj else 0]
        wet[0, j] = (x[0] + x[2] + x[4] + x[6]) * 0.5
        wet[1, j] = (x[1] + x[3] + x[5] + x[7]) * 0.5
        h = 4
        while h >= 1:
            for g in range(0, 8, 2 * h):
                for i in range(g, g + h):
                    a, b = x[i], x[i + h]
                    x[i], x[i + h] = a + b, a - b
            h //= 2
        for line in range(8):
            buf[line, now % size] = x[line] * norm + inject[line] * feed[j] + ANTI_DENORMAL


@njit("void(f8[:, :, ::1], i8, i8, f8[:, ::1], f8[:, ::1], f8[::1], f8[:, :, :, ::1], f8[:, :, ::1])", **_JIT)
def sections(x, start, end, b, a, gains, zi, y):
    """Samples [start, end) of x (rows x channels x samples) through a bank of second-order
    sections in parallel (transposed direct form II, each section's states in zi: bank x rows x
    channels x 2, in the arithmetic order of scipy's lfilter), summed at their gains into y."""
    for s in range(b.shape[0]):
        b0, b1, b2, a1, a2, g = b[s, 0], b[s, 1], b[s, 2], a[s, 1], a[s, 2], gains[s]
        for r in range(x.shape[0]):
            for ch in range(x.shape[1]):
                z0, z1 = zi[s, r, ch, 0], zi[s, r, ch, 1]
                for j in range(start, end):
                    v = x[r, ch, j] + ANTI_DENORMAL
                    out = z0 + b0 * v
                    z0 = z1 + v * b1 - out * a1
                    z1 = v * b2 - out * a2
                    y[r, ch, j] = out * g if s == 0 else y[r, ch, j] + out * g
                zi[s, r, ch, 0], zi[s, r, ch, 1] = z0, z1


@njit("void(i8, f8[::1], i8[::1], i8[::1], f8[::1], f8[::1], f8[::1], f8[::1])", **_JIT)
def grains(t, data, starts, lengths, sources, rates, gains, out):
    """Hann-windowed grains of `data` added into out (samples t, t + 1, ...): grain g starts at
    starts[g], lasts lengths[g] samples, reads from sources[g] onwards at rates[g] (linear
    interpolation, wrapping round the sound), scaled by gains[g]."""
    n, size = out.shape[0], data.shape[0]
    for g in range(starts.shape[0]):
        lo, hi = max(t, starts[g]), min(t + n, starts[g] + lengths[g])
        for now in range(lo, hi):
            k = now - starts[g]
            window = 0.5 - 0.5 * math.cos(2.0 * math.pi * k / lengths[g])
            pos = sources[g] + k * rates[g]
            i0 = int(math.floor(pos))
            a = data[i0 % size]
            out[now - t] += (a + (data[(i0 + 1) % size] - a) * (pos - i0)) * window * gains[g]
