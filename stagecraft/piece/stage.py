"""The handle a piece receives: time, its parameters, seeded randomness, uniforms and the render
verbs. Nothing else of the engine is reachable from here.

Coordinates are Shadertoy's: x and y run 0..1 from the bottom-left corner; sizes are fractions of
the canvas height, so a layout holds at any resolution.
"""
from __future__ import annotations

import numpy as np

from ..picture.canvas import Canvas
from ..audience.state import AudienceView
from .params import Color, ParamValues, ParamView
from ..audience.performer import Performer
from ..sound.analysis import Audio
from ..sound.graph import compile_sound
from ..sound.messages import Outbox

NIGHT = (0.043, 0.027, 0.063, 1.0)  # #0B0710, the art direction's background


class Stage:
    def __init__(self, params: ParamValues, canvas: Canvas, seed: int, tell, audience: AudienceView,
                 sound: Outbox):
        self.rng = np.random.default_rng(seed)
        self.time = 0.0
        self.dt = 0.0
        self.frame = 0
        self.mouse = (0.5, 0.5, False)
        self.audience = audience          # read-only: the evening's audience (stagecraft.audience)
        self.performer = Performer()      # the performer's sensors this frame
        self.audio = Audio()     # what the audience hears: level, peak, bands, onset, voice
        self.camera = None       # with --camera, its newest frame: a channel (channels=[stage.camera])
        self._sound = sound
        self._canvas = canvas
        self._tell = tell
        self._custom: dict = {}
        self._builtins: dict = {}
        self._drawing = False
        self._cards = False
        self._bind(params)

    def _bind(self, params: ParamValues) -> None:
        self._params = params
        self.p = ParamView(params)

    @property
    def size(self) -> tuple[int, int]:
        return self._canvas.size

    @property
    def date(self) -> tuple:
        """(year, month 0..11, day, seconds since midnight), as iDate: the wall clock live, a fixed
        day in 2145 offline, so renders stay the same."""
        return self._builtins.get("iDate", (2145, 0, 1, 0.0))

    # the beat: Ableton Link's session with --link, else the show's own tempo ------------------
    @property
    def beat(self) -> float:
        """Beats since the timeline began, at this frame's presentation (iBeat)."""
        return self._builtins.get("iBeat", 0.0)

    @property
    def phase(self) -> float:
        """Where in the bar (0..4) this frame falls (iPhase): what machines in a Link session share."""
        return self._builtins.get("iPhase", 0.0)

    @property
    def tempo(self) -> float:
        """Beats a minute (iTempo)."""
        return self._builtins.get("iTempo", 120.0)

    # the camera (--camera): its picture is stage.camera ---------------------------------------
    @property
    def camera_motion(self) -> float:
        """How much the camera's picture moves, 0..1 (iCameraMotion); 0 without a camera."""
        return self._builtins.get("iCameraMotion", 0.0)

    @property
    def camera_presence(self) -> float:
        """How much of the camera's picture someone fills, 0..1 (iCameraPresence)."""
        return self._builtins.get("iCameraPresence", 0.0)

    @property
    def aspect(self) -> float:
        w, h = self._canvas.size
        return w / h

    # parameters -------------------------------------------------------------------------------
    def set(self, name: str, value) -> None:
        self._params.set(name, value)

    def glide(self, name: str, value, seconds: float | None = None, curve: str = "linear",
              beats: float | None = None) -> None:
        """Move a parameter to `value` over `seconds`, or over `beats` at the tempo playing now."""
        if (seconds is None) == (beats is None):
            raise ValueError("a glide takes seconds or beats, one of them")
        self._params.glide(name, value, seconds if beats is None else beats * 60.0 / self.tempo, curve)

    def fire(self, name: str) -> None:
        self._params.fire(name)

    def uniforms(self, **values) -> None:
        """Values for every shader this piece draws with, from now on (declare them in the GLSL)."""
        self._custom.update(values)

    def log(self, message: str) -> None:
        """Tell the operator something, once."""
        self._tell(message)

    # sound ------------------------------------------------------------------------------------
    def note(self, track: str, pitch: float = 60, velocity: float = 1.0, dur: float | None = 0.25,
             at: float = 0.0, sync: float | None = None, beats: float | None = None) -> None:
        """Play a note on a SOUND track: pitch in MIDI numbers (60 is middle C; fractions bend),
        dur in seconds (None holds it until stage.release), `at` seconds from now; `sync` moves it
        onto the next multiple of that many seconds of the sound's clock (a pulse of its own),
        `beats` onto the next multiple of that many beats of the show's tempo (Link's, with --link:
        1 the next beat, 4 the next bar)."""
        self._sound.note(track, pitch, velocity, dur, at, sync, beats)

    def release(self, track: str, pitch: float | None = None, at: float = 0.0) -> None:
        """Let go of held notes on a track (all of them, or those at `pitch`)."""
        self._sound.release(track, pitch, at)

    def sound_set(self, path: str, value: float, seconds: float = 0.02, at: float = 0.0) -> None:
        """Move a sound parameter ("drone.cutoff", "drone.lowpass.q", "drone.level") to `value`
        over `seconds`, starting `at` seconds from now."""
        self._sound.set(path, value, seconds, at)

    def sound(self, **tracks) -> None:
        """Replace the piece's whole sound (it crossfades), as SOUND declares it."""
        self._sound.replace(compile_sound(tracks))

    # images -----------------------------------------------------------------------------------
    def target(self, name: str, *, float: bool = False, scale: float = 1.0) -> None:
        """An offscreen image, drawn into with `into=name` and read with `channels=[name]`."""
        self._canvas.target(name, float_=float, scale=scale)

    def feedback(self, name: str, *, float: bool = True, scale: float = 1.0) -> None:
        """A persistent image: a pass that writes it reads its previous content as a channel."""
        self._canvas.target(name, persistent=True, float_=float, scale=scale)

    def texture(self, name: str, data) -> None:
        """Upload rows of floats (4*k per row) as a float texture, read with `channels=[name]`
        and texelFetch(iChannelN, ivec2(texel, row), 0). Call it when the data changes."""
        self._canvas.upload(name, data)

    # drawing (only inside draw) ---------------------------------------------------------------
    def _check_drawing(self, verb: str) -> None:
        if not self._drawing:
            raise RuntimeError(f"stage.{verb}() draws; call it from draw(stage, state), not update()")

    def _all_uniforms(self, extra: dict) -> dict:
        return {**self._builtins, **self._params.uniforms(), **self._custom, **extra}

    def clear(self, color=NIGHT, into: str = "main") -> None:
        self._check_drawing("clear")
        self._canvas.clear(_rgba(color), into)

    def shade(self, shader: str, into: str = "main", channels=(), **uniforms) -> None:
        """Run a fragment shader over the whole of a target."""
        self._check_drawing("shade")
        self._canvas.shade(shader, into, channels, self._all_uniforms(uniforms))

    def instances(self, shader: str, data, into: str = "main", channels=(), blend: bool = True,
                  **uniforms) -> None:
        """Draw one quad per row of `data`: (x, y, w, h) then up to 7 vec4s read as vData[]."""
        self._check_drawing("instances")
        self._canvas.instances(shader, data, into, channels, self._all_uniforms(uniforms), blend)

    def rect(self, x: float, y: float, w: float, h: float, color=(0, 0, 0, 0.6), into: str = "main") -> None:
        """A filled rectangle centred on (x, y), w and h in canvas heights (blended over)."""
        self._check_drawing("rect")
        self._canvas.rect(x, y, w, h, _rgba(color), into, self._builtins)

    def text(self, text, x: float, y: float, size: float = 0.05, color=(1, 1, 1, 1),
             font: str = "mono", align: str = "center", into: str = "main", width: float | None = None,
             lines: int = 2) -> None:
        """Write text centred vertically on y; `size` is the font size as a fraction of the height.
        With `width` (a fraction of the canvas width), it wraps to at most `lines` lines, breaking
        a word too long for a line; emoji the font lacks are drawn all the same."""
        self._check_drawing("text")
        self._canvas.label(text, x, y, size, _rgba(color), font, align, into, self._builtins, width, lines)

    def cards(self) -> None:
        """With projectors (--mapping), each shows its own calibration card this frame instead of
        its part of the canvas: its name, a numbered grid, circles, a 50% grey field for the
        blend and a black band for the uplift."""
        self._check_drawing("cards")
        self._cards = True

    def text_width(self, text, size: float = 0.05, font: str = "mono") -> float:
        """How wide `text` is drawn, as a fraction of the canvas width."""
        return self._canvas.text_texture(text, size, font).width / self._canvas.size[0]


def _rgba(color) -> tuple[float, float, float, float]:
    return Color().coerce(color)
