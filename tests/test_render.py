"""Offline output is driven by frame index and seed: the same inputs give the same frames."""
import imageio_ffmpeg
import numpy as np

from stagecraft.output.offline import frames, render

from .conftest import ROOT, write_piece

TEMPLATE = str(ROOT / "pieces" / "_template.py")


def _run(engines, piece, seed, n=12, fire_at=None):
    e = engines(piece, seed=seed)

    def before(i):
        if i == fire_at:
            e.go()
    return [f.copy() for f in frames(e, n, before_frame=before)]


def test_two_renders_give_identical_frames(engines):
    a = _run(engines, TEMPLATE, seed=3, fire_at=4)
    b = _run(engines, TEMPLATE, seed=3, fire_at=4)
    assert len(a) == len(b) == 12
    for fa, fb in zip(a, b):
        assert np.array_equal(fa, fb)
    assert not np.array_equal(a[0], a[-1]), "the piece should move over 12 frames"


def test_input_changes_the_frames(engines):
    plain = _run(engines, TEMPLATE, seed=3)
    cued = _run(engines, TEMPLATE, seed=3, fire_at=4)
    assert np.array_equal(plain[3], cued[3])
    assert not np.array_equal(plain[-1], cued[-1])


def test_render_writes_an_h264_mp4_with_every_frame(tmp_path):
    out = render("calibration", tmp_path / "cal.mp4", seconds=1.0, fps=12, size=(160, 90), seed=0)
    n, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n == 12 and abs(secs - 1.0) < 0.1
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert meta["size"] == (160, 90) and "h264" in meta["codec"]
    first = np.frombuffer(next(reader), np.uint8).reshape(90, 160, 3)
    assert first.mean() > 20  # a picture, not black


CROWD = '''"""Crowd

Many instances, more than the instance buffer first holds."""
import numpy as np

SHADER = "crowd.frag"

def setup(stage):
    return {"n": 10}

def update(stage, state, dt):
    state["n"] = min(state["n"] * 4, 4000)

def draw(stage, state):
    stage.clear((0, 0, 0, 1))
    n = state["n"]
    i = np.arange(n)
    data = np.stack([(i % 80 + 0.5) / 80, 1 - (i // 80 + 0.5) / 50, np.full(n, 0.01), np.full(n, 0.01),
                     np.full(n, 1.0), i / n, np.zeros(n), np.ones(n)], axis=1)
    stage.instances("crowd.frag", data.astype("f4"))
'''


def test_instances_beyond_the_first_buffer_grow_it(engines, tmp_path):
    crowd = write_piece(tmp_path, "crowd", CROWD, "void mainImage(out vec4 c, in vec2 p) { c = vData[0]; }\n")
    e = engines(crowd, (400, 250), strict=True)
    last = list(frames(e, 6))[-1]
    lit = (last.max(axis=2) > 0).reshape(50, 5, 80, 5).any(axis=(1, 3))
    assert lit.sum() == 4000, "every one of the 4,000 instances drew"


UNIFORMS = '''"""Uniforms

Reads an integer vector and only the first channel's resolution."""
SHADER = "uniforms.frag"
PARAMS = {}


def setup(stage):
    return {}


def update(stage, state, dt):
    stage.uniforms(cells=(3, 5))


def draw(stage, state):
    stage.shade("uniforms.frag", channels=["main"])
'''
UNIFORMS_SHADER = """uniform ivec2 cells;
void mainImage(out vec4 c, in vec2 p) {
    c = vec4(float(cells.x) / 10.0, float(cells.y) / 10.0, iChannelResolution[0].x / 1000.0, 1.0);
}
"""


def test_integer_vectors_and_a_shortened_array_reach_the_shader(engines, tmp_path):
    """A uniform array the compiler cut to one element (only iChannelResolution[0] read) and an
    ivec2 both take their values, not a warning."""
    e = engines(write_piece(tmp_path, "uniforms", UNIFORMS, UNIFORMS_SHADER))
    r, g, b = [f.copy() for f in frames(e, 2)][-1][0, 0] / 255.0
    assert abs(r - 0.3) < 0.01 and abs(g - 0.5) < 0.01 and abs(b - 0.16) < 0.01     # 160 pixels wide
    assert "cannot take" not in e.operator.stream.text
