"""The output stage on real GL (llvmpipe): a corner pin read back to within half a pixel (OpenCV
finds the checkerboard's corners), two projectors' soft edges summing flat in light, masks, a
mapping file saved and loaded giving the same frame, and the file's errors."""
import hashlib

import cv2
import numpy as np
import pytest

from stagecraft.output.offline import offline_engine, still
from stagecraft.projection.homography import UNIT, apply, homography
from stagecraft.projection.mapping import MappingError, load, save

from .conftest import ROOT, close_all

CHECKER = str(ROOT / "tests" / "pieces" / "checker.py")
KEYSTONE = [[0.12, 0.06], [0.95, 0.0], [0.9, 0.97], [0.02, 0.88]]


def mapping(tmp_path, text, name="mapping.toml"):
    path = tmp_path / name
    path.write_text(text)
    return load(path)


def picture(m, size=(1280, 720), grey=0.0):
    e = offline_engine(CHECKER, size, mapping=m, settings=[("grey", str(grey))] if grey else ())
    try:
        return still(e, 0.0)
    finally:
        close_all([e])


def test_a_corner_pin_lands_every_corner_of_a_checkerboard_within_half_a_pixel(tmp_path):
    m = mapping(tmp_path, f'[[output]]\nname = "wall"\nsize = [1280, 720]\ncorners = {KEYSTONE}\n')
    frame = picture(m)
    cv2.imwrite(str(tmp_path / "pinned.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    found, corners = cv2.findChessboardCorners(grey, (7, 5))
    assert found, "the warped checkerboard's corners were not found"
    corners = cv2.cornerSubPix(grey, corners, (7, 7), (-1, -1),
                               (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-3)).reshape(-1, 2)
    inner = np.array([(0.1 + 0.8 * i / 8, 0.1 + 0.8 * j / 6) for j in range(1, 6) for i in range(1, 8)])
    expected = apply(homography(UNIT, KEYSTONE), inner) * (1280, 720) - 0.5     # OpenCV: pixel centres at whole numbers
    error = np.linalg.norm(corners[:, None, :] - expected[None, :, :], axis=2).min(axis=0)
    assert np.sqrt((error ** 2).mean()) <= 0.5 and error.max() <= 1.0, (np.sqrt((error ** 2).mean()), error.max())
    # two plain triangles (affine on each side of the diagonal) would put them elsewhere
    tl, tr, br, bl = (np.array(c) * (1280, 720) - 0.5 for c in KEYSTONE)
    u, v = inner[:, 0:1], inner[:, 1:2]
    lower = u + v > 1.0
    affine = np.where(lower, tr + (br - tr) * v + (bl - br) * (1 - u), tl + (tr - tl) * u + (bl - tl) * v)
    assert np.linalg.norm(affine - expected, axis=1).max() > 5.0, "the test must tell a homography from two triangles"


def test_two_projectors_overlapping_sum_flat_in_light_across_the_blend(tmp_path):
    width = 0.15 / 0.575
    m = mapping(tmp_path, f'''
[[output]]
name = "left"
size = [640, 360]
source = [0.0, 0.0, 0.575, 1.0]
blend = {{ right = {{ width = {width}, curve = 2.0, gamma = 2.2 }} }}

[[output]]
name = "right"
size = [640, 360]
source = [0.425, 0.0, 0.575, 1.0]
blend = {{ left = {{ width = {width}, curve = 2.0, gamma = 2.2 }} }}
''')
    frame = picture(m, grey=0.6).astype(float) / 255.0
    light = frame[180, :, 1] ** 2.2
    left, right = light[:640], light[640:]
    x = (np.arange(640) + 0.5) / 640 * 0.575               # canvas x of each output column
    overlap = np.linspace(0.43, 0.57, 57)
    summed = np.interp(overlap, x, left) + np.interp(overlap, x + 0.425, right)
    alone = left[:300].mean()
    assert np.abs(summed / alone - 1.0).max() <= 0.01, np.abs(summed / alone - 1.0).max()
    unblended = np.interp(overlap, x, left) / alone
    assert unblended.min() < 0.2, "the left projector fades out across the overlap"


def test_a_mask_paints_black_and_the_gain_tints(tmp_path):
    m = mapping(tmp_path, '''
[[output]]
name = "wall"
size = [320, 180]
mask = [{ points = [[0.5, 0.5], [1.0, 0.5], [1.0, 1.0], [0.5, 1.0]], feather = 0.0 }]
gain = { brightness = 0.5, rgb = [1.0, 0.5, 0.25] }
''')
    frame = picture(m, size=(320, 180), grey=0.8).astype(float)
    assert frame[150, 280].max() == 0, "inside the mask: black"
    r, g, b = frame[40, 40]
    assert r == pytest.approx(0.8 * 0.5 * 255, abs=2) and g == pytest.approx(r / 2, abs=2) and b == pytest.approx(r / 4, abs=2)


def test_a_saved_mapping_loads_to_the_same_frame_and_keeps_backups(tmp_path):
    text = (ROOT / "tests" / "projection" / "two.toml").read_text()
    m = mapping(tmp_path, text)
    first = picture(m, size=(640, 360))
    m.change("left", corners=((0.1, 0.1), (0.9, 0.0), (1.0, 1.0), (0.0, 0.9)))
    save(m)
    save(m)
    assert (tmp_path / "mapping.toml.1").exists() and (tmp_path / "mapping.toml.2").read_text() == text
    again = load(tmp_path / "mapping.toml")
    assert again.outputs == m.outputs
    digest = lambda f: hashlib.sha1(f.tobytes()).hexdigest()   # noqa: E731
    assert digest(picture(again, size=(640, 360))) == digest(picture(m, size=(640, 360))) != digest(first)


@pytest.mark.parametrize("text, says", [
    ('[[output]]\nname = "a"\nsize = [100, 100]\nbrightness = 2\n', "unknown key 'brightness'"),
    ('[[output]]\nname = "a b"\n', "no spaces or slashes"),
    ('[[output]]\nname = "a"\ncorners = [[0, 0], [0.5, 0.5], [1, 1], [0, 1]]\n', "convex quadrilateral"),
    ('[[output]]\nname = "a"\ncorners = [[0, 0], [1, 1], [1, 0], [0, 1]]\n', "convex quadrilateral"),
    ('[[output]]\nname = "a"\nsource = [0.5, 0, 0.6, 1]\n', "inside the canvas"),
    ('[[output]]\nname = "a"\n[[output]]\nname = "a"\n', "share a name"),
    ('[[output]]\nname = "a"\nblend = { middle = { width = 0.1 } }\n', "unknown key 'middle'"),
])
def test_a_bad_mapping_file_names_what_to_fix(tmp_path, text, says):
    with pytest.raises(MappingError, match=says):
        mapping(tmp_path, text)


def test_a_corner_moved_over_osc_shows_in_the_next_frame_and_saves_itself(tmp_path):
    from stagecraft.output.offline import frames
    from stagecraft.projection.stage import AUTOSAVE_S
    from .conftest import Client, wait_for
    m = mapping(tmp_path, (ROOT / "tests" / "projection" / "two.toml").read_text())
    e = offline_engine(CHECKER, (640, 360), mapping=m)
    client = Client()
    try:
        e.osc.listen(osc_port=0, audience_port=0)
        before = list(frames(e, 2))[-1]
        port = e.osc.ports["control"]
        client.send(port, "/mapping/right/corner", 1, 0.2, 0.1)
        client.send(port, "/mapping/right/corner", 2, 0.5, 0.5)      # would fold the quad: refused
        client.send(port, "/mapping/left/blend/right", 0.1, 2.0, 2.2)
        assert wait_for(lambda: len(e.osc.inbox) >= 3)
        after = list(frames(e, 1))[-1]
        assert m.outputs[1].corners[0] == pytest.approx((0.2, 0.1)) and m.outputs[1].corners[1] == (1.0, 0.0)
        assert m.outputs[0].edges["right"].width == pytest.approx(0.1)
        assert e.osc.counters()["osc_rejected"] == 1
        assert (after[:, 640:] != before[:, 640:]).any() and (after[:, :640] != before[:, :640]).any()
        assert load(tmp_path / "mapping.toml").outputs[1].corners[0] == (0.0, 0.0), "not saved mid-drag"
        list(frames(e, round(AUTOSAVE_S * 30) + 1))
        assert load(tmp_path / "mapping.toml").outputs == m.outputs, "saved once it rested"
    finally:
        client.close()
        close_all([e])
