"""Listener

A piece for the tests: each update writes down what it saw of the outside world (a parameter, an
event, the audience's acts and the performer), so a test can tell in which frame a message landed.
"""
from stagecraft import Event, Float, cue

PARAMS = {
    "level": Float(0.0, 0.0, 1.0, doc="any value"),
    "poke": Event(doc="counted per frame"),
}


def setup(stage):
    return {"seen": []}


def update(stage, state, dt):
    state["seen"].append({"frame": stage.frame, "level": stage.p.level, "poke": stage.p.poke,
                          "echo": [a.text for a in stage.audience.new("echo")],
                          "voice": stage.performer.voice, "hand": stage.performer.hand})


def draw(stage, state):
    stage.clear()


@cue("one")
def one(stage, state):
    stage.glide("level", 1.0, seconds=10)


@cue("two")
def two(stage, state):
    stage.set("level", 0.5)
