"""The master bus holds -1 dBTP (measured at 4x) whatever comes in; panic is click-free and latched;
notes land on their exact sample; voices are stolen and shed without clicks."""
import numpy as np
import pytest

from stagecraft.sound.graph import noise, sine, triangle, voices
from stagecraft.sound.dsp import polyphony
from stagecraft.sound.dsp.master import CEILING_DBTP, Master

from .audio import LATENCY, SR, db, render, rms_db, synth, true_peak_db

SECONDS = 1.0
T = np.arange(round(SECONDS * SR)) / SR


def _square(f):
    return np.sign(np.sin(2 * np.pi * f * T + 0.1))


ADVERSARIAL = {
    **{f"full-scale square {f} Hz": np.stack((_square(f), -_square(f))) for f in (50, 997, 5000, 12000, 19000)},
    "square at fs/4 (+3 dB between samples)": np.tile([1.0, 1.0, -1.0, -1.0], len(T) // 4)[None].repeat(2, 0),
    "sine peaking between samples": np.stack([np.sin(2 * np.pi * 12000 * T + np.pi / 4)] * 2),
    "20 dB too hot": np.stack([10 * np.sin(2 * np.pi * 440 * T)] * 2),
    "DC": np.full((2, len(T)), 0.95),
    "white noise, full scale": np.random.default_rng(0).uniform(-1, 1, (2, len(T))),
    "impulses": np.where(np.arange(len(T)) % 4801 == 0, 1.0, 0.0)[None].repeat(2, 0),
    "denormals": np.full((2, len(T)), 1e-310),
    "NaN and Inf in a sine": np.stack([np.sin(2 * np.pi * 3000 * T)] * 2),
}
ADVERSARIAL["NaN and Inf in a sine"][:, 5000:5100] = np.nan
ADVERSARIAL["NaN and Inf in a sine"][0, 9000] = np.inf
ADVERSARIAL["NaN and Inf in a sine"][1, 9001] = -np.inf


def _master(x: np.ndarray, block: int = 256) -> np.ndarray:
    """x then half a second of silence (so the output ends inside the stream), through a master."""
    x = np.concatenate((x, np.zeros((2, SR // 2))), axis=1)
    m = Master(SR)
    return np.concatenate([m.process(x[:, i:i + block], i) for i in range(0, x.shape[1], block)], axis=1).T


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_the_limiter_holds_the_true_peak_ceiling(name):
    y = _master(ADVERSARIAL[name])
    assert np.all(np.isfinite(y))
    assert true_peak_db(y) <= CEILING_DBTP
    assert abs(y[SR // 4:len(T)].mean()) < 1e-3, "no DC gets through"


def test_those_inputs_peak_between_samples():
    """A limiter that looked at samples alone would let these through 3 dB over."""
    for name in ("square at fs/4 (+3 dB between samples)", "sine peaking between samples"):
        x = ADVERSARIAL[name].T
        assert true_peak_db(x) - db(np.abs(x).max()) > 2.9


def test_the_master_is_transparent_below_the_ceiling():
    x = np.stack([0.3 * np.sin(2 * np.pi * 1000 * T)] * 2)
    y = _master(x)[LATENCY:LATENCY + len(T)]
    assert abs(rms_db(y[SR // 4:]) - rms_db(x[:, SR // 4:])) < 0.001
    assert abs(np.abs(y[SR // 4:]).max() - 0.3) < 1e-4
    assert np.max(np.abs(y[SR // 4:] - x.T[SR // 4:])) < 0.004, "only the DC blocker's phase, 0.6 degree at 1 kHz"


def test_panic_fades_in_about_20_ms_without_a_click_and_stays_latched():
    tone = {"x": sine(1000, 0.5)}
    at, n = SR // 2, SR * 2
    events = [("panic", at, 0.02), ("note", at + SR // 4, "x", 60, 1.0, None)]
    y = render(tone, n, events=events)[:, 0].astype(float)
    before, ramp = y[:at + LATENCY], y[at + LATENCY:at + LATENCY + 960]
    steady_step = np.abs(np.diff(before[SR // 4:])).max()
    assert np.abs(np.diff(y)).max() <= steady_step * 1.02, "no step bigger than the tone's own"
    assert np.abs(ramp[:48]).max() > 0.3, "it fades, it does not cut"
    assert np.all(y[at + LATENCY + 960:] == 0.0), "silent after 20 ms, and notes stay out"
    s = synth(tone, events)
    s.render(n)
    s.post(("reset", n))
    back = np.concatenate([s.render(256) for _ in range(40)])[:, 0]
    assert abs(rms_db(back[-2400:]) - rms_db(before[-2400:])) < 0.01, "reset brings it back"


def test_master_volume_glides_to_its_level():
    y = render({"x": sine(1000, 0.5)}, SR, events=[("volume", SR // 2, 0.5)])[:, 0]
    assert abs(rms_db(y[-4800:]) - rms_db(y[SR // 4:SR // 4 + 4800]) - db(0.5)) < 0.01
    assert np.abs(np.diff(y.astype(float))).max() < 0.5 * 2 * np.pi * 1000 / SR * 1.02


def test_a_note_lands_on_its_exact_sample():
    sound = {"x": voices(triangle(amp=0.5).adsr(0, 0.05, 0, 0), count=2)}
    a = render(sound, SR // 2, events=[("note", 12345, "x", 60, 1.0, None)])[:, 0].astype(float)
    b = render(sound, SR // 2, events=[("note", 12346, "x", 60, 1.0, None)])[:, 0].astype(float)
    assert np.argmax(np.abs(a) > 1e-6) == 12345 + LATENCY
    assert np.max(np.abs(a[:-1] - b[1:])) < 1e-9, "a sample later is the same note a sample later"


def test_the_oldest_voice_is_stolen_with_a_fade():
    sound = {"x": voices(triangle(amp=0.3).adsr(0.01, 0.1, 0.8, 0.2), count=2)}
    events = [("note", 2400, "x", 69, 1.0, None), ("note", 4800, "x", 76, 1.0, None),
              ("note", 9600, "x", 64, 1.0, None)]
    y = render(sound, SR, events=events)[:, 0].astype(float)
    late = y[20000:]
    spectrum = np.abs(np.fft.rfft(late * np.hanning(len(late))))
    bin_of = lambda f: round(f * len(late) / SR)  # noqa: E731
    assert spectrum[bin_of(440)] < 1e-3 * spectrum.max(), "the first note (A4) is gone"
    assert spectrum[bin_of(659.3)] > 0.1 * spectrum.max() and spectrum[bin_of(329.6)] > 0.1 * spectrum.max()
    steal = y[9600 + LATENCY - 100:9600 + LATENCY + 400]
    assert np.abs(np.diff(steal)).max() < 0.05, "no click where the voice is stolen"


def test_a_pool_sounds_as_its_notes_would_alone_whichever_rows_they_land_on():
    # Only rows up to the last sounding one run; here rows 0 and 1 fall silent while row 2 still
    # sounds, then new notes take the low rows again over the state they were left with.
    def voice():
        return voices(triangle(amp=0.3).adsr(0.002, 0.05, 0.6, 0.03).lowpass(3000), count=4)
    notes = [(1000, 60, 1000), (1200, 64, 1000), (1400, 67, 8000), (4000, 72, 1500), (4100, 71, 300),
             (7000, 62, 2500)]
    together = render({"x": voice()}, 12000, (97,), [("note", t, "x", p, 0.8, d) for t, p, d in notes])
    alone = sum(render({"x": voice()}, 12000, (97,), [("note", t, "x", p, 0.8, d)]).astype(float)
                for t, p, d in notes)
    assert np.abs(alone).max() > 0.1
    assert np.abs(together - alone).max() < 1e-6


@pytest.mark.parametrize("wave", [sine, triangle])
def test_a_voice_of_an_oscillator_and_its_envelope_runs_as_one_call_with_the_same_samples(wave, monkeypatch):
    """Such voices (most) run as one compiled call; the unit-by-unit path gives the same samples,
    with notes stolen, released and landing mid-block."""
    sound = {"x": voices(wave(amp=0.3, unison=2, detune=9).adsr(0.01, 0.05, 0.5, 0.04), count=3)}
    events = [("note", t, "x", 60 + 3 * i, 0.9, 2500) for i, t in enumerate((100, 700, 1500, 1501, 4000))]
    events.append(("release", 3000, "x", None))
    fused = render(sound, 9000, (64, 65, 1000), events)
    built = polyphony.Voices.__init__

    def unfused(self, *a, **kw):
        built(self, *a, **kw)
        self.plain = False
    monkeypatch.setattr(polyphony.Voices, "__init__", unfused)
    assert np.abs(fused).max() > 0.05
    assert np.array_equal(render(sound, 9000, (64, 65, 1000), events), fused)


def test_shedding_drops_the_quietest_voice_and_counts_it():
    sound = {"x": voices(noise("white", 0.2).adsr(0.001, 0.1, 1.0, 0.1), count=4)}
    s = synth(sound, [("note", 0, "x", 60, 1.0, None), ("note", 0, "x", 62, 0.1, None),
                      ("note", 0, "x", 64, 0.7, None)])
    s.render(4800)
    assert s.voices() == 3
    assert s.shed_voice() and s.shed == 1
    s.render(4800)
    assert s.voices() == 2
    pool = s.layers[0].graph.polyphonic()[0]
    assert list(pool.velocity[pool.fade_at < s.t]) == [0.1], "the quietest went"
    assert s.shed_voice() and s.shed_voice() and not s.shed_voice()
    assert s.shed == 3


def test_a_unit_that_blows_up_is_started_over_and_never_reaches_the_speakers():
    sound = {"x": sine(200, 0.5).delay(0.01, 0.98, 0.5).gain(8).delay(0.003, 0.98, 0.5, name="again")
             .gain(8, name="more")}
    s = synth(sound)
    y = np.concatenate([s.render(4096) for _ in range(200)])
    assert np.all(np.isfinite(y)) and true_peak_db(y) <= CEILING_DBTP
