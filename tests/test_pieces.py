"""Every piece, in strict mode: loads, sets up, runs, fires every cue, survives every parameter at
both ends of its range, and its program note is there."""
import numpy as np
import pytest

from stagecraft import Event
from stagecraft.piece.cues import GO_GUARD_S
from stagecraft.output.offline import frames
from stagecraft.piece.module import load, resolve

from .conftest import piece_names


@pytest.mark.parametrize("name", piece_names())
def test_piece_runs_every_cue_in_strict_mode(engines, name):
    e = engines(name, strict=True)
    piece = e.player.piece
    assert piece.title and len(piece.note) > 40, "a piece needs a title and a program note"
    for last in frames(e, 5):
        pass
    for c in piece.cues:
        assert e.show.standby.name == c.name
        e.go()
        for last in frames(e, int(GO_GUARD_S * e.clock.rate) + 1):  # past double-GO protection
            pass
    assert last.shape == (90, 160, 3)
    assert e.operator.errors == 0


@pytest.mark.parametrize("name", piece_names())
def test_piece_survives_every_parameter_at_both_ends(engines, name):
    e = engines(name, strict=True)
    spec = e.player.piece.params
    for end in ("min", "max"):
        for pname, p in spec.items():
            if isinstance(p, Event):
                e.player.stage.fire(pname)
            else:
                e.player.stage.set(pname, _extreme(p, end))
        for f in frames(e, 3):
            assert np.isfinite(f).all()


def _extreme(p, end):
    if hasattr(p, end):
        return getattr(p, end)
    if p.kind == "color":
        return (0.0,) * 4 if end == "min" else (1.0,) * 4
    return end == "max"


def test_pieces_list_their_titles_without_importing():
    from stagecraft.piece.module import available
    names = dict(available())
    assert names["calibration"] == "Calibration"
    assert not any(n.startswith("_") for n in names)


def test_a_broken_piece_file_is_one_clear_error(tmp_path):
    from stagecraft.piece.module import PieceError
    bad = tmp_path / "bad.py"
    bad.write_text('"""Bad\n\nno."""\nPARAMS = {"iTime": 3}\ndef setup(stage): return {}\n')
    with pytest.raises(PieceError) as err:
        load(resolve(str(bad)))
    msg = str(err.value)
    assert "update(stage, state, dt)" in msg and "'iTime' is reserved" in msg and "SHADER" in msg
