"""Each output's map, worked out when the output changes rather than every frame: for each of its
pixels, where it shows on the canvas (the pin's homography and the warp grid, evaluated per pixel)
and its soft edges' and masks' light, in a float image (projector_map.frag). A frame then costs
each output one pass of two texture reads (projector.frag): on llvmpipe a 1080p output with a
blend and a mask worked out every frame cost 100 ms, read from its map about what a copy does."""
from __future__ import annotations

import moderngl

from ..picture.render import Target
from ..picture.shaders import SHADER_DIR
from .homography import pinned
from .mapping import MAX_CELLS, MAX_MASKS, MAX_POINTS, SIDES, Edge, Output

MAP = SHADER_DIR / "lib" / "projector_map.frag"
MAX_WARP = (MAX_CELLS + 1) ** 2


def uniforms(o: Output) -> dict:
    edges = [o.edges.get(side, Edge()) for side in SIDES]
    points = [(0.0, 0.0)] * (MAX_MASKS * MAX_POINTS)
    for m, mask in enumerate(o.masks):
        points[m * MAX_POINTS:m * MAX_POINTS + len(mask.points)] = mask.points
    counts = [len(m.points) for m in o.masks] + [0] * (MAX_MASKS - len(o.masks))
    feather = [m.feather for m in o.masks] + [0.0] * (MAX_MASKS - len(o.masks))
    warp = list(o.warp.points) if o.warp else []
    return {"toSource": tuple(pinned(o.corners).T.ravel()), "source": o.source,
            "edgeWidth": tuple(e.width for e in edges), "edgeCurve": tuple(e.curve for e in edges),
            "edgeGamma": tuple(e.gamma for e in edges), "uplift": o.uplift,
            "maskPoints": points, "maskCount": tuple(counts), "maskFeather": tuple(feather),
            "warpGrid": (o.warp.cols, o.warp.rows) if o.warp else (0, 0),
            "warpPoints": warp + [(0.0, 0.0)] * (MAX_WARP - len(warp))}


def features(o: Output) -> tuple[str, ...]:
    """The parts of projector_map.frag this output uses, compiled in by name: llvmpipe pays for
    loops over uniform arrays even where they end at once."""
    edges = any(e.width > 0 for e in o.edges.values()) or o.uplift > 0
    return (("EDGES",) if edges else ()) + ((f"MASKS {len(o.masks)}",) if o.masks else ()) + \
        (("WARP",) if o.warp else ())


def holds(o: Output) -> tuple:
    """What an output's map depends on (not its gain: a fader moving it re-makes nothing)."""
    return (o.size, o.source, o.corners, tuple(sorted(o.edges.items())), o.uplift, o.masks, o.warp)


class Maps:
    def __init__(self, gfx):
        self.gfx = gfx
        self._maps: dict[str, tuple[tuple, Target]] = {}

    def prepare(self, outputs: list[Output]) -> None:
        """Compile what these outputs' maps need now, not in the frame that first shows them."""
        for o in outputs:
            self.gfx.shaders.program(MAP, {}, defines=features(o))

    def texture(self, o: Output) -> moderngl.Texture:
        made = self._maps.get(o.name)
        if made is None or made[0] != holds(o):
            target = made[1] if made and made[1].size == o.size else self._target(o, made)
            program = self.gfx.shaders.program(MAP, {}, defines=features(o))
            self.gfx.renderer.shade(program, target.framebuffer, o.size, (), uniforms(o))
            self._maps[o.name] = (holds(o), target)
        return self._maps[o.name][1].texture

    def _target(self, o: Output, old) -> Target:
        if old:
            old[1].release()
        target = Target(self.gfx.renderer.ctx, o.size, float_="f4", pixels=o.size)
        target.texture.filter = (moderngl.NEAREST, moderngl.NEAREST)     # a pixel's own entry, never a blend
        return target

    def release(self) -> None:
        for _, target in self._maps.values():
            target.release()
        self._maps.clear()
