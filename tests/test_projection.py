"""The output stage on real GL (llvmpipe): a corner pin read back to within half a pixel (OpenCV
finds the checkerboard's corners), a warp grid likewise, two projectors' soft edges summing flat
in light, masks, a mapping file saved and loaded giving the same frame, the file's errors, the
outputs found on their displays by name, the calibration cards, and editing by OSC and by hand."""
import hashlib
from contextlib import contextmanager
import threading
import time

import pygame

import cv2
import numpy as np
import pytest

from stagecraft.output.offline import offline_engine, still
from stagecraft.projection.homography import UNIT, apply, homography
from stagecraft.projection.mapping import MappingError, load, save
from stagecraft.projection.place import Display, place

from .conftest import ROOT, close_all, wait_for

CHECKER = str(ROOT / "tests" / "pieces" / "checker.py")
KEYSTONE = [[0.12, 0.06], [0.95, 0.0], [0.9, 0.97], [0.02, 0.88]]


def mapping(tmp_path, text, name="mapping.toml"):
    path = tmp_path / name
    path.write_text(text)
    return load(path)


@contextmanager
def listening(tmp_path, text, canvas=(320, 180)):
    """An engine with this mapping and its control port open; `send` talks to that port."""
    from .conftest import Client
    m = mapping(tmp_path, text)
    e = offline_engine(CHECKER, canvas, mapping=m)
    client = Client()
    try:
        e.osc.listen(osc_port=0, audience_port=0)
        yield e, m, lambda address, *args: client.send(e.osc.ports["control"], address, *args)
    finally:
        client.close()
        close_all([e])


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
    from .conftest import wait_for
    with listening(tmp_path, (ROOT / "tests" / "projection" / "two.toml").read_text(), (640, 360)) as (e, m, send):
        before = list(frames(e, 2))[-1]
        send("/mapping/right/corner", 1, 0.2, 0.1)
        send("/mapping/right/corner", 2, 0.5, 0.5)      # would fold the quad: refused
        send("/mapping/left/blend/right", 0.1, 2.0, 2.2)
        send("/mapping/left/gain", float("nan"), 1.0, 1.0, 1.0)     # a NaN from a fader: refused at the wire
        assert wait_for(lambda: len(e.osc.inbox) >= 3)
        after = list(frames(e, 1))[-1]
        assert m.outputs[1].corners[0] == pytest.approx((0.2, 0.1)) and m.outputs[1].corners[1] == (1.0, 0.0)
        assert m.outputs[0].edges["right"].width == pytest.approx(0.1) and m.outputs[0].brightness == 1.0
        assert e.osc.counters()["osc_rejected"] == 1 and wait_for(lambda: e.osc.counters()["osc_malformed"] == 1)
        assert (after[:, 640:] != before[:, 640:]).any() and (after[:, :640] != before[:, :640]).any()
        assert load(tmp_path / "mapping.toml").outputs[1].corners[0] == (0.0, 0.0), "not saved mid-drag"
        list(frames(e, round(AUTOSAVE_S * 30) + 1))
        assert wait_for(lambda: load(tmp_path / "mapping.toml").outputs == m.outputs), "saved once it rested"

def corners_found(frame):
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    found, corners = cv2.findChessboardCorners(grey, (7, 5))
    assert found, "the warped checkerboard's corners were not found"
    return cv2.cornerSubPix(grey, corners, (7, 7), (-1, -1),
                            (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-3)).reshape(-1, 2)


def test_a_warp_grid_moves_the_picture_where_its_points_say_within_half_a_pixel(tmp_path):
    offsets = [(0, 0), (0.0, 0.02), (0, 0), (0.015, 0), (0.02, -0.015), (-0.01, 0.0), (0, 0), (0.0, -0.02), (0, 0)]
    points = "[" + ", ".join(f"[{x}, {y}]" for x, y in offsets) + "]"
    m = mapping(tmp_path, f'[[output]]\nname = "wall"\nsize = [1280, 720]\n'
                          f'warp = {{ cols = 2, rows = 2, points = {points} }}\n')
    frame = picture(m)
    cv2.imwrite(str(tmp_path / "warped.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    inner = np.array([(0.1 + 0.8 * i / 8, 0.1 + 0.8 * j / 6) for j in range(1, 6) for i in range(1, 8)])
    grid = np.array(offsets).reshape(3, 3, 2)
    g = inner * 2
    c = np.minimum(g.astype(int), 1)
    f = g - c
    at = lambda dx, dy: grid[c[:, 1] + dy, c[:, 0] + dx]    # noqa: E731
    offset = ((at(0, 0) * (1 - f[:, :1]) + at(1, 0) * f[:, :1]) * (1 - f[:, 1:])
              + (at(0, 1) * (1 - f[:, :1]) + at(1, 1) * f[:, :1]) * f[:, 1:])
    expected = (inner + offset) * (1280, 720) - 0.5
    error = np.linalg.norm(corners_found(frame)[:, None, :] - expected[None, :, :], axis=2).min(axis=0)
    assert np.sqrt((error ** 2).mean()) <= 0.5 and error.max() <= 1.0, (np.sqrt((error ** 2).mean()), error.max())
    assert np.abs(offset).max() * 1280 > 10, "the points moved the picture by more than the tolerance"
    flat = mapping(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\nwarp = { cols = 3, rows = 2 }\n', "flat.toml")
    plain = mapping(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\n', "plain.toml")
    assert (picture(flat, size=(320, 180)) == picture(plain, size=(320, 180))).all(), "a grid left flat changes nothing"


def test_outputs_find_their_displays_by_name_whatever_order_the_displays_come_in(tmp_path):
    # The display list is SDL's; this machine has no projectors, so the lists are made up here.
    m = mapping(tmp_path, """
[[output]]
name = "stage-left"
display = "EPSON PJ 1"
size = [1920, 1080]

[[output]]
name = "stage-right"
display = "EPSON PJ 2"
size = [1920, 1080]

[[output]]
name = "stream"
display = "virtual"
size = [1280, 720]
""")
    a, b, laptop = Display("EPSON PJ 1", 1920, 0, 1920, 1080), Display("EPSON PJ 2", 3840, 0, 1920, 1080), \
        Display("Built-in", 0, 0, 1920, 1200)
    first = place(m, [laptop, a, b])
    assert place(m, [b, laptop, a]) == first
    assert first.window == (1920, 0, 3840, 1080) and first.viewports == ((0, 0, 1920, 1080), (1920, 0, 1920, 1080), None)
    swapped = place(m, [Display(a.name, 3840, 0, 1920, 1080), laptop, Display(b.name, 1920, 0, 1920, 1080)])
    assert swapped.viewports[:2] == ((1920, 0, 1920, 1080), (0, 0, 1920, 1080)), "each output follows its display"
    one = place(m, [laptop, b])
    assert one.viewports == (None, (0, 0, 1920, 1080), None) and one.window == (3840, 0, 1920, 1080)
    assert one.notes == ("output stage-left: no display named 'EPSON PJ 1' (displays here: 'Built-in', "
                         "'EPSON PJ 2'); it renders virtual",)
    around = place(m, [Display("Built-in", 3840, 0, 1920, 1080), a, Display(b.name, 5760, 0, 1920, 1080)])
    assert "display 'Built-in' lies within the window spanning the projectors: it shows black" in around.notes
    alone = place(m, [laptop])
    assert alone.window is None and alone.viewports == tuple(m.viewports()) and len(alone.notes) == 2


def test_a_missing_display_is_told_once_and_the_outputs_render_virtual(tmp_path):
    from .conftest import run_cli
    path = tmp_path / "m.toml"
    path.write_text('[[output]]\nname = "wall"\ndisplay = "DP-9"\nsize = [320, 180]\n')
    out = tmp_path / "stats.json"
    r = run_cli("play", CHECKER, "--headless", "--mapping", str(path), "--seconds", "1", "--no-osc",
                "--audio", "none", "--stats", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("no display named 'DP-9'") == 1, r.stderr


def test_the_calibration_piece_gives_each_output_its_own_card(tmp_path):
    m = mapping(tmp_path, '[[output]]\nname = "left"\nsize = [640, 360]\nsource = [0, 0, 0.5, 1]\n'
                          '[[output]]\nname = "right"\nsize = [640, 360]\nsource = [0.5, 0, 0.5, 1]\n'
                          'blend = { uplift = 0.02 }\n')
    e = offline_engine("calibration", (1280, 360), mapping=m, settings=[("mode", "4"), ("sound_check", "false")])
    try:
        card = still(e, 0.0).astype(int)
        cv2.imwrite(str(tmp_path / "cards.png"), cv2.cvtColor(card.astype(np.uint8), cv2.COLOR_RGB2BGR))
        e.set_blackout(True)
        dark = still(e, 3.0).astype(int)
    finally:
        close_all([e])
    for side in (card[:, :640], card[:, 640:]):
        grey = (np.abs(side[20:240] - 128).max(axis=2) <= 3).mean()
        assert grey > 0.6, f"each card is mostly its 50% grey field ({grey:.2f})"
        assert (side[300, 200:440].max(axis=1) <= 6).all(), "with its black band"
        cyan = (side[..., 2] > 200) & (side[..., 0] < 120)
        assert cyan[140:220, 200:440].mean() > 0.05, "its name in cyan across the middle"
    assert (card[140:220, :640] != card[140:220, 640:]).any(), "each card its own name"
    assert dark[:, :640].max() == 0 and dark[:, 640:].max() <= 0.02 * 255 + 1, "a blackout darkens the cards (the uplift stays)"


def test_identify_over_osc_shows_the_cards_for_its_seconds_then_the_canvas(tmp_path):
    from stagecraft.output.offline import frames
    from .conftest import wait_for
    with listening(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\n') as (e, m, send):
        canvas = list(frames(e, 1))[-1]
        send("/mapping/identify", 0.5)
        assert wait_for(lambda: len(e.osc.inbox) >= 1)
        shown = list(frames(e, 20))
        assert not (shown[0] == canvas).all() and (np.abs(shown[0].astype(int) - 128).max(axis=2) <= 2).mean() > 0.3
        assert (shown[-1] == canvas).all(), "after half a second, the canvas again"


def test_a_warp_grid_made_and_moved_over_osc(tmp_path):
    from stagecraft.output.offline import frames
    from .conftest import wait_for
    with listening(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\n') as (e, m, send):
        send("/mapping/wall/point", 1, 1, 0.1, 0.0)      # no grid yet: refused
        send("/mapping/wall/grid", 2, 2)
        send("/mapping/wall/point", 1, 1, 0.03, -0.02)
        send("/mapping/wall/point", 3, 1, 0.03, -0.02)   # outside the grid: refused
        assert wait_for(lambda: len(e.osc.inbox) >= 4)
        list(frames(e, 1))
        assert m.outputs[0].warp.points[4] == pytest.approx((0.03, -0.02)) and e.osc.counters()["osc_rejected"] == 2
        with pytest.raises(ValueError, match="finite"):          # a controller's path has no wire check
            e.edit_mapping("wall", "point", 1, 1, float("nan"), 0.0)

def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


def mouse(kind, x, y):
    return pygame.event.Event(kind, pos=(x, y), button=1, buttons=(1, 0, 0), rel=(0, 0))


def test_the_operator_edits_corners_by_keys_and_by_dragging_and_undoes(tmp_path):
    m = mapping(tmp_path, (ROOT / "tests" / "projection" / "two.toml").read_text())
    e = offline_engine(CHECKER, (640, 360), mapping=m)
    try:
        left, right = m.outputs[0].corners, m.outputs[1].corners
        e.controls.handle([key(pygame.K_m), key(pygame.K_TAB), key(pygame.K_2), key(pygame.K_LEFT),
                           key(pygame.K_DOWN, pygame.KMOD_SHIFT)])
        assert e.projection.editor.active and not e.overlay.visible, "Tab moved to the next output"
        moved = m.outputs[1].corners[1]
        assert moved == pytest.approx((1.0 - 1 / 640, 0.1 / 360)) and m.outputs[0].corners == left
        # the right output's bottom-left corner (0, 1) lies at window pixel (640, 360): drag it 32 px
        e.controls.handle([mouse(pygame.MOUSEBUTTONDOWN, 643, 357), mouse(pygame.MOUSEMOTION, 675, 357),
                           mouse(pygame.MOUSEBUTTONUP, 675, 357)])
        assert m.outputs[1].corners[3] == pytest.approx((32 / 640, 1.0))
        e.controls.handle([key(pygame.K_z, pygame.KMOD_CTRL)] * 3)
        assert m.outputs[1].corners == right
        e.controls.handle([key(pygame.K_m), key(pygame.K_TAB)])
        assert not e.projection.editor.active and e.overlay.visible, "editing done, Tab is the overlay's again"
    finally:
        close_all([e])


def test_saving_never_waits_for_the_disk_and_the_latest_text_wins(tmp_path):
    from stagecraft.crossings import FileWriter
    written, entered, gate = [], threading.Event(), threading.Event()

    def slow(path, text):
        entered.set()
        gate.wait(5)
        written.append(text)
        if text == "bad":
            raise OSError(28, "No space left on device")

    writer = FileWriter(slow)
    writer.put(tmp_path / "m.toml", "first")
    assert entered.wait(5)                      # the first write is on the disk now
    for n in range(50):
        writer.put(tmp_path / "m.toml", str(n))
    assert written == [], "every put returned while the disk still held the first write"
    gate.set()
    assert wait_for(lambda: written == ["first", "49"]), written
    gate.clear()
    entered.clear()
    writer.put(tmp_path / "m.toml", "bad")
    assert entered.wait(5)
    writer.put(tmp_path / "m.toml", "last")     # put while a write is in flight, then closed at once
    gate.set()
    writer.close()
    assert written == ["first", "49", "bad", "last"], "closing never leaves a text unwritten"
    assert "No space left on device" in writer.failures.get_nowait()


def test_an_ndi_receiver_in_another_process_gets_the_frames(tmp_path):
    import subprocess
    import sys
    from stagecraft.output.offline import frames
    name = f"stagecraft-test-{time.monotonic_ns() % 10 ** 9}"
    m = mapping(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\ncorners = '
                          '[[0.1, 0.0], [0.9, 0.05], [1.0, 1.0], [0.0, 0.95]]\n')
    e = offline_engine(CHECKER, (640, 360), mapping=m, ndi=(name, "wall"))
    receiver = subprocess.Popen([sys.executable, "-m", "tests.ndi_receiver", name, "4", str(tmp_path / "got.npz")],
                                cwd=ROOT)
    try:
        sent = []
        while receiver.poll() is None:
            sent += list(frames(e, 1))
            time.sleep(1 / 30)
        assert receiver.returncode == 0
    finally:
        receiver.kill()
        close_all([e])
    got = np.load(tmp_path / "got.npz")
    assert got["count"] >= 5, f"{got['count']} frames came"       # a stream, however busy the machine
    assert got["last"].shape == (180, 320, 3)
    error = np.abs(got["last"].astype(int) - sent[-1].astype(int)).mean()
    assert error <= 4.0, f"the output's frame, as NDI's compression allows ({error:.2f} of 255 off)"


def test_ndi_options_are_checked_before_anything_opens(tmp_path):
    from .conftest import run_cli
    path = tmp_path / "m.toml"
    path.write_text('[[output]]\nname = "wall"\nsize = [320, 180]\n')
    alone = run_cli("play", CHECKER, "--headless", "--ndi-output", "wall", "--seconds", "1")
    assert alone.returncode == 2 and "give --ndi NAME too" in alone.stderr
    missing = run_cli("play", CHECKER, "--headless", "--mapping", str(path), "--ndi", "x", "--ndi-output", "door",
                      "--seconds", "1")
    assert missing.returncode == 2 and "--ndi-output door: no such output" in missing.stderr


def test_an_output_on_a_display_fills_that_displays_part_of_one_borderless_window(tmp_path):
    from stagecraft.engine.loop import Engine
    from stagecraft.picture.window import Window, displays
    from stagecraft.show.operator import Operator
    (name, rect), = displays(headless=True)             # SDL's offscreen driver has one display
    m = mapping(tmp_path, f'[[output]]\nname = "wall"\ndisplay = "{name}"\nsize = [320, 180]\n'
                          '[[output]]\nname = "stream"\nsize = [320, 180]\n')
    placed = place(m, [Display(name, *rect)])
    assert placed.window == rect and placed.viewports == ((0, 0, rect[2], rect[3]), None)
    assert placed.notes == (f"output wall: 320x180, but display '{name}' is {rect[2]}x{rect[3]}; it is stretched "
                            "to fit",)
    window = Window(placed.size, headless=True, span=placed.window)
    e = Engine(window, CHECKER, size=(320, 180), operator=Operator(), mapping=m, placement=placed, fps_cap=0)
    try:
        e.frame()
        w, h = window.size
        shown = np.frombuffer(window.screen.read(components=3), np.uint8).reshape(h, w, 3)[::-1]
        assert e.ctx.error in ("GL_NO_ERROR", "GL_INVALID_OPERATION")   # moderngl#290: the window's own read
    finally:
        close_all([e])
    assert (w, h) == rect[2:]
    inner = (shown[int(h * 0.1) + 2:int(h * 0.9) - 2, int(w * 0.1) + 2:int(w * 0.9) - 2].mean(axis=2) < 128).mean()
    assert 0.4 < inner < 0.6, "the checkerboard stretched over the whole display, half of it black"
    assert shown[:int(h * 0.1) - 2].min() > 200, "its white border at the display's top edge"


def test_the_editor_never_holds_a_handle_its_output_lost(tmp_path):
    m = mapping(tmp_path, '[[output]]\nname = "a"\nsize = [320, 180]\n'
                          '[[output]]\nname = "b"\nsize = [320, 180]\nwarp = { cols = 2, rows = 2 }\n')
    e = offline_engine(CHECKER, (320, 180), mapping=m)
    try:
        editor = e.projection.editor
        e.controls.handle([key(pygame.K_m), key(pygame.K_LEFT), key(pygame.K_TAB)])
        editor.select(8)                                    # a warp point of b
        e.controls.handle([key(pygame.K_RIGHT)] + [key(pygame.K_z, pygame.KMOD_CTRL)] * 2 + [key(pygame.K_RIGHT)])
        assert editor.output == 0 and editor.handle == 3, "back on a, on a corner it has"
        e.controls.handle([key(pygame.K_TAB)])
        editor.select(8)
        e.edit_mapping("b", "grid", 0, 0)                   # the grid taken away over OSC
        e.controls.handle([key(pygame.K_DOWN)])
        assert editor.handle == 3 and m.outputs[1].corners[3] == pytest.approx((0.0, 1.0 + 1 / 180))
        assert still(e, 0.1).any(), "and the next frame draws"
    finally:
        close_all([e])


def test_a_warp_that_would_fold_the_picture_over_itself_is_refused(tmp_path):
    """No pixel can be traced back into a folded cell (it would show black): the file names the
    cell, OSC and the editor leave the grid as it was, and the operator is told."""
    # four columns a quarter apart: the second point moved 0.3 right passes the third
    folded = '[[output]]\nname = "wall"\nsize = [320, 180]\nwarp = { cols = 4, rows = 1, points = ' \
             '[[0, 0], [0.3, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]] }\n'
    with pytest.raises(MappingError, match=r"wall.*warp cell 1 0 folds over itself"):
        mapping(tmp_path, folded)
    with listening(tmp_path, '[[output]]\nname = "wall"\nsize = [320, 180]\n') as (e, m, send):
        e.edit_mapping("wall", "grid", 4, 1)
        e.edit_mapping("wall", "point", 1, 0, 0.1, 0.0)
        with pytest.raises(ValueError, match="warp cell 1 0 folds"):
            e.edit_mapping("wall", "point", 1, 0, 0.3, 0.0)
        assert m.outputs[0].warp.points[1] == pytest.approx((0.1, 0.0))


def test_a_click_without_a_move_and_a_refused_move_leave_nothing_to_undo(tmp_path, operator):
    m = mapping(tmp_path, '[[output]]\nname = "wall"\nsize = [640, 360]\n'
                          'warp = { cols = 2, rows = 1, points = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]] }\n')
    e = offline_engine(CHECKER, (640, 360), mapping=m, operator=operator)
    try:
        e.controls.handle([key(pygame.K_m), key(pygame.K_1), key(pygame.K_RIGHT)])      # a move to undo
        assert m.outputs[0].corners[0] == pytest.approx((1 / 640, 0.0))
        e.controls.handle([mouse(pygame.MOUSEBUTTONDOWN, 600, 358), mouse(pygame.MOUSEBUTTONUP, 600, 358)])
        # the top middle grid point (320, 0) dragged onto its right neighbour folds the grid: refused
        e.controls.handle([mouse(pygame.MOUSEBUTTONDOWN, 320, 2), mouse(pygame.MOUSEMOTION, 700, 2),
                           mouse(pygame.MOUSEBUTTONUP, 700, 2)])
        assert m.outputs[0].warp.points[1] == (0.0, 0.0) and "folds over itself" in operator.stream.text
        e.controls.handle([key(pygame.K_z, pygame.KMOD_CTRL)])
        assert m.outputs[0].corners[0] == (0.0, 0.0), "one undo took back the nudge: nothing else was kept"
    finally:
        close_all([e])


def test_a_mapping_that_cannot_be_saved_is_told_and_told_again_after_it_could(tmp_path, operator, monkeypatch):
    """A full disk cannot be made here: the file writer's write is replaced by one that fails when
    told to (the frame loop, the writer's thread and the telling are the real ones)."""
    from stagecraft.projection import stage
    full = [True]

    def write(path, text):
        if full[0]:
            raise OSError(28, "No space left on device")
        path.write_text(text)
    monkeypatch.setattr(stage, "write", write)
    path = tmp_path / "wall.toml"
    path.write_text('[[output]]\nname = "wall"\nsize = [320, 180]\n')
    e = offline_engine(CHECKER, (320, 180), mapping=load(path), operator=operator)
    p = e.projection
    try:
        def save(disk_full):
            full[0] = disk_full
            seen = p._writer.saved
            p.save()
            assert wait_for(lambda: not p._writer.failures.empty() or p._writer.saved > seen)
            p.autosave(0.0)
        save(True)
        save(True)
        assert operator.stream.text.count("No space left on device") == 1, "told once while it lasts"
        save(False)
        assert "saving the mapping to" in operator.stream.text and path.read_text().startswith("[[output]]")
        save(True)
        assert operator.stream.text.count("No space left on device") == 2, "a new failure after a save is news"
    finally:
        close_all([e])
