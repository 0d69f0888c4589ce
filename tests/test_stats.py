"""Whole-run frame statistics stay the same size however long the show runs, and stay accurate."""
import numpy as np
import pytest

from stagecraft.engine.stats import FrameStats, Histogram


@pytest.mark.parametrize("q", [50, 90, 99, 99.9])
def test_histogram_percentiles_are_within_a_bin_of_the_exact_ones(q):
    rng = np.random.default_rng(3)
    times = np.concatenate([rng.normal(1 / 60, 0.0005, 50_000), rng.uniform(0.02, 0.2, 500)])
    h = Histogram()
    for x in times:
        h.add(float(x))
    assert len(h) == len(times)
    assert h.percentile(q) == pytest.approx(np.percentile(times, q), rel=0.01)


def test_out_of_range_times_are_kept_at_the_ends():
    h = Histogram()
    for x in (0.0, 1e-9, 1e9, 0.016):
        h.add(x)
    assert len(h) == 4
    assert h.percentile(100) == pytest.approx(Histogram.HI, rel=0.01)
    assert Histogram().percentile(99) == 0.0


def test_a_long_run_keeps_the_same_memory():
    stats = FrameStats()
    before = stats._all_intervals.counts.nbytes
    for _ in range(200_000):                   # an hour of frames at 60 fps, near enough
        stats.add(1 / 60, 0.004)
    s = stats.summary()
    assert stats._all_intervals.counts.nbytes == before
    assert s["frames"] == 200_000 and s["fps_mean"] == pytest.approx(60, rel=1e-6)
    assert s["frame_ms_p50"] == pytest.approx(16.667, rel=0.01) and s["frame_ms_p99"] == pytest.approx(16.667, rel=0.01)


def test_a_process_knows_its_age(monkeypatch):
    """From the kernel's record (the interpreter's own start counts), or where there is none, from
    when the stats module was imported."""
    from stagecraft.engine import stats
    kernel = stats.process_age()
    assert kernel > 0
    monkeypatch.setattr("builtins.open", lambda *a, **k: (_ for _ in ()).throw(OSError("no /proc")))
    assert 0 < stats.process_age() <= kernel + 1.0


def test_frames_over_20_ms_are_counted():
    s = FrameStats()
    for interval in [1 / 60] * 100 + [0.025, 0.05, 0.3]:
        s.add(interval, 0.001)
    assert s.summary()["frames_over_20ms"] == 3
