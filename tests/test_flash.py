"""The checker (WCAG 2.3.1) on synthetic videos: strobes at 2, 3, 3.5, 4, 10 and 25 Hz, full field
and patch, and red; and the six patterns of the limiter's reproductions, each against counts
worked out by hand from the definition (the working is beside each), not from the code."""
import numpy as np
import pytest

from stagecraft.safety import flash

FPS = 60
SIZE = (96, 160)          # rows, columns: small frames, the same rules


def strobe(hz, seconds=3.0, colour=(1.0, 1.0, 1.0), patch=None, base=(0.0, 0.0, 0.0)):
    """Square-wave flashes as sRGB byte frames, in a patch (y0, y1, x0, x1 as fractions) or full."""
    h, w = SIZE
    for i in range(int(seconds * FPS)):
        on = (i / FPS * hz * 2) % 2 < 1
        frame = np.empty((h, w, 3))
        frame[:] = base
        y0, y1, x0, x1 = patch or (0, 1, 0, 1)
        if on:
            frame[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)] = colour
        yield (frame * 255).astype(np.uint8)


@pytest.mark.parametrize("hz, passes", [(2, True), (3, True), (3.5, False), (4, False), (10, False), (25, False)])
def test_full_field_strobes(hz, passes):
    report = flash.check(strobe(hz), FPS)
    assert all(s["pass"] for s in report) == passes, report
    assert max(s["general"] for s in report) == min(int(hz), 30) or hz > 25


@pytest.mark.parametrize("hz, passes", [(3, True), (4, False), (10, False)])
def test_a_patch_strobe_is_caught_in_its_regions(hz, passes):
    report = flash.check(strobe(hz, patch=(0.3, 0.6, 0.4, 0.7)), FPS)
    assert all(s["pass"] for s in report) == passes


def test_a_dim_strobe_below_the_step_is_not_a_flash():
    report = flash.check(strobe(10, colour=(0.3, 0.3, 0.3), base=(0.25, 0.25, 0.25)), FPS)
    assert all(s["pass"] for s in report) and max(s["general"] for s in report) == 0


def test_a_strobe_between_bright_states_is_not_a_flash():
    """The darker state must be below 0.8 relative luminance."""
    report = flash.check(strobe(10, colour=(1.0, 1.0, 1.0), base=(0.93, 0.93, 0.93)), FPS)
    assert all(s["pass"] for s in report)


def test_saturated_red_flashes_count_as_red():
    report = flash.check(strobe(5, colour=(1.0, 0.0, 0.0), base=(0.35, 0.0, 0.0)), FPS)
    assert not all(s["pass"] for s in report)
    assert max(s["red"] for s in report) >= 4


def test_a_red_that_is_not_saturated_is_no_red_flash():
    report = flash.check(strobe(5, colour=(1.0, 0.5, 0.5), base=(0.3, 0.15, 0.15)), FPS)
    assert max(s["red"] for s in report) == 0


def test_the_area_rule_lets_a_small_flashing_area_through():
    small = dict(patch=(0.45, 0.55, 0.45, 0.55))
    assert not all(s["pass"] for s in flash.check(strobe(10, **small), FPS, area=0.0))
    assert all(s["pass"] for s in flash.check(strobe(10, **small), FPS, area=0.25))


def test_a_slow_fade_is_not_a_flash():
    frames = [np.full((*SIZE, 3), int(255 * abs(np.sin(i / FPS * np.pi * 0.5))), np.uint8) for i in range(4 * FPS)]
    assert all(s["pass"] for s in flash.check(frames, FPS))


def frames_of(colour, seconds=4.0, fps=30.0, grid_cells=None):
    """Frames whose every region shows colour(i, t) (sRGB); with `grid_cells`, colour(i, t, cx, cy)
    for each region of the checker's grid, drawn as whole regions."""
    h, w = 108, 192                                   # 12 x 12 pixels a region
    for i in range(int(seconds * fps)):
        t = i / fps
        if grid_cells:
            cells = np.array([[colour(i, t, cx, cy) for cx in range(16)] for cy in range(9)])
            frame = np.repeat(np.repeat(cells, 12, axis=0), 12, axis=1)
        else:
            frame = np.empty((h, w, 3))
            frame[:] = colour(i, t)
        yield np.round(np.clip(frame, 0, 1) * 255).astype(np.uint8)


def mix(a, b, x):
    return np.asarray(a) + (np.asarray(b) - np.asarray(a)) * x


# Each: the pattern, its fps, and per full second the general and red flashes (pairs of changes,
# rounded down, as the checker reports them), worked out from the definition:
HAND_COUNTED = {
    # A (0.93 grey) has linear 0.85, so L = 0.85; B (0.55, 0.18, 0.88) is linear (0.26, 0.027,
    # 0.75), L = 0.055 + 0.019 + 0.054 = 0.13: a swing of 0.72 with the darker state below 0.8.
    # At 30 fps a 7.4 Hz sine is sampled 4.05 times a period, so each sampled half period still
    # swings more than 0.7 x 0.72: every half period is a change, 14.8 a second: 14 or 15 in any
    # second, 7 flashes. B is not saturated red (0.26 / 1.04 = 0.25): no red flashes.
    "sine 7.4 Hz": (lambda i, t: mix((0.93,) * 3, (0.55, 0.18, 0.88), 0.5 + 0.5 * np.sin(2 * np.pi * 7.4 * t)),
                    30.0, [7, 7, 7, 7], [0, 0, 0, 0]),
    # A (0.88, 0.47, 0.55) is linear (0.75, 0.19, 0.26), L = 0.16 + 0.136 + 0.019 = 0.315; B (1, 0.08,
    # 0) is linear (1, 0.007, 0), L = 0.218: 0.097 apart, under 0.10, so no general flash. Red: A
    # (0.75 - 0.19 - 0.26) x 320 = 96, B (1 - 0.007) x 320 = 318, B saturated (R / sum = 0.99): a
    # swing of 222. 4.5 Hz at 30 fps is 6.7 samples a period, so each half period swings by far more
    # than 20: 9 changes a second, 3.3 frames apart on average. Sampled, they fall 3 or 4 frames
    # apart, so 10 of them can span 29 frames and fit in one second's window: 4 or 5 flashes (the
    # first second, which starts without a change, holds 9 at most: 4).
    "sine 4.5 Hz red": (lambda i, t: mix((0.88, 0.47, 0.55), (1.0, 0.08, 0.0), 0.5 + 0.5 * np.sin(2 * np.pi * 4.5 * t)),
                        30.0, [0, 0, 0, 0], [4, (4, 5), (4, 5), (4, 5)]),
    # Checks the size of regions, inverting at 9.1 Hz: each region alternates between yellow (0.92,
    # 0.84, 0.11), linear (0.83, 0.67, 0.012), L = 0.656, and grey 0.48, linear 0.195: a swing of 0.46,
    # darker 0.195. step(0.5, fract(9.1 t)) sampled at 30 fps flips 18.2 times a second: 18 or 19
    # flips in the 30 frame intervals of any second, each a change: 9 flashes; the first second
    # has 29 intervals (its first frame follows none), 17.6 flips: 17 or 18, 8 or 9 flashes.
    "checkers 9.1 Hz": (lambda i, t, cx, cy: (0.92, 0.84, 0.11) if (cx + cy + (np.fmod(9.1 * t, 1) >= 0.5)) % 2
                        else (0.48,) * 3, 30.0, [(8, 9), 9, 9, 9], [0, 0, 0, 0]),
    # White against grey 0.92 (linear 0.83, L 0.83): the darker state is not below 0.8: no flash at
    # any rate.
    "bars 24.8 Hz, bright": (lambda i, t, cx, cy: (1.0,) * 3 if np.fmod(3 * cx / 16 - 24.8 * t, 1) % 1 < 0.5
                             else (0.92,) * 3, 30.0, [0, 0, 0, 0], [0, 0, 0, 0]),
    # Redrawn every frame between green-grey (0.45, 0.5, 0.42), linear (0.17, 0.21, 0.15), L = 0.20,
    # R - G - B < 0 so red 0, and red (0.95, 0.02, 0.02), linear (0.89, 0.0015, 0.0015), L = 0.19,
    # red (0.89 - 0.003) x 320 = 284, saturated: luminance moves 0.01 (no general flash), red 284
    # every frame: 30 changes a second (29 in the first, which starts without one), 15 red flashes
    # (14 in the first).
    "noise as alternation, red": (lambda i, t: (0.95, 0.02, 0.02) if i % 2 else (0.45, 0.5, 0.42),
                                  30.0, [0, 0, 0, 0], [14, 15, 15, 15]),
    # fract(20 t) at 30 fps is 0, 2/3, 1/3, 0, ...: mixing saturated red (0.95, 0.03, 0.03) toward
    # near black (0.03) gives sRGB red 0.95, 0.337, 0.643: linear 0.89, 0.093, 0.37, L = 0.19, 0.02,
    # 0.08 (the near-black parts add 0.002). Luminance: down 0.17 (a change), up 0.06 (not), up 0.11
    # from the low extreme (a change, the peak then moves on to 0.19): changes at frames 1, 3, 4, 6,
    # 7, ..., two every three frames, 20 in any 30: 10 flashes; the first second's frames 1 to 29
    # hold 19: 9. Red: 283, 28, 117: down 255, up 89 (the 1/3 state is still saturated, 0.37
    # against 0.005), changes at frames 1, 2, 4, 5, ...: 20 in frames 1 to 29 too: 10 red flashes.
    "sawtooth 20 Hz": (lambda i, t: mix((0.95, 0.03, 0.03), (0.03,) * 3, np.fmod(20 * i / 30, 1)),
                       30.0, [9, 10, 10, 10], [10, 10, 10, 10]),
}


@pytest.mark.parametrize("name", HAND_COUNTED)
def test_the_checker_counts_what_the_definition_counts(name):
    colour, fps, general, red = HAND_COUNTED[name]
    per_region = colour.__code__.co_argcount == 4
    report = flash.check(frames_of(colour, fps=fps, grid_cells=per_region), fps)
    for s, g, r in zip(report, general, red, strict=True):   # a tuple: the sampling leaves either
        assert s["general"] in np.atleast_1d(g) and s["red"] in np.atleast_1d(r), report
