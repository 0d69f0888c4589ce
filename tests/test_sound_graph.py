"""What a piece writes: chains from one table, checked where they are written, compiled to plain data;
and the analysis the picture reads back (levels, bands, onsets, Shadertoy's 512x2 texture)."""
import json
import pickle

import numpy as np
import pytest

from stagecraft.sound.analysis import BINS, FFT
from stagecraft.sound.graph import SoundError, bus, compile_sound, noise, sampler, saw, sine, voices
from stagecraft.sound.messages import Outbox

from .audio import SR, synth

SOUND = {
    "drone": saw(55, detune=8, unison=3).lowpass(700, name="tone").gain(0.2),
    "blip": voices(sine().adsr(0.002, 0.05, 0, 0.08).lowpass(3000), count=6).send("room", 0.3),
    "room": bus().reverb(decay=2.5, mix=1.0),
}


def test_a_sound_compiles_to_plain_data_with_senders_before_their_bus():
    spec = compile_sound(SOUND)
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert json.loads(json.dumps(spec)) == json.loads(json.dumps(spec))
    assert spec["order"].index("blip") < spec["order"].index("room")
    assert spec["notes"] == ["drone", "blip"]
    params = spec["params"]
    for path in ("drone.cutoff", "drone.tone.cutoff", "drone.level", "drone.pan", "blip.attack",
                 "blip.lowpass.cutoff", "room.decay", "blip.send.amount"):
        assert path in params
    assert params["drone.tone.cutoff"] == (10.0, 20000.0)
    assert compile_sound(SOUND) == spec, "the same declaration, the same spec"


@pytest.mark.parametrize("make, says", [
    (lambda: saw(55).lowpas(800), "no sound effect 'lowpas'; effects are"),
    (lambda: saw(55).lowpass(cutoff=50000), "must be between 10 and 20000"),
    (lambda: saw(55).lowpass(resonance=2), "has no 'resonance'"),
    (lambda: noise("purple"), "choose one of 'white', 'pink'"),
    (lambda: sampler("kazoo"), "sample 'kazoo'"),
    (lambda: saw(float("nan")), "must be between"),
    (lambda: saw(55, unison=2.5), "must be a whole number"),
    (lambda: voices(sine(), count=2).gain(1, name="Loud"), "lower case"),
])
def test_mistakes_are_caught_where_they_are_written(make, says):
    with pytest.raises((AttributeError, TypeError, ValueError)) as err:
        make()
    assert says in str(err.value)


@pytest.mark.parametrize("sound, says", [
    ({"a": saw(55).gain(1), "b": bus().send("a")}, "sends to 'a', which is not a bus"),
    ({"a": bus().send("b"), "b": bus().send("a")}, "sends go round in a circle"),
    ({"a": voices(sine().lowpass(500))}, "needs an .adsr() or a sampler"),
    ({"a": voices(sine().adsr(0.1, 0.1, 0, 0).delay(0.2))}, "put delay() on the track, after voices(...)"),
    ({"a": saw(55).lowpass(500).lowpass(900)}, "two units share a name"),
    ({"Bad Name": saw(55)}, "track name"),
    ({"a": 55}, "must be a chain"),
])
def test_sounds_that_cannot_be_built_say_why(sound, says):
    with pytest.raises(SoundError) as err:
        compile_sound(sound)
    assert says in str(err.value)


def test_the_outbox_checks_notes_and_parameters_against_the_sound():
    box = Outbox(compile_sound(SOUND))
    box.take()
    box.note("blip", 72, 0.8, 0.1, 0.0, 0.25)
    box.set("drone.cutoff", 1e9, 0.5, 0.0)
    assert box.take() == [("note", "blip", 72.0, 0.8, 0.0, 0.1, 0.25, None),
                          ("set", "drone.cutoff", 20000.0, 0.0, 0.5)]
    with pytest.raises(ValueError, match="no track 'room' takes notes"):
        box.note("room", 60, 1, 0.1, 0, None)
    with pytest.raises(ValueError, match="no sound parameter 'drone.cutof'.*drone.cutoff"):
        box.set("drone.cutof", 1, 0, 0)
    with pytest.raises(ValueError, match="finite"):
        box.note("blip", float("nan"), 1, 0.1, 0, None)


def _analysed(sound, seconds=0.6, events=()):
    s = synth(sound, events)
    for _ in range(round(seconds * SR / 256)):
        s.render(256)
    return s.analyser


def test_the_texture_follows_shadertoy():
    a = _analysed({"x": sine(1000, 0.5)})
    tex = a.audio().texture
    assert tex.shape == (2, BINS) and tex.dtype == np.float32
    assert abs(np.argmax(tex[0]) - 1000 / (SR / FFT)) < 1
    assert tex[0].max() > 0.9 and tex[0, 200:].max() < 0.3
    assert 0.3 < tex[1].min() < 0.4 and 0.6 < tex[1].max() < 0.7, "0.5 + half the waveform"
    assert abs(a.level - 0.25) < 0.01 and abs(a.peak - 0.3535) < 0.01


@pytest.mark.parametrize("freq, band", [(100, 0), (1000, 1), (5000, 2)])
def test_bands_hear_where_the_sound_is(freq, band):
    bands = np.array(list(_analysed({"x": sine(freq, 0.5)}).audio().bands))
    assert np.argmax(bands) == band
    assert abs(bands[band] - 0.25) < 0.03, "the RMS of the band, like the level"


def test_onsets_come_with_hits_not_with_a_steady_tone():
    s = synth({"x": sine(440, 0.5)})
    s.render(SR // 2)
    started = s.analyser.onsets
    for _ in range(8):
        s.render(SR // 4)
    assert s.analyser.onsets == started, "nothing new while the tone holds"
    hits = [("note", round(SR * (0.5 + 0.25 * i)), "x", 60, 1.0, None) for i in range(6)]
    clicks = _analysed({"x": voices(sampler("knock"), count=2)}, seconds=2.2, events=hits)
    assert 6 <= clicks.onsets <= 7, "each knock (and perhaps one more as a tail ends)"
