"""Effect chains: ISF filters run over a piece's picture in order, declared in the piece or a
program, each input a parameter `fx/<n>/<input>` on the control port, `fx/<n>/on` to bypass it;
one that fails is told once and bypassed. And `run.py import` makes a shader file a piece."""
import numpy as np
import pytest

from stagecraft.cli import tools
from stagecraft.osc.addresses import piece_entries
from stagecraft.output.offline import frames
from stagecraft.piece import effects, imported
from stagecraft.piece.module import PieceError, load, resolve
from stagecraft.piece.params import Bool, Float, Int
from stagecraft.show.program import ProgramError, load_program

from .conftest import ROOT


def _frame(e, n=1):
    return [f.copy() for f in frames(e, n)][-1].astype(int)


def test_the_engines_own_effects_are_isf_filters_with_ranged_inputs():
    assert {"blur", "grain", "mirror", "rgb_split", "trails", "vignette"} <= set(effects.available())
    piece = load(resolve("standby"), effects=["blur", {"effect": "mirror", "mode": 2, "on": False}])
    p = piece.params
    assert isinstance(p["fx/0/radius"], Float) and p["fx/0/radius"].max == 0.05
    assert isinstance(p["fx/1/mode"], Int) and p["fx/1/mode"].default == 2 and p["fx/1/mode"].labels[3] == "quarters"
    assert isinstance(p["fx/1/on"], Bool) and p["fx/1/on"].default is False and p["fx/0/on"].default is True
    addresses = {e.address for e in piece_entries(piece)}
    assert {"/standby/fx/0/radius", "/standby/fx/1/on", "/current/fx/1/mode"} <= addresses


@pytest.mark.parametrize("entries, expected", [
    (["nope"], r"EFFECTS\[0\]: effect 'nope' not found \(the engine's own are blur"),
    ([{"effect": "blur", "size": 2}], r"EFFECTS\[0\]: blur has no input 'size' \(it has radius, on\)"),
    ([str(ROOT / "tests" / "isf" / "every_input.fs")], r"is an ISF generator, not a filter"),
    ([{"mode": 1}], r"needs an effect name"),
])
def test_a_bad_chain_is_refused_naming_the_entry(entries, expected):
    with pytest.raises(PieceError, match=expected):
        load(resolve("standby"), effects=entries)


def test_a_chain_changes_the_picture_in_order_and_on_bypasses(engines):
    plain = _frame(engines("calibration", (160, 90)), 3)
    e = engines(load(resolve("calibration"), effects=[{"effect": "mirror", "mode": 1}, "vignette"]), (160, 90),
                flash_limit=False)      # the limiter would ease the jump between chains over a second
    chained = _frame(e, 3)
    assert np.abs(chained[:, :80] - chained[:, ::-1][:, :80]).mean() < 3      # mirrored about the middle
    assert chained[:5, :5].mean() < plain[:5, :5].mean()                      # then the corners darkened
    e.player.stage.set("fx/0/on", False)
    e.player.stage.set("fx/1/on", False)
    assert np.abs(_frame(e, 2) - plain).mean() < 3                            # both bypassed: the card itself
    e.player.stage.set("fx/1/on", True)
    e.player.stage.set("fx/1/amount", 0.0)
    assert np.abs(_frame(e, 20) - plain).mean() < 3                           # an input at zero: no change


def test_a_failing_effect_is_told_once_and_bypassed(engines, operator, tmp_path):
    broken = tmp_path / "broken.fs"
    broken.write_text('/*{"INPUTS": [{"NAME": "inputImage", "TYPE": "image"}]}*/\n'
                      "void main() { gl_FragColor = nope; }\n")
    plain = _frame(engines("calibration", (96, 54)), 3)
    e = engines(load(resolve("calibration"), effects=[str(broken)]), (96, 54))
    assert np.abs(_frame(e, 3) - plain).mean() < 3
    told = [line for line in operator.stream.lines if line.startswith("[stagecraft") and "broken.fs" in line]
    assert len(told) == 1 and "calibration: effect 0 bypassed: " in told[0] and "does not compile" in told[0]


def test_a_program_gives_a_piece_its_chain_and_plays_shader_files(engines, tmp_path):
    (tmp_path / "wipe.fs").write_text((ROOT / "tests" / "isf" / "wipe.fs").read_text())
    (tmp_path / "show.toml").write_text(
        'title = "Imported"\n'
        '[[piece]]\nname = "calibration"\neffects = ["grain", { effect = "rgb_split", amount = 0.02 }]\n'
        '[[piece]]\nfile = "../../tests/isf/filter_passes.fs"\ninput = "forum"\n'
        'transition = { shader = "wipe.fs", seconds = 1 }\n'.replace("../../tests", str(ROOT / "tests")))
    program = load_program(tmp_path / "show.toml")
    first, second = program.pieces
    assert [fx.name for fx in first.module.effects] == ["grain", "rgb_split"]
    assert first.module.params["fx/1/amount"].default == 0.02
    assert second.module.images == {"inputImage": "forum"}
    assert second.transition.shader == str(tmp_path / "wipe.fs")
    e = engines(program, (160, 90), fps=30, strict=True)
    before = _frame(e, 3)
    e.go(next(i for i, c in enumerate(program.cues) if c.piece == 1))   # into the filter, through the ISF wipe
    half = _frame(e, 15)
    after = _frame(e, 30)
    assert e.crossing is None and e.player.name == "filter_passes" and "forum" in e.player.sources
    assert np.abs(half[:, :40] - before[:, :40]).mean() < np.abs(after[:, :40] - before[:, :40]).mean()
    assert np.abs(half[:, 120:] - after[:, 120:]).mean() < np.abs(half[:, 120:] - before[:, 120:]).mean()


def test_a_program_refuses_a_transition_file_that_is_not_one(tmp_path):
    (tmp_path / "show.toml").write_text('[[piece]]\nname = "standby"\n'
                                        f'transition = {{ shader = "{ROOT / "tests" / "isf" / "every_input.fs"}" }}\n')
    with pytest.raises(ProgramError, match="is not a one-pass ISF transition"):
        load_program(tmp_path / "show.toml")


def test_import_makes_a_piece_module_that_plays_the_file_kept_as_written(engines, tmp_path, monkeypatch, capsys):
    pieces, shaders = tmp_path / "pieces", tmp_path / "shaders"
    pieces.mkdir()
    for module in (tools, imported):
        monkeypatch.setattr(module, "SHADER_DIR", shaders)
    monkeypatch.setattr(tools, "PIECE_DIR", pieces)
    source = ROOT / "tests" / "isf" / "imported.fs"
    assert tools.cmd_import(type("Args", (), {"file": source, "name": None})()) == 0
    copied = shaders / "imported" / "imported"
    assert sorted(p.name for p in copied.iterdir()) == ["imported.fs", "imported_mark.png"]
    assert (copied / "imported.fs").read_bytes() == source.read_bytes()
    piece = load(pieces / "imported.py")
    assert piece.title == "Imported" and "IMPORTED image beside the file" in piece.note
    assert set(piece.params) == {"tiles"}
    f = _frame(engines(piece, (64, 32)))
    assert f[4, 4, 0] > 200
    with pytest.raises(tools.UsageError, match="already exists"):
        tools.cmd_import(type("Args", (), {"file": source, "name": None})())


def test_a_programs_own_chain_runs_over_the_whole_output_and_answers_on_output(engines, tmp_path):
    (tmp_path / "show.toml").write_text('effects = [{ effect = "mirror", mode = 1 }]\n'
                                        '[[piece]]\nname = "calibration"\n')
    program = load_program(tmp_path / "show.toml")
    assert list(program.effect_params) == ["fx/0/mode", "fx/0/on"]
    e = engines(program, (160, 90), flash_limit=False)
    f = _frame(e, 3)
    assert np.abs(f[:, :80] - f[:, ::-1][:, :80]).mean() < 3          # the card, mirrored on the way out
    (entry,) = e.osc.space().resolve("/output/fx/0/on")
    entry.act(e.osc, entry.parse((False,)), "test")
    g = _frame(e, 2)
    assert np.abs(g[:, :80] - g[:, ::-1][:, :80]).mean() > 10         # off: the card as it is
    with pytest.raises(ProgramError, match=r"the output's effects: EFFECTS\[0\]: effect 'nope' not found"):
        (tmp_path / "bad.toml").write_text('effects = ["nope"]\n[[piece]]\nname = "calibration"\n')
        load_program(tmp_path / "bad.toml")


@pytest.mark.parametrize("name", effects.available())
def test_each_of_the_engines_own_effects_compiles_and_changes_the_picture(engines, name):
    plain = _frame(engines("calibration", (96, 54), flash_limit=False), 3)
    e = engines(load(resolve("calibration"), effects=[name]), (96, 54), strict=True, flash_limit=False)
    assert np.abs(_frame(e, 3) - plain).mean() > 0.5
