"""The operator's hands: keys and the mouse in the window, keys in the console, turned into the
engine's commands. Shadertoy's iMouse comes from here too."""
from __future__ import annotations

import pygame

from ..picture.senses import Keyboard

CONSOLE = {"go": lambda e: e.go(), "up": lambda e: e.move_playhead(-1), "down": lambda e: e.move_playhead(1),
           "blackout": lambda e: e.set_blackout(not e.fade.blackout), "panic": lambda e: e.panic(),
           "reset": lambda e: e.reset(), "quit": lambda e: setattr(e, "running", False),
           "hold": lambda e: e.hold_echoes(), "approve": lambda e: e.approve(), "drop": lambda e: e.drop(),
           "ban": lambda e: e.ban(), "code": lambda e: e.show_qr(), "tap": lambda e: e.tap(),
           "previous": lambda e: e.select(-1), "next": lambda e: e.select(1), "learn": lambda e: e.learn_selected()}
WINDOW = {pygame.K_h: "hold", pygame.K_a: "approve", pygame.K_d: "drop", pygame.K_x: "ban", pygame.K_c: "code",
          pygame.K_t: "tap", pygame.K_LEFTBRACKET: "previous", pygame.K_RIGHTBRACKET: "next", pygame.K_l: "learn"}

EDITING = {pygame.K_TAB, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_1, pygame.K_2, pygame.K_3,
           pygame.K_4, pygame.K_i}      # what the mapping editor takes while on (ctrl-Z too): see _edit


class Controls:
    def __init__(self, engine):
        self.engine = engine
        self.mouse = [0.0, 0.0, 0.0, 0.0]
        self.keyboard = Keyboard()    # Shadertoy's keyboard texture: every key, commands or not
        self.keys: list[list] = []    # the last frame's keys as handled: [down, key, mod, local]

    def handle(self, events, console_keys=()) -> None:
        """A key event may carry `local` (a cluster's director judged it its own, see local): then
        only the keyboard texture sees it, as it did there."""
        e = self.engine
        self.keys = []
        for command in console_keys:
            CONSOLE[command](e)
        for ev in events:
            if ev.type == pygame.QUIT:
                e.running = False
            elif ev.type in (pygame.KEYDOWN, pygame.KEYUP):
                self._press(ev)
            elif ev.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
                self._mouse(ev)
            elif ev.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED) and not e.fixed_size:
                e.resize(tuple(e.surface.size))

    def local(self, ev) -> bool:
        """A key this machine keeps to itself (a cluster's director sends it marked so, and its actors'
        keyboard textures alone see it): the overlay, fullscreen, quitting, and the mapping editor's
        (each machine maps its own)."""
        e = self.engine
        ctrl = ev.mod & (pygame.KMOD_CTRL | pygame.KMOD_META)
        editor = e.projection.editor if e.projection else None
        editing = editor and editor.active and (ev.key in EDITING or ev.key == pygame.K_z and ctrl)
        return bool(ev.key in (pygame.K_TAB, pygame.K_F11) or ev.key == pygame.K_q and ctrl
                    or editor and ev.key == pygame.K_m and not ctrl or editing)

    def _press(self, ev) -> None:
        down = ev.type == pygame.KEYDOWN
        # judged as it is handled, not before the frame: an M earlier in the same frame opens the
        # mapping editor, and the arrows after it are the editor's
        director_kept = getattr(ev, "local", None)
        self.keys.append([down, ev.key, ev.mod, self.local(ev) if director_kept is None else director_kept])
        if down:
            self.keyboard.down(ev.key)
            if not director_kept:
                self._key(ev)
        else:
            self.keyboard.up(ev.key)

    def _key(self, ev) -> None:
        e = self.engine
        ctrl = ev.mod & (pygame.KMOD_CTRL | pygame.KMOD_META)
        editor = e.projection.editor if e.projection else None
        if editor and ev.key == pygame.K_m and not ctrl:
            editor.toggle()
            return
        if editor and editor.active and self._edit(editor, ev, ctrl):
            return
        if ev.key == pygame.K_q and ctrl:
            e.running = False
        elif ev.key == pygame.K_TAB:
            e.overlay.visible = not e.overlay.visible
        elif ev.key == pygame.K_F11 and hasattr(e.surface, "toggle_fullscreen"):
            e.surface.toggle_fullscreen()
        elif ev.key == pygame.K_SPACE:
            e.go()
        elif ev.key in (pygame.K_UP, pygame.K_DOWN):
            e.move_playhead(-1 if ev.key == pygame.K_UP else 1)
        elif ev.key == pygame.K_b:
            e.set_blackout(not e.fade.blackout)
        elif ev.key == pygame.K_ESCAPE:
            e.panic()
        elif ev.key == pygame.K_r and ctrl:
            e.reset()
        elif ev.key in WINDOW and not ctrl:
            CONSOLE[WINDOW[ev.key]](e)

    def _edit(self, editor, ev, ctrl) -> bool:
        """The mapping editor's keys (M started it): True if the key was one of them."""
        now = self.engine.clock.time
        step = 0.1 if ev.mod & pygame.KMOD_SHIFT else 1.0
        arrows = {pygame.K_LEFT: (-step, 0.0), pygame.K_RIGHT: (step, 0.0), pygame.K_UP: (0.0, -step),
                  pygame.K_DOWN: (0.0, step)}
        if ev.key == pygame.K_TAB:
            editor.next_output()
        elif ev.key in arrows:
            editor.nudge(*arrows[ev.key], now)
        elif pygame.K_1 <= ev.key <= pygame.K_4:
            editor.select(ev.key - pygame.K_1)
        elif ev.key == pygame.K_z and ctrl:
            editor.undo(now)
        elif ev.key == pygame.K_i:
            self.engine.identify_outputs()
        else:
            return False
        return True

    def _mouse(self, ev) -> None:
        """Shadertoy's iMouse: xy follows a held button; zw is the click, negative once released.
        While the mapping is edited, a click takes the nearest handle and a drag moves it."""
        e = self.engine
        ww, wh = e.surface.window_size if hasattr(e.surface, "window_size") else e.surface.size
        sw, sh = e.surface.size
        editor = e.projection.editor if e.projection else None
        if editor and editor.active:
            at = (ev.pos[0] * sw / ww, ev.pos[1] * sh / wh)
            if ev.type == pygame.MOUSEBUTTONDOWN:
                editor.press(at, (sw, sh), e.clock.time)
            elif ev.type == pygame.MOUSEMOTION:
                editor.drag(at, (sw, sh), e.clock.time)
            else:
                editor.let_go()
            return
        lx, ly, lw, lh = e.gfx.renderer.letterbox(e.canvas_size, (sw, sh))
        px = (ev.pos[0] * sw / ww - lx) * e.canvas_size[0] / lw
        py = ((wh - ev.pos[1]) * sh / wh - ly) * e.canvas_size[1] / lh
        m = self.mouse
        if ev.type == pygame.MOUSEBUTTONDOWN:
            m[:] = [px, py, px, py]
        elif ev.type == pygame.MOUSEBUTTONUP:
            m[2], m[3] = -abs(m[2]), -abs(m[3])
        elif m[2] > 0:
            m[0], m[1] = px, py

    def uv(self) -> tuple[float, float, bool]:
        w, h = self.engine.canvas_size
        return (self.mouse[0] / w, self.mouse[1] / h, self.mouse[2] > 0)
