"""The engine: one frame at a time, the same loop live, headless, and offline.

    tick the clock -> apply OSC -> the operator's keys -> reload what changed -> the show's timers
    -> an installation's hours and attract mode -> hear the sound's analysis -> each playing piece
    updates (and sends its sound) and draws -> a transition mixes two pieces -> the invitation
    caption -> output pass through the flash limiter (the only way to the screen) -> operator
    overlay -> flip -> stats, the console, the supervisor's heartbeat

It runs a program (`play PIECE` is a program of one). A piece entering with a transition plays
beside the one leaving until the transition is over: two players, two sound layers.
"""
from __future__ import annotations

import itertools
import time
import traceback
from collections import deque
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..installation import heap
from ..audience.state import Audience, AudienceFile, AudienceView
from .clock import Clock
from ..show.controls import Controls
from ..crossings import TEXTURE_SHAPE, Heartbeat
from ..piece.cues import GO_GUARD_S
from ..safety.fade import DEFAULT_PANIC_S, Fade
from ..safety.limiter import DEFAULT_AREA, Limiter
from ..show.operator import Operator
from ..osc.hub import Osc
from ..picture.overlay import Overlay
from ..audience.performer import Performer
from ..piece.module import PieceError, PieceModule, load, resolve
from ..piece.player import Graphics, Player, PieceFault
from ..show.program import Program, ShowCue, Transition
from ..picture.render import AUDIO_UNIT, Renderer, Target
from ..picture.shaders import SHADER_DIR, ShaderError, Shaders, find
from ..show.control import Show
from ..sound.analysis import Audio
from ..sound.client import Silent
from .stats import FrameStats
from ..picture.text import TextCache
from ..show.transition import Crossing, shader_path

BLIT = SHADER_DIR / "lib" / "blit.frag"
STANDBY = "standby"         # what plays in place of a piece that cannot start
SOUND_PANIC_S = 0.02        # the sound goes quiet fast, never with a click
SOUND_CUT_S = 0.05          # a cut between pieces still fades their sound, so nothing clicks
WATCH_EVERY_S = 0.25
OVERLAY_EVERY_S = 0.25
ENTERED_KEPT = 256          # an installation enters pieces for weeks: keep the latest only
OFFLINE_DATE = (2145.0, 0.0, 1.0)  # the story's year; offline frames never read the wall clock


class Engine:
    def __init__(self, surface, show, *, size=None, seed=0, strict=False, clock=None, fps_cap=60.0,
                 operator=None, live=True, audience_file=None, fresh=False, sound=None, loop=False,
                 start: tuple[int, int | None] | None = None, console=None, flash_area=DEFAULT_AREA,
                 flash_limit=True):
        """`show` is a Program, or a piece (a name, a path or a loaded module) to play alone."""
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
        self.limiter = Limiter(self.gfx, flash_area, self.operator.tell, limit=flash_limit)
        self.present = self.gfx.shaders.program(BLIT, {})
        self.controls = Controls(self)
        self.console = console
        self.installation = None                # stagecraft.installation.mode.Installation, in a gallery
        self.heartbeat = Heartbeat.from_env()
        self.running = True
        self.fade = Fade()
        self.master_volume = 1.0
        self.performer = Performer()
        self.audience_file = AudienceFile(audience_file, self.operator) if audience_file else None
        self.audience = self._open_audience(fresh)
        self.osc = Osc(self)
        self.sound = sound or Silent()  # a sound.client.SoundClient live, sound.offline.OfflineSound offline
        self.audio = Audio()
        self._audio_texture = self.ctx.texture(TEXTURE_SHAPE[::-1], 1, dtype="f4")
        self.player: Player | None = None
        self.crossing: Crossing | None = None
        self.mix = Target(self.ctx, self.canvas_size)
        self.entered: deque[str] = deque(maxlen=ENTERED_KEPT)   # the latest pieces entered, in order
        self._to_sound: list[tuple] = []        # this frame's messages to the sound, sent once a frame
        self.crossings_done = 0
        self._layers = itertools.count(1)
        self._watch_at = self._overlay_at = 0.0
        self._overlay_lines: list[str] = []
        self._last_start = None
        self._deadline = None
        self._last_go = None
        self._mtime = -1
        self.program = show if isinstance(show, Program) else Program.single(_module(show))
        self.show = Show(self.program, self._enter, self._run_cue, loop=loop)
        self._compile_program()
        self.show.start(*(start or (0, None)))

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

    def _compile_program(self) -> None:
        """Every shader the program will need, now: nothing compiles mid-show unless an artist
        saves a file. A shader that does not compile is told now (fatal with --strict)."""
        for piece in self.program.pieces:
            m = piece.module
            paths = []
            for name in m.all_shaders():
                try:
                    paths.append((find(name, m.shader_dirs()), m.params))
                except ShaderError as exc:
                    self._shader_problem(exc, name)
            if shader_path(piece.transition):
                paths.append((shader_path(piece.transition), {}))
            for path, params in paths:
                try:
                    self.gfx.shaders.program(path, params)
                except ShaderError as exc:
                    self._shader_problem(exc, path.name)

    def _shader_problem(self, exc: ShaderError, name: str) -> None:
        if self.strict:
            raise exc
        self.operator.tell(str(exc).splitlines()[0], key=f"shader:{name}", detail=str(exc), error=True)

    # what the show does ----------------------------------------------------------------------
    def _player(self, module: PieceModule) -> Player:
        """A piece, started; the standby piece in its place if it cannot start (told to the operator)."""
        self.surface.make_current()
        player = Player(module, self.gfx, self.canvas_size, seed=self.seed, strict=self.strict,
                        operator=self.operator, audience=AudienceView(self.audience), layer=next(self._layers))
        if player.start() or module.name == STANDBY:
            return player
        player.release()
        self.operator.tell(f"{module.name} could not start (above); the standby piece plays in its place "
                           f"until the next cue", error=True)
        return self._player(_module(STANDBY))

    def _enter(self, index: int, way: Transition) -> None:
        """A piece comes on: at once for a cut (or the first piece), else beside the one leaving."""
        entering = self._player(self.program.pieces[index].module)
        program = self.gfx.shaders.program(shader_path(way), {}) if shader_path(way) and way.seconds else None
        if self.crossing is not None:
            self._retire(self.crossing.leaving, SOUND_CUT_S)
            self.crossing = None
        if self.player is None or program is None:
            if self.player is not None:
                self._retire(self.player, SOUND_CUT_S)
            entering.sound.fade(0.0, 0.0)
            entering.sound.fade(1.0, SOUND_CUT_S)
        else:
            entering.sound.fade(0.0, 0.0)
            entering.sound.fade(1.0, way.seconds)
            self.player.sound.fade(0.0, way.seconds)
            self.crossing = Crossing(way, self.player, entering, self.clock.time, program)
        self.player = entering
        self._mtime = _mtime(entering.piece.path)
        self.entered.append(entering.name)

    def _retire(self, player: Player, fade_s: float) -> None:
        player.sound.fade(0.0, fade_s)
        self._to_sound += player.sound.take()
        player.release()
        heap.trim()

    def _run_cue(self, cue: ShowCue) -> None:
        """A cue's actions, on the piece it belongs to (brought on with a cut if it is not playing)."""
        if self.player.piece is not self.program.pieces[cue.piece].module:
            self._enter(cue.piece, Transition())
        for a in cue.actions:
            try:
                self._act(a)
            except (KeyError, ValueError, OSError) as exc:
                if self.strict:
                    raise PieceFault(f"cue {cue.label}: {a.kind} {a.target}: {exc}") from exc
                self.operator.tell(f"cue {cue.label}: {a.kind} {a.target!r} failed ({exc})", error=True)

    def _act(self, a) -> None:
        stage = self.player.stage
        if a.kind == "cue":
            c = self.player.cue(a.target)
            if c is None:
                raise KeyError(f"{self.player.name} has no cue {a.target!r}")
            self.player.fire(c)
        elif a.kind == "glide":
            stage.glide(a.target, a.value, a.seconds, a.curve)
        elif a.kind == "set":
            stage.set(a.target, a.value)
        elif a.kind == "sound":
            stage.note(a.target, 60 if a.value is None else a.value)
        elif a.kind == "send":
            self.osc.send_out(a.to, a.target, a.value)

    # commands (keys, the console and OSC) ---------------------------------------------------
    def load(self, piece) -> bool:
        """Switch to a piece: its place in the program if it has one, else a program of its own.
        A bad one leaves the current one playing."""
        try:
            module = _module(piece)
        except PieceError as exc:
            if self.strict:
                raise
            self.operator.tell(str(exc), error=True)
            return False
        index = next((i for i, p in enumerate(self.program.pieces) if p.module.name == module.name), None)
        if index is None:
            self.program = Program.single(module)
            self.show = Show(self.program, self._enter, self._run_cue, loop=self.show.loop)
            index = 0
        self.show.start(self.program.entry(index))
        return True

    def go(self, cue: int | None = None) -> ShowCue | None:
        """Fire the cue on standby (or stand by on cue index `cue` first) and move on. A GO within
        GO_GUARD_S of the last one, from a key, the console or OSC alike, is ignored."""
        now = self.clock.time
        if self._last_go is not None and now - self._last_go < GO_GUARD_S:
            return None
        self.surface.make_current()  # a cue may upload a texture
        if cue is not None:
            self.show.stand_by(cue)
        fired = self.show.go()
        if fired is not None:
            self._last_go = now
            self.show.tick(now)      # a cue with no pre-wait acts in this frame
        return fired

    def fire(self, cue: int) -> ShowCue:
        """Fire a cue without moving the playhead (QLab's /cue/N/start)."""
        fired = self.show.fire(cue)
        self.show.tick(self.clock.time)
        return fired

    def move_playhead(self, step: int) -> None:
        self.show.move(step)

    def set_blackout(self, on: bool) -> None:
        self.fade.blackout = bool(on)

    def stop(self) -> None:
        """Hold every parameter where it is now."""
        for p in self._playing():
            p.params.stop()

    def panic(self, seconds: float | None = None) -> None:
        """Fade the picture to black (over DEFAULT_PANIC_S) and the sound to silence (in 20 ms),
        or both over `seconds` (/panicInTime), and hold them there until reset."""
        self.fade.panic(DEFAULT_PANIC_S if seconds is None else seconds)
        self.sound.panic(SOUND_PANIC_S if seconds is None else max(seconds, SOUND_PANIC_S))

    def reset(self) -> None:
        """Clear a panic, hold the parameters, and stand by on the first cue of this piece."""
        self.fade.reset()
        self.sound.reset()
        self.stop()
        self.show.rewind()

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
        self.controls.handle(self.surface.events(), self.console.keys() if self.console else ())
        if self.live and start - self._watch_at >= WATCH_EVERY_S:
            self._watch_at = start
            self.reload_changed()
        self.show.tick(self.clock.time)
        if self.installation:
            self.installation.step(self.clock.time)
        self._hear()
        builtins = self._builtins()
        for p in self._playing():
            p.update(self.clock, builtins, self.controls.uv(), self.performer, self.audio)
            self._to_sound += p.sound.take()
        for p in self._playing():
            p.draw()
        self._cross()
        self.sound.send(self._to_sound)     # once a frame: offline, a send is also the frame's samples
        self._to_sound = []
        caption = self.installation.caption() if self.installation else None
        if caption:
            self._caption(caption)
        self.fade.step(self.clock.dt)
        self._draw_output()
        if self.overlay.visible:
            if start - self._overlay_at >= OVERLAY_EVERY_S or not self._overlay_lines:
                self._overlay_at = start
                self._overlay_lines = self.status_lines()
            self.overlay.draw(self.surface.screen, self.surface.size, self._overlay_lines, self.shader_errors())
        self.surface.flip()
        self.stats.add(interval, time.perf_counter() - start)
        if self.console:
            self.console.show(self.snapshot, start)   # made only when the console redraws
        self.heartbeat.beat(start)

    def run(self, seconds: float | None = None) -> None:
        try:
            while self.running:
                self.frame()
                if seconds is not None and self.clock.time >= seconds:
                    break
                self._pace()
        except KeyboardInterrupt:
            pass

    def _playing(self) -> list[Player]:
        return [self.crossing.leaving, self.player] if self.crossing else [self.player]

    def _cross(self) -> None:
        if self.crossing is None:
            return
        now = self.clock.time
        self.crossing.draw(self.gfx.renderer, self.mix, now)
        if self.crossing.done(now):
            self._retire(self.crossing.leaving, 0.0)
            self.crossing = None
            self.crossings_done += 1

    def _caption(self, text: str) -> None:
        """Words for the room over the picture (attract mode's invitation), on a dark band."""
        picture = self.mix if self.crossing else self.player.canvas.main
        w, h = picture.size
        tex = self.gfx.text.texture(text, "sign", max(12, round(h * 0.04)))
        band = np.array([[0.5, 0.08, w / h, 0.1]], "f4")
        words = np.array([[0.5, 0.08, tex.width / h, tex.height / h]], "f4")
        r = self.gfx.renderer
        r.draw(self.present, picture.framebuffer, picture.size, band, [r.white], {"tint": (0.0, 0.0, 0.0, 0.6)}, blend=True)
        r.draw(self.present, picture.framebuffer, picture.size, words, [tex], {"tint": (1.0, 0.95, 0.85, 1.0)}, blend=True)

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
        """The one way to the screen: the fade and the flash limiter make the frame to show at the
        canvas's size; it is copied to the screen, or scaled into it with black bars around."""
        screen = self.surface.screen
        size = tuple(self.surface.size)
        picture = self.mix if self.crossing else self.player.canvas.main
        shown, framebuffer = self.limiter.frame(picture, self.fade.level, self.clock.time)
        if tuple(self.canvas_size) == size:
            self.ctx.copy_framebuffer(screen, framebuffer)
            return
        box = self.gfx.renderer.letterbox(self.canvas_size, size)
        screen.use()
        screen.viewport = (0, 0, *size)
        screen.clear(0.0, 0.0, 0.0, 1.0)
        self.gfx.renderer.shade(self.present, screen, box[2:], [shown], {"tint": (1.0, 1.0, 1.0, 1.0)}, viewport=box)

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
                "iMouse": tuple(self.controls.mouse), "iDate": date, **self.audio.uniforms()}

    def resize(self, size) -> None:
        if size != self.canvas_size and min(size) > 0:
            self.canvas_size = size
            self.mix.resize(size)
            for p in self._playing():
                p.resize(size)

    # hot reload -------------------------------------------------------------------------------
    def reload_changed(self) -> None:
        """Pick up saved edits: shaders recompile, the piece module re-imports; bad ones are told
        to the operator and the last good version keeps running."""
        for path, error in self.gfx.shaders.reload_changed():
            key = f"shader:{path}"
            self.operator.clear(key)
            if error:
                self.operator.tell(error.splitlines()[0] + "; still running the last good version",
                                   key=key, detail=error, error=True)
            else:
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
    def snapshot(self) -> dict:
        """Everything the console shows, in one place."""
        r = self.stats.recent()
        s, p, a = self.show, self.player, self.audience
        piece = self.program.pieces[s.piece]
        auto = s.next_timer
        counters = self.counters()
        return {"program": self.program.title, "piece": p.name, "piece_title": p.piece.title,
                "piece_elapsed": p.stage.time, "piece_length": piece.follow,
                "cue": s.current.label if s.current else "", "cue_note": s.current.note if s.current else "",
                "standby": s.standby.label if s.standby else "", "standby_note": s.standby.note if s.standby else "",
                "auto": (auto[0] - self.clock.time, auto[1]) if auto else None,
                "transition": self.crossing.label if self.crossing else "",
                "fps": r["fps"], "p50": r["p50"], "p99": r["p99"], "size": "x".join(map(str, self.canvas_size)),
                "sound": None if isinstance(self.sound, Silent) and not counters.get("audio_blocks") else {
                    "load": counters["audio_dsp_load"]["mean"], "xruns": counters["audio_xruns"],
                    "restarts": counters["audio_restarts"], "level": self.audio.level},
                "osc": {"rate": self.osc.rate(), **{k[4:]: v for k, v in counters.items() if k.startswith("osc_")}},
                "audience": {"excitement": a.excitement, "polarity": a.polarity, "spread": a.spread,
                             "voters": a.voters, "echoes": len(a.echoes), "made": a.made},
                "errors": self.operator.errors, "recent": list(self.operator.recent),
                "panic": self.fade.panicked, "blackout": self.fade.blackout}

    def status_lines(self) -> list[str]:
        s = self.snapshot()
        lines = [f"{s['piece']} | fired {s['cue'] or '-'} | standby {s['standby'] or 'end'} | {s['fps']:5.1f} fps  "
                 f"p50 {s['p50']:5.1f} ms  p99 {s['p99']:5.1f} ms | errors {s['errors']}"
                 + (" | PANIC" if s["panic"] else " | BLACKOUT" if s["blackout"] else ""),
                 f"{s['piece_title']} at {s['size']}, frame {self.clock.frame}"
                 + (f", transition {s['transition']}" if s["transition"] else "")]
        return lines + s["recent"][-4:]

    def shader_errors(self) -> list[str]:
        out = []
        for err in self.gfx.shaders.errors():
            out += err.splitlines()[:6]
        return out

    def counters(self) -> dict:
        show = self.show
        return {"errors": self.operator.errors, "pieces_entered": list(self.entered),
                "flash_limited_frames": self.limiter.limited_frames if self.limiter.limit else None,
                "flash_guarded_frames": self.limiter.guarded_frames if self.limiter.limit else None,
                "transitions": self.crossings_done, "fired": show.current.label if show.current else None,
                "standby": show.standby.label if show.standby else None,
                **self.osc.counters(), **self.sound.counters()}

    def close(self) -> None:
        self.surface.make_current()
        if self.console:
            self.console.close()
        self.osc.close()
        self.sound.close()
        self._audio_texture.release()
        if self.audience_file is not None:
            self.audience_file.save(self.audience)
        for p in self._playing():
            p.release()
        self.mix.release()
        self.limiter.release()
        self.gfx.shaders.release()
        self.gfx.text.release()
        self.gfx.renderer.release()
        self.surface.close()


def _module(piece) -> PieceModule:
    return piece if isinstance(piece, PieceModule) else load(resolve(str(piece)))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__
    return "".join(traceback.format_exception(cause)) if cause else ""
