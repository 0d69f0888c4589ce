"""Smiles for All

The Smiles for All Collective, and its barter. Every smile the audience made or bartered during
the evening joins a mosaic, and together they form one great smile whose every trait is the mean
of theirs. The Smile Credits ticker crashes to zero. Barter lines join everyone. Joining adds a
new smile to the mosaic as you watch; cheering brightens the whole. The dissonances of the
evening sound together at first, and resolve into one chord.
"""
import numpy as np

from stagecraft import Float, button, cue
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "great_smile.frag"
SHADERS = ["mosaic.frag", "trade_arc.frag"]

GESTURES = [button("join", "Join the Collective", "/audience/join", name=True)]

PARAMS = {
    "index": Float(1.0, 0.0, 1.0, doc="the Smile Credits index, as a share of its peak"),
    "lines": Float(0.0, 0.0, 1.0, smooth=2.0, doc="barter lines joining every smile"),
    "warmth": Float(0.85, 0.3, 1.5, smooth=1.0, doc="the mosaic's brightness before cheering"),
}

SOUND = {**patches.resolution(), **patches.pings()}
CLUSTER = (48, 54, 61, 66, 71, 73)       # the evening's dissonances, held together
CHORD = (36, 48, 55, 60, 64, 67, 72, 76)  # C major, open and wide: where they resolve

BOX = (0.5, 0.5, 0.86)             # the great smile: centre and height of its 2:1 box
GREAT_OPEN = 0.9
COMMUNITY = 160                    # the Collective's own smiles, there before anyone joins
PEAK_INDEX = 1042.7
NEW_GLOW_S = 3.0
CHIMES = 12                        # the ping voices: more new smiles at once would only steal each other
CHIME_GAP_S = 0.125
LAYOUT_GAP_S = 1.0                 # a house joining at once: the mosaic makes room once a second


def setup(stage):
    stage.target("great")
    rng = stage.rng
    community = [sm.random(rng) for _ in range(COMMUNITY)]
    for pitch in CLUSTER:
        stage.note("chord", pitch, velocity=0.5, dur=None)
    state = {"smiles": community, "born": [-1e9] * COMMUNITY, "made": stage.audience.made, "dirty": True,
             "tiles": None, "pairs": [], "arcs": [], "chimed_at": -1.0, "laid_at": -1e9, "shown": 0}
    evening = stage.audience.contributions   # the evening's smiles so far join as the piece opens
    _join(state, evening, stage.time)
    for k, c in enumerate(evening[-CHIMES:]):      # a cascade over the glow, not a ping for each
        stage.note("ping", 84 + (c.seed % 5) * 2, velocity=0.4, at=NEW_GLOW_S * k / CHIMES)
    return state


def _join(state, contributions, now: float) -> None:
    for c in contributions:
        state["smiles"].append(sm.from_contribution(c.kind, c.seed))
        state["born"].append(now)
        if c.kind == "barter" and len(c.ints) == 2:
            state["pairs"].append(tuple(int(k) for k in c.ints))
    state["dirty"] = True


def _grid(great, side: int):
    i = np.arange(side * side)
    u = ((i % side + 0.5) / side - 0.5) * 4.0          # smile units: x -2..2, y -1..1
    v = ((i // side + 0.5) / side - 0.5) * 2.0
    return u, v, sm.silhouette(great, u, v, GREAT_OPEN)


def _tiles(great, n: int, aspect: float) -> np.ndarray:
    """Tiles on the great smile: a grid of 2:1 tiles over its box, the coarsest (of even sides 12
    to 88) with at least n of them on the smile, kept only where they do, ordered from the mouth's
    centre out. The side is guessed from the share of the box the smile covers, then stepped."""
    x0, y0, h = BOX
    cover = _grid(great, 12)[2].mean()
    side = int(np.clip(2 * int(np.sqrt(n / max(cover, 0.01)) / 2), 12, 88))
    grid = _grid(great, side)
    while side > 12 and (coarser := _grid(great, side - 2))[2].sum() >= n:
        side, grid = side - 2, coarser
    while grid[2].sum() < n and side < 88:
        side += 2
        grid = _grid(great, side)
    u, v, on = grid
    u, v = u[on], v[on]
    order = np.argsort(u * u + 4.0 * v * v)
    u, v = u[order], v[order]
    return np.stack([x0 + u * h * 0.5 / aspect, y0 + v * h * 0.5,
                     np.full(len(u), 2 * h / side), np.full(len(u), h / side)], axis=1)


def update(stage, state, dt):
    a = stage.audience
    fresh = a.made - state["made"]
    if fresh > 0:
        new = a.contributions[-fresh:]
        _join(state, new, stage.time)
        if stage.time - state["chimed_at"] >= CHIME_GAP_S:                 # a new smile chimes;
            state["chimed_at"] = stage.time                                  # a crowd's, a peal
            stage.note("ping", 84 + (new[-1].seed % 5) * 2, velocity=min(0.7, 0.4 + 0.02 * fresh))
        state["made"] = a.made
    if state["dirty"] and stage.time - state["laid_at"] >= LAYOUT_GAP_S:
        state["laid_at"] = stage.time if state["shown"] else -1e9     # the opening layout is free
        smiles = state["smiles"]
        great = sm.collective(smiles[COMMUNITY:] or smiles).replace(  # their shape, the palette's warmth
            lip_r=0.70, lip_g=0.07, lip_b=0.23, enamel=0.15, veneer=0.0, gum_paint=0.0, braces=0)
        stage.texture("genomes", sm.pack([great] + smiles))
        state["tiles"] = _tiles(great, len(smiles), stage.aspect)
        state["shown"] = len(smiles)
        state["dirty"] = False
    stage.sound_set("chord.level", 0.6 + 0.4 * a.excitement, seconds=0.3)     # cheering warms it
    for arc in state["arcs"]:
        arc[2] = (arc[2] + dt / 4.0) % 1.0
    wanted = int(stage.p.lines * 16) + min(len(state["pairs"]), 12)
    while len(state["arcs"]) < wanted:
        n = len(state["smiles"])
        pair = state["pairs"][len(state["arcs"])] if len(state["arcs"]) < len(state["pairs"]) else \
            tuple(stage.rng.integers(0, n, 2))
        state["arcs"].append([pair[0] % n, pair[1] % n, float(stage.rng.random()), int(stage.rng.integers(3))])


def draw(stage, state):
    stage.clear(into="great", color=(0, 0, 0, 0))
    stage.shade(SHADER, into="great", channels=["genomes"], box=BOX, mouthOpen=GREAT_OPEN)
    stage.clear((0.043, 0.027, 0.063, 1.0))
    smiles, t = state["smiles"], state["tiles"]
    n = len(t)
    which = np.arange(n)                        # every smile has a tile; spare tiles repeat the
    which = np.where(which < state["shown"], which, which % COMMUNITY)   # Collective's, each its own
    age = stage.time - np.array(state["born"])[which]
    glow = np.clip(1.0 - age / NEW_GLOW_S, 0.0, 1.0)
    bright = stage.p.warmth + 0.6 * stage.audience.excitement
    rows = which + 1
    data = np.stack([t[:, 0], t[:, 1], t[:, 2], t[:, 3], rows, 0.55 + 0.3 * glow, glow, np.zeros(n),
                     t[:, 0], t[:, 1], np.full(n, bright), np.zeros(n)], axis=1)
    stage.instances("mosaic.frag", data.astype("f4"), channels=["genomes", "great"])
    if state["arcs"] and stage.p.lines + len(state["pairs"]) > 0:
        arcs = []
        for i, j, phase, hue in state["arcs"]:
            if i < n and j < n and i != j:       # smile i's first tile is tile i
                (ax, ay), (bx, by) = t[i, :2], t[j, :2]
                c = ((ax + bx) / 2, max(ay, by) + 0.08 + 0.15 * abs(ax - bx))
                xs, ys = (ax, bx, c[0]), (ay, by, c[1])
                arcs.append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2,
                             (max(xs) - min(xs)) * stage.aspect + 0.08, max(ys) - min(ys) + 0.08,
                             ax, ay, bx, by, *c, 0.3 + 0.25 * phase, hue))
        if arcs:
            stage.instances("trade_arc.frag", np.array(arcs, "f4"))
    value = PEAK_INDEX * stage.p.index
    ink = (1.0, 0.35, 0.35, 0.9) if stage.p.index < 1.0 else (0.24, 0.96, 1.0, 0.9)
    status = "CREDITS VOID" if value < 0.005 else "\u25bc" if stage.p.index < 1.0 else "\u25b2"
    stage.rect(0.5, 0.04, 2 * stage.aspect, 0.08, color=(0.02, 0.02, 0.04, 0.9))
    stage.text(f"SMILE CREDITS INDEX {value:,.2f}  {status}", 0.5, 0.04, size=0.034, color=ink)
    stage.text("THE SMILES FOR ALL COLLECTIVE", 0.5, 0.93, size=0.05, font="sign",
               color=(1.0, 0.92, 0.75, 0.95))
    stage.text(f"{len(smiles) - COMMUNITY} smiles from tonight  \u00b7  {COMMUNITY} from the Collective",
               0.5, 0.865, size=0.024, color=(0.95, 0.9, 0.85, 0.75))


@cue("gather", note="the mosaic as it stands: every smile of the evening")
def gather(stage, state):
    stage.set("index", 1.0)


@cue("crash", note="the Smile Credits index falls to zero")
def crash(stage, state):
    stage.glide("index", 0.0, seconds=8.0, curve="in")


@cue("join everyone", note="barter lines join every smile to another")
def join_everyone(stage, state):
    stage.glide("lines", 1.0, seconds=6.0, curve="ease")


@cue("resolve", note="the great smile, warm and whole")
def resolve(stage, state):
    stage.glide("warmth", 1.2, seconds=6.0, curve="ease")
    stage.release("chord")
    for k, pitch in enumerate(CHORD):
        stage.note("chord", pitch, velocity=0.7, dur=None, at=0.15 * k)
