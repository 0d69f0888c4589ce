"""The output stage: after the canvas, the fade and the flash limiter (which judge the frame the
audience sees, not each projector's copy), each output's view drawn into its viewport of the
spanning framebuffer. Uniforms are worked out when an output changes, not every frame."""
from __future__ import annotations

import moderngl

from ..picture.shaders import SHADER_DIR
from .homography import pinned
from .mapping import MAX_MASKS, MAX_POINTS, SIDES, Edge, Mapping, MappingError, Output, save

AUTOSAVE_S = 2.0            # after the last edit: a drag of a corner is saved once, when it rests

PROJECTOR = SHADER_DIR / "lib" / "projector.frag"


def uniforms(o: Output) -> dict:
    edges = [o.edges.get(side, Edge()) for side in SIDES]
    points = [(0.0, 0.0)] * (MAX_MASKS * MAX_POINTS)
    for m, mask in enumerate(o.masks):
        points[m * MAX_POINTS:m * MAX_POINTS + len(mask.points)] = mask.points
    counts = [len(m.points) for m in o.masks] + [0] * (MAX_MASKS - len(o.masks))
    feather = [m.feather for m in o.masks] + [0.0] * (MAX_MASKS - len(o.masks))
    return {"toSource": tuple(pinned(o.corners).T.ravel()), "source": o.source,
            "edgeWidth": tuple(e.width for e in edges), "edgeCurve": tuple(e.curve for e in edges),
            "edgeGamma": tuple(e.gamma for e in edges), "uplift": o.uplift,
            "gain": (*o.rgb, o.brightness), "maskPoints": points, "maskCount": tuple(counts),
            "maskFeather": tuple(feather)}


class Projection:
    def __init__(self, gfx, mapping: Mapping):
        self.gfx = gfx
        self.mapping = mapping
        self.program = gfx.shaders.program(PROJECTOR, {})
        self._views: list[tuple] = []          # (output, viewport, uniforms), worked out on a change
        self.edited_at: float | None = None
        self.changed()

    def changed(self) -> None:
        """The mapping was edited: its outputs' uniforms again (the next frame shows it)."""
        m = self.mapping
        self._views = [(o, viewport, uniforms(o)) for o, viewport in zip(m.outputs, m.viewports())]
        self._size = self.mapping.size

    def edit(self, name: str, what: str, *values, now: float) -> None:
        o = self.mapping.outputs[self.mapping.find(name)]
        try:
            if what == "corner":
                corner, x, y = values
                corners = list(o.corners)
                corners[corner - 1] = (float(x), float(y))
                self.mapping.change(name, corners=tuple(corners))
            elif what == "blend":
                side, width, curve, gamma = values
                edge = Edge(min(max(width, 0.0), 0.5), min(max(curve, 0.5), 8.0), min(max(gamma, 1.0), 3.0))
                self.mapping.change(name, edges={**o.edges, side: edge})
            else:
                brightness, *rgb = values
                self.mapping.change(name, brightness=float(brightness), rgb=tuple(map(float, rgb)))
        except MappingError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None
        self.edited_at = now
        self.changed()

    def autosave(self, now: float) -> None:
        if self.edited_at is not None and now - self.edited_at >= AUTOSAVE_S:
            self.save()

    def save(self) -> None:
        self.edited_at = None
        if self.mapping.path is not None:
            save(self.mapping)

    def draw(self, frame: moderngl.Texture, screen: moderngl.Framebuffer) -> None:
        """`frame` is the limiter's shown image, sampled linearly (a pinned view falls between pixels)."""
        screen.use()
        screen.viewport = (0, 0, *self._size)
        screen.clear(0.0, 0.0, 0.0, 1.0)
        for o, viewport, u in self._views:
            self.gfx.renderer.shade(self.program, screen, o.size, [frame], u, viewport=viewport)
