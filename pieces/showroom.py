"""The Showroom

A wall of identical catalog smiles, each for sale. Now and then one is sold and its gold lingers on
the wall, draining slowly. Nothing on the wall is anyone's own. A Shadertoy export written for
Stagecraft, played through run.py import.

By Stagecraft on Shadertoy
"""
from stagecraft import shader_file

# `run.py import` made this piece from showroom.json; the file is kept as it was written, in
# shaders/imported/showroom/. Add cues, SOUND, GESTURES or EFFECTS here as in any piece.
SHADER_FILE = shader_file("imported/showroom/showroom.json")
PARAMS, GRAPH, IMAGES, NOTES = SHADER_FILE.PARAMS, SHADER_FILE.GRAPH, SHADER_FILE.IMAGES, SHADER_FILE.NOTES


def setup(stage):
    return SHADER_FILE.setup(stage)


def update(stage, state, dt):
    pass
