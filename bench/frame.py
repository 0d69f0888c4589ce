"""Frame time per piece, and the engine's overhead over a bare moderngl loop drawing the same shader.

    python bench/frame.py [--frames 240] [--sizes 640x360,1280x720] [--pieces calibration,...]

Both loops run in a real pygame window on SDL's offscreen driver and end every frame with a flip
and a glFinish, so GPU work is inside the time measured. Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.piece.module import available, load, resolve  # noqa: E402
from stagecraft.picture.render import full_rect  # noqa: E402
from stagecraft.picture.shaders import Shaders, find  # noqa: E402
from stagecraft.picture.window import Window  # noqa: E402

WARMUP = 20


class FinishingWindow(Window):
    def flip(self):
        super().flip()
        self.ctx.finish()


def _percentiles(intervals) -> tuple[float, float]:
    ms = np.array(intervals) * 1000.0
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def engine_loop(piece: str, size, frames: int):
    window = FinishingWindow(size, headless=True)
    engine = Engine(window, piece, size=size, fps_cap=0, operator=Operator(stream=open(os.devnull, "w")))
    times = []
    try:
        for i in range(frames + WARMUP):
            t0 = time.perf_counter()
            engine.frame()
            if i >= WARMUP:
                times.append(time.perf_counter() - t0)
    finally:
        engine.close()
    return _percentiles(times)


def bare_loop(piece: str, size, frames: int):
    """The same fragment shader, its uniforms set by hand, drawn straight to the window."""
    module = load(resolve(piece))
    if not module.shader:
        return None
    window = FinishingWindow(size, headless=True)
    ctx = window.ctx
    import moderngl
    shaders = Shaders(ctx)
    prog = shaders.program(find(module.shader, module.shader_dirs()), module.params)
    quad = ctx.buffer(np.array([-1, -1, 1, -1, -1, 1, 1, 1], "f4").tobytes())
    inst = ctx.buffer(full_rect(size).tobytes())
    vao = ctx.vertex_array(prog, [(quad, "2f", "aPos"), (inst, "4f/i", "iRect")], skip_errors=True)
    defaults = {k: p.coerce(p.default) for k, p in module.params.items() if p.kind != "event"}
    for name, value in defaults.items():
        if name in prog:
            prog[name].value = value if not isinstance(value, bool) else int(value)
    times = []
    try:
        for i in range(frames + WARMUP):
            t0 = time.perf_counter()
            for name, value in (("iTime", i / 60), ("iFrame", i), ("iResolution", (*size, 1.0))):
                if name in prog:
                    prog[name].value = value
            ctx.screen.use()
            vao.render(moderngl.TRIANGLE_STRIP, instances=1)
            window.flip()
            if i >= WARMUP:
                times.append(time.perf_counter() - t0)
    finally:
        vao.release()
        shaders.release()
        window.close()
    return _percentiles(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=240)
    ap.add_argument("--sizes", default="640x360,1280x720")
    ap.add_argument("--pieces", default=",".join(n for n, _ in available()) + "," +
                    str(Path(__file__).resolve().parent.parent / "pieces" / "_template.py"))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    probe = Window((64, 64), headless=True)
    renderer = probe.ctx.info["GL_RENDERER"]
    probe.close()
    print(f"renderer: {renderer}; {args.frames} frames after {WARMUP} warm-up; times in ms\n")
    print("| piece | size | engine p50 | engine p99 | bare p50 | bare p99 | overhead (p50 ratio) |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for piece in args.pieces.split(","):
        for size in sizes:
            e50, e99 = engine_loop(piece, size, args.frames)
            bare = bare_loop(piece, size, args.frames)
            b50, b99 = bare if bare else (float("nan"),) * 2
            name = Path(piece).stem
            ratio = e50 / b50 if bare else float("nan")
            rows.append({"piece": name, "size": f"{size[0]}x{size[1]}", "engine_p50": e50,
                         "engine_p99": e99, "bare_p50": b50, "bare_p99": b99, "ratio": ratio})
            print(f"| {name} | {size[0]}x{size[1]} | {e50:.2f} | {e99:.2f} | {b50:.2f} | {b99:.2f} | "
                  f"{ratio:.3f} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"renderer": renderer, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
