"""The Forum

Dr. Elyse Harlow's public forum on dental equity. The stage is split: on one side the elite,
chrome and identical, cold under a grid; on the other the Bazaar, warm and various. Votes push
the dividing line, and a smile that finds itself on the other side becomes what that side is.
The more the room disagrees, the more the seam fractures. Fragments of the debate drift across
it. The mediator's cue softens the seam into a meeting ground. Two harmonic fields sound the two
sides; the more divided the room, the further the elite's field is pulled out of tune.
"""
import numpy as np

from stagecraft import Float, cue, slider
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "forum.frag"
SHADERS = ["smile.frag"]

GESTURES = [slider("vote", "Where do you stand?", "/audience/vote", -1.0, 1.0, ends=("the Bazaar", "the elite"))]

PARAMS = {
    "soften": Float(0.0, 0.0, 1.0, smooth=2.5, doc="the mediator: the seam becomes a blend"),
    "debate": Float(1.0, 0.0, 1.0, smooth=1.5, doc="the debate's words in the air"),
    "sway": Float(0.25, 0.0, 1.0, smooth=0.8, doc="how far one vote moves the seam"),
}

SOUND = patches.harmonic_fields()
FIELD = (50, 57, 62, 66, 69)          # D major, spread: the same chord on both sides, at first
COLS, ROWS = 14, 6
ELITE_ROW = COLS * ROWS          # the one smile the elite side wears, identical everywhere
NUDGE_S = 0.8                    # how long a vote's nudge to the seam lasts
BAZAAR_WORDS = ["WHO OWNS YOUR SMILE?", "A GAP IS A STORY", "CLINICS FREE OF CREDITS",
                "WE ARE NOT YOUR CATALOG", "TRADE, DON'T BUY"]
ELITE_WORDS = ["MERIT SHOWS IN THE SMILE", "CREDITS BUY CONFIDENCE", "PERFECTION IS A RIGHT",
               "STANDARDS PROTECT US", "INVEST IN YOUR FACE"]


def setup(stage):
    rng = stage.rng
    elite = sm.ideal().replace(cap=[2] * sm.MAX_TEETH, lip_r=0.55, lip_g=0.5, lip_b=0.55, arc=0.45)
    crowd = [sm.random(rng) for _ in range(COLS * ROWS)]
    stage.texture("smiles", sm.pack(crowd + [elite]))
    i = np.arange(COLS * ROWS)
    spots = np.stack([(i % COLS + 0.5 + 0.3 * (i // COLS % 2)) / (COLS + 0.3),
                      0.1 + (i // COLS) / ROWS * 0.62, rng.uniform(0, 6.28, COLS * ROWS)], axis=1)
    words = [(w, -1, row) for row, w in enumerate(BAZAAR_WORDS)] + [(w, 1, row) for row, w in enumerate(ELITE_WORDS)]
    drift = rng.uniform(0, 1, len(words))
    for pitch in FIELD:
        stage.note("field_a", pitch, velocity=0.6, dur=None)
        stage.note("field_b", pitch + 12, velocity=0.5, dur=None)
    return {"spots": spots, "line": 0.5, "nudge": 0.0, "jag": 0.0, "words": words, "drift": drift}


def update(stage, state, dt):
    a = stage.audience
    # the seam follows the room: elite votes push it toward the Bazaar, Bazaar votes the other way
    # and each vote nudges it; a crowd's nudges mostly cancel (their sum grows as the root of
    # their number), and the nudge fades, so a thousand sliders make the seam sway, never shiver
    votes = [v.amount for v in a.new("vote")]
    nudge = 0.04 * (0.5 + stage.p.sway) * sum(votes) / max(1.0, np.sqrt(len(votes)))
    state["nudge"] = float(np.clip(state["nudge"] * np.exp(-dt / NUDGE_S) - nudge, -0.3, 0.3))
    target = 0.5 - 0.4 * a.polarity * (0.4 + stage.p.sway) + state["nudge"]
    state["line"] = float(np.clip(state["line"] + (target - state["line"]) * min(1.0, dt * 3.0), 0.08, 0.92))
    state["jag"] += (a.spread - state["jag"]) * min(1.0, dt * 2.0)
    state["drift"] = (state["drift"] + dt * 0.012) % 1.0
    discord = max(state["jag"], abs(a.polarity) * 0.5) * (1.0 - stage.p.soften)
    stage.sound_set("field_b.detune", 60 * discord, seconds=0.4)
    stage.sound_set("field_a.level", 0.5 + 0.5 * (1 - state["line"]), seconds=0.4)   # the larger side louder
    stage.sound_set("field_b.level", 0.5 + 0.5 * state["line"], seconds=0.4)


def draw(stage, state):
    soften = stage.p.soften
    stage.shade(SHADER, line=state["line"], jag=state["jag"])
    spots = state["spots"]
    jag_at = state["jag"] * 0.05 * np.sin(spots[:, 1] * 23.0)
    elite_side = spots[:, 0] > state["line"] + jag_at
    rows = np.where(elite_side, ELITE_ROW, np.arange(len(spots)))
    size = 0.085 - 0.03 * spots[:, 1]
    mouths = np.where(elite_side, 0.7, 0.55 + 0.25 * np.sin(stage.time * 1.1 + spots[:, 2]))
    bob = np.where(elite_side, 0.0, 0.006 * np.sin(stage.time * 0.9 + spots[:, 2]))
    grey = np.where(elite_side, 0.35 * (1 - soften), 0.0)
    data = np.stack([spots[:, 0], spots[:, 1] + bob, size * 2, size, rows, mouths, grey,
                     np.zeros(len(spots))], axis=1)
    stage.instances("smile.frag", data.astype("f4"), channels=["smiles"])
    if stage.p.debate > 0.01:
        for (text, side, row), u in zip(state["words"], state["drift"]):
            x = state["line"] + side * (0.1 + 0.3 * abs(2 * u - 1))     # drifting out and back
            if 0.05 < x < 0.95:
                ink = (1.0, 0.72, 0.35, stage.p.debate * 0.9) if side < 0 else (0.78, 0.83, 0.87, stage.p.debate * 0.9)
                stage.text(text, x, 0.77 + 0.045 * row, size=0.03, font="sign" if side < 0 else "mono", color=ink)
    stage.text("THE FORUM ON DENTAL EQUITY  \u00b7  moderated by Dr. Elyse Harlow", 0.5, 0.035,
               size=0.026, color=(0.96, 0.94, 0.9, 0.8))


@cue("open floor", note="the forum opens: the room is still undivided")
def open_floor(stage, state):
    stage.set("soften", 0.0)
    stage.glide("debate", 1.0, seconds=2.0)


@cue("mediate", note="Dr. Harlow mediates: the seam softens into a meeting ground")
def mediate(stage, state):
    stage.glide("soften", 0.85, seconds=6.0, curve="ease")


@cue("harden", note="the debate flares again: the seam hardens")
def harden(stage, state):
    stage.glide("soften", 0.0, seconds=2.0, curve="in")
