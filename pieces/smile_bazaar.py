"""Smile Bazaar

The underground market where no smile has a price. Lantern light over a crowd of singular
smiles: gaps, gold caps, crooked and chipped teeth, braces, painted gums, each on its own stall
under a hand-lettered sign. A barter swaps traits between two stalls' smiles, and an arc carries
the trade between them. Cheering makes the whole crowd sing. The market keeps three rhythms at
once (knock in threes, shaker in fours, clave in fives); every barter is a sung call and answer.
"""
import numpy as np

from stagecraft import Event, Float, choice, cue
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "smile_bazaar.frag"
SHADERS = ["smile.frag", "trade_arc.frag"]

PARAMS = {
    "stalls_open": Float(1.0, 0.0, 1.0, smooth=1.5, doc="the stalls' smiles and signs"),
    "crowd": Float(1.0, 0.0, 1.0, smooth=2.0, doc="the crowd in front of the stalls"),
    "song": Float(0.0, 0.0, 1.0, smooth=0.4, doc="the crowd singing without being cheered"),
    "barter": Event(doc="a barter between two random stalls, from the operator"),
    "cheer": Event(doc="a cheer from the operator (the audience's own raise its excitement)"),
}

# Back row of five, front row of three: centre x, y and size, as fractions of width and height.
STALLS = [(0.1 + 0.2 * i, 0.63, 0.17, 0.26) for i in range(5)] + \
         [(0.2 + 0.3 * i, 0.33, 0.24, 0.32) for i in range(3)]
SIGNS = ["GAPS WELCOME", "GOLD FOR TRADE", "NO CREDITS HERE", "CHIPPED & PROUD",
         "BRACES? BARTER!", "PAINTED GUMS", "TRADE A TOOTH", "ALL SMILES SMILE"]
THEMES = [  # what makes each stall's smile singular
    {"gap": [0, 0, 0, 0.3, 0, 0.25, 0, 0, 0, 0, 0, 0]},
    {"cap": [0, 0, 1, 0, 1, 0, 0, 2, 0, 0, 0, 0]},
    {"tooth_rotation": [0.2, -0.15, 0.25, 0, -0.3, 0.1, 0.2, -0.2, 0, 0.15, 0, 0]},
    {"chip": [0, 0.9, 0, 0, 0.7, 0, 0, 1.0, 0, 0, 0, 0]},
    {"braces": 1},
    {"gum_paint": 0.5, "gum": 0.8},
    {"teeth": 7, "gap": [0.2] * 12},
    {"cap": [2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], "gum_paint": 0.2, "gum": 0.6},
]
GESTURES = [choice("barter", "Barter between two stalls", "/audience/barter", SIGNS, pick=2)]
SOUND = {**patches.market_percussion(), **patches.sung()}
PULSE = 60 / 132 / 2                 # an eighth note at 132 bpm: the market's smallest step
RHYTHMS = (("knock", 3, 45), ("shaker", 4, 70), ("clave", 5, 76))   # track, every n steps, pitch
SONG = (62, 65, 69, 72, 74)          # the crowd's tune, D minor pentatonic
CROWD = 90
ARC_SECONDS = 3.0
ARCS = int(ARC_SECONDS / PULSE) + 1  # every arc lives out its flight, even at one trade a step
ASKED = 16                           # barters waiting for the market's next step; older ones lapse


def setup(stage):
    rng = stage.rng
    stalls = [sm.random(rng).replace(veneer=0.0, **theme) for theme in THEMES]
    crowd = [sm.random(rng).mutate(0.15, rng) for _ in range(CROWD)]
    xs = rng.uniform(0.02, 0.98, CROWD)
    ys = rng.uniform(0.03, 0.2, CROWD)
    order = np.argsort(-ys)                              # farther (higher) first, nearer over them
    return {"stalls": stalls, "crowd": [crowd[i] for i in order],
            "spots": np.stack([xs[order], ys[order], rng.uniform(0, 6.28, CROWD)], axis=1),
            "arcs": [], "asked": [], "traded_at": -1.0, "excitement": 0.0, "dirty": True, "step": -1}


def barter(stage, state, i, j):
    """Stalls i and j swap traits; an arc carries the trade."""
    n = len(STALLS)
    i, j = i % n, j % n
    if i == j:
        j = (j + 1) % n
    state["stalls"][i], state["stalls"][j] = sm.barter(state["stalls"][i], state["stalls"][j], stage.rng)
    state["arcs"].append([i, j, 0.0, int(stage.rng.integers(3))])
    call = SONG[i % len(SONG)] + 12
    stage.sound_set("sung.vowel", float(i % 5), seconds=0.0)
    stage.note("sung", call, velocity=0.9, dur=0.4)                      # the call from one stall
    stage.note("sung", SONG[j % len(SONG)] + 7, velocity=0.8, dur=0.6, at=0.5)   # the answer
    state["arcs"] = state["arcs"][-ARCS:]
    state["dirty"] = True


def cheer(stage, state, amount=0.35):
    state["excitement"] = min(1.0, state["excitement"] + amount)


def update(stage, state, dt):
    state["asked"] = (state["asked"] + [tuple(act.smiles) for act in stage.audience.new("barter")])[-ASKED:]
    for _ in range(stage.p.barter):
        i, j = stage.rng.choice(len(STALLS), 2, replace=False)
        state["asked"].append((int(i), int(j)))
    if state["asked"] and stage.time - state["traded_at"] >= PULSE:   # one trade a step at most:
        state["traded_at"] = stage.time                     # a house of barters is a busy market, not a blur
        barter(stage, state, *state["asked"].pop(0))
    for _ in range(stage.p.cheer):
        cheer(stage, state)
    state["excitement"] *= np.exp(-dt / 4.0)
    step = int(stage.time / PULSE)
    if step != state["step"]:
        state["step"] = step
        for track, every, pitch in RHYTHMS:
            if step % every == 0:
                stage.note(track, pitch, velocity=0.5 + 0.3 * ((step // every) % 2), sync=PULSE)
        voice = _voice(stage, state)
        if voice > 0.2 and step % 4 == 0:                                   # the crowd sings
            stage.note("sung", SONG[(step // 4) % len(SONG)], velocity=min(1.0, voice), dur=PULSE * 3.5,
                       sync=PULSE)
    for arc in state["arcs"]:
        arc[2] += dt / ARC_SECONDS
    state["arcs"] = [a for a in state["arcs"] if a[2] < 1.0]
    if state["dirty"]:
        stage.texture("smiles", sm.pack(state["stalls"] + state["crowd"]))
        state["dirty"] = False


def _voice(stage, state):
    """How much the crowd sings: the audience's cheering, the operator's, or the song cue."""
    return max(stage.audience.excitement * 2.0, state["excitement"], stage.p.song)


def _singing(stage, state, phase):
    voice = _voice(stage, state)
    return 0.45 + 0.5 * voice * (0.5 + 0.5 * np.sin(stage.time * 5.0 + phase))


def draw(stage, state):
    w, h = stage.size
    opened = stage.p.stalls_open
    rects = [(x * w, y * h, sx * w * 0.5, sy * h * 0.5) for x, y, sx, sy in STALLS]
    stage.shade(SHADER, stalls=rects, stallCount=len(STALLS), glow=_voice(stage, state))
    n = len(STALLS)
    if opened > 0.01:
        stall_smiles = [(x, y - sy * 0.08, sy * 1.6, sy * 0.8, i, _singing(stage, state, i * 1.3), 0,
                         0.3 * _voice(stage, state), 0, 0, 0, opened) for i, (x, y, sx, sy) in enumerate(STALLS)]
        stage.instances("smile.frag", np.array(stall_smiles, "f4"), channels=["smiles"])
        for (x, y, sx, sy), sign in zip(STALLS, SIGNS):
            top = y + sy * 0.5
            stage.rect(x, top - sy * 0.33, sx * w / h * 0.8, sy * 0.13, color=(0.96, 0.88, 0.70, opened))
            stage.text(sign, x, top - sy * 0.33, size=sy * 0.085, font="sign",
                       color=(0.25, 0.08, 0.05, opened))
    if stage.p.crowd > 0.01:
        spots = state["spots"]
        size = 0.05 + 0.09 * (0.2 - spots[:, 1]) / 0.17
        sway = 0.004 * np.sin(stage.time * 1.3 + spots[:, 2])
        zero = np.zeros(CROWD)
        crowd = np.stack([spots[:, 0] + sway, spots[:, 1], size * 2, size, n + np.arange(CROWD),
                          _singing(stage, state, spots[:, 2]), zero, zero, zero, zero, zero,
                          np.full(CROWD, stage.p.crowd)], axis=1)
        stage.instances("smile.frag", crowd.astype("f4"), channels=["smiles"])
    if state["arcs"]:
        arcs = [_arc(stage.aspect, i, j, age, hue) for i, j, age, hue in state["arcs"]]
        stage.instances("trade_arc.frag", np.array(arcs, "f4"))


def _arc(aspect, i, j, age, hue):
    """The arc's bounding quad (with a margin for its glow) and its ends and control point."""
    (ax, ay, _, ah), (bx, by, _, bh) = STALLS[i], STALLS[j]
    a, b = (ax, ay + ah * 0.1), (bx, by + bh * 0.1)
    c = ((ax + bx) / 2, max(ay, by) + 0.18 + 0.1 * abs(ax - bx))
    xs, ys = (a[0], b[0], c[0]), (a[1], b[1], c[1])
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return (cx, cy, (max(xs) - min(xs)) * aspect + 0.1, max(ys) - min(ys) + 0.1, *a, *b, *c, age, hue)


@cue("dusk", note="the market before it opens: lanterns only")
def dusk(stage, state):
    stage.set("stalls_open", 0.0)
    stage.set("crowd", 0.0)


@cue("open", note="the stalls open, signs up")
def open_stalls(stage, state):
    stage.glide("stalls_open", 1.0, seconds=3.0, curve="out")


@cue("crowd", note="the crowd gathers in front of the stalls")
def gather(stage, state):
    stage.glide("crowd", 1.0, seconds=5.0, curve="ease")


@cue("trade", note="a scripted barter: gold for gaps, across the market")
def trade(stage, state):
    barter(stage, state, 1, 6)


@cue("song", note="the crowd sings, as if cheered; the lanterns swell")
def song(stage, state):
    stage.glide("song", 0.8, seconds=2.0, curve="ease")
