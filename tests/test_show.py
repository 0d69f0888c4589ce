"""The program file and show control: cue order, pre-wait, auto-continue, auto-follow, a piece's
follow, loop, and the errors a stage manager gets for a bad program. Time is stepped by hand."""
import pytest

from stagecraft.show.program import Program, ProgramError, load_program, resolve_program
from stagecraft.show.control import Show


TWO = '''
title = "Two"
transition = { kind = "crossfade", seconds = 2 }

[[piece]]
name = "calibration"
follow = 30

  [[piece.cue]]
  name = "grid"
  pre_wait = 1.5
  continue = true

  [[piece.cue]]
  name = "bars"
  follow = 4

  [[piece.cue]]
  name = "white"
  actions = [{ glide = "sweep_speed", to = 1.5, seconds = 2, curve = "ease" }, { cue = "white" }]

[[piece]]
name = "standby"
transition = { shader = "transitions/smile_wipe.frag", seconds = 3 }
'''


class Recorder:
    def __init__(self, program, loop=False):
        self.log = []
        self.show = Show(program, lambda piece, t: self.log.append(("enter", piece, t.kind)),
                         lambda cue: self.log.append(("run", cue.number)), loop=loop)

    def at(self, t):
        self.show.tick(t)
        return self


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(TWO)
    return load_program(path)


def test_the_default_program_loads_six_pieces_in_order():
    p = load_program(resolve_program("smiles_for_all"))
    names = [piece.module.name for piece in p.pieces]
    assert names == ["smile_credits", "smile_bazaar", "forum", "commodification", "empathy_echo", "smiles_for_all"]
    assert p.cues[0].enter.kind == "black" and p.cues[p.find("2")].enter.shader == "transitions/smile_wipe.frag"
    assert p.find("crash") is not None and p.find("forum:mediate") is not None


def test_numbers_actions_and_transitions(two):
    assert [c.number for c in two.cues] == ["1", "1.1", "1.2", "1.3", "2", "2.1"]
    assert two.cues[5].name == "hold", "a piece with no cues listed keeps its own"
    assert two.cues[0].enter.kind == "cut", "the first piece is cut in unless it says otherwise"
    assert two.cues[4].enter.kind == "shader" and two.cues[4].enter.seconds == 3
    white = two.cues[3]
    assert [a.kind for a in white.actions] == ["glide", "cue"] and white.actions[0].curve == "ease"
    assert two.find("standby") == 4 and two.find("calibration:bars") == 2


def test_go_pre_wait_auto_continue_and_auto_follow(two):
    r = Recorder(two)
    r.show.start()
    assert r.log == [("enter", 0, "cut")] and r.show.standby.name == "grid"
    r.show.go()                                        # grid: 1.5 s pre-wait, then continues
    r.at(1.4)
    assert r.log[-1] == ("enter", 0, "cut")
    r.at(1.5)
    assert r.log[-2:] == [("run", "1.1"), ("run", "1.2")], "continue fires bars as grid runs"
    r.at(5.4)
    assert r.log[-1] == ("run", "1.2")
    r.at(5.5)
    assert r.log[-1] == ("run", "1.3"), "bars follows on to white after 4 s"
    assert r.show.standby.enter is not None


def test_a_pieces_follow_moves_on_wherever_its_cues_are(two):
    r = Recorder(two)
    r.show.start()
    r.at(29.9)
    assert ("enter", 1, "shader") not in r.log
    r.at(30.0)
    assert r.log[-1] == ("enter", 1, "shader") and r.show.piece == 1
    assert r.show.standby.name == "hold"


def test_loop_returns_to_the_first_piece(two):
    r = Recorder(two, loop=True)
    r.show.start()
    r.at(30.0)
    r.show.go()                                        # hold, the last cue
    assert r.show.standby is None
    r.show.go()
    assert r.log[-1] == ("enter", 0, "cut") and r.show.piece == 0


def test_fire_does_not_move_the_playhead_and_rewind_clears_timers(two):
    r = Recorder(two)
    r.show.start()
    r.show.fire(3)
    r.at(0.0)
    assert r.log[-1] == ("run", "1.3") and r.show.standby.name == "grid"
    r.show.go()
    r.show.rewind()
    r.at(10.0)
    assert ("run", "1.1") not in r.log and r.show.standby.name == "grid"


def test_start_from_a_piece_and_a_cue(two):
    r = Recorder(two)
    r.show.start(two.find("standby"))
    assert r.log == [("enter", 1, "shader")] and r.show.standby.name == "hold"
    r = Recorder(two)
    r.show.start(two.entry(0), standby=two.find("calibration:white"))
    assert r.show.standby.name == "white"


def test_a_single_piece_program_is_the_pieces_own_cues():
    from stagecraft.piece.module import load, resolve
    p = Program.single(load(resolve("calibration")))
    assert [c.name for c in p.cues[1:]] == ["card", "grid", "bars", "white", "outputs"]
    assert [c.number for c in p.cues[1:]] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("old, new, says", [
    ('name = "calibration"', "name = \"nope\"", "unknown piece 'nope'"),
    ('name = "grid"\n  pre_wait = 1.5', 'name = "grid"\n  pre_wait = -1', "pre_wait must be a number of seconds"),
    ('{ glide = "sweep_speed"', '{ glide = "sweep_sped"', "has no parameter 'sweep_sped'"),
    ('to = 1.5, seconds = 2', 'to = "fast", seconds = 2', "cannot be 'fast'"),
    ('{ cue = "white" }', '{ cue = "blue" }', "has no cue 'blue'"),
    ('{ kind = "crossfade", seconds = 2 }', '{ kind = "swirl" }', "kind 'swirl' must be one of"),
    ('name = "bars"', 'name = "bars"\n  number = "1.1"', "cue number '1.1' is used twice"),
    ('name = "white"', 'name = "white"\n  prewait = 3', "unknown key 'prewait'"),
    ('follow = 30', 'folow = 30', "unknown key 'folow'"),
    ('{ cue = "white" }', '{ send = "/lights/go" }', "needs to = \"host:port\""),
])
def test_a_bad_program_says_what_to_fix(tmp_path, old, new, says):
    path = tmp_path / "bad.toml"
    path.write_text(TWO.replace(old, new, 1))
    with pytest.raises(ProgramError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load_program(path)
