"""Sound in the engine: a piece's notes reach the sound and its analysis reaches the piece and every
shader; renders carry the same sound every time, in the MP4 and a float WAV; the calibration card's
sound check; the command line's sound flags."""
import json
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from scipy.io import wavfile

from stagecraft.output.offline import frames

from .audio import LATENCY, SR, db, peak_hz, rms_db
from .conftest import ROOT, run_cli, write_piece

PIECE = '''"""Listener

Plays a note when hit, and shows what it hears: level in red, the 1 kHz bin of iAudio in green."""
from stagecraft import Event
from stagecraft.sound import sine, voices

SHADER = "listener.frag"
PARAMS = {"hit": Event()}
SOUND = {"ping": voices(sine(1000, amp=0.5).adsr(0.001, 0.5, 0.0, 0.1), count=2)}

def setup(stage):
    return {"heard": []}

def update(stage, state, dt):
    if stage.p.hit:
        stage.note("ping", 83, dur=None)
    state["heard"].append(stage.audio.level)
'''
SHADER = ("void mainImage(out vec4 c, in vec2 p) {\n"
          "    c = vec4(iAudioLevel * 4.0, texture(iAudio, vec2(42.5 / 512.0, 0.25)).r, iAudioBands.y * 4.0, 1.0);\n"
          "}\n")


@pytest.fixture
def listener(tmp_path):
    return write_piece(tmp_path, "listener", PIECE, SHADER)


def _hit_at(e, frame):
    return lambda i: e.player.stage.fire("hit") if i == frame else None


def test_a_note_is_heard_by_the_piece_and_seen_by_its_shader(engines, listener):
    e = engines(listener, strict=True, keep_sound=True)
    shots = [f.copy() for f in frames(e, 12, before_frame=_hit_at(e, 5))]
    heard = e.player.state["heard"]
    assert max(heard[:6]) < 1e-9 and heard[7] > 0.1, "the frame after the note hears it"
    assert shots[4].max() == 0 and shots[8][..., 0].mean() > 100 and shots[8][..., 1].mean() > 200
    samples = e.sound.samples()
    start = 5 * SR // 30
    assert np.abs(samples[:start + LATENCY]).max() < 1e-6, "silence until the note's frame"
    assert abs(peak_hz(samples[start + LATENCY:start + LATENCY + 4800, 0]) - 987.8) < 2, "B5 is note 83"


def test_renders_sound_the_same_every_time_and_last_exactly_as_long(engines):
    def render():
        e = engines(str(ROOT / "pieces" / "_template.py"), fps=24, seed=3, keep_sound=True)
        for _ in frames(e, 37, before_frame=lambda i: e.go() if i in (5, 20) else None):
            pass
        return e.sound.samples()
    a, b = render(), render()
    assert a.dtype == np.float32 and a.shape == (37 * SR // 24, 2)
    assert np.array_equal(a, b)
    assert np.abs(a).max() > 0.01


def test_the_engine_passes_panic_reset_and_volume_to_the_sound(engines):
    e = engines("calibration", fps=30, keep_sound=True)
    for _ in frames(e, 15):
        pass
    e.set_master_volume(0.5)
    for _ in frames(e, 15):
        pass
    e.panic()
    for _ in frames(e, 15):
        pass
    e.reset()
    for _ in frames(e, 15):
        pass
    y = e.sound.samples()[:, 0].astype(float)
    second = SR // 2
    assert abs(rms_db(y[second + 4800:2 * second]) - rms_db(y[4800:second]) - db(0.5)) < 0.05
    assert np.all(y[2 * second + 2400:3 * second] == 0.0)
    assert abs(rms_db(y[3 * second + 4800:]) - rms_db(y[second + 4800:2 * second])) < 0.05


def test_the_calibration_sound_check_goes_left_then_right(engines):
    e = engines("calibration", fps=10, keep_sound=True)
    for _ in frames(e, 82):
        pass
    y = e.sound.samples().astype(float)

    def part(k, ch):
        return y[round((2 * k + 0.3) * SR):round((2 * k + 1.8) * SR), ch]
    for k, (side, source) in enumerate([(0, "tone"), (1, "tone"), (0, "pink"), (1, "pink")]):
        here, there = part(k, side), part(k, 1 - side)
        assert np.abs(there).max() < 1e-6
        assert abs(rms_db(here) - db(0.1 / np.sqrt(2))) < (0.05 if source == "tone" else 0.5)
        if source == "tone":
            assert abs(db(np.abs(here).max()) - -20.0) < 0.02 and abs(peak_hz(here) - 1000) < 0.5
    switch = np.abs(np.diff(y[2 * SR - 2400:2 * SR + 2400], axis=0)).max()
    assert switch <= np.abs(np.diff(part(0, 0))).max() * 1.01, "the tone moves sides without a click"


def test_a_reload_with_the_same_sound_keeps_it_playing(engines, listener):
    from stagecraft.piece.module import load, resolve
    e = engines(listener)
    for _ in frames(e, 2):
        pass
    e.player.reload(load(resolve(listener)))
    assert not [m for m in e.player.sound.take() if m[0] == "graph"]
    changed = PIECE.replace("sine(1000", "sine(500")
    path = resolve(listener)
    path.write_text(changed)
    e.player.reload(load(path))
    assert [m[0] for m in e.player.sound.take()] == ["graph"]


def test_render_muxes_aac_and_writes_a_float_wav(tmp_path):
    out, wav = tmp_path / "c.mp4", tmp_path / "c.wav"
    r = run_cli("render", "calibration", "-o", str(out), "--size", "160x90", "--seconds", "1.5", "--fps", "20",
                "--wav", str(wav))
    assert r.returncode == 0, r.stderr
    info = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(out)], capture_output=True, text=True).stderr
    assert "Video: h264" in info and "Audio: aac" in info and "48000 Hz, stereo" in info
    rate, data = wavfile.read(wav)
    assert rate == SR and data.dtype == np.float32 and data.shape == (30 * SR // 20, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4", "c.wav"], "no temporary files left"


def test_play_reports_the_sound_counters(tmp_path):
    stats = tmp_path / "stats.json"
    r = run_cli("play", "calibration", "--headless", "--seconds", "1", "--size", "160x90", "--strict",
                "--audio", "none", "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["audio_xruns"] == 0 and s["audio_restarts"] == 0 and s["audio_voices_shed"] == 0
    assert s["audio_dsp_load"] == {"mean": 0.0, "max": 0.0}


@pytest.mark.parametrize("args, says", [
    (["play", "calibration", "--headless", "--audio-block", "7"], "audio block 7 must be 16 to 8192"),
    (["play", "calibration", "--headless", "--audio-block", "many"], "'many' is not a whole number"),
])
def test_sound_flag_mistakes_are_one_line(args, says, tmp_path):
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2 and says in r.stderr and len(r.stderr.strip().splitlines()) == 1
