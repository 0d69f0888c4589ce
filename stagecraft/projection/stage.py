"""The output stage: after the canvas, the fade and the flash limiter (which judge the frame the
audience sees, not each projector's copy), each output's view drawn into its viewport of the
spanning framebuffer, read through its map (maps.py: worked out when the output changes, not
every frame). The file is written on the FileWriter's thread, never the frame's."""
from __future__ import annotations

import math

import moderngl

from ..crossings import FileWriter
from ..picture.render import Target
from ..picture.shaders import SHADER_DIR
from .card import Cards
from .edit import Editor, handles
from .maps import Maps
from .mapping import MAX_CELLS, Edge, Mapping, MappingError, Output, Warp, dumps, write
from .place import Placement, side_by_side

AUTOSAVE_S = 2.0            # after the last edit: a drag of a corner is saved once, when it rests
MAX_HANDLES = 4 + (MAX_CELLS + 1) ** 2    # as projector.frag declares them: the corners and a warp grid's points
IDENTIFY_S = 5.0
SAVE_FAILED = "mapping save failed"

PROJECTOR = SHADER_DIR / "lib" / "projector.frag"


class Projection:
    def __init__(self, gfx, mapping: Mapping, placement: Placement | None, operator):
        self.gfx = gfx
        self.mapping = mapping
        self.placement = placement or side_by_side(mapping)
        self.operator = operator
        self.tell = tell = operator.tell
        for note in self.placement.notes:
            tell(note)
        self.cards = Cards(gfx)
        self.maps = Maps(gfx)
        self.editor = Editor(self, tell)
        self._writer = FileWriter(write)
        self._saved = 0                        # the writer's saves seen
        self._views: list[tuple] = []          # (output, viewport), as placed
        self._alone: dict[str, Target] = {}    # an output drawn by itself, for NDI
        self._identify_until = -1.0
        self.edited_at: float | None = None
        self.changed()

    def changed(self) -> None:
        """The mapping was edited: the next frame shows it (an output's map is made again then)."""
        self.maps.prepare(self.mapping.outputs)
        for extra in ((), ("CARD",), ("HANDLES",)):     # compiled now, not when the operator first asks
            self.gfx.shaders.program(PROJECTOR, {}, defines=extra)
        self._views = [(o, viewport) for o, viewport in zip(self.mapping.outputs, self.placement.viewports)
                       if viewport]

    def touched(self, now: float) -> None:
        self.edited_at = now
        self.changed()

    def edit(self, name: str, what: str, *values, now: float) -> None:
        if not all(math.isfinite(v) for v in values if isinstance(v, (int, float))):
            raise ValueError(f"{name}: {what} takes finite numbers, not {values!r}")
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
            elif what == "grid":
                cols, rows = values
                self.mapping.change(name, warp=Warp.flat(cols, rows) if cols and rows else None)
            elif what == "point":
                col, row, dx, dy = values
                if o.warp is None:
                    raise MappingError(f"{name}: no warp grid (send /mapping/{name}/grid COLS ROWS first)")
                self.mapping.change(name, warp=o.warp.moved(col, row, (float(dx), float(dy))))
            else:
                brightness, *rgb = values
                self.mapping.change(name, brightness=float(brightness), rgb=tuple(map(float, rgb)))
        except MappingError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None
        self.touched(now)

    def identify(self, now: float, seconds: float = IDENTIFY_S) -> None:
        """Every output shows its card, its name large on it, for a few seconds."""
        self._identify_until = now + seconds

    def autosave(self, now: float) -> None:
        while not self._writer.failures.empty():
            self.tell(self._writer.failures.get(), key=SAVE_FAILED, error=True)
        if self._writer.saved != self._saved and self.operator.clear(SAVE_FAILED):
            self.tell(f"saving the mapping to {self.mapping.path} again")    # and a new failure is told anew
        self._saved = self._writer.saved
        if self.edited_at is not None and now - self.edited_at >= AUTOSAVE_S:
            self.save()

    def save(self) -> None:
        self.edited_at = None
        if self.mapping.path is not None:
            self._writer.put(self.mapping.path, dumps(self.mapping))

    def draw(self, frame: moderngl.Texture, screen: moderngl.Framebuffer, now: float, *, cards=False,
             level=1.0) -> None:
        """`frame` is the limiter's shown image, sampled linearly (a pinned view falls between
        pixels). With `cards` (the calibration piece asks) or while identifying, each output
        shows its own card, darkened with the fade (`level`)."""
        screen.use()
        screen.viewport = (0, 0, *self.placement.size)
        screen.clear(0.0, 0.0, 0.0, 1.0)
        cards = cards or now < self._identify_until
        edited = self.mapping.outputs[self.editor.output] if self.editor.active else None
        for o, viewport in self._views:
            u, extra = {}, ()
            if o is edited:
                points = handles(o)
                u = {"handles": points + [(0.0, 0.0)] * (MAX_HANDLES - len(points)), "outputSize": o.size,
                     "handleCount": len(points), "handleSelected": self.editor.handle}
                extra = ("HANDLES",)
            self._shade(o, u, frame, screen, viewport, cards, level, extra)

    def alone(self, name: str, frame: moderngl.Texture, now: float, *, cards=False,
              level=1.0) -> moderngl.Framebuffer:
        """One output drawn by itself at its own size (NDI's copy of it, shown or virtual),
        without the editor's handles."""
        o = self.mapping.outputs[self.mapping.find(name)]
        target = self._alone.get(name)
        if target is None or target.size != o.size:
            target = self._alone[name] = Target(self.gfx.renderer.ctx, o.size, pixels=o.size)
        self._shade(o, {}, frame, target.framebuffer, (0, 0, *o.size), cards or now < self._identify_until, level)
        return target.framebuffer

    def _shade(self, o: Output, u: dict, frame, fbo, viewport, cards: bool, level: float, extra=()) -> None:
        channels = [frame, self.cards.texture(o, frame.size) if cards else frame, self.maps.texture(o)]
        u = {**u, "source": o.source, "gain": (*o.rgb, o.brightness)}
        if cards:
            u, extra = {**u, "cardLevel": level}, extra + ("CARD",)
        self.gfx.renderer.shade(self.gfx.shaders.program(PROJECTOR, {}, defines=extra), fbo, o.size, channels, u,
                                viewport=viewport)

    def close(self) -> None:
        """Save an edit not yet saved, and wait for the writer (the file is whole when we exit)."""
        if self.edited_at is not None:
            self.save()
        self._writer.close()
        while not self._writer.failures.empty():
            self.tell(self._writer.failures.get(), error=True)
        self.cards.release()
        self.maps.release()
        for target in self._alone.values():
            target.release()
