"""The genome: bounded, deterministic, barter takes from both, the ideal costs nothing; and the
Python tooth layout points where the GLSL draws the teeth."""
import numpy as np
import pytest

from stagecraft.audience import smile as sm
from stagecraft.output.offline import frames

from .conftest import ROOT


def test_random_smiles_are_bounded_and_typed():
    rng = np.random.default_rng(1)
    for _ in range(200):
        s = sm.random(rng).mutate(0.5, rng)
        assert np.all(s.v >= sm.LO) and np.all(s.v <= sm.HI)
        assert float(s.teeth).is_integer() and s.braces in (0.0, 1.0)
        assert set(np.unique(s.cap)) <= {0.0, 1.0, 2.0}


def test_out_of_range_genes_are_clamped():
    s = sm.Smile.of(width=9.0, teeth=3.6, cap=[7] * sm.MAX_TEETH, braces=0.7)
    assert s.width == 1.45 and s.teeth == 6 and s.braces == 1.0 and set(s.cap) == {2.0}
    with pytest.raises(AttributeError, match="immutable"):
        s.width = 1.0
    with pytest.raises(AttributeError, match="no gene 'smirk'"):
        sm.Smile.of(smirk=1)


def test_everything_random_is_seeded():
    def run(seed):
        rng = np.random.default_rng(seed)
        a, b = sm.random(rng), sm.random(rng)
        return [a, b, a.mutate(0.3, rng), sm.crossover(a, b, rng)]
    assert run(42) == run(42)
    assert run(42) != run(43)


def test_crossover_takes_traits_from_both_parents_and_keeps_teeth_whole():
    rng = np.random.default_rng(7)
    a = sm.ideal()
    b = sm.Smile(sm.HI)
    for _ in range(100):
        child = sm.crossover(a, b, rng)
        from_a, from_b = child.v == a.v, child.v == b.v
        assert from_a.any() and from_b.any()
        assert np.all(from_a | from_b)
        teeth = np.stack([child.tooth_width == b.tooth_width, child.gap == b.gap, child.cap == b.cap])
        assert np.all(teeth == teeth[0]), "a tooth's traits come from one parent"


def test_price_of_the_ideal_is_zero_and_a_purchase_lowers_it():
    assert sm.price(sm.ideal()) == 0.0
    rng = np.random.default_rng(3)
    for _ in range(20):
        s = sm.random(rng)
        prices = [sm.price(sm.toward(s, sm.ideal(), k)) for k in (0.0, 0.25, 0.5, 0.75, 1.0)]
        assert prices[0] > 0 and prices[-1] == pytest.approx(0.0, abs=1e-9)
        assert all(x > y for x, y in zip(prices, prices[1:]))


def test_distance_is_a_metric_on_samples():
    rng = np.random.default_rng(9)
    a, b, c = (sm.random(rng) for _ in range(3))
    assert sm.distance(a, a) == 0.0
    assert sm.distance(a, b) == pytest.approx(sm.distance(b, a))
    assert sm.distance(a, c) <= sm.distance(a, b) + sm.distance(b, c) + 1e-12
    assert sm.distance(sm.Smile(sm.LO), sm.Smile(sm.HI)) == pytest.approx(1.0)


def test_pack_lays_out_one_row_per_smile():
    rng = np.random.default_rng(2)
    smiles = [sm.random(rng) for _ in range(5)]
    packed = sm.pack(smiles).reshape(5, sm.TEXELS, 4)
    assert packed.dtype == np.float32
    assert packed[3, 2, 1] == smiles[3].teeth
    assert packed[4, 4 + 2 * 7, 3] == pytest.approx(smiles[4].gap[7])
    assert packed[1, 5 + 2 * 2, 1] == smiles[1].cap[2]


LAYOUT_PIECE = '''"""Layout probe

One smile filling the frame, to check where its teeth are drawn."""
import numpy as np
from stagecraft.audience import smile as sm

SHADER = "smile.frag"
SMILE = sm.ideal().replace(gap=[0, 0, 0, 0.3, 0, 0, 0.3, 0, 0, 0, 0, 0], veneer=0.0,
                            tooth_rotation=[0.0] * 12, enamel=0.0)

def setup(stage):
    return {}

def update(stage, state, dt):
    pass

def draw(stage, state):
    stage.clear((0, 0, 0, 1))
    stage.texture("g", sm.pack([SMILE]))
    stage.instances("smile.frag", np.array([[0.5, 0.5, 2.0, 1.0, 0, 1.0, 0, 0]], "f4"), channels=["g"])
'''


def test_python_tooth_layout_matches_the_rendered_teeth(engines, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(LAYOUT_PIECE)
    (tmp_path / "smile.frag").symlink_to(ROOT / "shaders" / "smile.frag")
    w, h = 640, 320
    img = list(frames(engines(str(path), (w, h), strict=True), 1))[-1].astype(int)
    import importlib.util
    spec = importlib.util.spec_from_file_location("probe", path)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    layout = sm.teeth_layout(probe.SMILE)

    def pixel(x, y):          # smile units -> image row/column (the box fills the frame)
        return img[int((1 - (y + 1) / 2) * h), int((x + 2) / 4 * w)]

    for xc, root, tip, width in layout:
        assert pixel(xc, (root + tip) / 2).min() > 180, "enamel at each tooth's centre"
    for k in (3, 6):             # the gaps after teeth 3 and 6 show the dark of the mouth
        x_gap = (layout[k, 0] + layout[k, 3] / 2 + layout[k + 1, 0] - layout[k + 1, 3] / 2) / 2
        assert pixel(x_gap, (layout[k, 1] + layout[k, 2]) / 2).max() < 90


def test_barter_swaps_traits_and_conserves_them():
    rng = np.random.default_rng(12)
    a, b = sm.random(rng), sm.random(rng)
    a2, b2 = sm.barter(a, b, rng)
    assert a2 != a and b2 != b
    assert np.array_equal(np.sort(np.stack([a2.v, b2.v]), axis=0), np.sort(np.stack([a.v, b.v]), axis=0))
    swapped = a2.v != a.v
    assert np.array_equal(a2.v[swapped], b.v[swapped]) and np.array_equal(b2.v[swapped], a.v[swapped])


def test_python_silhouette_matches_the_rendered_smile(engines, tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(LAYOUT_PIECE)
    (tmp_path / "smile.frag").symlink_to(ROOT / "shaders" / "smile.frag")
    w, h = 320, 160
    img = list(frames(engines(str(path), (w, h), strict=True), 1))[-1]
    import importlib.util
    spec = importlib.util.spec_from_file_location("probe", path)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    ys, xs = np.mgrid[0:h, 0:w]
    x = (xs + 0.5) / w * 4 - 2
    y = 1 - (ys + 0.5) / h * 2
    drawn = img.max(axis=2) > 8
    inside = sm.silhouette(probe.SMILE, x, y, 1.0)
    edge = 2.5 * 4 / w   # pixels within a couple of the outline may go either way (anti-aliasing)
    near = np.zeros_like(inside)
    for dx in (-edge, 0, edge):
        for dy in (-edge, 0, edge):
            near |= sm.silhouette(probe.SMILE, x + dx, y + dy, 1.0) != inside
    agree = (drawn == inside) | near
    assert agree.mean() > 0.995, f"silhouette and render disagree on {(~agree).sum()} pixels"
    assert inside.sum() > 0.1 * inside.size
