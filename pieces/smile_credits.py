"""Smile Credits

One giant catalog smile under an augmented-reality price HUD: a tag over every tooth, a credit
score ring, a barcode etched into the enamel, a ticker of smile prices. At the margins, a crowd
of small real smiles. Every purchase whitens, straightens and widens the catalog smile, lifts the
ticker, and greys one of the real smiles at the margins: the cost is paid by others. Every
refusal cracks the veneer, and the imperfect smile beneath shows through. Purchases sound as
coins on the market's pulse; the purer the catalog smile, the more sterile its drone; refusals
bring warm, detuned chords.
"""
import numpy as np

from stagecraft import Event, Float, button, cue
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "smile_credits.frag"
SHADERS = ["smile.frag"]

GESTURES = [button("buy", "Buy a better smile", "/audience/buy"),   # what the audience's phones offer
            button("refuse", "Refuse", "/audience/refuse")]

PARAMS = {
    "hud": Float(1.0, 0.0, 1.0, smooth=1.2, doc="the price HUD: tags, ring, ticker"),
    "margins": Float(1.0, 0.0, 1.0, smooth=1.5, doc="the crowd of real smiles at the edges"),
    "ticker_speed": Float(0.06, 0.0, 0.3, smooth=0.5, doc="ticker scroll, screen widths per second"),
    "purchase_step": Float(0.22, 0.05, 0.6, doc="how far one purchase moves the smile toward the catalog"),
    "buy": Event(doc="a purchase, from the operator (the audience's is /audience/buy)"),
    "refuse": Event(doc="a refusal, from the operator (the audience's is /audience/refuse)"),
}

SOUND = {**patches.coins(), **patches.drone(110.0), **patches.warm_chords()}
BPM = 96
COIN_STEPS = (0, 2, 4, 7, 9, 12, 14, 16)       # up a major pentatonic as the purchases pile up
REFUSAL = (57, 60, 64, 67, 71)                 # A minor with a ninth: warm, detuned by the pad
COIN_GAP_S, STRUM_GAP_S = 0.125, 0.6           # the fastest coins and strums a crowd can make
INDEX_CAP = 99_999.9                           # a full house inflates the bubble to its ceiling, not to inf
PLASTER = 1.5                                  # per second: how fast purchases paper over a crack

BIG = (0.5, 0.45, 0.62)             # the big smile's box: centre x, y and height
RING = (0.11, 0.70, 0.085)
TICKER_TOP = 0.075
LEFT = [(x, y) for y in np.linspace(0.14, 0.52, 4) for x in (0.055, 0.15)]
RIGHT = [(x, y) for y in np.linspace(0.14, 0.86, 6) for x in (0.85, 0.945)]
MARGIN = LEFT + RIGHT
GOODS = ["VENEER PURE WHITE", "GAP CLOSURE", "ALIGNMENT / TOOTH", "GUM CONTOUR", "ARC LIFT",
         "GOLD REMOVAL", "SYMMETRY", "CHIP REPAIR", "WIDTH +10%"]


def setup(stage):
    rng = stage.rng
    real = sm.random(rng).replace(enamel=0.7, veneer=0.0,
                                  chip=[0, 0, 0.8, 0, 0, 0, 0, 0.6, 0, 0, 0, 0],
                                  gap=[0, 0, 0, 0, 0.18, 0, 0, 0, 0, 0, 0, 0])
    return {
        "real": real,
        "sold": sm.toward(real, sm.ideal(), 0.45),
        "crack": 0.0,                # as drawn: "cracked", healing slowly
        "cracked": 0.0,
        "coin_at": -1.0,
        "strum_at": -1.0,
        "index": 1000.0,
        "quote": None,               # (index, sold) as the HUD shows them: requoted on the pulse
        "crowd": [sm.random(rng) for _ in MARGIN],
        "paid": [],                  # margin smiles greyed so far, in the order they paid
        "grey": np.zeros(len(MARGIN)),
        "pulse": 0.0,
        "ticker": 0.0,
        "purchases": 0,
        "beat": -1,
    }


def purchase(stage, state, n):
    """n purchases this frame: each one a step toward the catalog, however many phones press at once."""
    state["sold"] = sm.toward(state["sold"], sm.ideal(), 1.0 - (1.0 - stage.p.purchase_step) ** n)
    state["cracked"] *= 0.6 ** n               # the market plasters over dissent
    for _ in range(n):
        state["index"] = min(INDEX_CAP, state["index"] * (1.0 + 0.004 + 0.01 * stage.rng.random()))
        unpaid = [i for i in range(len(MARGIN)) if i not in state["paid"]]
        if unpaid:
            state["paid"].append(int(stage.rng.choice(unpaid)))
    state["pulse"] = 1.0
    state["purchases"] += n
    if stage.time - state["coin_at"] >= COIN_GAP_S:       # a crowd's coins pour; they do not pile up
        state["coin_at"] = stage.time
        step = COIN_STEPS[state["purchases"] % len(COIN_STEPS)]
        stage.note("coin", 72 + step, velocity=min(1.0, 0.7 + 0.1 * n), sync=60 / BPM)


def refuse(stage, state, n):
    state["cracked"] = min(1.0, state["cracked"] + 0.34 * n)
    state["index"] *= 0.995 ** n
    if stage.time - state["strum_at"] >= STRUM_GAP_S:
        state["strum_at"] = stage.time
        for k, pitch in enumerate(REFUSAL):
            stage.note("chords", pitch, velocity=0.7, dur=2.5, at=0.03 * k)  # strummed, not struck


def update(stage, state, dt):
    bought, refused = stage.p.buy + len(stage.audience.new("buy")), stage.p.refuse + len(stage.audience.new("refuse"))
    if bought:
        purchase(stage, state, bought)
    if refused:
        refuse(stage, state, refused)
    # a refusal cracks the veneer at once; the market's plaster takes its time (an envelope's
    # attack and release), so a house pressing Buy and Refuse together keeps it cracked, not flickering
    c = state["cracked"]
    state["crack"] = c if c > state["crack"] else state["crack"] + (c - state["crack"]) * min(1.0, dt * PLASTER)
    target = np.isin(np.arange(len(MARGIN)), state["paid"]).astype(float)
    state["grey"] += (target - state["grey"]) * min(1.0, dt * 2.5)
    state["pulse"] *= np.exp(-dt * 2.0)
    state["ticker"] = (state["ticker"] + stage.p.ticker_speed * dt) % 1.0
    beat = int(stage.time * BPM / 60)
    if beat != state["beat"] or state["quote"] is None:
        state["beat"] = beat
        state["quote"] = (state["index"], state["sold"])    # the market quotes on its pulse, not each frame
        stage.note("pulse", 60, velocity=0.5, sync=60 / BPM)
    purity = 1.0 - sm.price(state["sold"]) / max(sm.price(state["real"]), 1.0)
    stage.sound_set("drone.cutoff", 300 + 2700 * (1 - purity), seconds=0.5)
    stage.sound_set("drone.detune", 25 * (1 - purity), seconds=0.5)
    stage.texture("genomes", sm.pack([state["sold"], state["real"]]))
    stage.texture("crowd", sm.pack(state["crowd"]))


def _tags(stage, s):
    """Tooth points and tag centres in pixels; tags fan out above the smile in two rows."""
    w, h = stage.size
    unit = BIG[2] * h * 0.5
    teeth = sm.teeth_layout(s, open_=0.96)
    tip_x = BIG[0] * w + teeth[:, 0] * unit
    tip_y = BIG[1] * h + (teeth[:, 1] + teeth[:, 2]) * 0.5 * unit
    spread = (teeth[:, 0] / max(np.abs(teeth[:, 0]).max(), 1e-3)) * 0.24 * w
    tag_x = BIG[0] * w + spread
    tag_y = (BIG[1] + BIG[2] * 0.5 + 0.05 + 0.075 * (np.arange(len(teeth)) % 2)) * h
    return np.stack([tip_x, tip_y, tag_x, tag_y], axis=1)


def draw(stage, state):
    w, h = stage.size
    sold, hud = state["sold"], stage.p.hud
    tags = _tags(stage, sold)
    breath = 0.93 + 0.05 * np.sin(stage.time * 0.7)
    stage.shade(SHADER, channels=["genomes"], bigRect=BIG, mouthOpen=breath, crack=state["crack"],
                tags=[tuple(t) for t in tags] + [(0, 0, 0, 0)] * (12 - len(tags)),
                tagCount=len(tags), tagHalf=(0.052 * h, 0.018 * h),
                purity=1.0 - sm.price(sold) / max(sm.price(state["real"]), 1.0),
                pulse=state["pulse"], ring=RING, tickerTop=TICKER_TOP)

    size = 0.075 + 0.02 * np.sin(stage.time * 0.9 + np.arange(len(MARGIN)))
    if stage.p.margins > 0.01:
        crowd = [(x, y, 2 * s, s, i, 0.85, state["grey"][i], 0.0, 0, 0, 0, stage.p.margins)
                 for i, ((x, y), s) in enumerate(zip(MARGIN, size))]
        stage.instances("smile.frag", np.array(crowd, "f4"), channels=["crowd"])

    if hud > 0.02:
        ink = (0.24, 0.96, 1.0, hud)
        index, quoted = state["quote"]
        for (_, _, tx, ty), price in zip(tags, sm.tooth_prices(quoted)):
            label = f"SC {price:,.0f}" if price >= 1 else "SC 49/mo"
            stage.text(label, tx / w + 0.008 * h / w * 1.8, ty / h, size=0.021, color=ink)
        score = 300 + 550 * (1.0 - sm.price(quoted) / max(sm.price(state["real"]), 1.0))
        stage.text(f"{score:.0f}", RING[0], RING[1] + 0.01, size=0.06, color=ink)
        stage.text("SMILE CREDIT SCORE", RING[0], RING[1] - 0.115, size=0.02, color=ink)
        stage.text("SMILE CREDITS  catalog no. 2145-A", 0.03, 0.95, size=0.03, color=ink, align="left")
        _ticker(stage, state, index, ink)


def _ticker(stage, state, index, ink):
    prices = [f"{g} {index * (0.08 + 0.07 * i):,.0f} SC" for i, g in enumerate(GOODS)]
    line = f"SMILE INDEX {index:,.1f}  \u25b2   " + "   \u00b7   ".join(prices) + "   \u00b7   "
    width = stage.text_width(line, size=0.032)
    x = -state["ticker"] * width
    while x < 1.0:
        stage.text(line, x, TICKER_TOP * 0.5, size=0.032, color=ink, align="left")
        x += width


@cue("catalog", note="the catalog smile alone, breathing; no prices yet")
def catalog(stage, state):
    stage.set("hud", 0.0)
    stage.set("margins", 0.0)


@cue("pricing", note="the HUD arrives: a price on every tooth, the credit ring")
def pricing(stage, state):
    stage.glide("hud", 1.0, seconds=3.0, curve="ease")


@cue("margins", note="the real smiles appear at the edges, the ones who pay")
def margins(stage, state):
    stage.glide("margins", 1.0, seconds=4.0, curve="ease")


@cue("fracture", note="a scripted refusal: the veneer cracks wide open")
def fracture(stage, state):
    refuse(stage, state, 2)
