"""ISF generators played as pieces, unchanged: the header's inputs become typed parameters, the
GLSL 1.x body compiles at the context's own GLSL version, and what cannot be taken is refused
naming the file and the line. The shaders in tests/isf/ were written for these tests."""
from pathlib import Path

import numpy as np
import pytest

from stagecraft.output.offline import frames
from stagecraft.output.record import load_png
from stagecraft.piece.module import PieceError, load, resolve
from stagecraft.piece.params import Bool, Color, Event, Float, Int, Point2D
from stagecraft.picture.shaders import ShaderError

from .conftest import run_cli

HERE = Path(__file__).parent / "isf"
EVERY = HERE / "every_input.fs"


def test_every_input_becomes_a_typed_ranged_parameter():
    piece = load(resolve(str(EVERY)))
    p = piece.params
    assert (piece.title, piece.shader) == ("Every Input", "every_input.fs")
    assert "every kind of ISF input" in piece.note and "Credit: Stagecraft tests" in piece.note
    assert isinstance(p["speed"], Float) and (p["speed"].default, p["speed"].min, p["speed"].max) == (0.5, 0.0, 2.0)
    assert p["speed"].doc == "Speed"
    assert isinstance(p["bands"], Int) and (p["bands"].default, p["bands"].min, p["bands"].max) == (3, 2, 5)
    assert p["bands"].labels == ("two", "three", "four", "five")
    assert isinstance(p["invert"], Bool) and p["invert"].default is False
    assert isinstance(p["flash"], Event)
    assert isinstance(p["lip"], Color) and p["lip"].default == (0.70, 0.07, 0.23, 1.0)
    assert isinstance(p["centre"], Point2D) and p["centre"].default == (0.5, 0.5)


def test_a_generator_renders_and_its_inputs_change_the_picture(engines):
    e = engines(str(EVERY), (160, 90))
    plain = list(frames(e, 2))[-1].astype(int)
    assert plain.std() > 20                                    # rings, not a blank frame
    e.player.stage.set("invert", True)
    inverted = list(frames(e, 1))[-1].astype(int)
    assert np.abs((255 - inverted) - plain).mean() < 8          # the same rings, inverted
    e.player.stage.set("invert", False)
    list(frames(e, 1))
    e.player.stage.fire("flash")                                # an event is true for one frame
    flashed, after = (f.astype(int) for f in [f.copy() for f in frames(e, 2)])
    assert np.abs(flashed - plain).mean() > 3 * np.abs(after - plain).mean()
    e.player.stage.set("bands", 5)
    assert np.abs(list(frames(e, 1))[-1].astype(int) - plain).mean() > 20


def test_isf_v1_names_and_glsl_4_built_ins_compile(engines):
    e = engines(str(HERE / "v1_names.fs"), (160, 90))
    frame = list(frames(e, 1))[-1].astype(int)
    assert frame[45, 20:140].std() > 10 and frame[5, 80, 0] < 60    # teeth across the middle, mouth above


def test_snapshot_takes_an_isf_file_from_the_command_line(tmp_path):
    r = run_cli("snapshot", str(EVERY), "-o", str(tmp_path / "isf.png"), "--size", "160x90", "--at", "0.5")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "isf.png").stat().st_size > 1000


def _isf(tmp_path, name, header, body="void main() { gl_FragColor = vec4(1.0); }\n"):
    path = tmp_path / name
    path.write_text(f"/*{header}*/\n{body}")
    return path


def test_a_glsl_error_names_the_artists_file_and_line(engines, tmp_path):
    path = _isf(tmp_path, "broken.fs", '{\n"INPUTS": []\n}', "void main() {\n    gl_FragColor = vec4(nope, 1.0);\n}\n")
    with pytest.raises(ShaderError, match=r"broken\.fs:5:\d+: error: `nope' undeclared"):
        engines(str(path), (64, 36), strict=True)


@pytest.mark.parametrize("header, expected", [
    ('{\n"INPUTS": [],\n}', r"bad\.fs:3: the JSON header does not parse"),
    ('{"INPUTS": [{"NAME": "x y", "TYPE": "float"}]}', r"NAME that is a GLSL identifier"),
    ('{"INPUTS": [{"NAME": "x", "TYPE": "vec3"}]}', r"TYPE 'vec3'; ISF's types are"),
    ('{"INPUTS": [{"NAME": "inputImage", "TYPE": "image"}]}', r"image inputs are not supported yet"),
    ('{"PASSES": [{"TARGET": "a", "PERSISTENT": true}, {}]}', r"PASSES .* are not supported yet"),
])
def test_what_cannot_be_taken_is_refused_plainly(tmp_path, header, expected):
    with pytest.raises(PieceError, match=expected):
        load(resolve(str(_isf(tmp_path, "bad.fs", header))))


def test_a_file_without_a_header_is_not_isf(tmp_path):
    path = tmp_path / "plain.fs"
    path.write_text("void main() { gl_FragColor = vec4(1.0); }\n")
    with pytest.raises(PieceError, match=r"plain\.fs:1: an ISF file begins with its JSON header"):
        load(resolve(str(path)))


def test_set_gives_any_parameter_its_value_before_the_first_frame(tmp_path):
    plain, inverted = tmp_path / "plain.png", tmp_path / "inverted.png"
    for out, extra in ((plain, []), (inverted, ["--set", "invert=true", "--set", "centre=0.5,0.5",
                                                "--set", "lip=0.7,0.07,0.23,1", "--set", "speed=0.5"])):
        r = run_cli("snapshot", str(EVERY), "-o", str(out), "--size", "160x90", "--at", "0.5", *extra)
        assert r.returncode == 0, r.stderr
    a, b = (load_png(p).astype(int) for p in (plain, inverted))
    assert np.abs((255 - b) - a).mean() < 8
    r = run_cli("snapshot", str(EVERY), "-o", str(tmp_path / "x.png"), "--size", "160x90", "--set", "nope=1")
    assert r.returncode == 2 and "has no parameter 'nope' (it has: speed, bands, invert" in r.stderr
    r = run_cli("snapshot", str(EVERY), "-o", str(tmp_path / "x.png"), "--size", "160x90", "--set", "centre=1,2,3")
    assert r.returncode == 2 and "--set centre=1,2,3: expected 2 numbers, got 3" in r.stderr
    r = run_cli("render", "forum", "-o", str(tmp_path / "f.mp4"), "--size", "64x36", "--seconds", "0.2",
                "--set", "soften=0.9")
    assert r.returncode == 0, r.stderr
