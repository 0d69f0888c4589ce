"""Every documented input changes the picture within one frame, where the piece says it should.

Two engines run the same piece with the same seed; one receives the input before its next frame.
That frame must differ, visibly, inside the input's region: a share of its pixels changes by more
than a sixth of full scale, which is what a viewer at the back of a room can see."""
import numpy as np
import pytest

from stagecraft.offline import frames

SIZE = (320, 180)
WARMUP = 20
STRONG = 40            # levels of 255
VISIBLE_SHARE = 0.01   # of the region's pixels


def region(x0, x1, y0, y1):
    """A box in the piece's coordinates (0..1, y up) as numpy slices of a top-row-first frame."""
    w, h = SIZE
    return (slice(int((1 - y1) * h), int((1 - y0) * h)), slice(int(x0 * w), int(x1 * w)))


def fire(name):
    return lambda e: e.player.stage.fire(name)


CASES = {
    # piece, the input, where the piece says the change shows
    "credits-buy": ("smile_credits", fire("buy"), [region(0.3, 0.7, 0.2, 0.7), region(0.03, 0.19, 0.6, 0.8)]),
    "credits-refuse": ("smile_credits", fire("refuse"), [region(0.3, 0.7, 0.2, 0.7)]),
    "bazaar-barter": ("smile_bazaar", fire("barter"), [region(0.0, 1.0, 0.2, 0.8)]),
    "bazaar-cheer": ("smile_bazaar", fire("cheer"), [region(0.0, 1.0, 0.0, 0.22), region(0.0, 1.0, 0.8, 1.0)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_input_is_visible_in_the_next_frame(engines, case):
    piece, act, where = CASES[case]
    plain, poked = engines(piece, SIZE, seed=5, strict=True), engines(piece, SIZE, seed=5, strict=True)
    list(frames(plain, WARMUP))
    list(frames(poked, WARMUP))
    act(poked)
    a = list(frames(plain, 1))[-1].astype(int)
    b = list(frames(poked, 1))[-1].astype(int)
    for r in where:
        share = (np.abs(a[r] - b[r]).max(axis=2) > STRONG).mean()
        assert share > VISIBLE_SHARE, f"{case}: only {share:.2%} of {r} changed visibly"
