"""The engine: one frame at a time, the same loop live, headless, and offline.

    tick the clock -> apply OSC -> the operator's keys -> reload what changed -> the show's timers
    -> an installation's hours and attract mode -> hear the sound's analysis, see the camera's
    newest frame -> each playing piece updates (and sends its sound) and draws -> a transition
    mixes two pieces -> the invitation caption -> output pass through the flash limiter (the only
    way to the screen), then the projectors' outputs -> operator overlay -> flip -> stats, the
    console, the supervisor's heartbeat

It runs a program (`play PIECE` is a program of one). A piece entering with a transition plays
beside the one leaving until the transition is over: two players, two sound layers.
"""
from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import replace


from ..audience import smile
from ..audience.performer import Performer
from ..audience.state import Audience, AudienceFile
from ..camera.feed import Camera
from ..crossings import TEXTURE_SHAPE, Heartbeat
from ..osc.hub import Osc
from ..picture.overlay import Overlay
from ..picture.render import Renderer, Target
from ..picture.senses import Senses
from ..picture.shaders import SHADER_DIR, ShaderError, Shaders, find
from ..picture.text import TextCache
from ..projection.ndi import NdiOut
from ..projection.stage import Projection
from ..piece.player import Graphics, Player, shader_told
from ..safety.fade import Fade
from ..safety.limiter import DEFAULT_AREA, Limiter
from ..show.control import Show
from ..show.controls import Controls
from ..show.moderation import Moderation
from ..show.operator import Operator
from ..show.program import Program
from ..show.transition import Crossing, shader_path
from ..sound.analysis import Audio
from ..sound.client import Silent
from ..sound.messages import SR
from ..tempo.beat import Beat, Internal
from .clock import Clock
from .hashes import FrameHashes
from .inputs import LocalInputs
from .commands import Commands
from .output_fx import OutputEffects
from .pieces import Pieces, piece_module
from .room import Room
from .stats import FrameStats
from .status import Status

BLIT = SHADER_DIR / "lib" / "blit.frag"
OVERLAY_EVERY_S = 0.25
ENTERED_KEPT = 256          # an installation enters pieces for weeks: keep the latest only


class Engine(Pieces, Commands, Status):
    def __init__(self, surface, show, *, size=None, seed=0, strict=False, clock=None, fps_cap=60.0,
                 operator=None, live=True, audience_file=None, fresh=False, sound=None, loop=False,
                 start: tuple[int, int | None] | None = None, console=None, flash_area=DEFAULT_AREA,
                 flash_limit=True, tempo=None, mapping=None, placement=None, camera=None, ndi=None, hash_frames=None,
                 audience=None):
        """`show` is a Program, or a piece (a name, a path or a loaded module) to play alone.
        `camera`: a camera's index, a video file or a stream's URL (--camera), looked at live.
        `ndi`: (source name, output name or None for the canvas), sent as an NDI source.
        `hash_frames`: a file to write each frame's hash to (engine.hashes).
        `audience`: an Audience to start from instead (a cluster's actor: the director's)."""
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
        self.tempo = tempo or Internal()        # stagecraft.tempo.link.Link with --link
        self.beat = Beat()                      # this frame's, at its presentation
        self.shown_at = 0.0                    # when this frame is presented: perf_counter live, show time offline
        self.selected: int | None = None        # the console's parameter of the piece playing (to learn)
        self.stats = FrameStats()
        self.overlay = Overlay(self.gfx)
        self.limiter = Limiter(self.gfx, flash_area, self.operator.tell, limit=flash_limit)
        self.present = self.gfx.shaders.program(BLIT, {})
        self.room = Room(self.gfx, self.present)
        self.projection = Projection(self.gfx, mapping, placement, self.operator) if mapping else None
        self.moderation = Moderation(self.operator.tell)
        self.phones = None                      # stagecraft.phones.client.Phones, when the page is served
        self.midi = None                        # stagecraft.midi.hub.Midi, with --midi
        self.controls = Controls(self)
        self.console = console
        self.installation = None                # stagecraft.installation.mode.Installation, in a gallery
        self.date = None                        # the frame's iDate: (year, month - 1, day, seconds)
        self.heartbeat = Heartbeat.from_env()
        self.running = True
        self.fade = Fade()
        self.master_volume = 1.0
        self.performer = Performer()
        self.audience_file = AudienceFile(audience_file, self.operator) if audience_file else None
        self.audience = audience or self._open_audience(fresh)
        self.osc = Osc(self)
        self.sound = sound or Silent()  # a sound.client.SoundClient live, sound.offline.OfflineSound offline
        self.audio = Audio()
        self.senses = Senses(self.ctx, TEXTURE_SHAPE[1])
        self.camera = Camera(self.ctx, camera, self.operator) if camera else None
        self.ndi, self._ndi_output = self._open_ndi(*ndi) if ndi else (None, None)
        self.hashes = FrameHashes(self.ctx, hash_frames) if hash_frames else None
        self.inputs = LocalInputs()             # a cluster's director or actor replaces them (stagecraft.cluster)
        self.player: Player | None = None
        self.crossing: Crossing | None = None
        self.mix = Target(self.ctx, self.canvas_size)
        self.entered: deque[str] = deque(maxlen=ENTERED_KEPT)   # the latest pieces entered, in order
        self._to_sound: list[tuple] = []        # this frame's messages to the sound, sent once a frame
        self.crossings_done = 0
        self._layers = itertools.count(1)
        self._overlay_at = 0.0
        self._overlay_lines: list[str] = []
        self._last_start = None
        self._deadline = None
        self._last_go = None
        self._mtime = -1
        self.program = show if isinstance(show, Program) else Program.single(piece_module(show))
        self.show = Show(self.program, self._enter, self._run_cue, loop=loop)
        self.output_fx = OutputEffects(self.program, self.gfx, self.canvas_size, self.operator.tell, strict)
        self._compile_program()
        self.show.start(*(start or (0, None)))

    def _open_ndi(self, name: str, output: str | None):
        """NDI out of the canvas (at its size now: give --size where the window may be resized),
        or of one output of the mapping."""
        size = self.canvas_size
        if output is not None:
            size = self.projection.mapping.outputs[self.projection.mapping.find(output)].size
        try:
            return NdiOut(self.ctx, name, size, self.fps_cap or 60.0), output
        except Exception as exc:    # the NDI runtime refusing must not stop the show: it goes on without NDI
            self.operator.tell(f"NDI out {name!r} cannot start ({exc}); the show goes on without it", error=True)
            return None, None

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
        self.output_fx.compile()
        for piece in self.program.pieces:
            m = piece.module
            jobs = [(effect, file, m.params, part) for effect, file, part in m.programs()]
            if shader_path(piece.transition):
                jobs.append((None, shader_path(piece.transition), {}, ""))
            for effect, file, params, part in jobs:
                try:
                    path = find(file, m.shader_dirs()) if isinstance(file, str) else file
                    self.gfx.shaders.program(path, params, part)
                except ShaderError as exc:
                    if self.strict:
                        raise
                    self.operator.tell(**shader_told(m.name, effect, getattr(file, "name", file), exc))

    # the frame --------------------------------------------------------------------------------
    def frame(self) -> None:
        start = time.perf_counter()
        interval = start - self._last_start if self._last_start is not None else 0.0
        self._last_start = start
        self.surface.make_current()
        self.clock.tick()
        self._keep_time(start)
        self.inputs.osc(self)
        self.controls.handle(*self.inputs.controls(self))
        self.inputs.reload(self)
        self.date = self.inputs.date(self)      # once: the installation's hours and iDate read the same
        self.show.tick(self.clock.time)
        if self.installation:
            self.installation.step(self.clock.time)
        self._sense()
        builtins = self._builtins()
        for p in self._playing():
            p.update(self.clock, builtins, self.controls.uv(), self.performer, self.audio,
                     self.camera.texture if self.camera else None)
            self._to_sound += p.sound.take()
        if self.phones:
            self._tell_phones(start)
        if self.midi:
            self.midi.feedback(start)           # LEDs and faders follow what the frame's updates did
        self.show.told.clear()
        for p in self._playing():
            p.draw()
        self._cross()
        self.sound.send(self._to_sound, self.beat, self.shown_at)
        self._to_sound = []
        picture = self.output_fx.apply(self.mix if self.crossing else self.player.picture, builtins, self.clock.dt)
        self.room.draw(picture, self.clock.time, self.installation.caption() if self.installation else None)
        self.fade.step(self.clock.dt)
        self._draw_output(picture)
        if self.overlay.visible:
            if start - self._overlay_at >= OVERLAY_EVERY_S or not self._overlay_lines:
                self._overlay_at = start
                self._overlay_lines = self.status_lines()
            self.overlay.draw(self.surface.screen, self.surface.size, self._overlay_lines, self.shader_errors())
        self.inputs.shown(self)
        self.surface.flip()
        self.controls.keyboard.end_frame()
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

    def _keep_time(self, start: float) -> None:
        """The beat at this frame's presentation (a frame after its start live; at once offline,
        where frame N shows time N / fps), for every piece, cue and note of the frame."""
        period = 1.0 / (getattr(self.clock, "rate", None) or self.fps_cap or 60.0)
        lead = period if self.live else 0.0
        self.shown_at = start + lead if self.live else self.clock.time
        self.beat = self.tempo.sample(self.clock.time, lead, period)
        self.show.meter(self.beat)

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

    def attach_phones(self, phones) -> None:
        """The audience's phones from now on: they are told the piece playing now."""
        self.phones = phones
        phones.named = self.audience.name
        phones.show_piece(self.player.name, self.player.piece.title, self.player.piece.gestures)

    def _tell_phones(self, now: float) -> None:
        """The room's aggregates, and to a phone that joined this frame, its own smile."""
        self.phones.room(self.audience, now)
        joined = {a.sender for a in self.audience.new("join") if a.sender.startswith("phone:")}
        for c in itertools.islice(reversed(self.audience.contributions), 4 * len(joined)):
            if c.kind == "join" and c.sender in joined:
                joined.discard(c.sender)
                self.phones.you(c.sender, smile.portrait(smile.from_contribution(c.kind, c.seed)))

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

    def _draw_output(self, picture: Target) -> None:
        """The one way to the screen: the fade and the flash limiter make the frame to show at the
        canvas's size; it is copied to the screen, or scaled into it with black bars around."""
        screen = self.surface.screen
        size = tuple(self.surface.size)
        shown, framebuffer = self.limiter.frame(picture, self.fade.level, self.clock.time)
        if self.hashes:
            self.hashes.add(framebuffer, shown.size, self.clock.frame, self.clock.time)
        if self.ndi:
            self.ndi.send(framebuffer if self._ndi_output is None else self.projection.alone(
                self._ndi_output, shown, self.clock.time, cards=self.player.cards, level=self.fade.level))
        if self.projection:
            self.projection.draw(shown, screen, self.clock.time, cards=self.player.cards, level=self.fade.level)
            self.projection.autosave(self.clock.time)
            return
        if tuple(self.canvas_size) == size:
            self.ctx.copy_framebuffer(screen, framebuffer)
            return
        box = self.gfx.renderer.letterbox(self.canvas_size, size)
        screen.use()
        screen.viewport = (0, 0, *size)
        screen.clear(0.0, 0.0, 0.0, 1.0)
        self.gfx.renderer.shade(self.present, screen, box[2:], [shown], {"tint": (1.0, 1.0, 1.0, 1.0)}, viewport=box)

    def _sense(self) -> None:
        """The sound's latest analysis and the camera's newest frame (waiting for neither), for the
        piece and every shader."""
        self.audio = self.inputs.audio(self)
        self.performer = replace(self.performer, voice=self.audio.voice)
        self.senses.write(self.audio.texture, self.controls.keyboard.rows)
        if self.camera:
            self.camera.update()

    def _builtins(self) -> dict:
        c = self.clock
        return {"iTime": c.time, "iTimeDelta": c.dt, "iFrame": c.frame, "iFrameRate": c.fps,
                "iMouse": tuple(self.controls.mouse), "iDate": self.date, "iSampleRate": float(SR),
                "iBeat": self.beat.beat, "iPhase": self.beat.phase, "iTempo": self.beat.tempo, **self.audio.uniforms(),
                **(self.camera.uniforms() if self.camera else {})}

    def resize(self, size) -> None:
        if size != self.canvas_size and min(size) > 0:
            self.canvas_size = size
            self.mix.resize(size)
            self.output_fx.resize(size)
            for p in self._playing():
                p.resize(size)

    def close(self) -> None:
        self.surface.make_current()
        if self.console:
            self.console.close()
        self.tempo.close()
        self.osc.close()
        self.sound.close()
        self.senses.release()
        if self.camera:
            self.camera.close()
        if self.ndi:
            self.ndi.close()
        if self.audience_file is not None:
            self.audience_file.save(self.audience)
        for p in self._playing():
            p.release()
        if self.phones:
            self.phones.close()
        if self.midi:
            self.midi.close()
        if self.projection:
            self.projection.close()
        if self.hashes:
            self.hashes.close()
        self.inputs.close()
        self.mix.release()
        self.output_fx.release()
        self.room.release()
        self.limiter.release()
        self.gfx.shaders.release()
        self.gfx.text.release()
        self.gfx.renderer.release()
        self.surface.close()
