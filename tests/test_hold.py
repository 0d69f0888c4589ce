"""The limiter's plan (stagecraft.safety.hold) on region colours alone, no GL: its count of swings is the
most a window holds; whatever a region is asked to show, what it is shown passes the checker,
even moved by the margins a codec may move it; calm content is never touched; held content eases
into a long exposure and comes back when the content calms."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stagecraft.safety import flash, hold

GRID = flash.GRID
REGIONS = GRID[0] * GRID[1]


def most_swings(values, step) -> int:
    """By brute force over every subsequence: the most alternating moves of at least `step`."""
    n = len(values)
    best = [{1: 0, -1: 0} for _ in range(n)]   # most swings ending at i, the last going that way
    for i in range(n):
        for j in range(i):
            d = values[i] - values[j]
            if abs(d) >= step:
                way = 1 if d > 0 else -1
                best[i][way] = max(best[i][way], best[j][-way] + 1, 1)
    return max((max(b.values()) for b in best), default=0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=14), st.sampled_from([0.05, 0.1, 0.3]))
def test_the_greedy_count_finds_the_most_alternating_swings(values, step):
    found = hold.swings(np.array(values)[:, None], step)
    assert int(found.count[0]) == most_swings(values, step)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.floats(0, 1), min_size=4, max_size=4), min_size=1, max_size=12))
def test_columns_counted_together_count_as_each_alone(rows):
    """Series start swinging at different rows and have their own steps: counted at once (as
    the limiter does, every region and both measures), each is counted as it is alone."""
    values, step = np.array(rows), np.array([0.05, 0.1, 0.3, 0.5])
    together = hold.swings(values, step)
    for c in range(4):
        alone = hold.swings(values[:, c:c + 1], step[c])
        assert (together.count[c], together.way[c], together.extreme[c]) == \
            (alone.count[0], alone.way[0], alone.extreme[0])
        assert together.count[c] == most_swings(list(values[:, c]), step[c])


def clock(rng, fps, seconds=3.0):
    """Frame times: steady at `fps`, or (fps None) uneven, as live frames come, 5 to 60 ms apart."""
    if fps:
        return np.arange(int(seconds * fps)) / fps
    return np.concatenate([[0.0], np.cumsum(rng.uniform(0.005, 0.06, int(seconds * 40)))])


def waves(rng, times):
    """Per region, a colour sequence of a random kind: square, sine, sawtooth, noise, cuts, still."""
    frames = len(times)
    t = times[:, None]
    hz = rng.uniform(0.5, 30.0, REGIONS)
    phase = rng.uniform(0, 1, REGIONS)
    kind = rng.integers(6, size=REGIONS)
    x = np.select([kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
                  [np.floor(2 * (hz * t + phase)) % 2, 0.5 + 0.5 * np.sin(2 * np.pi * (hz * t + phase)),
                   (hz * t + phase) % 1, rng.uniform(0, 1, (frames, REGIONS)),
                   np.floor(t * rng.uniform(0.2, 2, REGIONS)) % 2], np.zeros((frames, REGIONS)))
    a, b = rng.uniform(0, 1, (2, REGIONS, 3)) ** rng.choice([0.3, 1.0, 3.0], (2, REGIONS, 1))
    red = rng.random(REGIONS) < 0.3
    a[red] = [1.0, 0.0, 0.0]
    return flash.linear(a + (b - a) * x[..., None])      # (frames, regions, 3), linear


def nudge(rng, colours):
    """Move each colour as far as the margins allow: its luminance and red measure each by at most
    their margin (what a codec may do to a region's mean)."""
    moved = np.clip(colours + rng.uniform(-0.02, 0.02, colours.shape), 0.0, None)
    d = moved - colours
    luma = np.abs(d @ flash.WEIGHTS)
    red = np.abs(d[..., 0] - d[..., 1] - d[..., 2]) * 320
    scale = np.minimum(1.0, np.minimum(hold.MARGIN[0] / np.maximum(luma, 1e-12),
                                       hold.MARGIN[1] / np.maximum(red, 1e-12)))
    return colours + d * scale[..., None]


def shown_through(seen, times, area=0.0, plan=hold.Hold):
    h = plan(GRID, area)
    shown, ks = [], []
    for now, colours in zip(times, seen):
        ks.append(h.plan(colours, now).k)
        shown.append(h.last)
    return np.array(shown), np.array(ks)


def worst_changes(frames, times) -> int:
    counter = flash.FlashCounter(GRID)
    worst = 0
    for now, cells in zip(times, frames):
        counter.add(cells.reshape(GRID[1], GRID[0], 3), now)
        worst = max(worst, *(int(c.max()) for c in counter.counts(now)))
    return worst


RATES = st.sampled_from([24.0, 30.0, 60.0, None])     # None: uneven frame times


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**32 - 1), RATES)
def test_whatever_a_region_is_asked_to_show_it_shows_at_most_three_flashes(seed, fps):
    rng = np.random.default_rng(seed)
    times = clock(rng, fps)
    shown, _ = shown_through(waves(rng, times), times)
    assert worst_changes(nudge(rng, shown), times) <= flash.MAX_CHANGES


class GuaranteeOnly(hold.Hold):
    """The plan with its ease taken away, so that the guarantee alone stands between the content
    and the screen."""

    def _ease(self, now_seen, dt):
        return np.zeros(REGIONS)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**32 - 1), RATES)
def test_the_guarantee_alone_holds_any_content_to_three_flashes(seed, fps):
    rng = np.random.default_rng(seed)
    times = clock(rng, fps)
    seen = waves(rng, times)
    shown, _ = shown_through(seen, times, plan=GuaranteeOnly)
    assert worst_changes(nudge(rng, shown), times) <= flash.MAX_CHANGES
    unheld = worst_changes(seen, times)
    assert unheld > flash.MAX_CHANGES, "the content asked for more than the rule allows"


def full_field(values_srgb):
    """Every region showing the same grey, one sRGB value a frame."""
    grey = flash.linear(np.asarray(values_srgb, float))
    return np.repeat(grey[:, None, None], REGIONS, axis=1).repeat(3, axis=2)


def test_calm_content_is_never_touched():
    fps = 30.0
    t = np.arange(int(4 * fps)) / fps
    for content in (np.floor(t * 4) % 2,                      # a 2 Hz strobe: two flashes a second
                    0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t),  # a slow breath
                    np.clip(t - 1, 0, 1)):                    # a fade to white
        _, ks = shown_through(full_field(content), t)
        assert not ks.any()


def test_a_held_region_eases_into_a_long_exposure_and_comes_back():
    """A 10 Hz black and white strobe for three seconds, then a steady mid grey: after the flashes
    the rule allows, what is shown drifts toward the strobe's average in small steps and never
    pulses; once the strobe has left the window, the picture is the piece's own again within the
    release time."""
    fps = 30.0
    t = np.arange(int(5 * fps)) / fps
    content = np.where(t < 3, np.floor(t * 20) % 2, 0.5)
    shown, ks = shown_through(full_field(content), t)
    luma = shown[:, 0] @ flash.WEIGHTS
    settled = luma[int(1.5 * fps):int(3 * fps)]
    assert np.abs(np.diff(settled)).max() < hold.STEP[0] / 2, "no pulses once held"
    assert abs(settled[-1] - 0.5) < abs(settled[0] - 0.5) and np.ptp(settled[-int(fps / 2):]) < hold.STEP[0]
    back = int((3 + hold.WINDOW_S + hold.RELEASE_S + 0.1) * fps)   # the flashes leave the window, then release
    assert not ks[back:].any() and np.allclose(shown[back:, 0], flash.linear(0.5))


def test_flashing_in_less_than_the_small_area_is_let_through():
    fps = 30.0
    t = np.arange(int(3 * fps)) / fps
    one = full_field(np.full(t.size, 0.1))
    one[:, 0] = flash.linear(np.floor(t * 20) % 2)[:, None]      # one region of 144 strobes
    _, ks = shown_through(one, t, area=0.1)
    assert not ks.any()
    _, ks = shown_through(one, t, area=0.0)
    assert ks[:, 0].any() and not ks[:, 100:].any()
    half = one.copy()
    half[:, :72] = one[:, :1]                                    # half the frame strobes
    _, ks = shown_through(half, t, area=0.1)
    assert ks[:, :72].any()
