"""Checker

A piece for the projection tests: a checkerboard of 8 x 6 squares on a white border (its
inner corners are where a corner pin must put them), or a flat grey field to judge a blend by.
"""
from stagecraft import Float

PARAMS = {
    "grey": Float(0.0, 0.0, 1.0, doc="0: the checkerboard; above 0, a flat field of this grey"),
}
SHADER = "checker.frag"


def setup(stage):
    return {}


def update(stage, state, dt):
    pass
