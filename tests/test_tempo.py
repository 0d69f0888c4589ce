"""The beat: the internal tempo and tap tempo; quantised cues and glides in beats on the frame clock;
the beat in pieces, shaders and the sound; /link/tempo from the operator only; and real Ableton
Link between two engine processes on loopback (one a `run.py play --link` process, one here)."""
import json
import subprocess
import sys
import time

import numpy as np
import pytest

from stagecraft.output.offline import frames
from stagecraft.show.console import lines
from stagecraft.show.program import ProgramError, load_program
from stagecraft.sound.messages import Timeline, when
from stagecraft.tempo.beat import MAX_BPM, QUANTUM, Beat, Internal

from .conftest import ROOT, Client, close_all, wait_for

METRONOME = ROOT / "tests" / "pieces" / "metronome.py"
PROGRAM = f'''
title = "On the beat"

[[piece]]
file = "{METRONOME}"

  [[piece.cue]]
  name = "drop"
  number = "1"
  quantize = "bar"

  [[piece.cue]]
  name = "half"
  number = "1.5"
  quantize = 1
  actions = [{{ set = "level", to = 0.5 }}]

  [[piece.cue]]
  name = "fade"
  number = "2"
'''


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "beat.toml"
    path.write_text(PROGRAM)
    return load_program(path)


def bottom(picture) -> float:
    """The metronome's lower half: its level parameter, as drawn."""
    return float(picture[-4:, :, 0].mean()) / 255.0


# the timeline ---------------------------------------------------------------------------------
def test_the_internal_tempo_carries_the_beat_on_through_a_change():
    t = Internal(120)
    assert t.sample(1.0, 0.0, 1 / 60).beat == pytest.approx(2.0)
    t.set_tempo(60, 1.0)
    b = t.sample(3.0, 0.0, 1 / 60)
    assert b.beat == pytest.approx(4.0) and b.tempo == 60 and b.span == pytest.approx(1 / 60)
    assert t.sample(3.0, 0.5, 1 / 60).beat == pytest.approx(4.5), "sampled at the presentation, ahead"
    t.set_tempo(5000, 3.0)
    assert t.tempo == MAX_BPM


def test_tap_tempo_takes_the_spacing_of_the_taps_and_starts_again_after_a_pause():
    t = Internal(90)
    assert t.tap(10.0) is None and t.tempo == 90, "one tap is not a tempo"
    assert t.tap(10.5) == pytest.approx(120)
    assert t.tap(11.0) == pytest.approx(120)
    assert t.tap(11.6) == pytest.approx(60 * 3 / 1.6)
    assert t.tap(20.0) is None, "a pause starts the count again"
    assert t.tap(20.4) == pytest.approx(150) and t.tempo == pytest.approx(150)


def test_a_boundary_is_the_next_multiple_and_a_frame_reaches_it_from_half_a_frame_before():
    b = Beat(beat=3.2, tempo=120, span=0.1)
    assert b.boundary(1) == 4.0 and b.boundary(QUANTUM) == 4.0 and Beat(4.0).boundary(4) == 4.0
    assert not Beat(3.94, span=0.1).reaches(4.0) and Beat(3.95, span=0.1).reaches(4.0)
    assert Beat(6.5).phase == 2.5


def test_a_note_on_the_beat_lands_on_the_next_beat_of_the_timeline():
    line = Timeline(sample=1000.0, beat=7.5, per_beat=24000.0)   # beat 8 at sample 13000
    assert when(0, 0.0, 48000, beats=1, timeline=line) == 13000
    assert when(2000, 0.0, 48000, beats=1, timeline=line) == 13000
    assert when(2000, 0.0, 48000, beats=4, timeline=line) == 13000
    assert when(13000, 0.0, 48000, beats=1, timeline=line) == 13000, "on the beat is on it"
    assert when(13001, 0.0, 48000, beats=2, timeline=line) == 13000 + 2 * 24000
    assert when(5, 0.0, 48000, sync=0.5) == 24000, "a pulse of its own is unchanged"


# the show on the frame clock ------------------------------------------------------------------
def test_a_quantised_cue_waits_for_the_bar_and_fires_on_the_frame_nearest_it(engines, program):
    e = engines(program, (64, 36), fps=30)          # 120 bpm: a beat is 15 frames, a bar 60
    list(frames(e, 10))
    assert e.go().name == "drop"
    armed = e.snapshot()["armed"]
    assert [a[0] for a in armed] == ["1 drop"] and armed[0][1] == pytest.approx(4.0 - 9 / 15)
    assert any("ARMED    1 drop: fires in 4" in text for _, text in lines(e.snapshot()))
    shown = [bottom(f) for f in frames(e, 60)]      # frames 10..69
    assert max(shown[:50]) < 0.05 and min(shown[50:]) > 0.95, "dark until frame 60 (beat 4), lit from it"
    assert e.show.armed == [] and e.show.current.name == "drop"


def test_a_cue_quantised_to_the_beat_follows_the_operators_tempo(engines, program):
    e = engines(program, (64, 36), fps=30)
    list(frames(e, 4))
    e.set_tempo(60)                                 # from beat 0.2 at frame 3 (0.1 s): a beat is now 30 frames
    e.show.stand_by(2)
    assert e.go().name == "half"
    shown = [bottom(f) for f in frames(e, 30)]      # frames 4..33: beat 1 falls at frame 27
    assert max(shown[:23]) < 0.05 and 0.45 < shown[23] < 0.55


def test_a_glide_in_beats_lasts_that_many_beats_at_the_tempo_playing(engines, tmp_path):
    path = tmp_path / "glide.toml"
    path.write_text(PROGRAM.replace('name = "fade"', 'name = "fade"\n  actions = [{ set = "level", to = 1.0 }, '
                                    '{ glide = "level", to = 0.0, beats = 2 }]'))
    e = engines(load_program(path), (64, 36), fps=30)
    e.set_tempo(60)
    list(frames(e, 2))
    e.show.stand_by(3)
    e.go()
    levels = []
    list(frames(e, 70, before_frame=lambda i: levels.append(e.player.params.get("level"))))
    assert levels[31] == pytest.approx(0.5, abs=0.04), "half way after one beat (a second at 60 bpm)"
    assert levels[61] == pytest.approx(0.0, abs=1e-6) and levels[55] > 0.0


@pytest.mark.parametrize("table, says", [
    ('quantize = 0', "quantize must be a number of beats"),
    ('quantize = "half"', "quantize must be a number of beats"),
    ('actions = [{ glide = "level", to = 0.0, beats = 2, seconds = 1 }]', "seconds or beats, not both"),
    ('actions = [{ glide = "level", to = 0.0, beats = -1 }]', "beats must be a number of beats above 0"),
])
def test_a_bad_quantize_or_beats_says_what_to_fix(tmp_path, table, says):
    path = tmp_path / "bad.toml"
    path.write_text(PROGRAM.replace('name = "fade"', f'name = "fade"\n  {table}'))
    with pytest.raises(ProgramError, match=says):
        load_program(path)


def test_the_beat_reaches_pieces_shaders_and_the_sound_on_one_timeline(engines):
    e = engines(str(METRONOME), (64, 36), fps=30, keep_sound=True)
    pictures = list(frames(e, 40))
    frame, beat, phase, tempo = e.player.state["heard"][30]
    assert (frame, beat, phase, tempo) == (30, pytest.approx(2.0), pytest.approx(2.0), 120.0)
    top = pictures[30][2, :, :].mean(axis=0) / 255.0
    assert top == pytest.approx([0.5, 0.5, 0.0], abs=0.01), "iPhase / 4, iTempo / 240, fract(iBeat)"
    click = np.abs(e.sound.samples()[:, 0]) > 1e-4
    onset = int(np.argmax(click))
    assert 24000 <= onset < 24000 + 24, f"the note asked for in frame 3 sounds on beat 1 (0.5 s), not at {onset}"


def test_the_tempo_is_the_operators_never_the_audiences(stage_osc):
    e = stage_osc()
    client = Client()
    try:
        client.send(e.osc.ports["audience"], "/link/tempo", 200.0)
        client.send(e.osc.ports["control"], "/link/tempo", 133.0)
        assert wait_for(lambda: len(e.osc.inbox) >= 1 and e.osc.counters()["osc_rejected"] >= 1)
        e.frame()
        e.frame()
        assert e.beat.tempo == 133.0 and e.counters()["link_tempo"] == 133.0
        for _ in range(3):
            client.send(e.osc.ports["control"], "/link/tap")
            assert wait_for(lambda: len(e.osc.inbox) >= 1)
            e.frame()
        assert e.tempo.tempo != 133.0, "three taps in quick succession set a tempo"
    finally:
        client.close()


# real Link -----------------------------------------------------------------------------------
def test_two_engines_on_loopback_share_a_link_session_its_tempo_and_its_bars(tmp_path, program, operator):
    """Engine A: `run.py play --link` in its own process. Engine B: here, live, with Link. They
    find each other; A's /link/tempo 133 reaches B; a cue B quantises to the bar fires on the
    frame whose presentation crosses the bar on the session's own clock."""
    from stagecraft.engine.loop import Engine
    from stagecraft.picture.window import Window
    from stagecraft.tempo.link import Link

    stats = tmp_path / "a.json"
    a_port = _free_port()
    client = Client()
    a = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "play", str(METRONOME), "--headless", "--size", "64x36",
                          "--link", "--audio", "none", "--osc-port", str(a_port), "--audience-port", "0", "--fresh",
                          "--audience-file", str(tmp_path / "a_audience.json"), "--seconds", "12",
                          "--stats", str(stats)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 30
    while not client.send(a_port, "/thump") and not client.replies(1, wait=0.2):
        assert time.monotonic() < end and a.poll() is None, "engine A never answered"
    e = Engine(Window((64, 36), headless=True), program, operator=operator, tempo=Link(120.0), fps_cap=60)
    try:
        e.osc.listen(osc_port=0, audience_port=0)
        end = time.monotonic() + 15
        while e.beat.peers < 1:
            e.frame()
            assert time.monotonic() < end, "the two engines never found each other"
        found = time.monotonic()
        while e.beat.tempo != pytest.approx(120.0):       # B joined A's session: A's tempo, not its own 90
            e.frame()
            assert time.monotonic() < found + 5, e.beat
        client.send(a_port, "/link/tempo", 133.0)
        while e.beat.tempo != pytest.approx(133.0):
            e.frame()
            assert time.monotonic() < found + 10, "A's tempo never reached B"
        e.go()
        (_, bar), = e.show.armed
        log = []
        while e.show.current is None or e.show.current.name != "drop":
            e.frame()
            log.append((e.tempo.at, e.beat))
            assert time.monotonic() < found + 20
        state = e.tempo._link.captureAppSessionState()
        boundary = state.timeAtBeat(bar, QUANTUM)
        half = 1e6 / 60 / 2
        (before, _), (fired, _) = log[-2], log[-1]
        assert before + half < boundary <= fired + half, (before - boundary, fired - boundary)
    finally:
        client.close()
        close_all([e])
    out, err = a.communicate(timeout=60)
    assert a.returncode == 0, err
    s = json.loads(stats.read_text())
    assert s["link_peers"] >= 1 and s["link_tempo"] == pytest.approx(133.0), s


def _free_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
