"""Commodification

Juno Voss's live performance. One mouth fills the stage, wrapped in everything that is sold to
it: chrome veneer foil, a barcode label, logos, SALE stickers. Her voice opens the mouth. Her
gestures tear the layers away like foil, first the stickers, then the chrome, until her own smile
shows. Every echo from the audience runs through the picture as a glitch. Her voice is heard
granulated; every tear crackles, and the glitches distort. With a camera (--camera), the chrome
can reflect the room: whoever looks at the wrapped mouth sees themselves in its foil.
"""
import numpy as np

from stagecraft import Float, cue, text
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "commodification.frag"
SHADERS = ["tear.frag", "sticker.frag"]

GESTURES = [text("echo", "Say something to Juno")]

PARAMS = {
    "voice_gain": Float(1.0, 0.0, 3.0, doc="how far her voice opens the mouth"),
    "tear_speed": Float(0.6, 0.1, 3.0, doc="hand speed (screens per second) at which a gesture tears"),
    "glitch_decay": Float(1.2, 0.2, 5.0, doc="seconds an echo's glitch takes to fade"),
    "mirror": Float(0.0, 0.0, 1.0, smooth=1.0, doc="the foil reflects the room as the camera sees it "
                    "(with --camera); 0: a studio's light"),
}

SOUND = {**patches.grains(), **patches.tearing()}
RESLICE_S = 0.5        # the glitch's slices move at most twice a second, however many echo at once

# kind (0 starburst, 1 badge, 2 label), colour, x, y, size, text
STICKERS = [
    (0, 0, 0.30, 0.68, 0.16, "SALE\n-40%"),
    (1, 2, 0.71, 0.66, 0.13, "SMILE+"),
    (2, 1, 0.62, 0.34, 0.12, "VENEER\n2,400 SC"),
    (0, 1, 0.78, 0.42, 0.12, "NEW!"),
    (1, 0, 0.22, 0.36, 0.11, "DENTIQUE"),
    (2, 2, 0.42, 0.27, 0.09, "CERTIFIED\nWHITE"),
]


def setup(stage):
    stage.feedback("torn", float=True, scale=0.5)
    stage.target("wrap")
    juno = sm.random(stage.rng).replace(width=1.25, arc=0.8, gap=[0, 0, 0, 0, 0, 0.22, 0, 0, 0, 0, 0, 0],
                                        veneer=0.0, lip_r=0.62, lip_g=0.12, lip_b=0.25)
    stage.texture("juno", sm.pack([juno]))
    return {"hand": None, "open": 0.2, "glitch": 0.0, "seed": 0.0, "seeded_at": -1.0, "force": 0.0,
            "path": (0, 0, 0, 0), "gesture": [], "tearing": False}


def update(stage, state, dt):
    voice = stage.performer.voice * stage.p.voice_gain
    state["open"] += (min(1.0, 0.12 + voice) - state["open"]) * min(1.0, dt * 12.0)
    x, y, pressed = stage.mouse
    if state["gesture"]:
        hand = state["gesture"].pop(0)          # a scripted gesture, from a cue
    else:
        hand = (x, y) if pressed else stage.performer.hand
    prev = state["hand"] or hand
    speed = float(np.hypot(hand[0] - prev[0], hand[1] - prev[1])) / max(dt, 1e-3)
    state["force"] = float(np.clip((speed - stage.p.tear_speed) / stage.p.tear_speed, 0.0, 1.0))
    state["path"] = (*prev, *hand)
    state["hand"] = hand
    if stage.audience.new("echo"):
        state["glitch"] = 1.0
        if stage.time - state["seeded_at"] >= RESLICE_S:     # a house of echoes is a storm, not a strobe
            state["seeded_at"] = stage.time
            state["seed"] = float(stage.rng.integers(1000))
    state["glitch"] *= np.exp(-dt / stage.p.glitch_decay)
    if state["force"] > 0 and not state["tearing"]:
        stage.note("tear", 60 + float(stage.rng.uniform(-3, 3)), velocity=0.6 + 0.4 * state["force"])
    state["tearing"] = state["force"] > 0
    stage.sound_set("grains.density", 4 + 60 * voice, seconds=0.05)
    stage.sound_set("grains.level", min(1.0, 0.15 + voice), seconds=0.05)
    stage.sound_set("crackle.density", 220 * state["glitch"], seconds=0.05)    # a burst, not a wall
    stage.sound_set("crackle.amount", 0.3 + 0.5 * state["glitch"], seconds=0.05)
    stage.sound_set("crackle.level", 0.35, seconds=0.05)


def draw(stage, state):
    if state["force"] > 0:
        stage.shade("tear.frag", into="torn", channels=["torn"], handPath=state["path"], force=state["force"])
    stage.clear((0, 0, 0, 0), into="wrap")
    data = [(x, y, s, s, kind, color, i * 1.7, 0) for i, (kind, color, x, y, s, _) in enumerate(STICKERS)]
    stage.instances("sticker.frag", np.array(data, "f4"), into="wrap")
    for kind, _, x, y, s, label in STICKERS:
        stage.text(label, x, y, size=s * 0.17, font="sign" if kind == 0 else "mono",
                   color=(0.08, 0.04, 0.06, 1.0), into="wrap")
    stage.shade(SHADER, channels=["juno", "torn", "wrap", stage.camera], mouthOpen=state["open"],
                glitch=state["glitch"], glitchSeed=state["seed"])
    stage.text("JUNO VOSS  \u00b7  COMMODIFICATION  \u00b7  live", 0.5, 0.04, size=0.026,
               color=(0.96, 0.94, 0.9, 0.75))


@cue("wrapped", note="the mouth, wrapped and silent, before she begins")
def wrapped(stage, state):
    state["glitch"] = 0.0


@cue("strip", note="a scripted gesture, twice across the mouth: stickers, then the foil, come away")
def strip(stage, state):
    sweep = [(0.12 + 0.76 * k / 14, 0.58 - 0.12 * k / 14) for k in range(15)]
    state["gesture"] = sweep + sweep[::-1]
