"""A piece that raises does not stop the show: told once with its traceback, last good state kept."""
import numpy as np
import pytest

from stagecraft.offline import frames
from stagecraft.player import PieceFault

PIECE = '''"""Faulty

A piece that raises on purpose, for the tests."""
from stagecraft import Event, Float, cue

SHADER = "faulty.frag"
PARAMS = {"boom": Event(), "level": Float(0.5, 0, 1)}

def setup(stage):
    return {"n": 0, "history": []}

def update(stage, state, dt):
    state["n"] += 1
    state["history"].append(state["n"])
    if stage.p.boom:
        raise RuntimeError("update blew up")
    stage.uniforms(n=float(state["n"]))

def draw(stage, state):
    stage.shade(SHADER)
    if state.get("draw_fails"):
        stage.shade("faulty.frag", gray=0.0)
        raise ValueError("draw blew up")

@cue("break-draw")
def break_draw(stage, state):
    state["draw_fails"] = True

@cue("bad-cue")
def bad_cue(stage, state):
    state["n"] = -100
    1 / 0
'''
SHADER = """uniform float n;
uniform float gray;
void mainImage(out vec4 c, in vec2 p) { c = vec4(vec3(level * fract(n * 0.1) + gray), 1.0); }
"""


@pytest.fixture
def faulty(tmp_path):
    (tmp_path / "faulty.frag").write_text(SHADER)
    path = tmp_path / "faulty.py"
    path.write_text(PIECE)
    return str(path)


def test_update_that_raises_is_told_once_and_state_rolls_back(engines, faulty, operator):
    e = engines(faulty)
    list(frames(e, 3))
    for _ in range(5):
        e.player.stage.fire("boom")
        list(frames(e, 1))
    list(frames(e, 2))
    said = operator.stream.text
    assert said.count("update raised RuntimeError: update blew up") == 1
    assert "Traceback" in said and "faulty.py" in said
    assert operator.errors == 5
    assert e.player.state["n"] == 5 and e.player.state["history"] == [1, 2, 3, 4, 5]


def test_draw_that_raises_keeps_the_last_good_frame_on_screen(engines, faulty, operator):
    e = engines(faulty)
    before = [f.copy() for f in frames(e, 3)]
    assert not np.array_equal(before[-2], before[-1]), "frames must change while draw succeeds"
    good = before[-1]
    e.go()                                      # cue 1 makes draw raise after drawing a grey pass
    after = [f.copy() for f in frames(e, 3)]
    assert all(np.array_equal(good, f) for f in after)
    assert operator.stream.text.count("draw raised ValueError") == 1


def test_a_cue_that_raises_leaves_state_as_it_was(engines, faulty, operator):
    e = engines(faulty)
    list(frames(e, 2))
    e.show.move(1)
    e.go()
    assert e.player.state["n"] == 2
    assert "cue 'bad-cue' raised ZeroDivisionError" in operator.stream.text
    list(frames(e, 2))
    assert e.player.state["n"] == 4


def test_strict_mode_makes_a_raise_fatal(engines, faulty):
    e = engines(faulty, strict=True)
    list(frames(e, 1))
    e.player.stage.fire("boom")
    with pytest.raises(PieceFault, match="update raised RuntimeError"):
        list(frames(e, 1))


def test_a_bad_uniform_value_is_told_once_and_drawing_goes_on(engines, faulty, operator):
    e = engines(faulty)
    list(frames(e, 1))
    e.player.state["n"] = "abc"                 # update passes it on as a uniform each frame
    e.player.piece.module.update = lambda stage, state, dt: stage.uniforms(n=state["n"])
    e.player.piece.update = e.player.piece.module.update
    shown = list(frames(e, 3))
    assert operator.stream.text.count("uniform 'n' cannot take 'abc'") == 1
    assert len(shown) == 3
