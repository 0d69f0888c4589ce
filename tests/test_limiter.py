"""The flash limiter on the output, end to end: a strobing piece goes in, what reaches the screen
(and a rendered MP4, read back by the checker) has at most three flashes a second; so do random
hostile pieces, and an operator's panics and blackouts; only the flashing regions and their
neighbours are touched; calm content passes untouched. And check-flash on real files."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stagecraft.safety import flash, hold
from stagecraft.output.offline import frames
from stagecraft.output.record import VideoWriter, read_frames, save_png

from .conftest import run_cli, write_piece
from .hostile import RATES, random_pattern

STROBE = '''"""Strobe

A test pattern that flashes, to prove the limiter."""
from stagecraft import Color, Float, Point2D

SHADER = "strobe.frag"
PARAMS = {"hz": Float(10.0, 0.0, 30.0), "ink": Color((1, 1, 1, 1)), "base": Color((0, 0, 0, 1)),
          "box": Point2D((1.0, 1.0))}

def setup(stage):
    return {}

def update(stage, state, dt):
    pass
'''
SHADER = """void mainImage(out vec4 c, in vec2 p) {
    vec2 uv = p / iResolution.xy;
    bool inside = all(lessThan(abs(uv - 0.5), box * 0.5));
    bool on = fract(iTime * hz) < 0.5;
    c = inside && on ? ink : base;
}
"""
SIZE = (160, 90)
FPS = 30


@pytest.fixture
def strobe(tmp_path):
    return write_piece(tmp_path, "strobe", STROBE, SHADER)


def _shown(engines, piece, seconds=3.0, **kw):
    setup = kw.pop("setup", {})
    e = engines(piece, SIZE, fps=FPS, **kw)
    for name, value in setup.items():
        e.player.stage.set(name, value)
    return e, [f.copy() for f in frames(e, int(seconds * FPS))]


def test_a_strobe_reaches_the_screen_held_to_three_flashes_a_second(engines, strobe, operator):
    e, shown = _shown(engines, strobe)
    assert all(s["pass"] for s in flash.check(shown, FPS)), flash.check(shown, FPS)
    assert e.limiter.limited_frames > 10 and e.counters()["flash_limited_frames"] == e.limiter.limited_frames
    assert operator.stream.text.count("flash limiter: easing") == 1


def test_without_the_limiter_the_same_strobe_fails(engines, strobe):
    _, shown = _shown(engines, strobe, flash_limit=False)
    report = flash.check(shown, FPS)
    assert not all(s["pass"] for s in report) and max(s["general"] for s in report) >= 9


def test_only_the_flashing_regions_are_held(engines, strobe):
    patch = {"box": (0.3, 0.3), "base": (0.2, 0.4, 0.6, 1.0)}
    _, held = _shown(engines, strobe, setup=patch)
    _, free = _shown(engines, strobe, setup=patch, flash_limit=False)
    assert all(s["pass"] for s in flash.check(held, FPS))
    corner = (slice(0, 20), slice(0, 40))             # two regions away from the patch
    assert all(np.array_equal(a[corner], b[corner]) for a, b in zip(held, free))


def test_red_flashes_are_held_too(engines, strobe):
    red = {"ink": (1.0, 0.0, 0.0, 1.0), "base": (0.5, 0.0, 0.0, 1.0), "hz": 6.0}
    _, free = _shown(engines, strobe, setup=red, flash_limit=False)
    assert max(s["red"] for s in flash.check(free, FPS)) >= 5
    _, held = _shown(engines, strobe, setup=red)
    assert all(s["pass"] for s in flash.check(held, FPS))


def test_a_calm_piece_is_never_touched(engines):
    e, shown = _shown(engines, "smile_bazaar", seconds=2.0)
    assert e.limiter.limited_frames == 0


def _video(path, hz, seconds=3, patch=None):
    w, h = SIZE
    writer = VideoWriter(path, SIZE, FPS)
    for i in range(seconds * FPS):
        f = np.zeros((h, w, 3), np.uint8)
        if (i / FPS * hz) % 1 < 0.5:
            y0, y1, x0, x1 = patch or (0, h, 0, w)
            f[y0:y1, x0:x1] = 255
        writer.write(f)
    writer.close()
    return path


def test_check_flash_reads_real_videos_and_folders(tmp_path):
    r = run_cli("check-flash", str(_video(tmp_path / "fast.mp4", 10)))
    assert r.returncode == 1 and "FAIL" in r.stdout and "     1       10    0" in r.stdout, r.stdout
    r = run_cli("check-flash", str(_video(tmp_path / "slow.mp4", 2)))
    assert r.returncode == 0 and r.stdout.strip().endswith("pass"), r.stdout
    folder = tmp_path / "frames"
    for i in range(2 * FPS):
        save_png(folder / f"{i:04d}.png", np.full((*SIZE[::-1], 3), 255 * ((i // 3) % 2), np.uint8))
    r = run_cli("check-flash", str(folder), "--fps", str(FPS))
    assert r.returncode == 1, r.stdout
    r = run_cli("check-flash", str(tmp_path / "nothing.mp4"))
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_a_rendered_strobe_passes_the_checker_unless_the_limiter_is_off(strobe, tmp_path):
    for flag, passes in (([], True), (["--unsafe-no-flash-limit"], False)):
        out = tmp_path / f"strobe{len(flag)}.mp4"
        r = run_cli("render", strobe, "-o", str(out), "--size", "160x90", "--seconds", "3", "--fps", "30", *flag)
        assert r.returncode == 0, r.stderr
        assert (run_cli("check-flash", str(out)).returncode == 0) == passes


def _through_a_file(tmp_path, shown, fps):
    """Frames as a real render's MP4 holds them (H.264, 4:2:0), read back."""
    path = tmp_path / "shown.mp4"
    writer = VideoWriter(path, shown[0].shape[1::-1], fps)
    for f in shown:
        writer.write(f)
    writer.close()
    return read_frames(path)[0]


def _hostile(engines, folder, seed, size, fps, through_a_file=False) -> tuple:
    pattern = random_pattern(np.random.default_rng(seed))
    e = engines(pattern.write(folder), size, fps=fps)
    shown = [f.copy() for f in frames(e, int(2.5 * fps))]
    return pattern, flash.check(_through_a_file(folder, shown, fps) if through_a_file else shown, fps)


# The same eight pieces every run (CI must not pass or fail by the draw); bench/flash.py draws a
# thousand new ones by hand, and what it finds becomes an example here.
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1), st.sampled_from([(160, 90), (192, 108), (250, 140)]), st.sampled_from(RATES))
def test_no_hostile_piece_flashes_through_the_limiter(engines, tmp_path_factory, seed, size, fps):
    """Random hostile pieces (tests/hostile.py: square, sine, sawtooth, noise, checkers, moving
    bars, expanding rings; 3.5 to 30 Hz; any colours, saturated red and near-white pairs among
    them; from a small patch to the whole frame), rendered through the engine and the limiter,
    judged by check-flash's own analysis on the frames shown. Not through an MP4 at these sizes:
    a region here is 10 to 16 pixels wide, and H.264's 4:2:0 chroma alone (coded losslessly)
    moves a saturated red region's measure by up to 12.8 of the 20 a red flash takes, more than
    any margin can leave (measured at stop 26; at 1280x720 the codec moves it 5.0)."""
    pattern, report = _hostile(engines, tmp_path_factory.mktemp("hostile"), seed, size, fps)
    assert all(s["pass"] for s in report), (pattern, report)


def test_red_bars_the_fuzzer_found_are_held_to_three_flashes_in_a_rendered_file(engines, tmp_path):
    """Found by the fuzzer (seed 431): red and orange bars at 23 Hz, 60 fps, which at 160x90 an
    MP4 showed as three and a half red flashes a second (the codec's; the screen had two). At a
    real size the file holds what the screen showed (and its MP4 path stays tried here)."""
    pattern, report = _hostile(engines, tmp_path, 431, (1280, 720), 60.0, through_a_file=True)
    assert all(s["pass"] for s in report), (pattern, report)


def test_the_limiter_counts_what_the_screen_showed(engines, tmp_path):
    """Over a long exposure each region moves less than a byte a frame: what was shown stalls
    while the blend's arithmetic goes on. The plan blends toward, and counts, what the screen
    showed (measured), never drifting from it by more than one frame's rounding."""
    pattern = random_pattern(np.random.default_rng(431))
    e = engines(pattern.write(tmp_path), (160, 90), fps=60.0)
    drift = []
    for f in frames(e, 150):
        drift.append(np.abs(hold.measures(flash.cell_means(f).reshape(-1, 3)) - hold.measures(e.limiter.hold.last)))
    drift = np.max(drift, axis=(0, 2))
    assert e.limiter.limited_frames > 100
    assert drift[0] < 0.002 and drift[1] < 2.0, drift          # a byte: 0.0035 and 1.1 at most


@pytest.mark.parametrize("hammer", ["panic", "blackout"])
def test_panic_and_blackout_are_inputs_like_any_other(engines, strobe, hammer):
    """An operator hammering panic and reset, or blackout, on a bright picture makes flashes of
    their own (a fade up, cut short every few frames): the limiter holds those too."""
    def play(e):
        e.player.stage.set("hz", 0.0)
        shown = []
        for i in range(int(3 * FPS)):
            if hammer == "panic":
                e.panic(0.0) if i % 6 == 0 else e.reset() if i % 6 == 3 else None
            else:
                e.set_blackout(i % 6 < 3)
            shown += [f.copy() for f in frames(e, 1)]
        return shown
    free = play(engines(strobe, SIZE, fps=FPS, flash_limit=False))
    assert not all(s["pass"] for s in flash.check(free, FPS))
    held = play(engines(strobe, SIZE, fps=FPS))
    assert all(s["pass"] for s in flash.check(held, FPS)), flash.check(held, FPS)
