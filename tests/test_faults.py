"""A piece that raises does not stop the show: told once with its traceback, last good state kept."""
import socket
import threading
import time

import numpy as np
import pytest

from stagecraft.output.offline import frames
from stagecraft.osc.replies import packet
from stagecraft.piece.player import PieceFault

from .conftest import Client, wait_for, write_piece

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
    return write_piece(tmp_path, "faulty", PIECE, SHADER)


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


class SlowToCopy:
    """Copies in 3 ms on every `every`-th frame, like a state copied while the machine is busy."""

    def __init__(self, every: int):
        self.every, self.copies = every, 0

    def __deepcopy__(self, memo):
        self.copies += 1
        if self.copies % self.every == 0:
            time.sleep(0.003)
        return self


@pytest.mark.parametrize("every, stays_on", [(3, True), (1, False)])
def test_rollback_copies_stop_only_when_the_state_is_slow_to_copy_ten_frames_in_a_row(engines, faulty, operator,
                                                                                        every, stays_on):
    e = engines(faulty)
    e.player.state["slow"] = SlowToCopy(every)
    list(frames(e, 40))
    assert e.player._snapshots is stays_on
    assert ("too large to snapshot" in operator.stream.text) is not stays_on


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


def test_a_piece_whose_setup_raises_gives_way_to_standby(engines, tmp_path, operator):
    broken = tmp_path / "broken.py"
    broken.write_text(PIECE.replace('return {"n": 0, "history": []}', 'raise RuntimeError("no setup tonight")'))
    (tmp_path / "faulty.frag").write_text(SHADER)
    e = engines(str(broken))
    shown = list(frames(e, 3))
    assert e.player.name == "standby" and shown[-1].mean() > 1
    said = operator.stream.text
    assert "setup raised RuntimeError: no setup tonight" in said and "standby piece plays in its place" in said


def test_a_piece_whose_shader_does_not_compile_gives_way_to_standby(engines, tmp_path, operator):
    e = engines(write_piece(tmp_path, "faulty", PIECE, SHADER.replace("uniform float gray;", "uniform float gray")))
    list(frames(e, 2))
    assert e.player.name == "standby"
    assert "faulty.frag does not compile" in operator.stream.text


def test_a_full_disk_while_saving_the_audience_keeps_the_show_going(engines, tmp_path, operator, monkeypatch):
    """A full disk cannot be made here without privileges, so the write is made to fail with
    ENOSPC, as the kernel would fail it; everything else is real."""
    import errno
    import os

    from stagecraft.audience.state import Act, AudienceFile
    e = engines("smiles_for_all")
    e.audience_file = AudienceFile(tmp_path / "audience.json", operator)
    e.audience.take(Act("join", "ab12", 0.0, text="ana"))

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    for _ in range(3):
        assert not e.audience_file.save(e.audience)
        list(frames(e, 5))
    said = operator.stream.text
    assert said.count("cannot save the audience") == 1 and "No space left on device" in said
    assert e.audience.made == 1 and e.audience.dirty, "the audience stays in memory"
    assert not (tmp_path / "audience.json.tmp").exists() and not (tmp_path / "audience.json").exists()
    monkeypatch.undo()
    assert e.audience_file.save(e.audience) and (tmp_path / "audience.json").exists()


def test_floods_and_malformed_datagrams_on_both_ports_while_normal_input_gets_through(stage_osc):
    """One phone floods the audience port and sprays garbage at both ports; meanwhile the operator
    and another member of the audience (another address on loopback) are heard as usual."""
    e = stage_osc("smile_credits", size=(160, 90))
    ports = e.osc.ports
    stop = threading.Event()

    def flood():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        garbage = [b"\x00\x01garbage", b"#bundle\x00" + b"\xff" * 12, packet("/audience/echo", "x")[:-3],
                   b"/audience/vote\x00\x00,f\x00\x00\x7f\xc0\x00\x00"]        # the last a NaN
        cheer = packet("/audience/cheer", 1.0)
        while not stop.is_set():
            # Ten cheers a round, so even a slow CI core outruns the sender's 60 a second.
            for _ in range(10):
                s.sendto(cheer, ("127.0.0.1", ports["audience"]))
            for g in garbage:
                s.sendto(g, ("127.0.0.1", ports["audience"]))
                s.sendto(g, ("127.0.0.1", ports["control"]))
        s.close()

    thread = threading.Thread(target=flood, daemon=True)
    operator, member = Client(), Client("127.0.0.2")
    thread.start()
    try:
        assert wait_for(lambda: e.osc.counters()["osc_malformed"] > 100)
        assert wait_for(lambda: e.osc.counters()["osc_rate_limited"] > 0)
        for speed in (0.11, 0.12, 0.13):
            operator.send(ports["control"], "/current/ticker_speed", speed)
            member.send(ports["audience"], "/audience/buy", 50)
            list(frames(e, 3))
        assert wait_for(lambda: (list(frames(e, 1)) and abs(e.player.params.target("ticker_speed") - 0.13) < 1e-6), 10)
        assert wait_for(lambda: (list(frames(e, 1)) and e.player.state["purchases"] == 3), 10)
    finally:
        stop.set()
        thread.join(5)
        operator.close()
        member.close()
    c = e.osc.counters()
    assert c["osc_malformed"] > 100 and c["osc_rate_limited"] > 0 and c["osc_received"] > 0
