"""Template

The starting point for a new piece: `python run.py new my_piece` copies this file and its shader.
Say here, in a few sentences, what the audience sees and what their input does: this text is the
program note.
"""
import math

from stagecraft import Color, Event, Float, Point2D, cue
from stagecraft.sound import bus, noise, triangle, voices

SHADER = "_template.frag"   # shaders/<name>.frag; saved edits reload while the piece runs

SOUND = {                   # tracks: a source, then effects; play them with stage.note / stage.sound_set
    "air": noise("pink", amp=0.03).lowpass(700).gain(0.5),
    "ping": voices(triangle(amp=0.25).adsr(0.003, 0.9, 0.0, 0.4).lowpass(2400), count=4).send("room", 0.5),
    "room": bus().reverb(decay=3.5, mix=1.0),
}

PARAMS = {                  # each one is a uniform of the same name in the shader
    "breath": Float(0.5, 0.0, 1.0, smooth=0.8, doc="how far the circle breathes"),
    "ink": Color((0.957, 0.945, 0.910, 1.0), smooth=0.5, doc="the circle's colour"),
    "focus": Point2D((0.5, 0.5), smooth=0.3, doc="where the circle sits"),
    "pulse": Event(doc="a ripple from the centre"),
}


def setup(stage):
    """Make the piece's state. Everything the piece remembers lives in what this returns."""
    return {"ripples": []}


def update(stage, state, dt):
    """Change the state; read parameters from stage.p. Do not draw here."""
    if stage.p.pulse:
        state["ripples"].append(stage.time)
        stage.note("ping", 76, dur=None)                     # E5, rings out on its envelope
    swell = 0.5 + 0.5 * math.sin(stage.time * 1.3)          # the circle's breath, heard as air
    stage.sound_set("air.amount", 0.2 + 0.8 * stage.p.breath * swell, seconds=0.1)
    state["ripples"] = [t for t in state["ripples"] if stage.time - t < 3.0][-4:]
    ages = [stage.time - t for t in state["ripples"]] + [-1.0] * 4
    stage.uniforms(ripples=ages[:4])


@cue("rest", note="the circle settles")
def rest(stage, state):
    stage.glide("breath", 0.1, seconds=4, curve="ease")


@cue("wake", note="the circle breathes wide")
def wake(stage, state):
    stage.glide("breath", 0.9, seconds=2, curve="ease")
    stage.fire("pulse")
