"""Stagecraft: a live visual and sound engine for scripted performance pieces.

A piece imports what it declares itself with from here; everything else reaches it through the
`stage` handle passed to its functions.
"""
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from .audience import smile  # noqa: E402  (pieces write `from stagecraft import smile`)
from .piece.cues import cue  # noqa: E402
from .piece.gestures import button, choice, pad, slider, text  # noqa: E402
from .piece.params import Bool, Color, Event, Float, Int, Point2D, hex_color  # noqa: E402

__all__ = ["Bool", "Color", "Event", "Float", "Int", "Point2D", "button", "choice", "cue", "hex_color", "pad",
           "slider", "smile", "text"]
