"""Stagecraft: a live visual and sound engine for scripted performance pieces.

A piece imports what it declares itself with from here; everything else reaches it through the
`stage` handle passed to its functions. The names are found when first asked for, so a process
that needs none of them (the sound's, the phones' gateway) does not load what they stand on.
"""
import importlib
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

_HOMES = {"smile": ("audience.smile", None),       # a module: pieces write `from stagecraft import smile`
          "cue": ("piece.cues", "cue"),
          "shader_file": ("piece.imported", "shader_file"),
          **{name: ("piece.gestures", name) for name in ("button", "choice", "pad", "slider", "text")},
          **{name: ("piece.params", name) for name in ("Bool", "Color", "Event", "Float", "Int", "Point2D",
                                                       "hex_color")}}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'stagecraft' has no attribute {name!r}")
    module, attribute = _HOMES[name]
    home = importlib.import_module(f".{module}", __name__)
    value = getattr(home, attribute) if attribute else home
    globals()[name] = value
    return value
