"""ISF files played as pieces, unchanged: the header's inputs become typed parameters, the GLSL
1.x body compiles at the context's own GLSL version, PASSES draw into sized, persistent and float
targets, filters process another piece, transitions run between two, IMPORTED images, audio and
a `.vs` are read; what cannot be taken is refused naming the file and the line. The shaders in
tests/isf/ were written for these tests, one per feature of the spec."""
from pathlib import Path

import numpy as np
import pytest

from stagecraft.output.offline import frames
from stagecraft.output.record import load_png
from stagecraft.piece.module import PieceError, load, resolve
from stagecraft.piece.params import Bool, Color, Event, Float, Int, Point2D
from stagecraft.picture.shaders import ShaderError
from stagecraft.sound.messages import SR

from .conftest import run_cli

HERE = Path(__file__).parent / "isf"
EVERY = HERE / "every_input.fs"


def test_every_input_becomes_a_typed_ranged_parameter():
    piece = load(resolve(str(EVERY)))
    p = piece.params
    assert (piece.title, piece.graph.path.name, len(piece.graph.passes)) == ("Every Input", "every_input.fs", 1)
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
    ('{"PASSES": [{"TARGET": "a", "WIDTH": "$WIDTH / $nope"}, {}]}', r"PASSES\[0\] WIDTH: .*no input named nope"),
    ('{"PASSES": [{"TARGET": "a", "WIDTH": "__import__(1)"}, {}]}', r"PASSES\[0\] WIDTH: .*only numbers"),
    ('{"PASSES": [{"TARGET": "a b"}, {}]}', r"TARGET must be a GLSL identifier"),
    ('{"IMPORTED": {"pic": {"PATH": "missing.png"}}}', r"IMPORTED 'pic': no image at .*missing\.png"),
    ('{"IMPORTED": {"sky": {"TYPE": "cube", "PATH": ["a.png"]}}}', r"cube maps are not supported"),
    ('{"INPUTS": [{"NAME": "a", "TYPE": "float"}], "PASSES": [{"TARGET": "a"}]}', r"a named twice"),
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


def _frame(e, n=1):
    return [f.copy() for f in frames(e, n)][-1].astype(int)


def test_a_filter_runs_its_passes_at_their_sizes_over_the_calibration_card(engines):
    e = engines(str(HERE / "filter_passes.fs"), (160, 90), settings=[("scale", "8")], flash_limit=False)
    blurred = _frame(e, 3)
    targets = e.player.canvas.targets
    assert targets["small"].size == (20, 11)                          # floor($WIDTH / $scale)
    assert targets["trail"].size == (160, 90) and targets["trail"].float_ == "f4"
    card = _frame(engines("calibration", (160, 90)), 3)
    assert blurred.std() > 10                                         # the card, not black
    edges = lambda f: np.abs(np.diff(f, axis=1)).mean()               # noqa: E731
    assert edges(blurred) < 0.7 * edges(card)                         # softer than the card itself
    e.player.stage.set("amount", 0.0)                                 # the input image alone
    assert np.abs(_frame(e, 20) - card).mean() < 3


def test_a_persistent_pass_keeps_last_frame(engines):
    """ISF v1's PERSISTENT_BUFFERS: a moving dot leaves a trail; with no decay, only the dot."""
    e = engines(str(HERE / "v1_persistent.fs"), (160, 90))
    trail = (_frame(e, 20) > 40).any(axis=2).sum()
    e2 = engines(str(HERE / "v1_persistent.fs"), (160, 90), settings=[("decay", "0.5")])
    dot = (_frame(e2, 20) > 40).any(axis=2).sum()
    assert dot > 20 and trail > 3 * dot


def test_input_picks_the_piece_a_filter_processes(tmp_path):
    outs = []
    for extra in ([], ["--input", "forum"]):
        out = tmp_path / f"f{len(outs)}.png"
        r = run_cli("snapshot", str(HERE / "filter_passes.fs"), "-o", str(out), "--size", "160x90", "--at", "1", *extra)
        assert r.returncode == 0, r.stderr
        outs.append(load_png(out).astype(int))
    assert np.abs(outs[0] - outs[1]).mean() > 10
    r = run_cli("snapshot", str(HERE / "filter_passes.fs"), "-o", str(tmp_path / "x.png"), "--input", "nope")
    assert r.returncode == 2 and "unknown piece 'nope'" in r.stderr


def test_imported_images_are_read_upright(engines):
    f = _frame(engines(str(HERE / "imported.fs"), (64, 32)))
    assert f[4, 4, 0] > 200 and f[4, 4, 2] < 120          # the file's top-left is red, at the top-left
    assert f[28, 60, 2] > 200 and f[28, 60, 0] < 80       # its bottom-right cyan, at the bottom-right
    assert f[4, 60].max() < 40


def test_a_vertex_shader_beside_the_file_hands_the_fragment_its_varyings(engines):
    f = _frame(engines(str(HERE / "vertex_wave.fs"), (160, 90)))[:, :, 0] > 128
    top, bottom = f[2], f[87]
    shift = next(k for k in range(1, 27) if (np.roll(bottom, -k) == top).mean() > 0.95)
    lean = 0.25 * 85 / 90 * 160 % (160 / 6)   # the .vs adds a quarter of y to x; a stripe is a sixth
    assert abs(shift - lean) <= 2


def test_audio_and_audio_fft_inputs_read_what_the_audience_hears(engines):
    """The calibration card's 1 kHz tone, through an ISF filter reading audioFFT and audio."""
    from stagecraft.piece.module import load as load_piece
    piece = load_piece(resolve("calibration"), effects=[str(HERE / "audio_bars.fs")])
    e = engines(piece, (512, 90))
    f = _frame(e, 12)
    red = (f[:, :, 0] > 120) & (f[:, :, 1] < 60)
    heights = red.sum(axis=0)
    peak = int(np.argmax(heights))
    assert abs(peak - 1000 / (SR / 2048)) <= 2 and heights[peak] > 30         # the 1 kHz bin stands tall
    assert np.median(heights) < 5
    line = (f[:, :, 1] > 200).sum(axis=0)
    assert line.sum() > 400                                                  # the waveform line is drawn


def test_a_transition_runs_from_the_card_to_standby_its_progress_settable(tmp_path):
    shots = {}
    for p in ("0", "1", "0.5"):
        out = tmp_path / f"p{p}.png"
        r = run_cli("snapshot", str(HERE / "wipe.fs"), "-o", str(out), "--size", "160x90", "--at", "1",
                    "--set", f"progress={p}")
        assert r.returncode == 0, r.stderr
        shots[p] = load_png(out).astype(int)
    r = run_cli("snapshot", "calibration", "-o", str(tmp_path / "c.png"), "--size", "160x90", "--at", "1")
    card = load_png(tmp_path / "c.png").astype(int)
    assert np.abs(shots["0"] - card).mean() < 3
    assert shots["1"].mean() < 0.5 * card.mean()                             # standby's dark night
    half = shots["0.5"]
    assert np.abs(half[:, :60] - card[:, :60]).mean() < 5 and np.abs(half[:, 110:] - shots["1"][:, 110:]).mean() < 5


def test_a_last_pass_with_a_target_is_the_output_and_an_open_range_holds_its_default(engines, tmp_path):
    """As VDMX plays them: the last pass is shown even when it also names a TARGET; a float
    with a DEFAULT and no MIN or MAX keeps its default; an input may be named like a GLSL
    built-in its compiler lets a uniform hide."""
    path = _isf(tmp_path, "last.fs", '{"INPUTS": [{"NAME": "gain", "TYPE": "float", "DEFAULT": 4.0},'
                                     '{"NAME": "step", "TYPE": "float", "DEFAULT": 0.25},'
                                     '{"NAME": "spot", "TYPE": "point2D", "DEFAULT": [320, 180]}],'
                                     '"PASSES": [{"TARGET": "a"}, {"TARGET": "b", "PERSISTENT": true}]}',
                "void main() { gl_FragColor = PASSINDEX == 0 ? vec4(0.1 * gain, 0.0, step, 1.0)"
                " : IMG_THIS_PIXEL(a); }\n")
    piece = load(resolve(str(path)))
    assert (piece.params["gain"].default, piece.params["gain"].max) == (4.0, 4.0)
    assert (piece.params["spot"].default, piece.params["spot"].max) == ((320.0, 180.0), (320.0, 180.0))
    f = _frame(engines(str(path), (64, 36)), 2)
    assert abs(f[..., 0].mean() - 0.4 * 255) < 3 and abs(f[..., 2].mean() - 0.25 * 255) < 3
