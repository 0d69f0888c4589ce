"""Standby

The calm the engine falls back to: one line of a smile breathing on the night, the time, and a
word to the room that the show goes on. It asks nothing of anyone and never changes quickly.
"""
from stagecraft import Bool, cue

SHADER = "standby.frag"

PARAMS = {
    "clock": Bool(True, doc="the time of day, small, for the house"),
}


def setup(stage):
    return {}


def update(stage, state, dt):
    pass


def draw(stage, state):
    stage.shade(SHADER)
    stage.text("the show will continue in a moment", 0.5, 0.36, size=0.032, font="sign",
               color=(0.96, 0.94, 0.9, 0.7))
    if stage.p.clock:
        seconds = int(stage.date[3])
        stage.text(f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}", 0.5, 0.08, size=0.025,
                   color=(0.24, 0.96, 1.0, 0.45))


@cue("hold", note="hold on standby")
def hold(stage, state):
    stage.set("clock", True)
