"""Metronome

A piece for the tests: a click on the show's beat (Link's with --link) and a field whose colour
is the bar's phase read in the shader (iPhase), so a test sees the beat in the picture and hears
it in the sound.
"""
from stagecraft import Float, cue
from stagecraft.sound import sine, voices

PARAMS = {
    "level": Float(0.0, 0.0, 1.0, doc="brightness of the lower half"),
}

SOUND = {"click": voices(sine(amp=0.8).adsr(0.001, 0.02, 0.0, 0.01), count=4)}

SHADER = "metronome.frag"


def setup(stage):
    return {"heard": []}


def update(stage, state, dt):
    state["heard"].append((stage.frame, stage.beat, stage.phase, stage.tempo))
    if stage.frame == 3:
        stage.note("click", 84, dur=0.02, beats=1)


@cue("drop")
def drop(stage, state):
    stage.set("level", 1.0)


@cue("fade")
def fade(stage, state):
    stage.glide("level", 0.0, beats=2)
