"""Each piece against the reference image someone looked at. On a mismatch the actual frame and an
amplified difference are written to tests/output/ so the change can be seen, not guessed."""
import numpy as np
import pytest

from stagecraft.output.offline import still
from stagecraft.output.record import load_png, save_png

from .conftest import OUTPUT
from .snapshot_list import SEED, SIZE, SNAPSHOT_DIR, SNAPSHOTS, piece_arg

MEAN_TOLERANCE = 1.0          # mean absolute difference, 0..255
PIXEL_TOLERANCE = 16          # a pixel "differs" beyond this
DIFFERING_FRACTION = 0.005


@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_snapshot_matches_reference(engines, name):
    piece, at = SNAPSHOTS[name]
    actual = still(engines(piece_arg(piece), SIZE, seed=SEED, strict=True), at)
    expected = load_png(SNAPSHOT_DIR / f"{name}.png")
    diff = np.abs(actual.astype(int) - expected.astype(int))
    mean, differing = diff.mean(), (diff.max(axis=2) > PIXEL_TOLERANCE).mean()
    if mean > MEAN_TOLERANCE or differing > DIFFERING_FRACTION:
        save_png(OUTPUT / f"{name}.actual.png", actual)
        save_png(OUTPUT / f"{name}.diff.png", np.clip(diff * 4, 0, 255).astype(np.uint8))
        pytest.fail(f"{name}: mean difference {mean:.2f}, {differing:.2%} of pixels differ; "
                    f"see tests/output/{name}.actual.png and .diff.png (make snapshots to accept)")


def test_the_comparison_can_fail(engines):
    """A reference of another piece must not pass as this one."""
    a = still(engines("calibration", SIZE, seed=SEED), 1.5)
    b = load_png(SNAPSHOT_DIR / "template.png")
    assert np.abs(a.astype(int) - b.astype(int)).mean() > MEAN_TOLERANCE
