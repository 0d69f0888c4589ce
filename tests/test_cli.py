"""The command line as a user meets it: real processes, one clear line for every mistake."""
import json

import imageio_ffmpeg
import pytest

from stagecraft.output.record import load_png

from .conftest import ROOT, run_cli


def test_list_shows_pieces_with_titles():
    r = run_cli("list")
    assert r.returncode == 0
    assert "calibration" in r.stdout and "Calibration" in r.stdout
    assert "_template" not in r.stdout


@pytest.mark.parametrize("args, says", [
    (["play", "no_such_piece", "--headless"], "unknown piece 'no_such_piece' (known: "),
    (["snapshot", "calibration", "-o", "x.png", "--size", "big"], "size 'big' must look like 1280x720"),
    (["render", "calibration", "-o", "x.mp4", "--size", "321x180"], "needs an even width and height"),
    (["render", "calibration", "-o", "x.mp4", "--seconds", "-1"], "'-1' must be greater than zero"),
    (["snapshot", "calibration", "-o", "x.png", "--at", "-2"], "--at must be zero or more"),
    (["play", "calibration", "--headless", "--display", "7"], "no display 7"),
    (["new", "Bad Name"], "must be lower case letters"),
    (["new", "calibration"], "already exists"),
    (["frobnicate"], "'frobnicate' is neither a command (check-flash, contact-sheet"),
    (["show", "nope"], "unknown program 'nope' (known: smiles_for_all)"),
    (["show", "--headless", "--from", "nowhere"], "--from: no piece 'nowhere'"),
    (["show", "--headless", "--from", "forum:dance"], "forum has no cue 'dance'"),
])
def test_mistakes_are_one_line_and_a_nonzero_exit(args, says, tmp_path):
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode != 0
    assert says in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_play_headless_writes_stats(tmp_path):
    stats = tmp_path / "stats.json"
    r = run_cli("play", "calibration", "--headless", "--seconds", "1", "--size", "160x90",
                "--strict", "--stats", str(stats), "--osc-port", "0", "--audience-port", "0",
                "--audience-file", str(tmp_path / "audience.json"))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    for key in ("start_s", "frames", "seconds", "fps_mean", "frame_ms_p50", "frame_ms_p99", "errors",
                "osc_received", "osc_rejected", "osc_rate_limited", "osc_malformed"):
        assert key in s
    assert s["frames"] > 0 and s["errors"] == 0       # how fast is bench/'s to say, not a test's
    assert s["start_s"] > 0, "process start to the first frame presented"


def test_snapshot_and_render_write_files(tmp_path):
    r = run_cli("snapshot", "calibration", "-o", str(tmp_path / "c.png"), "--size", "160x90", "--at", "0.5")
    assert r.returncode == 0, r.stderr
    assert load_png(tmp_path / "c.png").shape == (90, 160, 3)
    r = run_cli("render", "calibration", "-o", str(tmp_path / "c.mp4"), "--size", "160x90",
                "--seconds", "0.5", "--fps", "10", "--stats", str(tmp_path / "c.json"))
    assert r.returncode == 0, r.stderr
    assert imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "c.mp4"))[0] == 5
    s = json.loads((tmp_path / "c.json").read_text())
    assert s["frames"] == 5 and s["start_s"] > 0 and s["flash_limited_frames"] == 0


def test_new_makes_a_piece_that_runs(tmp_path):
    name = "zz_cli_new_test"
    made = [ROOT / "pieces" / f"{name}.py", ROOT / "shaders" / f"{name}.frag"]
    try:
        r = run_cli("new", name)
        assert r.returncode == 0, r.stderr
        assert all(p.is_file() for p in made)
        assert made[0].read_text().startswith('"""Zz Cli New Test')
        r = run_cli("snapshot", name, "-o", str(tmp_path / "n.png"), "--size", "160x90", "--strict")
        assert r.returncode == 0, r.stderr
        assert load_png(tmp_path / "n.png").mean() > 5
    finally:
        for p in made:
            p.unlink(missing_ok=True)


def test_a_bare_run_without_a_display_renders_the_trailer(tmp_path):
    r = run_cli(cwd=tmp_path, env={"SDL_VIDEODRIVER": ""}, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "No display here" in r.stdout
    trailer = tmp_path / "out" / "trailer.mp4"
    assert str(trailer) in r.stdout
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(trailer))
    assert frames >= 24 and seconds >= 1.0
