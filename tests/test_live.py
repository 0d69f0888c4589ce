"""The live loop in a real pygame OpenGL window on SDL's offscreen driver: keys, overlay, blackout,
resizing. Events are posted to SDL's real queue, as a keyboard would."""
import numpy as np
import pygame
import pytest

from stagecraft.engine.loop import Engine
from stagecraft.picture.window import Window

from .conftest import ROOT, close_all


@pytest.fixture
def live(operator):
    made = []

    def make(piece="calibration", size=(320, 180), fixed=None):
        window = Window(size, headless=True)
        e = Engine(window, piece, size=fixed, operator=operator, fps_cap=0)
        made.append(e)
        return e

    yield make
    close_all(made)


def _screen(e) -> np.ndarray:
    w, h = e.surface.size
    data = e.surface.screen.read(components=3)
    # moderngl sets glReadBuffer(GL_COLOR_ATTACHMENT0) even on the window's own framebuffer, which
    # GL flags as invalid while reading the back buffer correctly (moderngl#290); only tests read it.
    assert e.ctx.error in ("GL_NO_ERROR", "GL_INVALID_OPERATION")
    return np.frombuffer(data, np.uint8).reshape(h, w, 3)[::-1]


def _canvas(e) -> np.ndarray:
    w, h = e.canvas_size
    return np.frombuffer(e.player.image.read(), np.uint8).reshape(h, w, 4)[::-1, :, :3]


def _key(key, mod=0):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))


def test_overlay_is_off_by_default_and_drawn_only_on_the_window(live):
    e = live()
    e.frame()
    assert not e.overlay.visible
    assert np.array_equal(_screen(e), _canvas(e)), "without the overlay the window shows the canvas"
    _key(pygame.K_TAB)
    e.frame()
    screen, canvas = _screen(e), _canvas(e)
    panel, rest = (slice(0, 40), slice(0, 120)), (slice(100, 180), slice(None))
    assert e.overlay.visible
    assert not np.array_equal(screen[panel], canvas[panel])
    assert np.array_equal(screen[rest], canvas[rest])
    _key(pygame.K_TAB)
    e.frame()
    assert not e.overlay.visible


def test_space_fires_the_next_cue_and_arrows_move_the_playhead(live):
    e = live()
    _key(pygame.K_DOWN)
    _key(pygame.K_DOWN)
    _key(pygame.K_UP)
    e.frame()
    assert e.show.standby.name == "grid"
    _key(pygame.K_SPACE)
    e.frame()
    assert e.show.current.name == "grid" and e.player.stage.p.mode == 1


def test_blackout_fades_the_output_and_comes_back(live):
    e = live()
    e.frame()
    assert _screen(e).mean() > 20
    _key(pygame.K_b)
    _frames_until(e, lambda: e.fade.level == 0.0)
    assert e.fade.blackout and _screen(e).max() == 0
    _key(pygame.K_b)
    _frames_until(e, lambda: e.fade.level == 1.0)
    assert not e.fade.blackout and _screen(e).mean() > 20


def _frames_until(e, condition, seconds=5.0):
    import time
    end = time.perf_counter() + seconds
    e.frame()
    while not condition() and time.perf_counter() < end:
        e.frame()


def test_ctrl_q_and_window_close_stop_the_loop(live):
    e = live()
    _key(pygame.K_q, pygame.KMOD_LCTRL)
    e.run(seconds=30)
    assert not e.running
    e.running = True
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    e.run(seconds=30)
    assert not e.running


def test_a_fixed_canvas_is_letterboxed_into_the_window(live):
    e = live(size=(320, 240), fixed=(160, 90))
    e.frame()
    img = _screen(e)
    assert e.canvas_size == (160, 90) and img.shape == (240, 320, 3)
    assert img[:20].max() == 0 and img[-20:].max() == 0    # bars above and below
    assert img[100:140].mean() > 20


def test_the_canvas_follows_the_window_when_no_size_is_given(live):
    e = live(size=(320, 180))
    e.frame()
    pygame.display.set_mode((200, 100), pygame.OPENGL | pygame.DOUBLEBUF | pygame.RESIZABLE)
    e.resize(tuple(e.surface.size))
    e.frame()
    assert e.canvas_size == (200, 100) and e.player.canvas.main.size == (200, 100)


def test_the_live_loop_paces_itself_without_vsync(live):
    e = live()
    e.fps_cap = 50
    e.run(seconds=1.0)
    assert 30 <= e.stats.frames <= 60


def test_mouse_reaches_imouse_in_canvas_pixels(live):
    e = live(size=(320, 180))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(80, 45), button=1))
    e.frame()
    assert e.controls.mouse[:2] == pytest.approx([80, 135])
    assert e.player.stage.mouse[2] is True
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(80, 45), button=1))
    e.frame()
    assert e.controls.mouse[2] < 0 and e.player.stage.mouse[2] is False


def test_template_runs_live(live):
    e = live(str(ROOT / "pieces" / "_template.py"))
    e.run(seconds=0.3)
    assert e.stats.frames > 3 and e.operator.errors == 0
