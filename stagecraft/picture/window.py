"""Where frames go: a pygame OpenGL window (real or SDL's offscreen driver), or an offscreen image.

Both give the engine a moderngl context, a framebuffer to draw the output into, its size in
pixels, and events. `--headless` uses SDL's offscreen driver (EGL), so the live loop that runs in
tests is the one that runs on stage.
"""
from __future__ import annotations

import ctypes
import glob
import os
import sys
from pathlib import Path

import moderngl


def has_display() -> bool:
    if os.environ.get("SDL_VIDEODRIVER") in ("offscreen", "dummy"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _sdl_library():
    """pygame's own copy of SDL, to ask it for the GL drawable size (pygame does not expose it)."""
    import pygame
    base = Path(pygame.__file__).parent
    for pattern in (str(base.parent / "pygame.libs" / "libSDL2-*.so*"), str(base / ".dylibs" / "libSDL2*.dylib"),
                    str(base / "SDL2.dll")):
        for path in glob.glob(pattern):
            try:
                lib = ctypes.CDLL(path)
                lib.SDL_GL_GetCurrentWindow.restype = ctypes.c_void_p
                lib.SDL_GL_GetCurrentContext.restype = ctypes.c_void_p
                lib.SDL_GL_MakeCurrent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
                lib.SDL_GetDisplayName.restype = ctypes.c_char_p
                lib.SDL_GL_GetDrawableSize.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                                       ctypes.POINTER(ctypes.c_int)]
                return lib
            except (OSError, AttributeError):
                continue
    return None


def displays(headless: bool = False) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The displays SDL sees: each one's name and desktop rectangle (x, y, w, h, y down). Two
    displays of one model share a name; they are told apart by where they stand on the desktop,
    left to right (then top to bottom): the second is "NAME #2" (SDL's own order renumbers)."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    import pygame
    pygame.display.init()
    sdl = _sdl_library()
    found = []
    for i in range(pygame.display.get_num_displays()):
        rect = _Rect()
        if sdl is None or sdl.SDL_GetDisplayBounds(i, ctypes.byref(rect)) != 0:
            continue
        name = (sdl.SDL_GetDisplayName(i) or b"").decode("utf-8", "replace") or str(i)
        found.append((name, (rect.x, rect.y, rect.w, rect.h)))
    out, seen = [], {}
    for name, rect in sorted(found, key=lambda d: (d[1][0], d[1][1])):
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} #{seen[name]}", rect))
    return out


class _Rect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("w", ctypes.c_int), ("h", ctypes.c_int)]


class Window:
    def __init__(self, size=(1280, 720), *, fullscreen=False, display=0, headless=False, vsync=True,
                 title="Stagecraft", span=None):
        """`span` (desktop x, y, w, h): one borderless window across several displays, the
        projectors' outputs each in its display's part of it."""
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "offscreen"
        import pygame
        self._pg = pygame
        pygame.display.init()
        count = pygame.display.get_num_displays()
        if not 0 <= display < count:
            pygame.display.quit()
            raise ValueError(f"no display {display}: this machine has {count} (0..{count - 1})")
        flags = pygame.OPENGL | pygame.DOUBLEBUF | pygame.RESIZABLE
        if span:
            flags = pygame.OPENGL | pygame.DOUBLEBUF | pygame.NOFRAME
            size, fullscreen = span[2:], False
        elif fullscreen:
            flags |= pygame.FULLSCREEN
            size = (0, 0)  # pygame 2 gives OpenGL "desktop" fullscreen at the display's own size
        pygame.display.set_caption(title)
        vsync = _open(pygame, size, flags, display, vsync)
        if span:
            from pygame._sdl2.video import Window as SDLWindow
            SDLWindow.from_display_module().position = span[:2]
        self.vsync = vsync and not headless  # the offscreen driver accepts vsync but never waits
        # Load GL from the context SDL just made current, whatever made it (GLX, EGL, WGL, CGL);
        # moderngl's own detection guesses GLX once another context exists in the process.
        moderngl.init_context()
        self.ctx = moderngl.get_context()
        if self.ctx.version_code < 330:
            raise ValueError(f"OpenGL 3.3 is needed; this display gives {self.ctx.version_code}")
        self.headless = headless
        self.fullscreen = fullscreen
        self._sdl = _sdl_library()
        self._current = (self._sdl.SDL_GL_GetCurrentWindow(), self._sdl.SDL_GL_GetCurrentContext()) \
            if self._sdl else None

    def make_current(self) -> None:
        """Draw into this window from now on (another GL context may have been used since)."""
        if self._current:
            self._sdl.SDL_GL_MakeCurrent(*self._current)

    @property
    def screen(self) -> moderngl.Framebuffer:
        return self.ctx.screen

    @property
    def window_size(self) -> tuple[int, int]:
        return self._pg.display.get_window_size()

    @property
    def size(self) -> tuple[int, int]:
        """The drawable size in pixels: twice the window size on a HiDPI screen."""
        if self._sdl is not None:
            w, h = ctypes.c_int(), ctypes.c_int()
            self._sdl.SDL_GL_GetDrawableSize(self._sdl.SDL_GL_GetCurrentWindow(), ctypes.byref(w), ctypes.byref(h))
            if w.value > 0 and h.value > 0:
                return (w.value, h.value)
        return self.window_size

    def events(self) -> list:
        return self._pg.event.get()

    def flip(self) -> None:
        self._pg.display.flip()

    def toggle_fullscreen(self) -> None:
        from pygame._sdl2.video import Window as SDLWindow
        win = SDLWindow.from_display_module()
        if self.fullscreen:
            win.set_windowed()
        else:
            win.set_fullscreen(desktop=True)
        self.fullscreen = not self.fullscreen

    def close(self) -> None:
        self.ctx.release()
        self._pg.display.quit()


class Offscreen:
    """An image the size of the render, for offline renders and snapshots: no window, no events."""
    vsync = False
    headless = True

    def __init__(self, size):
        self.ctx = _standalone_context()
        self.size = tuple(size)
        self.screen = self.ctx.simple_framebuffer(self.size, components=4)

    def make_current(self) -> None:
        """Draw with this image's context from now on (tests run several engines side by side)."""
        self.ctx.__enter__()

    def events(self) -> list:
        return []

    def flip(self) -> None:
        pass

    def close(self) -> None:
        self.screen.release()
        self.ctx.release()


GL_VERSIONS = (460, 450, 430, 410, 400, 330)    # newest first: NVIDIA's EGL gives exactly what is asked


def _open(pygame, size, flags: int, display: int, vsync: bool) -> bool:
    """The window with the newest core context the display gives (artists' shaders use GLSL 4;
    macOS stops at 4.1); whether it got vsync."""
    failed = None
    for version in GL_VERSIONS:
        for attr, value in ((pygame.GL_CONTEXT_MAJOR_VERSION, version // 100),
                            (pygame.GL_CONTEXT_MINOR_VERSION, version % 100 // 10),
                            (pygame.GL_CONTEXT_PROFILE_MASK, pygame.GL_CONTEXT_PROFILE_CORE),
                            (pygame.GL_CONTEXT_FORWARD_COMPATIBLE_FLAG, 1), (pygame.GL_DOUBLEBUFFER, 1)):
            pygame.display.gl_set_attribute(attr, value)
        for sync in ((1, 0) if vsync else (0,)):
            try:
                pygame.display.set_mode(size, flags, display=display, vsync=sync)
                return bool(sync)
            except pygame.error as exc:
                failed = exc
    raise failed


def _standalone_context() -> moderngl.Context:
    """The newest core context there is (artists' shaders use GLSL 4), EGL first on Linux, else
    the platform's default (GLX)."""
    backends = [{"backend": "egl"}, {}] if sys.platform.startswith("linux") else [{}]
    for kw in backends:
        for version in GL_VERSIONS:
            try:
                return moderngl.create_standalone_context(require=version, **kw)
            except Exception:   # moderngl raises a bare Exception when a version or backend is missing
                continue
    raise RuntimeError(f"no OpenGL {GL_VERSIONS[-1] / 100:.1f} context here, by EGL or the platform's default")
