"""Camera view

A piece for the camera tests: the camera's newest frame over the whole canvas, nothing else.
"""
SHADER = "camera_view.frag"


def setup(stage):
    return {}


def update(stage, state, dt):
    pass


def draw(stage, state):
    stage.shade(SHADER, channels=[stage.camera])
