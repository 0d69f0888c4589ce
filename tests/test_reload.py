"""Hot reload: a saved edit takes effect while the piece runs; a broken save changes nothing but
a message to the operator; state carries over when it still fits."""
import os

import numpy as np
import pytest

from stagecraft.output.offline import frames

PIECE = '''"""Live

Edited while it runs."""
from stagecraft import Float

SHADER = "live.frag"
PARAMS = {"level": Float(0.5, 0, 1)}

def setup(stage):
    return {SETUP}

def update(stage, state, dt):
    state["n"] += 1
    stage.uniforms(tone=TONE)
'''
SHADER = "uniform float tone;\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(vec3(tone * GAIN), 1.0); }\n"


def _save(path, text, bump=[0]):
    path.write_text(text)
    bump[0] += 1
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump[0] * 1_000_000_000))


@pytest.fixture
def live(tmp_path):
    piece = tmp_path / "live.py"
    shader = tmp_path / "live.frag"
    _save(shader, SHADER.replace("GAIN", "1.0"))
    _save(piece, PIECE.replace("{SETUP}", '{"n": 0}').replace("TONE", "0.25"))
    return piece, shader


def _level(e) -> float:
    return float(list(frames(e, 1))[-1].mean())


def test_saved_python_takes_effect_and_state_carries_over(engines, live, operator):
    piece, _ = live
    e = engines(str(piece))
    assert abs(_level(e) - 64) < 2
    list(frames(e, 4))
    _save(piece, PIECE.replace("{SETUP}", '{"n": 0}').replace("TONE", "0.75"))
    e.reload_changed()
    assert abs(_level(e) - 191) < 2
    assert e.player.state["n"] == 6, "state carried over, not restarted"
    assert "reloaded; state carried over" in operator.stream.text


def test_a_changed_state_shape_restarts_from_setup_and_says_why(engines, live, operator):
    piece, _ = live
    e = engines(str(piece))
    list(frames(e, 5))
    _save(piece, PIECE.replace("{SETUP}", '{"n": 0, "crowd": []}').replace("TONE", "0.25"))
    e.reload_changed()
    list(frames(e, 1))
    assert e.player.state == {"n": 1, "crowd": []}
    assert "state restarted from setup (new crowd)" in operator.stream.text


def test_a_syntax_error_keeps_the_last_good_module_running(engines, live, operator):
    piece, _ = live
    e = engines(str(piece))
    before = _level(e)
    _save(piece, PIECE.replace("{SETUP}", '{"n": 0').replace("TONE", "0.75"))
    e.reload_changed()
    assert abs(_level(e) - before) < 1 and e.player.state["n"] == 2
    said = operator.stream.text
    assert "does not import" in said and "SyntaxError" in said and "last good version" in said
    _save(piece, PIECE.replace("{SETUP}", '{"n": 0}').replace("TONE", "0.75"))
    e.reload_changed()
    assert abs(_level(e) - 191) < 2


def test_a_new_version_that_fails_setup_is_not_swapped_in(engines, live, operator):
    piece, _ = live
    e = engines(str(piece))
    old = e.player.piece
    _save(piece, PIECE.replace("{SETUP}", "1 / 0").replace("TONE", "0.75"))
    e.reload_changed()
    assert e.player.piece is old
    assert "failed in setup; still running the last good version" in operator.stream.text
    assert abs(_level(e) - 64) < 2


def test_a_broken_shader_save_keeps_the_last_program_and_tells_the_operator(engines, live, operator):
    piece, shader = live
    e = engines(str(piece))
    _save(shader, SHADER.replace("GAIN", "2.0"))
    e.reload_changed()
    assert abs(_level(e) - 128) < 2
    _save(shader, SHADER.replace("GAIN", "2.0 +"))
    e.reload_changed()
    assert abs(_level(e) - 128) < 2
    said = operator.stream.text
    assert "live.frag does not compile" in said and "still running the last good version" in said
    assert any("live.frag:2" in line for line in e.shader_errors()), e.shader_errors()
    _save(shader, SHADER.replace("GAIN", "3.0"))
    e.reload_changed()
    assert abs(_level(e) - 191) < 2 and e.shader_errors() == []
    assert np.isfinite(_level(e))
