"""`--hash-frames FILE`: a line per frame, `frame_index show_time_s sha1` of the canvas's pixels
before any output mapping, in every mode; the same inputs give the same lines."""
import hashlib
import re

import numpy as np

from stagecraft.output.offline import frames, offline_engine
from stagecraft.projection.mapping import load

from .conftest import close_all, run_cli

LINE = re.compile(r"^(\d+) (\d+\.\d{6}) ([0-9a-f]{40})$")
PIECE = "smile_credits"      # moves every frame, so every line differs


def _lines(path) -> list[tuple[int, float, str]]:
    out = []
    for text in path.read_text().splitlines():
        m = LINE.match(text)
        assert m, f"not 'frame_index show_time_s sha1': {text!r}"
        out.append((int(m[1]), float(m[2]), m[3]))
    return out


def test_each_frame_is_hashed_as_the_canvas_shows_it(tmp_path, operator):
    path = tmp_path / "hashes.txt"
    e = offline_engine(PIECE, (160, 90), fps=30.0, operator=operator, hash_frames=path)
    shown = [f.copy() for f in frames(e, 12)]
    close_all([e])
    lines = _lines(path)
    assert [(i, t) for i, t, _ in lines] == [(i, round(i / 30.0, 6)) for i in range(12)]
    assert [h for _, _, h in lines] == [hashlib.sha1(np.ascontiguousarray(f).tobytes()).hexdigest() for f in shown]
    assert len({h for _, _, h in lines}) == 12


def test_the_hash_is_of_the_canvas_before_the_projectors_mapping(tmp_path, operator):
    """The outputs differ (a keystoned wall against none); the canvas, and so every hash, does not."""
    toml = tmp_path / "wall.toml"
    toml.write_text('[[output]]\nname = "wall"\nsize = [320, 180]\n'
                    'corners = [[0.12, 0.06], [0.95, 0.0], [0.9, 0.97], [0.02, 0.88]]\n')
    runs = []
    for name, mapping in (("plain", None), ("mapped", load(toml))):
        path = tmp_path / f"{name}.txt"
        e = offline_engine(PIECE, (160, 90), fps=30.0, operator=operator, mapping=mapping, hash_frames=path)
        runs.append([f.copy() for f in frames(e, 6)])
        close_all([e])
    assert runs[0][0].shape != runs[1][0].shape
    assert _lines(tmp_path / "plain.txt") == _lines(tmp_path / "mapped.txt")


def test_render_and_play_write_them_and_a_render_repeats_itself(tmp_path):
    renders = []
    for k in range(2):
        path = tmp_path / f"render{k}.txt"
        r = run_cli("render", PIECE, "-o", str(tmp_path / f"r{k}.mp4"), "--size", "160x90", "--seconds", "1",
                    "--fps", "20", "--hash-frames", str(path))
        assert r.returncode == 0, r.stderr
        renders.append(_lines(path))
    assert renders[0] == renders[1] and [i for i, _, _ in renders[0]] == list(range(20))
    path = tmp_path / "play.txt"
    r = run_cli("play", PIECE, "--headless", "--size", "160x90", "--seconds", "1", "--audio", "none",
                "--hash-frames", str(path))
    assert r.returncode == 0, r.stderr
    played = _lines(path)
    assert [i for i, _, _ in played] == list(range(len(played))) and len(played) >= 5
    assert all(a[1] < b[1] for a, b in zip(played, played[1:])), "show time runs on"
