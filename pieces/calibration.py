"""Calibration

A projector setup card. A square grid centred on the screen, a circle that touches the top and
bottom edges, corner circles for keystone, 75% colour bars and a grey ramp for levels, line-pair
patches for focus, and a sweep bar to see tearing. With projectors (--mapping), the "outputs"
mode gives each its own card instead: its name large, a numbered grid, circles to judge the pin
by, a 50% grey field for the blend and a black band for the uplift. The resolution and frame counter are written
on it, so the crew can read what the engine thinks it is driving. And a sound check: a 1 kHz tone
at -20 dBFS, then pink noise at the same level, left then right, two seconds each, the channel
named on screen.
"""
from stagecraft import Bool, Color, Event, Float, Int, Point2D, cue
from stagecraft.sound import noise, sine

SHADER = "calibration.frag"

SOUND = {                                        # -20 dBFS: a sine of peak 0.1, noise of its RMS
    "tone": sine(1000, amp=0.1).gain(1.0).pan(-1.0),
    "pink": noise("pink", amp=0.1).gain(0.0).pan(-1.0),
}
CHECK = (("LEFT", "tone"), ("RIGHT", "tone"), ("LEFT", "pink"), ("RIGHT", "pink"))
CHECK_SECONDS = 2.0
NAMES = {"tone": "1 kHz -20 dBFS", "pink": "pink noise -20 dBFS"}

PARAMS = {
    "grid": Int(16, 4, 64, doc="grid cells from top to bottom"),
    "sweep_speed": Float(0.25, 0.0, 2.0, smooth=0.3, doc="sweep crossings per second"),
    "mode": Int(0, 0, 4, labels=("card", "grid", "bars", "white", "outputs"),
                doc="what the card shows; outputs: each projector its own card (with --mapping)"),
    "labels": Bool(True, doc="resolution and frame counter"),
    "tint": Color((1.0, 1.0, 1.0, 1.0), smooth=0.5, doc="multiplies the whole card"),
    "center": Point2D((0.5, 0.5), doc="the cyan target, for lining up a second projector"),
    "ident": Event(doc="show the output's name large for three seconds"),
    "sound_check": Bool(True, doc="tone and pink noise, left and right in turn"),
}

IDENT_SECONDS = 3.0


def setup(stage):
    return {"sweep": 0.0, "ident_until": -1.0, "check": -1}


def update(stage, state, dt):
    state["sweep"] = (state["sweep"] + stage.p.sweep_speed * dt) % 1.0
    if stage.p.ident:
        state["ident_until"] = stage.time + IDENT_SECONDS
    stage.uniforms(sweepX=state["sweep"])
    step = int(stage.time // CHECK_SECONDS) % len(CHECK) if stage.p.sound_check else -1
    if step != state["check"]:
        state["check"] = step
        sound_check(stage, CHECK[step] if step >= 0 else (None, None))


def sound_check(stage, side_and_source):
    """Fade out, move to the next side while silent, fade in: 10 ms each way, never a click."""
    side, source = side_and_source
    for track in ("tone", "pink"):
        stage.sound_set(f"{track}.amount", 0.0, seconds=0.01)
    if source:
        stage.sound_set(f"{source}.pos", -1.0 if side == "LEFT" else 1.0, seconds=0.0, at=0.01)
        stage.sound_set(f"{source}.amount", 1.0, seconds=0.01, at=0.01)


def draw(stage, state):
    stage.shade(SHADER)
    if stage.p.mode == 4:
        stage.cards()
    w, h = stage.size
    if stage.p.labels and stage.p.mode < 2:
        stage.rect(0.5, 0.86, 0.62, 0.2, color=(0, 0, 0, 0.75))
        stage.text("STAGECRAFT  CALIBRATION", 0.5, 0.92, size=0.045)
        stage.text(f"{w} x {h}", 0.5, 0.82, size=0.09)
        stage.rect(0.5, 0.07, 0.62, 0.07, color=(0, 0, 0, 0.75))
        stage.text(f"frame {stage.frame:6d}   t {stage.time:8.2f} s", 0.5, 0.07, size=0.04)
    if stage.time < state["ident_until"]:
        stage.text(f"OUTPUT {w}x{h}", 0.5, 0.5, size=0.2, color=(0.24, 0.96, 1.0, 1.0))
    if state["check"] >= 0:
        side, source = CHECK[state["check"]]
        x = 0.34 if side == "LEFT" else 0.66
        stage.rect(x, 0.18, 0.7, 0.07, color=(0, 0, 0, 0.75))
        stage.text(f"{side}  {NAMES[source]}", x, 0.18, size=0.04, color=(0.24, 0.96, 1.0, 1.0))


@cue("card", note="the whole card: grid, circles, bars, ramp, focus patches")
def card(stage, state):
    stage.set("mode", 0)


@cue("grid", note="grid alone, for lining up edges and blends")
def grid_only(stage, state):
    stage.set("mode", 1)


@cue("bars", note="full-screen 75% colour bars")
def bars(stage, state):
    stage.set("mode", 2)


@cue("white", note="a steady white field for brightness and uniformity")
def white(stage, state):
    stage.set("mode", 3)


@cue("outputs", note="each projector its own card: its name, a grid, a grey field for the blend")
def outputs(stage, state):
    stage.set("mode", 4)
