"""The flash definition (WCAG 2.3.1) on synthetic strobes: 2, 3, 3.5, 4, 10 and 25 Hz, full
field and patch, and red; the same code the live limiter runs."""
import numpy as np
import pytest

from stagecraft import flash

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


def test_the_limiter_holds_the_seventh_change_and_the_fourth_flash_never_shows():
    counter = flash.FlashCounter()
    shown = []
    held = 0
    for i, frame in enumerate(strobe(10, seconds=2.0)):
        cells = flash.cell_means(frame)
        terms, verdict = counter.limit(cells, i / FPS, area=0.0)
        last, blend = terms[..., :3], terms[..., 3:]
        shown.append(cells + (last - cells) * blend)
        held += bool(verdict.limited.any())
    assert held > 0
    check = flash.FlashCounter()
    worst = 0
    for i, cells in enumerate(shown):
        check.add(cells, i / FPS)
        worst = max(worst, int(check.counts(i / FPS)[0].max()))
    assert worst <= flash.MAX_CHANGES, "what was shown has at most three flashes in any second"


def test_the_limiter_leaves_calm_content_alone():
    counter = flash.FlashCounter()
    for i, frame in enumerate(strobe(2, seconds=3.0)):
        terms, verdict = counter.limit(flash.cell_means(frame), i / FPS, area=0.0)
        assert not verdict.limited.any() and np.allclose(terms[..., 3], 0.0)
