"""Every unit generator gives the same samples whatever the block size (1, 64, 65, 256, 4097 and an
irregular mix), with parameters moving and notes landing mid-block; and known signals measure as
they should: a sine's frequency and level, band-limited waveforms, a filter at its cutoff, noise
colour, envelopes, echoes, a reverb's decay time."""
import numpy as np
import pytest

from stagecraft.sound.graph import (bus, dust, granular, noise, sampler, saw, sine, square, triangle, voices,
                                    wavetable)

from .audio import LATENCY, SR, band_db, db, peak_hz, render, rms_db, true_peak_db


def _set(t, path, value, samples):
    return ("set", t, path, value, samples)


def _notes(track, times, dur=900):
    return [("note", t, track, 48 + 7 * i % 24, 0.5 + 0.1 * (i % 4), dur) for i, t in enumerate(times)]


SOURCE = saw(220, 0.3, detune=12, unison=2)
NOTES = (137, 1000, 1001, 2345, 4100, 6000, 7777)

CASES = {
    "sine": ({"x": sine(300, 0.5, detune=10, unison=3, vib_depth=30)}, [_set(701, "x.freq", 900.0, 2001)]),
    "saw": ({"x": saw(5000, 0.5)}, [_set(333, "x.freq", 40.0, 3000)]),
    "square": ({"x": square(150, 0.5, width=0.2)}, [_set(100, "x.width", 0.8, 5000), _set(99, "x.freq", 3000.0, 99)]),
    "triangle": ({"x": triangle(3000, 0.5, vib_depth=50, vib_rate=9)}, [_set(1500, "x.vib_depth", 0.0, 333)]),
    "wavetable": ({"x": wavetable("reed", 30, 0.5)}, [_set(10, "x.freq", 12000.0, 8000)]),
    "noise": ({"w": noise("white", 0.3), "p": noise("pink", 0.3)}, [_set(2000, "p.amp", 0.0, 77)]),
    "dust": ({"x": dust(2000, 0.5)}, [_set(3000, "x.density", 5.0, 1000)]),
    "sampler": ({"x": voices(sampler("coin"), count=3)}, _notes("x", NOTES, dur=None)),
    "granular": ({"x": granular("voice", density=150, grain=0.01, jitter=4, spread=0.5)},
                 [_set(2500, "x.position", 0.1, 2000), _set(4000, "x.density", 30.0, 10)]),
    "adsr": ({"x": voices(triangle().adsr(0.003, 0.02, 0.4, 0.01, curve=5), count=2)},
             _notes("x", NOTES) + [("release", 1700, "x", None)]),
    "gain": ({"x": SOURCE.gain(0.5)}, [_set(1234, "x.amount", 2.0, 4321)]),
    "pan": ({"x": SOURCE.pan(-1), "y": SOURCE.pan(0).pan(1, name="right")}, [_set(50, "x.pos", 1.0, 8000)]),
    "lowpass": ({"x": SOURCE.lowpass(200, 4)}, [_set(77, "x.cutoff", 8000.0, 5000), _set(4444, "x.q", 0.5, 100)]),
    "highpass": ({"x": SOURCE.highpass(5000)}, [_set(77, "x.cutoff", 100.0, 5000)]),
    "bandpass": ({"x": noise("white", 0.5).bandpass(1000, 8)}, [_set(3001, "x.cutoff", 6000.0, 3001)]),
    "svf": ({"l": SOURCE.svf(300, 3), "n": SOURCE.svf(2000, 1, mode="notch"), "h": SOURCE.svf(300, mode="high")},
            [_set(500, "l.cutoff", 9000.0, 300), _set(5003, "n.cutoff", 50.0, 2000)]),
    "formant": ({"x": saw(110, 0.5).formant(0, voice="bass")}, [_set(900, "x.vowel", 4.0, 6000),
                                                               _set(2000, "x.shift", 1.5, 10)]),
    "drive": ({"x": SOURCE.drive(0.1)}, [_set(2020, "x.amount", 1.0, 3000)]),
    "delay": ({"x": voices(sine().adsr(0.001, 0.01, 0, 0), count=2).delay(0.004, 0.7, 0.5, mod_depth=0.002,
                                                                       mod_rate=7)},
              _notes("x", NOTES) + [_set(3000, "x.time", 0.05, 2000)]),
    "reverb": ({"x": voices(sine().adsr(0.001, 0.01, 0, 0), count=2).reverb(1.0, 0.5, size=0.25)},
               _notes("x", NOTES) + [_set(4000, "x.decay", 0.2, 1000)]),
    "send": ({"x": voices(saw().adsr(0.001, 0.01, 0, 0), count=2).send("room", 0.5), "room": bus().gain(0.7)},
             _notes("x", NOTES) + [_set(2222, "x.send.amount", 0.0, 500)]),
}
LONG = 9000
SHORT = 1200


@pytest.mark.parametrize("name", sorted(CASES))
def test_any_block_size_gives_the_same_samples(name):
    sound, events = CASES[name]
    reference = render(sound, LONG, (256,), events, seed=5)
    assert np.abs(reference[LATENCY:]).max() > 1e-3, "the case should make a sound"
    for blocks in [(64,), (65,), (4097,), (1, 2, 3, 500, 37, 1000)]:
        assert np.array_equal(render(sound, LONG, blocks, events, seed=5), reference), f"blocks of {blocks}"
    assert np.array_equal(render(sound, SHORT, (1,), events, seed=5), reference[:SHORT]), "blocks of 1"


def _steady(sound, seconds=1.0, skip=0.2):
    y = render(sound, round(seconds * SR))
    return y[round(skip * SR):]


def test_a_sine_has_its_frequency_and_level():
    y = _steady({"x": sine(1000, amp=0.1).pan(-1)})
    left, right = y[:, 0], y[:, 1]
    assert abs(peak_hz(left) - 1000.0) < 0.5
    assert abs(np.abs(left).max() - 0.1) < 1e-3
    assert abs(rms_db(left) - db(0.1 / np.sqrt(2))) < 0.02
    assert np.abs(right).max() < 1e-6


def _aliasing_db(y: np.ndarray, f0: float, below: float) -> float:
    """Power between the harmonics of f0 (up to `below` Hz) against the power on them, in dB."""
    mag = np.abs(np.fft.rfft(y * np.hanning(len(y)))) ** 2
    freqs = np.fft.rfftfreq(len(y), 1 / SR)
    on = np.abs(freqs / f0 - np.round(freqs / f0)) * f0 < 40
    off = ~on & (freqs > 50) & (freqs < below)
    return float(10 * np.log10(mag[off].sum() / mag[on].sum()))


F0 = 2489.0   # not a divisor of 48 kHz, so what folds back lands between the harmonics


@pytest.mark.parametrize("wave", [saw, square, triangle])
def test_band_limited_waves_keep_aliases_down(wave):
    y = _steady({"x": wave(F0, 0.5)}, seconds=1.2)[:, 0]
    assert _aliasing_db(y, F0, 10000) < -45, "what folds into the band below 10 kHz"
    assert _aliasing_db(y, F0, SR / 2) < -25
    assert abs(peak_hz(y) - F0) < 1.0


def test_a_naive_saw_would_fail_that_test():
    t = np.arange(SR) / SR
    naive = 2 * ((F0 * t) % 1.0) - 1
    assert _aliasing_db(naive, F0, 10000) > -20 and _aliasing_db(naive, F0, SR / 2) > -15


def test_a_wavetable_drops_harmonics_above_nyquist_per_octave():
    y = _steady({"x": wavetable("reed", 5000, 0.5)})[:, 0]
    # 5 kHz: harmonics 1..4 fit; a 5th would fold to 23 kHz, anything at 3 kHz or 8 kHz is an alias
    assert band_db(y, 4900, 5100) - band_db(y, 50, 4800) > 60
    assert abs(peak_hz(y) - 5000) < 1


def test_noise_levels_and_pink_slope():
    y = _steady({"w": noise("white", 0.1).pan(-1), "p": noise("pink", 0.1).pan(1)}, seconds=4.0)
    white, pink = y[:, 0], y[:, 1]
    assert abs(rms_db(white) - db(0.1 / np.sqrt(2))) < 0.2
    assert abs(rms_db(pink) - db(0.1 / np.sqrt(2))) < 0.5
    octaves = [band_db(pink, f, 2 * f) for f in (100, 200, 400, 800, 1600, 3200)]
    assert np.allclose(np.diff(octaves), 0.0, atol=1.0), "pink: equal power per octave"
    assert band_db(white, 3200, 6400) - band_db(white, 100, 200) > 13, "white: +3 dB per octave"


def _butterworth_db(f: float, fc: float, high: bool) -> float:
    """A second-order Butterworth's gain after the bilinear transform (frequencies prewarped)."""
    ratio = np.tan(np.pi * f / SR) / np.tan(np.pi * fc / SR)
    return float(-10 * np.log10(1 + (1 / ratio if high else ratio) ** 4))


def _bandpass_db(f: float, fc: float, q: float) -> float:
    r = np.tan(np.pi * f / SR) / np.tan(np.pi * fc / SR)
    return float(20 * np.log10((r / q) / np.hypot(1 - r * r, r / q)))


@pytest.mark.parametrize("kind, at, expected", [
    ("lowpass", 1000, -3.01), ("lowpass", 4000, _butterworth_db(4000, 1000, False)),
    ("highpass", 1000, -3.01), ("highpass", 250, _butterworth_db(250, 1000, True)),
    ("bandpass", 1000, 0.0), ("bandpass", 2000, _bandpass_db(2000, 1000, 0.7071)),
    ("svf_low", 1000, -3.01), ("svf_high", 1000, -3.01),
    ("svf_band", 1000, -3.01)])   # the SVF's band output peaks at Q, not at 0 dB
def test_filter_response(kind, at, expected):
    if kind.startswith("svf"):
        chain = sine(at, 0.5).svf(1000, 0.7071, mode=kind[4:])
    else:
        chain = getattr(sine(at, 0.5), kind)(1000, 0.7071)
    gain = rms_db(_steady({"x": chain})[:, 0]) - rms_db(_steady({"x": sine(at, 0.5)})[:, 0])
    assert abs(gain - expected) < 0.1


def test_formants_put_a_vowels_peaks_where_the_table_says():
    y = _steady({"x": noise("white", 0.5).formant(0.0, voice="soprano")}, seconds=2.0)[:, 0]
    f1, f2 = band_db(y, 750, 850), band_db(y, 1100, 1200)
    assert f1 - band_db(y, 400, 500) > 10 and f1 - band_db(y, 1500, 1600) > 10
    assert f2 - band_db(y, 1500, 1600) > 5
    i = _steady({"x": noise("white", 0.5).formant(2.0, voice="soprano")}, seconds=2.0)[:, 0]
    assert band_db(i, 2100, 2200) - band_db(i, 1100, 1200) > 10, "'i' has its second formant at 2140 Hz"


def test_adsr_reaches_its_levels_at_its_times():
    events = [("note", 4800, "x", 81, 1.0, 14400)]            # 880 Hz from 0.1 s, let go at 0.4 s
    sound = {"x": voices(sine(amp=0.5).adsr(0.1, 0.1, 0.5, 0.1, curve=0), count=1).pan(-1)}
    y = render(sound, SR, events=events)[LATENCY:, 0] * 2.0

    def level(at):
        return np.abs(y[round(at * SR) - 30: round(at * SR) + 30]).max()
    assert level(0.09) < 1e-6
    assert abs(level(0.2) - 1.0) < 0.01          # top of the attack
    assert abs(level(0.25) - 0.75) < 0.01        # halfway down the decay
    assert abs(level(0.35) - 0.5) < 0.01         # sustain
    assert abs(level(0.45) - 0.25) < 0.01        # halfway through the release
    assert level(0.53) < 1e-6              # -120 dB: the DC blocker's tail


def test_delay_echoes_at_its_time_with_its_feedback():
    events = [("note", 4800, "x", 55, 1.0, None)]   # after the sound's 20 ms fade-in
    burst = voices(sine().adsr(0.002, 0.02, 0, 0), count=1)
    dry = render({"x": burst.pan(-1)}, SR, events=events)[:, 0]
    wet = render({"x": burst.delay(0.1, 0.5, 1.0, damp=20000).pan(-1)}, SR, events=events)[:, 0]
    onset = np.argmax(np.abs(dry) > 1e-6)
    assert np.argmax(np.abs(wet) > 1e-6) == onset + 4800, "the first echo, exactly one delay time on"
    first = np.abs(wet[onset + 4700: onset + 9500]).max()
    second = np.abs(wet[onset + 9500: onset + 14300]).max()
    assert abs(db(first) - db(np.abs(dry).max())) < 0.2
    assert abs(db(second) - db(first) - db(0.5)) < 0.2, "each echo at the feedback's level"


def test_reverb_decays_in_its_time():
    events = [("note", 0, "x", 55, 1.0, None)]
    sound = {"x": voices(sine().adsr(0.002, 0.02, 0, 0), count=1).reverb(1.5, 1.0, damp=20000)}
    y = render(sound, 3 * SR, events=events)[LATENCY:].astype(float)
    energy = np.cumsum((y ** 2).sum(axis=1)[::-1])[::-1]        # Schroeder backward integral
    curve = 10 * np.log10(energy / energy[0])
    t5, t25 = np.argmax(curve < -5), np.argmax(curve < -25)
    rt60 = 3 * (t25 - t5) / SR
    assert 1.4 < rt60 < 1.6, rt60
    assert true_peak_db(y) < -1.0


def test_same_seed_same_noise_other_seed_other_noise():
    sound = {"x": noise("white", 0.3), "g": granular("voice", jitter=5)}
    a, b = render(sound, 5000, seed=1), render(sound, 5000, seed=1)
    assert np.array_equal(a, b) and not np.array_equal(a, render(sound, 5000, seed=2))


def test_a_sampler_note_plays_its_sound_at_pitch():
    sound = {"x": voices(sampler("coin"), count=2).pan(-1)}
    root = render(sound, SR // 2, events=[("note", 0, "x", 60, 1.0, None)])[LATENCY:, 0]
    octave = render(sound, SR // 2, events=[("note", 0, "x", 72, 1.0, None)])[LATENCY:, 0]
    assert abs(peak_hz(octave[3000:9000]) / peak_hz(root[6000:12000]) - 2.0) < 0.02
    last = lambda y: np.nonzero(np.abs(y) > 1e-4)[0][-1]  # noqa: E731
    assert abs(last(octave) / last(root) - 0.5) < 0.05


@pytest.mark.parametrize("n", [1, 65, 4097])
def test_a_phase_skipped_lands_where_an_advanced_one_does(n):
    from stagecraft.sound.dsp.oscillators import Phase
    gliding = np.linspace(3.0, 19.0, n)
    for freq in (7.5, gliding, np.array([440.0, 550.0])[:, None, None]):
        walked, skipped = Phase(SR, (3, 2)), Phase(SR, (3, 2))
        for _ in range(3):
            walked.advance(freq, n, 2)
            skipped.skip(freq, n, 2)
        assert np.array_equal(walked.p, skipped.p)
        assert np.array_equal(walked.p[2], walked.start[2]), "rows past `rows` wait untouched"

