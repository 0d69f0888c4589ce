"""The smile genome: a small, typed, bounded vector, and what the market does with it.

Every gene has a kind and a range. A smile is an immutable vector of them; `ideal()` is the one
point in the space the Smile Credits catalog sells, and `price(s)` is what it charges to move `s`
there. Everything random takes a NumPy generator, so a seed gives the same smiles everywhere.

The per-tooth genes describe the visible upper row, left to right; teeth beyond `teeth` exist in
the vector (so crossover can carry them) but are not drawn.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

MAX_TEETH = 12
TEXELS = 4 + 2 * MAX_TEETH  # one texture row per smile, read by shaders/lib/smile.glsl


@dataclass(frozen=True)
class Gene:
    name: str
    lo: float
    hi: float
    kind: str = "float"     # float, int or bool
    count: int = 1          # per-tooth genes have MAX_TEETH values
    cost: float = 0.0       # Smile Credits the market charges per unit of range moved toward ideal


GENES = (
    Gene("width", 0.55, 1.45, cost=900),
    Gene("arc", 0.0, 1.0, cost=700),
    Gene("asymmetry", -1.0, 1.0, cost=1100),
    Gene("lip_upper", 0.0, 1.0, cost=500),
    Gene("lip_lower", 0.0, 1.0, cost=500),
    Gene("lip_r", 0.0, 1.0, cost=120),
    Gene("lip_g", 0.0, 1.0, cost=120),
    Gene("lip_b", 0.0, 1.0, cost=120),
    Gene("gum", 0.0, 1.0, cost=800),
    Gene("gum_paint", 0.0, 1.0, cost=400),   # 0 natural; above that painted, through magenta, teal, gold
    Gene("teeth", 6, MAX_TEETH, "int", cost=450),
    Gene("enamel", 0.0, 1.0, cost=2400),
    Gene("braces", 0, 1, "bool", cost=300),
    Gene("veneer", 0.0, 1.0, cost=3000),
    Gene("tooth_width", 0.6, 1.4, count=MAX_TEETH, cost=180),
    Gene("tooth_rotation", -0.35, 0.35, count=MAX_TEETH, cost=260),
    Gene("tooth_offset", -0.2, 0.2, count=MAX_TEETH, cost=220),
    Gene("gap", 0.0, 0.35, count=MAX_TEETH, cost=240),
    Gene("chip", 0.0, 1.0, count=MAX_TEETH, cost=310),
    Gene("cap", 0, 2, "int", count=MAX_TEETH, cost=650),   # 0 enamel, 1 gold, 2 chrome
)

_SLICES: dict[str, slice] = {}
_n = 0
for _g in GENES:
    _SLICES[_g.name] = slice(_n, _n + _g.count)
    _n += _g.count
SIZE = _n
LO = np.concatenate([np.full(g.count, g.lo, float) for g in GENES])
HI = np.concatenate([np.full(g.count, g.hi, float) for g in GENES])
SPAN = HI - LO
COST = np.concatenate([np.full(g.count, g.cost, float) for g in GENES])
_DISCRETE = np.concatenate([np.full(g.count, g.kind != "float") for g in GENES])
GROUPS = np.concatenate([[i] * g.count if g.count == 1 else range(100, 100 + g.count)
                         for i, g in enumerate(GENES)])  # a tooth's traits travel together


class Smile:
    """One smile. Read genes by name (`s.width`, `s.cap` -> array of 12); build new ones with
    `Smile.of(...)`, `random`, `s.mutate`, `crossover` or `s.replace(...)`."""
    __slots__ = ("v",)

    def __init__(self, vector):
        v = np.clip(np.asarray(vector, dtype=float).reshape(SIZE), LO, HI)
        v[_DISCRETE] = np.round(v[_DISCRETE])
        v.setflags(write=False)
        object.__setattr__(self, "v", v)

    def __setattr__(self, name, value):
        raise AttributeError("a smile is immutable; use s.replace(name=value)")

    def __getattr__(self, name):
        sl = _SLICES.get(name)
        if sl is None:
            raise AttributeError(f"a smile has no gene {name!r}")
        value = self.v[sl]
        return value if sl.stop - sl.start > 1 else value[0].item()

    @classmethod
    def of(cls, **genes) -> "Smile":
        return ideal().replace(**genes)

    def replace(self, **genes) -> "Smile":
        v = self.v.copy()
        for name, value in genes.items():
            if name not in _SLICES:
                raise AttributeError(f"a smile has no gene {name!r}")
            v[_SLICES[name]] = value
        return Smile(v)

    def mutate(self, rate: float, rng: np.random.Generator) -> "Smile":
        """Each gene changes with probability `rate`: a nudge of a tenth of its range, or one step."""
        hit = rng.random(SIZE) < rate
        step = np.where(_DISCRETE, rng.choice([-1.0, 1.0], SIZE), rng.normal(0.0, 0.1, SIZE) * SPAN)
        return Smile(self.v + hit * step)

    def __reduce__(self):
        return (Smile, (np.array(self.v),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self  # immutable: a copy would be the same smile

    def __eq__(self, other):
        return isinstance(other, Smile) and np.array_equal(self.v, other.v)

    def __hash__(self):
        return hash(self.v.tobytes())

    def __repr__(self):
        return f"Smile(price={price(self):.0f}, teeth={self.teeth}, enamel={self.enamel:.2f})"


def ideal() -> Smile:
    """The catalog smile: wide, even, symmetric, ten identical white veneers, no gum, no history."""
    v = np.zeros(SIZE)
    for name, value in (("width", 1.15), ("arc", 0.7), ("lip_upper", 0.45), ("lip_lower", 0.55),
                        ("lip_r", 0.70), ("lip_g", 0.07), ("lip_b", 0.23), ("gum", 0.08),
                        ("teeth", 10), ("veneer", 1.0), ("tooth_width", 1.0)):
        v[_SLICES[name]] = value
    return Smile(v)


def random(rng: np.random.Generator) -> Smile:
    """A real smile: drawn around human variety, not uniformly across the space."""
    def clip(name, x):
        lo, hi = LO[_SLICES[name]], HI[_SLICES[name]]
        if np.ndim(x):
            return np.clip(x, lo, hi)
        return min(max(x, lo[0]), hi[0])    # a float's own min and max: np.clip costs 4 us a call
    t = MAX_TEETH
    skin = rng.uniform(0.35, 0.85)
    genes = {
        "width": clip("width", rng.normal(1.0, 0.16)),
        "arc": clip("arc", rng.beta(3, 2.2)),
        "asymmetry": clip("asymmetry", rng.normal(0.0, 0.3)),
        "lip_upper": rng.beta(2.5, 2.5), "lip_lower": rng.beta(3, 2.2),
        "lip_r": skin, "lip_g": skin * rng.uniform(0.25, 0.5), "lip_b": skin * rng.uniform(0.3, 0.55),
        "gum": clip("gum", rng.beta(1.6, 3.5)),
        "gum_paint": rng.uniform(0.1, 1.0) if rng.random() < 0.05 else 0.0,
        "teeth": rng.integers(7, MAX_TEETH + 1),
        "enamel": rng.beta(2.0, 2.5),
        "braces": float(rng.random() < 0.12),
        "veneer": rng.beta(1.2, 6.0),
        "tooth_width": clip("tooth_width", rng.normal(1.0, 0.12, t)),
        "tooth_rotation": clip("tooth_rotation", rng.normal(0.0, 0.08, t)),
        "tooth_offset": clip("tooth_offset", rng.normal(0.0, 0.05, t)),
        "gap": np.where(rng.random(t) < 0.12, rng.uniform(0.05, 0.3, t), 0.0),
        "chip": np.where(rng.random(t) < 0.08, rng.uniform(0.3, 1.0, t), 0.0),
        "cap": np.where(rng.random(t) < 0.06, rng.integers(1, 3, t), 0),
    }
    return _IDEAL.replace(**genes)


def _trade_mask(rng: np.random.Generator) -> np.ndarray:
    """Which genes change hands: each trait (a whole tooth counts as one) with even odds, never
    all of them and never none."""
    groups = np.unique(GROUPS)
    traded = rng.random(len(groups)) < 0.5
    if traded.all() or not traded.any():
        traded[rng.integers(len(groups))] ^= True
    return np.isin(GROUPS, groups[traded])


def crossover(a: Smile, b: Smile, rng: np.random.Generator) -> Smile:
    """A child of two smiles: some traits from each, always something of both."""
    return Smile(np.where(_trade_mask(rng), b.v, a.v))


def barter(a: Smile, b: Smile, rng: np.random.Generator) -> tuple[Smile, Smile]:
    """Two smiles swap traits: what one gives, the other takes."""
    m = _trade_mask(rng)
    return Smile(np.where(m, b.v, a.v)), Smile(np.where(m, a.v, b.v))


@functools.lru_cache(maxsize=8192)  # the finale takes in a whole evening (up to 5,000) every lap
def from_contribution(kind: str, seed: int) -> Smile:
    """The smile an audience member's act made, the same every time for the same act: a join is
    a smile of one's own, a purchase half-way to the catalog, a refusal proudly itself, a barter
    two strangers' traits."""
    rng = np.random.default_rng(seed)
    own = random(rng)
    if kind == "buy":
        return toward(own, ideal(), 0.5)
    if kind == "refuse":
        return own.replace(veneer=0.0)
    if kind == "barter":
        return crossover(own, random(rng), rng)
    return own


def collective(smiles) -> Smile:
    """One smile made of many: every gene the mean of theirs."""
    return Smile(np.mean([s.v for s in smiles], axis=0)) if len(smiles) else ideal()


def distance(a: Smile, b: Smile) -> float:
    """0 for the same smile, about 1 for two smiles at opposite corners of every gene."""
    return float(np.sqrt(np.mean(((a.v - b.v) / SPAN) ** 2)))


def price(s: Smile) -> float:
    """Smile Credits to move `s` to the catalog ideal: each gene's distance times what the market
    charges for it. Teeth beyond the visible count are not billed; the ideal costs nothing."""
    d = np.abs(s.v - _IDEAL.v) / SPAN
    return float(np.sum(d * COST * _billed(int(min(s.teeth, _IDEAL.teeth)))))


@functools.cache
def _billed(teeth: int) -> np.ndarray:
    """Which genes a price counts when `teeth` teeth show: every per-tooth gene past them is not."""
    visible = np.ones(SIZE, bool)
    for g in GENES:
        if g.count > 1:
            visible[_SLICES[g.name].start + teeth:_SLICES[g.name].stop] = False
    visible.setflags(write=False)
    return visible


def tooth_prices(s: Smile) -> np.ndarray:
    """The price split over the visible teeth: each tooth's own repairs plus an equal share of the
    rest. The prices add up to price(s)."""
    n = int(s.teeth)
    d = np.abs(s.v - _IDEAL.v) / SPAN * COST
    own = np.zeros(n)
    shared = float(np.sum(d[[_SLICES[g.name].start for g in GENES if g.count == 1]]))
    for g in GENES:
        if g.count > 1:
            sl = _SLICES[g.name]
            own += d[sl][:n] * (np.arange(n) < int(min(s.teeth, _IDEAL.teeth)))
    return own + shared / n


def toward(s: Smile, target: Smile, amount: float) -> Smile:
    """Part of the way from s to target: how a purchase reshapes a smile."""
    return Smile(s.v + (target.v - s.v) * float(np.clip(amount, 0.0, 1.0)))


# The lips' curves as heights at t = x / half-width, mirroring shaders/lib/smile.glsl, for
# whatever on the CPU must know where a smile is (price tags, the finale's mosaic).
def lift(s: Smile, t):
    return s.arc * 0.34 * t * t + s.asymmetry * 0.10 * t


def inner_top(s: Smile, t, open_):
    return lift(s, t) + 0.10 * open_ * np.sqrt(np.maximum(1.0 - t * t, 0.0))


def inner_bottom(s: Smile, t, open_):
    return lift(s, t) - (0.22 + 0.30 * s.arc) * open_ * np.maximum(1.0 - t * t, 0.0) ** 0.75


def silhouette(s: Smile, x, y, open_: float = 1.0):
    """Whether points (smile units) fall on the smile: lips, teeth or the mouth between them."""
    t = np.asarray(x) / (0.92 * s.width)
    tc = np.clip(t, -1.0, 1.0)
    bow = 0.045 * s.lip_upper * np.exp(-t * t * 30.0)
    upper = inner_top(s, tc, open_) + (0.07 + 0.20 * s.lip_upper) * np.maximum(1 - tc * tc, 0) ** 0.45 - bow
    lower = inner_bottom(s, tc, open_) - (0.09 + 0.26 * s.lip_lower) * np.maximum(1 - tc * tc, 0) ** 0.55
    return (np.abs(t) <= 1.0) & (np.asarray(y) <= upper) & (np.asarray(y) >= lower)


def teeth_x(s: Smile) -> tuple[np.ndarray, np.ndarray]:
    """Centre and width of each visible upper tooth across the mouth, in smile units (the
    mouth's centre at 0, one unit half the height of its 2:1 box): front teeth widest, gaps
    between. Packed with the genome, so the shader and the HUD agree on where every tooth is."""
    xc, w = _teeth_x(s.v[None])
    return xc[0, :int(s.teeth)], w[0, :int(s.teeth)]


def _teeth_x(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """teeth_x for rows of genome vectors at once; zeros past each row's count."""
    g = {name: v[:, _SLICES[name]] for name in ("width", "teeth", "veneer", "tooth_width", "gap")}
    n = g["teeth"][:, 0].astype(int)
    on = np.arange(MAX_TEETH) < n[:, None]
    c = (np.arange(MAX_TEETH) + 0.5) / np.maximum(n, 1)[:, None] * 2.0 - 1.0
    hw = 0.92 * g["width"]
    front = 1.0 - 0.5 * np.abs(c) ** 1.6
    w = np.where(on, (g["tooth_width"] + (1.0 - g["tooth_width"]) * g["veneer"]) * front, 0.0)
    gap = np.where(on, g["gap"] * (1.0 - g["veneer"]), 0.0)
    unit = 2.0 * hw * 0.94 / np.maximum(np.cumsum(w + gap, axis=1)[:, -1:], 1e-3)
    w, gap = w * unit, gap * unit
    return np.where(on, -hw * 0.94 + np.cumsum(w + gap, axis=1) - gap - w * 0.5, 0.0), w


def teeth_layout(s: Smile, open_: float = 1.0) -> np.ndarray:
    """Rows of (centre x, root y, tip y, width) for the visible upper teeth, in smile units, with
    the mouth open by `open_`. The heights mirror shaders/lib/smile.glsl."""
    xc, w = teeth_x(s)
    t = np.clip(xc / (0.92 * s.width), -1.0, 1.0)
    root = inner_top(s, t, open_) - (0.015 + 0.11 * s.gum) * open_ + 0.02 + s.tooth_offset[:len(xc)] * (1.0 - s.veneer) * 0.25
    length = (0.30 - 0.12 * t * t) * (0.35 + 0.65 * open_)
    return np.stack([xc, root, root - length, w], axis=1)


def pack(smiles) -> np.ndarray:
    """Smiles as rows of float32 RGBA texels (TEXELS per row) for shaders/lib/smile.glsl, all at
    once (a piece repacks a crowd of a thousand when one joins)."""
    v = np.array([s.v for s in smiles], dtype=float).reshape(-1, SIZE)
    g = {name: v[:, sl] for name, sl in _SLICES.items()}
    out = np.zeros((len(v), TEXELS, 4), dtype="f4")
    for texel, names in enumerate((("width", "arc", "asymmetry", "lip_upper"), ("lip_lower", "lip_r", "lip_g", "lip_b"),
                                   ("gum", "teeth", "enamel", "braces"), ("veneer", "gum_paint"))):
        out[:, texel, :len(names)] = np.concatenate([g[name] for name in names], axis=1)
    xc, w = _teeth_x(v)
    teeth = np.stack([g["tooth_width"], g["tooth_rotation"], g["tooth_offset"], g["gap"], g["chip"], g["cap"],
                      xc, w], axis=2)
    out[:, 4:] = teeth.reshape(len(v), MAX_TEETH * 2, 4)
    return out.reshape(len(v), TEXELS * 4)


_IDEAL = ideal()


CAP_COLOURS = ("#FFC83D", "#C8D3DE")     # gold, chrome (the art direction's)


def portrait(s: Smile) -> dict:
    """A smile as a phone's page draws it (a few shapes, not the shader): its size, arc and lips,
    and each tooth's colour, gap and chip, as plain JSON."""
    def hex_(rgb) -> str:
        return "#" + "".join(f"{int(round(255 * min(max(c, 0.0), 1.0))):02x}" for c in rgb)
    enamel = hex_(np.array([0.96, 0.95, 0.91]) - (1.0 - s.enamel) * np.array([0.05, 0.12, 0.3]))
    teeth = []
    for i in range(int(s.teeth)):
        cap = int(s.cap[i])
        teeth.append({"color": enamel if cap == 0 else CAP_COLOURS[cap - 1],
                      "gap": round(float(s.gap[i]) / 0.35, 3), "chip": round(float(s.chip[i]), 3)})
    return {"width": round((s.width - 0.55) / 0.9, 3), "arc": round(float(s.arc), 3),
            "lips": round((s.lip_upper + s.lip_lower) / 2, 3), "lip": hex_((s.lip_r, s.lip_g, s.lip_b)),
            "teeth": teeth}
