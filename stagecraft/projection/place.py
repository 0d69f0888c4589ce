"""Where each output goes: onto the display its mapping names, found by the display's name, never
its index (displays renumber after a reboot or a replug), or nowhere ("virtual").

Headless, offline, or with no output on a display, the outputs lie side by side in file order in
one framebuffer (what `render` and `snapshot` write). On displays, one borderless window spans
the displays used and each output fills its display's rectangle of it: one swap, one vsync.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .mapping import Mapping

Viewport = tuple[int, int, int, int]        # GL's: x, y from the bottom-left, w, h


@dataclass(frozen=True)
class Display:
    name: str
    x: int                                  # the desktop's coordinates, y down
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class Placement:
    window: tuple[int, int, int, int] | None    # desktop x, y, w, h of the spanning window; None: side by side
    size: tuple[int, int]                       # the framebuffer the outputs are drawn into
    viewports: tuple[Viewport | None, ...]      # per output in file order; None: rendered nowhere
    notes: tuple[str, ...] = ()                 # for the operator, once: displays missing or shared


def side_by_side(mapping: Mapping) -> Placement:
    return Placement(None, mapping.size, tuple(mapping.viewports()))


def place(mapping: Mapping, displays: list[Display]) -> Placement:
    """Each output on its display by name. An output whose display is missing is virtual, with a
    note for the operator naming the displays there are."""
    by_name = {d.name: d for d in displays}
    chosen = [by_name.get(o.display) for o in mapping.outputs]
    names = ", ".join(repr(d.name) for d in displays) or "none"
    notes = [f"output {o.name}: no display named {o.display!r} (displays here: {names}); it renders virtual"
             for o, d in zip(mapping.outputs, chosen) if o.display != "virtual" and d is None]
    shown = [d for d in chosen if d is not None]
    if not shown:
        return replace(side_by_side(mapping), notes=tuple(notes))
    notes += [f"output {o.name}: display {d.name!r} already shows another output; the later one covers it"
              for i, (o, d) in enumerate(zip(mapping.outputs, chosen)) if d is not None and d in chosen[:i]]
    left, top = min(d.x for d in shown), min(d.y for d in shown)
    right, bottom = max(d.x + d.w for d in shown), max(d.y + d.h for d in shown)
    notes += [f"display {d.name!r} lies within the window spanning the projectors: it shows black"
              for d in displays if d not in shown and d.x < right and d.x + d.w > left and d.y < bottom
              and d.y + d.h > top]
    notes += [f"output {o.name}: {o.size[0]}x{o.size[1]}, but display {d.name!r} is {d.w}x{d.h}; it is "
              "stretched to fit" for o, d in zip(mapping.outputs, chosen) if d is not None and o.size != (d.w, d.h)]
    viewports = tuple(None if d is None else (d.x - left, bottom - (d.y + d.h), d.w, d.h) for d in chosen)
    return Placement((left, top, right - left, bottom - top), (right - left, bottom - top), viewports, tuple(notes))
