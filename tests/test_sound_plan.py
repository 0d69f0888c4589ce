"""A track's planned block (dsp/plan.py) sounds exactly as the same block rendered unit by unit, and
is what most blocks of a steady sound run: through notes, voices ending, parameters set and gliding,
a reset, block sizes changing and a unit blowing up."""
import numpy as np
import pytest

from stagecraft.sound import patches
from stagecraft.sound.dsp import plan, tracks
from stagecraft.sound.graph import bus, saw, sine, square, voices, wavetable

from .audio import render, synth

SR = 48000


def _notes(tracks_, every=6000, until=SR * 3, dur=SR // 3):
    return [("note", t, track, 57 + (t // every) % 12, 0.8, dur) for t in range(0, until, every) for track in tracks_]


MIXED = {   # every unit a plan takes, on a track and in voices
    "lead": voices(square(amp=0.3, width=0.3).lowpass(2000, 2).svf(800, 1.5, mode="band").adsr(0.01, 0.1, 0.5, 0.2)
                   .gain(0.8).drive(0.3).pan(0.2), count=4).send("room", 0.4),
    "organ": voices(wavetable("organ", amp=0.2).formant(1.0).adsr(0.05, 0.2, 0.7, 0.3), count=3).pan(-0.3),
    "drone": saw(55, amp=0.2, detune=8, unison=3).highpass(40).bandpass(300, 0.8).gain(0.5),
    "room": bus().reverb(decay=1.5, mix=1.0, size=0.5).gain(0.9),
}
SOUNDS = {
    "pings": (patches.pings(), _notes(["ping"])),
    "harmonic_fields": (patches.harmonic_fields(), _notes(["field_a", "field_b"], every=9000)),
    "warm_chords": (patches.warm_chords(), _notes(["chords"], every=12000)),
    "mixed": (MIXED, _notes(["lead", "organ"], every=7000) + [
        ("set", SR // 2 + 17, "lead.cutoff", 900.0, 2000), ("set", SR, "drone.level", 0.5, 0),
        ("set", SR + 5000, "room.decay", 3.0, 0), ("set", SR + 9000, "organ.vowel", 3.0, 4000),
        ("release", SR * 2, "lead", None), ("reset", SR * 2 + 3000), ("set", SR * 2 + 4000, "drone.freq", 82.0, 999)]),
}
N = SR * 4


@pytest.fixture
def counted(monkeypatch):
    """How many track blocks ran as planned (Plan.run wrapped, nothing else changed)."""
    runs = [0]
    run = plan.Plan.run

    def counting(self, t):
        runs[0] += 1
        return run(self, t)
    monkeypatch.setattr(plan.Plan, "run", counting)
    return runs


@pytest.mark.parametrize("name", sorted(SOUNDS))
def test_a_planned_block_is_the_same_as_one_rendered_unit_by_unit(name, counted, monkeypatch):
    sound, events = SOUNDS[name]
    planned = render(sound, N, (256,), events, seed=3)
    track_blocks = len(sound) * N // 256
    assert counted[0] > 0.6 * track_blocks, f"only {counted[0]} of {track_blocks} track blocks were planned"
    assert np.abs(planned).max() > 0.01
    for blocks in [(64,), (4097,), (256, 256, 100)]:
        assert np.array_equal(render(sound, N, blocks, events, seed=3), planned), f"blocks of {blocks}"
    monkeypatch.setattr(tracks.Track, "_plan", lambda *a: None)
    counted[0] = 0
    assert np.array_equal(render(sound, N, (256,), events, seed=3), planned)
    assert counted[0] == 0


def test_a_unit_that_blows_up_in_a_planned_block_is_started_over(counted):
    """A poisoned reverb state stands in for a unit that blew up (no parameter in range makes one)."""
    sound, events = SOUNDS["pings"]
    s = synth(sound, events, seed=3)
    for _ in range(200):
        s.render(256)
    echo = s.layers[0].graph.by_name["echo"]
    assert echo.plan is not None
    echo.chain.units[1].z[0] = np.nan
    counted[0] = 0
    out = np.concatenate([s.render(256) for _ in range(200)])
    assert np.all(np.isfinite(out)) and np.abs(out).max() > 0.01
    assert s.faults() == 1
    assert counted[0] > 200, "planned again once it settled"


PLAIN = {   # voices of an oscillator and its envelope: notes land ahead of their sample, blocks uncut
    "keys": voices(saw(amp=0.2, detune=9, unison=3, vib_rate=3.0).adsr(0.003, 0.05, 0.5, 0.04), count=3)
    .send("room", 0.3),
    "bell": voices(sine(amp=0.3).adsr(0.0, 0.2, 0.0, 0.0), count=2).pan(0.5),
    "room": bus().reverb(decay=0.8, mix=1.0, size=0.5),
}
PLAIN_EVENTS = _notes(["keys", "bell"], every=1111, until=SR * 2, dur=3000) + [
    ("release", SR // 3 + 5, "keys", None), ("set", SR, "keys.detune", 30.0, 700),
    ("set", SR + 9000, "keys.vib_rate", 6.0, 0), ("note", SR + 9001, "keys", 70, 1.0, None)]


@pytest.mark.parametrize("blocks", [(256,), (64,), (1000, 37, 4097)])
def test_a_note_placed_ahead_of_its_sample_sounds_as_one_cut_there(blocks, monkeypatch):
    """Synth._ahead lets a note or release on an oscillator-and-envelope voice be applied at the
    block's start (its phases set back, Oscillator._roll); the block then runs in one piece. The
    same notes with every block cut where they land, as before, give the same samples."""
    from stagecraft.sound.dsp.synth import Synth
    ahead, pieces = [0], [0]
    placed, mixed = Synth._ahead, Synth._mix

    def counting_ahead(self, m, t):
        ok = placed(self, m, t)
        ahead[0] += ok
        return ok

    def counting_mix(self, t, n):
        pieces[0] += 1
        return mixed(self, t, n)
    monkeypatch.setattr(Synth, "_ahead", counting_ahead)
    monkeypatch.setattr(Synth, "_mix", counting_mix)
    ahead_of_time = render(PLAIN, SR * 3, blocks, PLAIN_EVENTS, seed=9)
    assert ahead[0] >= 50, f"only {ahead[0]} of 175 notes placed ahead"
    cut = pieces[0]
    monkeypatch.setattr(Synth, "_ahead", lambda self, m, t: False)
    pieces[0] = 0
    assert np.array_equal(render(PLAIN, SR * 3, blocks, PLAIN_EVENTS, seed=9), ahead_of_time)
    assert pieces[0] >= cut + 30, "cutting every block where a note lands makes more pieces"
    assert np.abs(ahead_of_time).max() > 0.01
