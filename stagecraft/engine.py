"""The engine: one frame at a time, the same loop live, headless, and offline.

    tick the clock -> apply OSC -> handle input -> reload what changed -> hear the sound's analysis
    -> piece update -> send the frame's sound -> piece draw -> output pass (the only way to the
    screen) -> operator overlay -> flip -> stats
"""
from __future__ import annotations

import time
import traceback
from dataclasses import replace
from pathlib import Path

import pygame

from .audience import Audience, AudienceFile, AudienceView
from .clock import Clock
from .cues import GO_GUARD_S, Cue
from .fade import DEFAULT_PANIC_S, Fade
from .operator import Operator
from .osc.hub import Osc
from .overlay import Overlay
from .performer import Performer
from .piece import PieceError, PieceModule, load, resolve
from .player import Graphics, Player
from .crossings import TEXTURE_SHAPE
from .render import AUDIO_UNIT, Renderer
from .shaders import SHADER_DIR, Shaders
from .sound.analysis import Audio
from .sound.client import Silent
from .stats import FrameStats
from .text import TextCache

OUTPUT = SHADER_DIR / "output.frag"
SOUND_PANIC_S = 0.02        # the sound goes quiet fast, never with a click
WATCH_EVERY_S = 0.25
OVERLAY_EVERY_S = 0.25
OFFLINE_DATE = (2145.0, 0.0, 1.0)  # the story's year; offline frames never read the wall clock


class Engine:
    def __init__(self, surface, piece, *, size=None, seed=0, strict=False, clock=None, fps_cap=60.0,
                 operator=None, live=True, audience_file=None, fresh=False, sound=None):
        self.surface = surface
        self.ctx = surface.ctx
        self.operator = operator or Operator()
        renderer = Renderer(self.ctx, warn=self.operator.tell)
        self.gfx = Graphics(self.ctx, renderer, Shaders(self.ctx, on_release=renderer.forget),
                            TextCache(self.ctx))
        self.fixed_size = tuple(size) if size else None
        self.canvas_size = self.fixed_size or tuple(surface.size)
        self.seed, self.strict, self.live = seed, strict, live
        self.clock = clock or Clock()
        self.fps_cap = fps_cap
        self.stats = FrameStats()
        self.overlay = Overlay(self.gfx)
        self.output = self.gfx.shaders.program(OUTPUT, {})
        self.running = True
        self.fade = Fade()
        self.master_volume = 1.0
        self.performer = Performer()
        self.audience_file = AudienceFile(audience_file, self.operator) if audience_file else None
        self.audience = self._open_audience(fresh)
        self.osc = Osc(self)
        self.player: Player | None = None
        self.sound = sound or Silent()  # a sound.client.SoundClient live, sound.offline.OfflineSound offline
        self.audio = Audio()
        self._audio_texture = self.ctx.texture(TEXTURE_SHAPE[::-1], 1, dtype="f4")
        self._mouse = [0.0, 0.0, 0.0, 0.0]
        self._watch_at = self._overlay_at = 0.0
        self._overlay_lines: list[str] = []
        self._last_start = None
        self._deadline = None
        self._last_go = None
        self.load(piece)

    def _open_audience(self, fresh: bool) -> Audience:
        """The evening's audience from its file (live), or an empty one; offline renders start
        empty with a salt from the seed, so the same inputs give the same frames."""
        if self.audience_file is None:
            return Audience() if self.live else Audience(salt=f"offline-{self.seed}")
        if fresh:
            kept = self.audience_file.set_aside()
            if kept:
                self.operator.tell(f"starting with an empty audience; the last one is kept as {kept}")
            return Audience()
        return self.audience_file.load()

    # commands (keys and OSC) ------------------------------------------------------------------
    def load(self, piece) -> bool:
        """Switch to a piece (a name, a path or a loaded module). A bad one leaves the current one
        running; with nothing running yet it raises PieceError."""
        try:
            module = piece if isinstance(piece, PieceModule) else load(resolve(str(piece)))
        except PieceError as exc:
            if self.player is None or self.strict:
                raise
            self.operator.tell(str(exc), error=True)
            return False
        self.surface.make_current()
        player = Player(module, self.gfx, self.canvas_size, seed=self.seed, strict=self.strict,
                        operator=self.operator, audience=AudienceView(self.audience))
        player.start()
        if self.player is not None:
            self.player.release()
        self.player = player
        self._mtime = _mtime(module.path)
        return True

    def go(self, cue: Cue | None = None) -> Cue | None:
        """Fire the cue on standby (or stand by on `cue` first) and move on. A GO within
        GO_GUARD_S of the last one, from a key or OSC alike, is ignored: double-GO protection."""
        now = self.clock.time
        if self._last_go is not None and now - self._last_go < GO_GUARD_S:
            return None
        self.surface.make_current()  # a cue may upload a texture
        if cue is not None:
            self.player.playhead.stand_by(cue)
        fired = self.player.go()
        if fired is not None:
            self._last_go = now
        return fired

    def move_playhead(self, step: int) -> None:
        self.player.playhead.move(step)

    def set_blackout(self, on: bool) -> None:
        self.fade.blackout = bool(on)

    def stop(self) -> None:
        """Hold every parameter where it is now."""
        self.player.params.stop()

    def panic(self, seconds: float | None = None) -> None:
        """Fade the picture to black (over DEFAULT_PANIC_S) and the sound to silence (in 20 ms),
        or both over `seconds` (/panicInTime), and hold them there until reset."""
        self.fade.panic(DEFAULT_PANIC_S if seconds is None else seconds)
        self.sound.panic(SOUND_PANIC_S if seconds is None else max(seconds, SOUND_PANIC_S))

    def reset(self) -> None:
        """Clear a panic, hold the parameters, and stand by on the first cue."""
        self.fade.reset()
        self.sound.reset()
        self.stop()
        self.player.playhead.rewind()

    def set_master_volume(self, volume: float) -> None:
        self.master_volume = min(max(float(volume), 0.0), 1.0)
        self.sound.set_master_volume(self.master_volume)

    def set_performer(self, **sensors) -> None:
        """The performer's sensors (/performer/voice, /performer/hand). The voice also reaches the
        sound, which hands it back as the audio's voice (the microphone's level under --mic)."""
        self.performer = replace(self.performer, **sensors)
        if "voice" in sensors:
            self.sound.set_voice(sensors["voice"])

    # the frame --------------------------------------------------------------------------------
    def frame(self) -> None:
        start = time.perf_counter()
        interval = start - self._last_start if self._last_start is not None else 0.0
        self._last_start = start
        self.surface.make_current()
        self.clock.tick()
        self.osc.drain()
        self._handle(self.surface.events())
        if self.live and start - self._watch_at >= WATCH_EVERY_S:
            self._watch_at = start
            self.reload_changed()
        self._hear()
        self.player.update(self.clock, self._builtins(), self._mouse_uv(), self.performer, self.audio)
        self.sound.send(self.player.sound.take())
        self.player.draw()
        self.fade.step(self.clock.dt)
        self._draw_output()
        if self.overlay.visible:
            if start - self._overlay_at >= OVERLAY_EVERY_S or not self._overlay_lines:
                self._overlay_at = start
                self._overlay_lines = self.status_lines()
            size = self.surface.size
            self.overlay.draw(self.surface.screen, size, self._overlay_lines, self.shader_errors())
        self.surface.flip()
        self.stats.add(interval, time.perf_counter() - start)
        if self.live:
            self.operator.status(self.status_lines()[0], start)

    def run(self, seconds: float | None = None) -> None:
        try:
            while self.running:
                self.frame()
                if seconds is not None and self.clock.time >= seconds:
                    break
                self._pace()
        except KeyboardInterrupt:
            pass
        finally:
            self.operator.close()

    def _pace(self) -> None:
        """Without vsync (headless), hold the frame rate at fps_cap instead of spinning."""
        if self.surface.vsync or not self.fps_cap:
            return
        period = 1.0 / self.fps_cap
        now = time.perf_counter()
        self._deadline = (self._deadline or now) + period
        if self._deadline > now:
            time.sleep(self._deadline - now)
        elif now - self._deadline > period:
            self._deadline = now

    def _draw_output(self) -> None:
        """The one way to the screen. An untouched frame is copied (a blit costs a third of a
        shader pass on software GL); anything that changes the picture runs output.frag."""
        screen = self.surface.screen
        size = tuple(self.surface.size)
        canvas = self.player.canvas.main
        if tuple(self.canvas_size) == size and self.fade.level >= 1.0:
            self.ctx.copy_framebuffer(screen, canvas.framebuffer)
            return
        box = self.gfx.renderer.letterbox(self.canvas_size, size)
        if box != (0, 0, *size):
            screen.use()
            screen.viewport = (0, 0, *size)
            screen.clear(0.0, 0.0, 0.0, 1.0)
        self.gfx.renderer.shade(self.output, screen, box[2:], [canvas.texture], {"uFade": self.fade.level},
                                viewport=box)

    def _hear(self) -> None:
        """The sound's latest analysis (never waiting for it), for the piece and every shader."""
        self.audio = self.sound.poll()
        self.performer = replace(self.performer, voice=self.audio.voice)
        self._audio_texture.write(self.audio.texture)
        self._audio_texture.use(AUDIO_UNIT)

    def _builtins(self) -> dict:
        c = self.clock
        if self.live:
            t = time.localtime()
            date = (t.tm_year, t.tm_mon - 1, t.tm_mday, t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec)
        else:
            date = (*OFFLINE_DATE, c.time)
        return {"iTime": c.time, "iTimeDelta": c.dt, "iFrame": c.frame, "iFrameRate": c.fps,
                "iMouse": tuple(self._mouse), "iDate": date, **self.audio.uniforms()}

    # input ------------------------------------------------------------------------------------
    def _handle(self, events) -> None:
        for e in events:
            if e.type == pygame.QUIT:
                self.running = False
            elif e.type == pygame.KEYDOWN:
                self._key(e)
            elif e.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
                self._mouse_event(e)
            elif e.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED) and not self.fixed_size:
                self.resize(tuple(self.surface.size))

    def _key(self, e) -> None:
        ctrl = e.mod & (pygame.KMOD_CTRL | pygame.KMOD_META)
        if e.key == pygame.K_q and ctrl:
            self.running = False
        elif e.key == pygame.K_TAB:
            self.overlay.visible = not self.overlay.visible
        elif e.key == pygame.K_F11 and hasattr(self.surface, "toggle_fullscreen"):
            self.surface.toggle_fullscreen()
        elif e.key == pygame.K_SPACE:
            self.go()
        elif e.key in (pygame.K_UP, pygame.K_DOWN):
            self.move_playhead(-1 if e.key == pygame.K_UP else 1)
        elif e.key == pygame.K_b:
            self.set_blackout(not self.fade.blackout)

    def _mouse_event(self, e) -> None:
        """Shadertoy's iMouse: xy follows a held button; zw is the click, negative once released."""
        ww, wh = self.surface.window_size if hasattr(self.surface, "window_size") else self.surface.size
        sw, sh = self.surface.size
        lx, ly, lw, lh = self.gfx.renderer.letterbox(self.canvas_size, (sw, sh))
        px = (e.pos[0] * sw / ww - lx) * self.canvas_size[0] / lw
        py = ((wh - e.pos[1]) * sh / wh - ly) * self.canvas_size[1] / lh
        m = self._mouse
        if e.type == pygame.MOUSEBUTTONDOWN:
            m[:] = [px, py, px, py]
        elif e.type == pygame.MOUSEBUTTONUP:
            m[2], m[3] = -abs(m[2]), -abs(m[3])
        elif m[2] > 0:
            m[0], m[1] = px, py

    def _mouse_uv(self) -> tuple[float, float, bool]:
        w, h = self.canvas_size
        return (self._mouse[0] / w, self._mouse[1] / h, self._mouse[2] > 0)

    def resize(self, size) -> None:
        if size != self.canvas_size and min(size) > 0:
            self.canvas_size = size
            self.player.resize(size)

    # hot reload -------------------------------------------------------------------------------
    def reload_changed(self) -> None:
        """Pick up saved edits: shaders recompile, the piece module re-imports; bad ones are told
        to the operator and the last good version keeps running."""
        for path, error in self.gfx.shaders.reload_changed():
            key = f"shader:{path}"
            if error:
                self.operator.clear(key)
                self.operator.tell(error.splitlines()[0] + "; still running the last good version",
                                   key=key, detail=error, error=True)
            else:
                self.operator.clear(key)
                self.operator.tell(f"reloaded {path.name}")
        path = self.player.piece.path
        mtime = _mtime(path)
        if mtime != self._mtime:
            self._mtime = mtime
            try:
                module = load(path)
            except PieceError as exc:
                self.operator.tell(f"{exc}; still running the last good version", error=True,
                                   detail=_cause(exc))
                return
            self.player.reload(module)

    # what the operator sees -------------------------------------------------------------------
    def status_lines(self) -> list[str]:
        r = self.stats.recent()
        p = self.player
        cue = p.playhead.current.name if p.playhead.current else "-"
        standby = p.playhead.standby.name if p.playhead.standby else "end"
        size = "x".join(map(str, self.canvas_size))
        lines = [f"{p.name} | cue {cue} > {standby} | {r['fps']:5.1f} fps  p50 {r['p50']:5.1f} ms  "
                 f"p99 {r['p99']:5.1f} ms | errors {self.operator.errors}"
                 + (" | PANIC" if self.fade.panicked else " | BLACKOUT" if self.fade.blackout else ""),
                 f"{p.piece.title} at {size}, frame {self.clock.frame}, work p99 {r['work_p99']:.1f} ms"]
        return lines + list(self.operator.recent)[-4:]

    def shader_errors(self) -> list[str]:
        out = []
        for err in self.gfx.shaders.errors():
            out += err.splitlines()[:6]
        return out

    def counters(self) -> dict:
        return {"errors": self.operator.errors, **self.osc.counters(), **self.sound.counters()}

    def close(self) -> None:
        self.surface.make_current()
        self.osc.close()
        self.sound.close()
        self._audio_texture.release()
        if self.audience_file is not None:
            self.audience_file.save(self.audience)
        if self.player is not None:
            self.player.release()
        self.gfx.shaders.release()
        self.gfx.text.release()
        self.gfx.renderer.release()
        self.surface.close()


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__
    return "".join(traceback.format_exception(cause)) if cause else ""
