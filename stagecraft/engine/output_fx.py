"""Part of the engine: the show's own effect chain (a program's `effects`), over whatever plays, a
transition included; before attract mode's caption, the phones' QR code and the flash limiter,
which stays last. Its inputs are parameters like a piece's: smoothed, ranged, and on the control
port as /output/fx/<n>/<input>."""
from __future__ import annotations

from ..picture.canvas import Canvas
from ..picture.shaders import SHADER_DIR, ShaderError
from ..piece.effects import Chain
from ..piece.params import ParamValues
from ..piece.player import shader_told


class OutputEffects:
    def __init__(self, program, gfx, size, tell, strict: bool):
        self.params = ParamValues(program.effect_params)
        self.canvas = Canvas(gfx.ctx, gfx.renderer, gfx.shaders, gfx.text, size, [SHADER_DIR], program.effect_params)
        self.chain = Chain(program.effects, self.canvas, self._failed)
        self._tell, self._strict = tell, strict

    def _failed(self, n: int, exc: Exception) -> None:
        if self._strict:
            raise exc
        self._tell(**shader_told("the output", n, "", exc))

    def compile(self) -> None:
        for n, fx in enumerate(self.chain.effects):
            try:
                for p in fx.graph.passes:
                    self.canvas.shaders.program(fx.graph.path, self.params.spec, p.part)
            except ShaderError as exc:
                self.chain.bypass(n, exc)

    def apply(self, picture, builtins: dict, dt: float):
        """The picture (a target) through the chain; itself when the program has none."""
        if not self.chain.effects:
            return picture
        self.params.step(dt)
        shown = self.chain.run(picture, {**builtins, **self.params.uniforms()})
        self.params.end_frame()
        return shown

    def resize(self, size) -> None:
        self.canvas.resize(size)

    def release(self) -> None:
        self.canvas.release()
