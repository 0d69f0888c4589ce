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

import numpy as np
from numba import njit


ANTI_DENORMAL = 1e-20  # added inside recursive loops so decaying tails never reach subnormal floats
CYCLE = 2 ** 32
MASK = CYCLE - 1
SINE, SAW, SQUARE, TRIANGLE, TABLE = range(5)
TABLE_BITS = 11
TABLE_SHIFT = 32 - TABLE_BITS
HALF_SQRT2 = math.sqrt(0.5)
SQRT2 = math.sqrt(2.0)

_JIT = dict(cache=True, error_model="numpy")


@njit(inline="always", **_JIT)
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


@njit(inline="always", **_JIT)
def blamp(distance, slope):
    """polyBLAMP residual of a corner where the slope changes by `slope`, `distance` away (< 1)."""
    e = 1.0 - distance
    return slope * (e * e * e / 6.0)


SINE_BITS = 13
SINE_SHIFT = 32 - SINE_BITS
SINE_TABLE = np.sin(np.arange((1 << SINE_BITS) + 1) * (2.0 * np.pi / (1 << SINE_BITS)))


@njit(inline="always", **_JIT)
def wave(kind, phase, dt, width, tables, sr):
    if kind == SINE:
        # A table read, as scsynth's SinOsc does: linear interpolation between 8,192 points is
        # within 7e-8 of the sine (-143 dBFS), at a fifth of math.sin's cost.
        i = phase >> SINE_SHIFT
        frac = (phase & ((1 << SINE_SHIFT) - 1)) * (1.0 / (1 << SINE_SHIFT))
        a = SINE_TABLE[i]
        return a + (SINE_TABLE[i + 1] - a) * frac
    cycle = phase / CYCLE
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


@njit("void(i8, i8[:, ::1], i8[:, :, ::1], f8[::1], f8[:, ::1], i8, f8[::1], f8[:, ::1])", **_JIT)
def oscillate(kind, p, inc, width, tables, sr, scale, out):
    """Rows of `p` (integer phases, rows x copies) run on by `inc` (broadcast against rows x copies
    x samples), their copies' waves summed copy by copy into `out` (rows x samples), then scaled;
    `width` and `scale` are per sample or one value. A copy whose pitch and width hold through
    the block (most) runs a loop of its own, with its step worked out once."""
    rows, copies = p.shape
    n = out.shape[1]
    ir, ic, ij = inc.shape[0] > 1, inc.shape[1] > 1, inc.shape[2] > 1
    wj = width.shape[0] > 1
    for r in range(rows):
        for c in range(copies):
            ph = p[r, c]
            if not ij and not wj:
                step = inc[r if ir else 0, c if ic else 0, 0]
                dt = max(abs(step) / CYCLE, 1e-9)
                w0 = width[0]
                for j in range(n):
                    w = wave(kind, ph, dt, w0, tables, sr)
                    out[r, j] = w if c == 0 else out[r, j] + w
                    ph = (ph + step) & MASK
            else:
                for j in range(n):
                    step = inc[r if ir else 0, c if ic else 0, j if ij else 0]
                    dt = max(abs(step) / CYCLE, 1e-9)
                    w = wave(kind, ph, dt, width[j if wj else 0], tables, sr)
                    out[r, j] = w if c == 0 else out[r, j] + w
                    ph = (ph + step) & MASK
            p[r, c] = ph
        sj = scale.shape[0] > 1
        for j in range(n):
            out[r, j] *= scale[j if sj else 0]


@njit("void(i8[:, ::1], i8, i8)", **_JIT)
def turn(p, rows, step):
    """The first `rows` rows of integer phases moved on by `step`."""
    for r in range(rows):
        for c in range(p.shape[1]):
            p[r, c] = (p[r, c] + step) & MASK


ANCHOR = 64   # an envelope's curve is worked out afresh at every 64th absolute sample


@njit(inline="always", **_JIT)
def _scaled(x, g, out):
    """out = x * g, over slices (rows of the kernels' arrays, sliced, are loops the compiler
    vectorises; indexed from the whole array they are not)."""
    for j in range(x.shape[0]):
        out[j] = x[j] * g


@njit("void(i8, i8[::1], i8[::1], f8[::1], f8[::1], f8[:, ::1], f8, f8[:, :, ::1], f8[:, :, ::1])", **_JIT)
def adsr(t, on, off, start, held, times, curve, x, out):
    """Rows of x (rows x channels x samples) times their envelopes' levels at samples t, t + 1,
    ... into out (the levels themselves for an x of ones).

    Each segment bends by (1 - e) / (1 - exp(-curve)) with e = exp(-curve k / length), k the
    samples into it (curve 0: straight). e is exact (an exp) at the segment's start and at every
    ANCHOR-th absolute sample, and d samples after the last of those it times exp(-curve /
    length) ** d, from a table of those powers (each the last times the step) made once a call for
    each step: a sixty-fourth of the exps, within 1e-13 of them, no sample waiting on the one
    before (the loop is vectorised), and since the anchors are absolute samples, the same values
    for any block split."""
    reach = 1.0 / (1.0 - math.exp(-curve))
    channels, n = x.shape[1], x.shape[2]
    power, made = np.empty(ANCHOR), -1.0
    for r in range(out.shape[0]):
        if on[r] < 0:
            for ch in range(channels):
                _scaled(x[r, ch], 0.0, out[r, ch])
            continue
        a, d, rel, s = times[r, 0], times[r, 1], times[r, 2], times[r, 3]
        j = 0
        while j < n:                 # a run of samples in one segment at a time
            now = t + j
            if now >= off[r]:
                seg, k, length, run = 0, float(now - off[r]), rel, n - j
            elif now - on[r] < a:
                seg, k, length = 1, float(now - on[r]), a
                run = min(n - j, off[r] - now, on[r] + int(a) - now)
            else:
                seg, k, length, run = 2, float(now - on[r]) - a, d, min(n - j, off[r] - now)
            length = max(length, 1.0)
            if k >= length or k <= 0.0:          # a segment's ends: exact, no exp
                run = run if k >= length else 1
                bends = 0
            else:
                run = min(run, int(length - k))  # k stays below length throughout
                bends = run
            low, span = (held[r], -held[r]) if seg == 0 else (start[r], 1.0 - start[r]) if seg == 1 else (1.0, s - 1.0)
            if not bends:
                for ch in range(channels):
                    _scaled(x[r, ch, j:j + run], low + span * (1.0 if k >= length else 0.0), out[r, ch, j:j + run])
            elif curve == 0.0:
                for ch in range(channels):
                    xs, outs = x[r, ch, j:j + run], out[r, ch, j:j + run]
                    for m in range(run):
                        outs[m] = xs[m] * (low + span * ((k + m) / length))
            else:
                step = math.exp(-curve / length)
                if step != made:
                    power[0] = 1.0
                    for p in range(1, ANCHOR):
                        power[p] = power[p - 1] * step
                    made = step
                since = min(int(k), now % ANCHOR)    # samples since the anchor: the segment's start, or the last 64th
                span *= reach
                m, upto = 0, (-now) % ANCHOR or ANCHOR
                while m < run:
                    e = math.exp(-curve * ((k + m - since) / length))
                    upto = min(upto, run)
                    bend = power[since:since + upto - m]
                    for ch in range(channels):
                        xs, outs = x[r, ch, j + m:j + upto], out[r, ch, j + m:j + upto]
                        for i in range(upto - m):
                            outs[i] = xs[i] * (low + span * (1.0 - e * bend[i]))
                    m, upto, since = upto, upto + ANCHOR, 0
            j += run


@njit("void(f8[:, :, ::1], i8, i8[::1], i8, i8[::1], f8[::1], f8[:, ::1])", **_JIT)
def mix_voices(y, t, fade_at, fade_len, stops, velocity, out):
    """Rows of y (rows x channels x samples) summed row by row into out (channels x samples), each
    faded from its fade_at over fade_len samples, silent from its stop, scaled by its velocity."""
    n = y.shape[2]
    for r in range(y.shape[0]):
        if t + n - 1 <= fade_at[r] and t + n <= stops[r]:
            g = velocity[r]          # neither fading nor stopping in this block: g as below, once
            for ch in range(y.shape[1]):
                for j in range(n):
                    v = y[r, ch, j] * g
                    out[ch, j] = v if r == 0 else out[ch, j] + v
            continue
        for j in range(n):
            now = t + j
            g = min(max(1.0 - (now - fade_at[r]) / fade_len, 0.0), 1.0)
            g = g * (1.0 if now < stops[r] else 0.0) * velocity[r]
            for ch in range(y.shape[1]):
                v = y[r, ch, j] * g
                out[ch, j] = v if r == 0 else out[ch, j] + v


@njit(inline="always", **_JIT)
def _hadamard4(a, b, c, d):
    """The 4x4 Hadamard matrix's butterflies (unnormalised): the 8x8's second and third stages on
    either half of its first."""
    p, q, r, s = a + c, b + d, a - c, b - d
    return p + q, p - q, r + s, r - s


@njit("void(i8, f8[:, ::1], i8[::1], f8[:, ::1], f8, f8, f8[::1], f8[::1], f8[:, ::1], f8[::1], f8[:, ::1])",
      **_JIT)
def reverb(t, buf, lengths, gains, b0, pole, z, inject, dry, mix, out):
    """Eight delay lines, damped by one-pole lowpasses, scaled by `gains` (per sample or one
    column), mixed through the normalised 8x8 Hadamard matrix by butterflies (sums and
    differences only) and fed back with the input (dry, mono or its two sides' mean); the even
    lines' sum is the left output. out (2 x samples) is the dry signal (mono to both sides at
    half power, or stereo) and the wet one crossfaded by `mix` (per sample or one value).

    Written out line by line: the lines' state in eight locals stays in registers, where an
    array of eight went through memory at every step (a third of the time)."""
    wrap = buf.shape[1] - 1          # a power of two, less one: & wraps as % would
    gj, mj = gains.shape[1] > 1, mix.shape[0] > 1
    norm = 1.0 / math.sqrt(8.0)
    z0, z1, z2, z3, z4, z5, z6, z7 = z[0], z[1], z[2], z[3], z[4], z[5], z[6], z[7]
    l0, l1, l2, l3, l4, l5, l6, l7 = (lengths[0], lengths[1], lengths[2], lengths[3], lengths[4], lengths[5],
                                      lengths[6], lengths[7])
    for j in range(dry.shape[1]):
        now = t + j
        feed = dry[0, j] if dry.shape[0] == 1 else (dry[0, j] + dry[1, j]) * 0.5
        g = j if gj else 0
        y = z0 + b0 * buf[0, (now - l0) & wrap]; z0 = pole * y; x0 = y * gains[0, g]
        y = z1 + b0 * buf[1, (now - l1) & wrap]; z1 = pole * y; x1 = y * gains[1, g]
        y = z2 + b0 * buf[2, (now - l2) & wrap]; z2 = pole * y; x2 = y * gains[2, g]
        y = z3 + b0 * buf[3, (now - l3) & wrap]; z3 = pole * y; x3 = y * gains[3, g]
        y = z4 + b0 * buf[4, (now - l4) & wrap]; z4 = pole * y; x4 = y * gains[4, g]
        y = z5 + b0 * buf[5, (now - l5) & wrap]; z5 = pole * y; x5 = y * gains[5, g]
        y = z6 + b0 * buf[6, (now - l6) & wrap]; z6 = pole * y; x6 = y * gains[6, g]
        y = z7 + b0 * buf[7, (now - l7) & wrap]; z7 = pole * y; x7 = y * gains[7, g]
        m = mix[j if mj else 0]
        wet0 = (x0 + x2 + x4 + x6) * 0.5
        wet1 = (x1 + x3 + x5 + x7) * 0.5
        if dry.shape[0] == 2:
            out[0, j] = dry[0, j] * (1.0 - m) + wet0 * m
            out[1, j] = dry[1, j] * (1.0 - m) + wet1 * m
        else:
            through = dry[0, j] * HALF_SQRT2
            out[0, j] = through * (1.0 - m) + wet0 * m
            out[1, j] = through * (1.0 - m) + wet1 * m
        x0, x1, x2, x3, x4, x5, x6, x7 = (*_hadamard4(x0 + x4, x1 + x5, x2 + x6, x3 + x7),
                                          *_hadamard4(x0 - x4, x1 - x5, x2 - x6, x3 - x7))
        w = now & wrap
        buf[0, w] = x0 * norm + inject[0] * feed + ANTI_DENORMAL
        buf[1, w] = x1 * norm + inject[1] * feed + ANTI_DENORMAL
        buf[2, w] = x2 * norm + inject[2] * feed + ANTI_DENORMAL
        buf[3, w] = x3 * norm + inject[3] * feed + ANTI_DENORMAL
        buf[4, w] = x4 * norm + inject[4] * feed + ANTI_DENORMAL
        buf[5, w] = x5 * norm + inject[5] * feed + ANTI_DENORMAL
        buf[6, w] = x6 * norm + inject[6] * feed + ANTI_DENORMAL
        buf[7, w] = x7 * norm + inject[7] * feed + ANTI_DENORMAL
    z[0], z[1], z[2], z[3], z[4], z[5], z[6], z[7] = z0, z1, z2, z3, z4, z5, z6, z7


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


@njit(inline="always", **_JIT)
def _sane(v, madness):
    """A sample as the DC blocker takes it, and whether it was a fault: not finite is 0, beyond
    `madness` held there; then the anti-denormal offset."""
    if not math.isfinite(v):
        return ANTI_DENORMAL, True
    if abs(v) > madness:
        return math.copysign(madness, v) + ANTI_DENORMAL, True
    return v + ANTI_DENORMAL, False


@njit("Tuple((b1, f8))(f8[:, ::1], f8, f8, f8, f8[::1], f8[::1], f8, f8[:, ::1])", **_JIT)
def condition(x, b0, b1, a1, z, gain, madness, y):
    """The master bus's first steps into y: a sample that is not finite becomes 0 and one beyond
    `madness` is held there (fault: whether any was); then the DC blocker (first order, in
    lfilter's arithmetic, its state per channel in z) and the gain (per sample or one value).
    (fault, the largest size in y) returned. x is stereo, its two channels run side by side: each
    one's recursion waits on its last sample, and the other's arithmetic fills the wait (a third
    less time than one channel after the other)."""
    fault, peak = False, 0.0
    gj = gain.shape[0] > 1
    z0, z1 = z[0], z[1]
    for j in range(x.shape[1]):
        v, f0 = _sane(x[0, j], madness)
        w, f1 = _sane(x[1, j], madness)
        fault = fault or f0 or f1
        out0 = z0 + b0 * v
        out1 = z1 + b0 * w
        z0 = v * b1 - out0 * a1
        z1 = w * b1 - out1 * a1
        g = gain[j if gj else 0]
        y[0, j] = out0 * g
        y[1, j] = out1 * g
        peak = max(peak, abs(y[0, j]), abs(y[1, j]))
    z[0], z[1] = z0, z1
    return fault, peak


@njit(inline="always", **_JIT)
def _push(line, x):
    """x onto the end of `line` (channels x length), in place: its oldest samples fall off."""
    size, n = line.shape[1], x.shape[1]
    kept = max(size - n, 0)
    for ch in range(x.shape[0]):
        line[ch, :kept] = line[ch, n:n + kept]
        line[ch, kept:] = x[ch, n - (size - kept):]


@njit("void(f8[:, :], f8[:, ::1], f8[:, ::1])", **_JIT)
def through(line, x, out):
    """x into the end of a delay line (channels x length), in place; out gets what leaves its
    front: the first n samples of the line followed by x."""
    first, n = min(line.shape[1], x.shape[1]), x.shape[1]
    for ch in range(x.shape[0]):
        out[ch, :first] = line[ch, :first]
        out[ch, first:] = x[ch, :n - first]
    _push(line, x)


@njit("b1(f8[:, :], f8[:, ::1], f8, f8[:, ::1], f8, f8)", fastmath={"reassoc"}, **_JIT)
def unheard(history, x, peak, flipped, small, level):
    """Whether the limiter's detector would ask no gain of x (whose largest size is `peak`):
    every sample of its history and of x below `small` in size (then no value between them can
    reach the level), or failing that, every value of the 4x oversampled signal (each branch,
    `flipped` end to end, against the history then x: np.convolve's 'valid' part) below `level`.
    Only a decision, taken with a margin (Limiter.heard_from), so its sums may be reordered."""
    taps, hold, n = flipped.shape[1], history.shape[1], x.shape[1]
    for ch in range(history.shape[0]):
        for j in range(hold):
            peak = max(peak, abs(history[ch, j]))
    if peak < small:
        return True
    joined = np.empty((x.shape[0], hold + n))
    joined[:, :hold] = history
    joined[:, hold:] = x
    for ch in range(x.shape[0]):
        for b in range(flipped.shape[0]):
            for j in range(n):
                total = 0.0
                for i in range(taps):
                    total += joined[ch, j + i] * flipped[b, i]
                if not abs(total) < level:
                    return False
    return True


@njit("void(f8[:, :], f8[:, ::1], f8[:, ::1], f8[:, ::1])", **_JIT)
def idle(history, x, delay, out):
    """The limiter with nothing to do: x into its detector's history and through its delay line
    (out: what leaves it)."""
    _push(history, x)
    through(delay, x, out)


LOOKAHEAD = 64   # the limiter's look-ahead, samples (master.py)


@njit("UniTuple(b1, 2)(f8[:, ::1], f8[::1], f8[::1], f8[::1], f8[:, ::1], f8[::1], f8[:, :], f8[:, ::1], f8[:, ::1], "
      "f8[:, ::1])", **_JIT)
def master(x, bus, z, gain, y, limiter, history, flipped, delay, out):
    """The master bus in one call while its limiter may have nothing to do: `condition` into y,
    then, if the limiter is settled and its detector would ask nothing of y (`unheard`), y
    through it as `idle` does into out. (fault, limited here) returned; when not, the limiter's
    work on y is left to the caller. `bus`: the DC blocker's b0, b1 and a1, `madness` (condition's),
    and the limiter's levels for `unheard` (small, level) and its release rate in dB a sample.

    `limiter` holds its running minimum of (gain - rate x index), the detector samples it has
    seen and whether no gain is still needed in the look-ahead with the smoothing at 1. Settled
    is that, and fully recovered: if the detector asks no gain of this block either, every gain
    in it is exactly 1 and only the histories and the record move on (as the full computation
    would move them), so a quiet show costs the limiter almost nothing."""
    b0, b1, a1, madness, small, level, rate = bus[0], bus[1], bus[2], bus[3], bus[4], bus[5], bus[6]
    fault, peak = condition(x, b0, b1, a1, z, gain, madness, y)
    floor, k, n = limiter[0], limiter[1], x.shape[1]
    settled = limiter[2] != 0.0 and floor + rate * (k - LOOKAHEAD + 1) >= 0.0
    if not (settled and unheard(history, y, peak, flipped, small, level)):
        return fault, False
    idle(history, y, delay, out)
    limiter[0] = min(floor, 0.0 - rate * (k - LOOKAHEAD + n))
    limiter[1] = k + n
    return fault, True


CHUNK = 64   # the analysis keeps a sum of squares and a peak for each CHUNK samples of the output


@njit("i8(f8[:, ::1], i8, i8, f8[:, ::1], i8, i8, f8[:, ::1], f8[::1])", **_JIT)
def listen(buf, end, size, y, span, seen, chunks, levels):
    """y (2 x n) appended to the analysis buffer, whose last `size` samples end at `end` (the
    buffer is wider than that: only when it fills are they moved back to its start, not every
    block); the new end returned. levels gets the RMS and the largest size of the last `span`
    samples, both channels together, from a sum of squares and a peak kept per CHUNK samples of
    the absolute count (`seen` samples came before y; `chunks`, a ring of them, holds the sums and
    the peaks, each chunk's in the order its samples came): a level costs the new samples and
    span / CHUNK sums, not span samples again, and is the same whatever the blocks."""
    n = y.shape[1]
    if end + n > buf.shape[1]:
        kept = max(size - n, 0)
        buf[:, :kept] = buf[:, end - kept:end]
        buf[:, kept:size] = y[:, n - (size - kept):]
        end = size
    else:
        buf[:, end:end + n] = y
        end += n
    ring = chunks.shape[1]
    j = 0
    while j < n:                            # a chunk, or the part of one in y, at a time
        into = (seen + j) % CHUNK
        c = (seen + j) // CHUNK % ring
        total, peak = (chunks[0, c], chunks[1, c]) if into else (0.0, 0.0)
        upto = min(n, j + CHUNK - into)
        for k in range(j, upto):
            v, w = y[0, k], y[1, k]
            total += v * v + w * w
            peak = max(peak, abs(v), abs(w))
        chunks[0, c], chunks[1, c] = total, peak
        j = upto
    now = seen + n
    first = -(-(now - span) // CHUNK)      # the first whole chunk inside the span
    total, peak = 0.0, 0.0
    for k in range(end - span, end - (now - first * CHUNK)):
        v, w = buf[0, k], buf[1, k]        # the part of a chunk the span starts in
        total += v * v + w * w
        peak = max(peak, abs(v), abs(w))
    for c in range(first, -(-now // CHUNK)):
        total += chunks[0, c % ring]
        peak = max(peak, chunks[1, c % ring])
    levels[0] = math.sqrt(total / (span * buf.shape[0]))
    levels[1] = peak
    return end


@njit("void(f8[:, ::1], f8, f4[:, ::1])", **_JIT)
def interleave(y, ceiling, out):
    """Channels x samples as the sound card takes them: samples x channels, float32, held to the
    ceiling."""
    for ch in range(y.shape[0]):
        for j in range(y.shape[1]):
            out[j, ch] = min(max(y[ch, j], -ceiling), ceiling)


@njit(inline="always", **_JIT)
def _sides(pos, mono):
    """The gains of the left and right sides at `pos`: equal power for mono, balance for stereo."""
    if mono:
        angle = (pos + 1.0) * (math.pi / 4.0)
        return math.cos(angle), math.sin(angle)
    return min(1.0, 1.0 - pos), min(1.0, 1.0 + pos)


@njit("void(f8[:, :, ::1], f8[::1], f8[:, :, ::1])", **_JIT)
def pan(x, pos, out):
    """Rows of x (rows x channels x samples) to stereo in out (rows x 2 x samples) at `pos` (per
    sample or one value)."""
    channels, n = x.shape[1], x.shape[2]
    pj = pos.shape[0] > 1
    left, right = _sides(pos[0], channels == 1)
    if not pj:                     # the position holds (most blocks): rows as slices, vectorised
        for r in range(x.shape[0]):
            _scaled(x[r, 0, :], left, out[r, 0, :])
            _scaled(x[r, channels - 1, :], right, out[r, 1, :])
        return
    for j in range(n):
        left, right = _sides(pos[j], channels == 1)
        for r in range(x.shape[0]):
            out[r, 0, j] = x[r, 0, j] * left
            out[r, 1, j] = x[r, channels - 1, j] * right


@njit("b1(f8[:, :, ::1], f8[::1], f8[::1], f8[:, ::1])", **_JIT)
def fader(y, amount, pos, out):
    """A track's end: its one row y (1 x channels x samples) through its level (`amount`) and
    pan (`pos`; equal power for mono, balance for stereo), each per sample or one value, added
    into out (2 x samples). False, and nothing added, if y holds a sample that is not finite."""
    channels, n = y.shape[1], y.shape[2]
    bad = 0                        # counted, not returned at the first: a loop without an exit is vectorised
    for ch in range(channels):
        row = y[0, ch, :]
        for j in range(n):
            bad += 0 if math.isfinite(row[j]) else 1
    if bad:
        return False
    aj, pj = amount.shape[0] > 1, pos.shape[0] > 1
    left, right = _sides(pos[0], channels == 1)
    if not aj and not pj:          # level and pan hold (most blocks): rows as slices, vectorised
        a = amount[0]
        inl, inr, outl, outr = y[0, 0, :], y[0, channels - 1, :], out[0, :], out[1, :]
        for j in range(n):
            outl[j] += inl[j] * a * left
            outr[j] += inr[j] * a * right
        return True
    for j in range(n):
        if pj:
            left, right = _sides(pos[j], channels == 1)
        a = amount[j if aj else 0]
        out[0, j] += y[0, 0, j] * a * left
        out[1, j] += y[0, channels - 1, j] * a * right
    return True


@njit("void(f8[:, :, ::1], f8[::1], f8[:, :, ::1])", **_JIT)
def send(x, amount, bus):
    """x (1 x channels x samples) at `amount` (per sample or one value) added into a bus
    (1 x 2 x samples); mono reaches both sides at half power."""
    channels, n = x.shape[1], x.shape[2]
    aj = amount.shape[0] > 1
    for ch in range(2):
        into, source = bus[0, ch, :], x[0, min(ch, channels - 1), :]    # slices: the loops are vectorised
        for j in range(n):
            v = source[j] * amount[j if aj else 0]
            into[j] += v * HALF_SQRT2 if channels == 1 else v


@njit("void(f8[:, ::1], i8, f8[::1], f8[::1])", **_JIT)
def windowed(buf, end, window, out):
    """The analysis buffer's last len(window) samples (to `end`), the two channels as one,
    through the FFT's window."""
    n = window.shape[0]
    left, right = buf[0, end - n:end], buf[1, end - n:end]    # as slices the loop is vectorised
    for j in range(n):
        out[j] = (left[j] + right[j]) * 0.5 * window[j]


LN2_HI, LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10   # fdlibm's split of log(2)


@njit(inline="always", **_JIT)
def _log10s(x, n, out):
    """log10 of the first n of x (positive, normal) into out, within 1e-15 of math.log10 and about
    five times quicker, since the loops are vectorised where libm's calls are not: x = f 2^e with f
    in [sqrt(1/2), sqrt(2)), log f from the series of atanh((f - 1) / (f + 1))."""
    bits, mantissas = x.view(np.int64), out.view(np.int64)
    for i in range(n):
        mantissas[i] = (bits[i] & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000     # f in [1, 2)
    for i in range(n):
        e, f = float(((bits[i] >> 52) & 0x7FF) - 1023), out[i]
        if f > SQRT2:
            f, e = f * 0.5, e + 1.0
        s = (f - 1.0) / (f + 1.0)
        z = s * s
        series = 1.0 + z * (1 / 3 + z * (1 / 5 + z * (1 / 7 + z * (1 / 9 + z * (1 / 11 + z * (1 / 13 + z * (
            1 / 15 + z * (1 / 17 + z * (1 / 19)))))))))
        out[i] = (e * LN2_HI + (2.0 * s * series + e * LN2_LO)) * (1.0 / math.log(10.0))


@njit("f8(c16[::1], f8[:, ::1], i8, i8[:, ::1], f8, f8, f8, f8, f8[::1], f4[:, ::1], f8[:, ::1])", **_JIT)
def hear(spectrum, buf, end, bands, norm, smoothing, low_db, high_db, out, texture, mags):
    """A spectrum (FFT size 2 (len - 1)) into what the picture sees: `out` the bands' RMS (bins
    [lo, hi) of each row of `bands`, scaled by `norm`), the texture's two rows (the smoothed
    magnitudes between low_db and high_db as 0..1; the analysis buffer's samples before `end`,
    0.5 at silence), and the spectral flux returned. mags: the smoothed magnitudes and the last
    ones, carried, and room for each bin's rise (the flux's sum runs in order in a loop of its own,
    so the loop before it is vectorised) and for the texture's levels and their logarithms."""
    size = 2 * (spectrum.shape[0] - 1)
    smooth, last, rise = mags[0], mags[1], mags[2]
    for i in range(spectrum.shape[0]):
        power = spectrum[i].real ** 2 + spectrum[i].imag ** 2
        mag = math.sqrt(power) / size
        smooth[i] = smoothing * smooth[i] + (1.0 - smoothing) * mag
        rise[i] = max(mag - last[i], 0.0)
        last[i] = mag
    flux = 0.0
    for i in range(spectrum.shape[0]):
        flux += rise[i]
    for b in range(bands.shape[0]):
        total = 0.0
        for i in range(bands[b, 0], bands[b, 1]):
            total += spectrum[i].real ** 2 + spectrum[i].imag ** 2
        out[b] = math.sqrt(total * norm)
    bins = texture.shape[1]
    level, decibels = mags[3], mags[4]
    for i in range(bins):
        level[i] = max(smooth[i], 1e-12)
    _log10s(level, bins, decibels)
    for i in range(bins):
        texture[0, i] = min(max((20.0 * decibels[i] - low_db) / (high_db - low_db), 0.0), 1.0)
        mono = (buf[0, end - bins + i] + buf[1, end - bins + i]) * 0.5
        texture[1, i] = min(max(0.5 + 0.5 * mono, 0.0), 1.0)
    return flux


@njit("void(i8, i8[:, ::1], i8[:, :, ::1], f8[::1], f8[:, ::1], i8, f8[::1], "
      "i8, i8[::1], i8[::1], f8[::1], f8[::1], f8[:, ::1], f8, "
      "i8[::1], i8, i8[::1], f8[::1], f8[:, ::1])", **_JIT)
def voices(kind, p, inc, width, tables, sr, scale, t, on, off, start, held, times, curve,
           fade_at, fade_len, stops, velocity, out):
    """A polyphonic track whose voice is an oscillator and its envelope, in one call: the rows'
    waves (oscillate's arguments), through their envelopes (adsr's), mixed (mix_voices', from
    the same sample t)."""
    y = np.empty((p.shape[0], out.shape[1]))
    oscillate(kind, p, inc, width, tables, sr, scale, y)
    rows = y.reshape(p.shape[0], 1, out.shape[1])
    adsr(t, on, off, start, held, times, curve, rows, rows)
    mix_voices(rows, t, fade_at, fade_len, stops, velocity, out)


@njit(inline="always", **_JIT)
def _at(start, end, t0, t1, t):
    """smooth.Param.at: a straight ramp from start at t0 to end at t1."""
    return end if t >= t1 else start + (end - start) * (max(t - t0, 0) / (t1 - t0))


@njit("void(f8, f8, i8, i8, i8, f8[::1])", **_JIT)
def ramp(start, end, t0, t1, t, out):
    """Param.values for the samples t, t + 1, ... into out."""
    for j in range(out.shape[0]):
        out[j] = _at(start, end, t0, t1, t + j)


@njit("void(f8[:, :, ::1], f8[::1], f8[:, :, ::1])", **_JIT)
def drive(x, gain, out):
    """tanh(x g) / tanh(g) (g per sample or one value): soft saturation that still peaks at 1."""
    gj = gain.shape[0] > 1
    for r in range(x.shape[0]):
        for ch in range(x.shape[1]):
            for j in range(x.shape[2]):
                g = gain[j if gj else 0]
                out[r, ch, j] = math.tanh(x[r, ch, j] * g) / math.tanh(g)


LOWPASS, HIGHPASS, BANDPASS = range(3)
MAX_CUTOFF = 0.45     # of the sample rate
GRID = 32             # filters retune every GRID samples (0.67 ms at 48 kHz), on absolute samples


@njit(inline="always", **_JIT)
def _design(kind, fc, q, sr, b, a, k):
    """Robert Bristow-Johnson's cookbook biquad for (fc, q) into row k of b and a, normalised."""
    w = 2.0 * math.pi * min(max(fc, 1.0), MAX_CUTOFF * sr) / sr
    cos, alpha = math.cos(w), math.sin(w) / (2.0 * q)
    if kind == LOWPASS:
        b0, b1, b2 = (1 - cos) / 2, 1 - cos, (1 - cos) / 2
    elif kind == HIGHPASS:
        b0, b1, b2 = (1 + cos) / 2, -(1 + cos), (1 + cos) / 2
    else:
        b0, b1, b2 = alpha, 0.0, -alpha
    a0 = 1 + alpha
    b[k, 0], b[k, 1], b[k, 2] = b0 / a0, b1 / a0, b2 / a0
    a[k, 0], a[k, 1], a[k, 2] = a0 / a0, -2 * cos / a0, (1 - alpha) / a0


@njit("void(i8, f8[::1], f8[::1], f8, f8[:, ::1], f8[:, ::1])", **_JIT)
def rbj(kind, fc, q, sr, b, a):
    """Biquads for each (fc, q) into the rows of b and a."""
    for k in range(fc.shape[0]):
        _design(kind, fc[k], q[k], sr, b, a, k)


@njit("void(i8, f8[:, :, ::1], i8, f8[:, ::1], f8, f8[::1], f8[:, ::1], f8[:, ::1], f8[::1], f8[:, :, :, ::1], "
      "f8[:, :, ::1])", **_JIT)
def retuned(kind, x, t, ramps, sr, key, b, a, gains, zi, y):
    """A biquad (filters.Biquad) whose cutoff and q follow their ramps (rows of `ramps`: start, end,
    t0, t1): redesigned at each grid sample where either has moved (and at t when key[0] is 0: no
    design yet), x run through it between (key: designed or not, cutoff, q; b, a: the design)."""
    n = x.shape[2]
    pos = 0
    g = t if key[0] == 0.0 else -(-t // GRID) * GRID
    while g < t + n:
        fc = _at(ramps[0, 0], ramps[0, 1], ramps[0, 2], ramps[0, 3], float(g))
        q = _at(ramps[1, 0], ramps[1, 1], ramps[1, 2], ramps[1, 3], float(g))
        if key[0] == 0.0 or fc != key[1] or q != key[2]:
            if g - t > pos:
                sections(x, pos, g - t, b, a, gains, zi, y)
                pos = g - t
            _design(kind, fc, q, sr, b, a, 0)
            key[0], key[1], key[2] = 1.0, fc, q
        g = g + GRID if g % GRID == 0 else -(-g // GRID) * GRID
    if n > pos:
        sections(x, pos, n, b, a, gains, zi, y)
