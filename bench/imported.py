"""Shaders written for other tools: how long each file takes to import (read, translated, its
programs compiled), and what a frame of it costs through the engine against the same GLSL drawn
by a bare moderngl loop.

    python bench/imported.py [--frames 200] [--size 1280x720] [--files a.fs,b.json,...]

The engine side is the piece's draw as the frame loop runs it (its graph: each pass's uniforms,
samplers and targets); the bare side takes the very program the translation made and draws it
with one vertex array (the engine's quad) and its uniforms set by hand, into one target, as
bench/frame.py does for the engine's own pieces. Both end each frame with a glFinish, so the GPU's
work is inside the time. Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import moderngl  # noqa: E402
import numpy as np  # noqa: E402

from stagecraft.engine.clock import FrameClock  # noqa: E402
from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.picture.render import full_rect  # noqa: E402
from stagecraft.picture.shaders import Shaders  # noqa: E402
from stagecraft.picture.window import Offscreen  # noqa: E402
from stagecraft.piece.module import load, resolve  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402

WARMUP = 20
TESTS = ROOT / "tests"
DEFAULT_FILES = [*sorted((TESTS / "shadertoy").glob("*.glsl")), *sorted((TESTS / "shadertoy").glob("*.json")),
                 *sorted((TESTS / "isf").glob("*.fs")), ROOT / "shaders" / "imported" / "showroom" / "showroom.json"]


def import_time(path: Path, ctx) -> tuple[float, float]:
    """(read and translated, its programs compiled), in ms, a fresh compile each."""
    t0 = time.perf_counter()
    piece = load(resolve(str(path)))
    t1 = time.perf_counter()
    shaders = Shaders(ctx)
    for _, file, part in piece.programs():
        shaders.program(file, piece.params, part)
    t2 = time.perf_counter()
    shaders.release()
    return (t1 - t0) * 1000, (t2 - t1) * 1000


def engine_frames(path: Path, size, frames: int) -> list[float]:
    e = Engine(Offscreen(size), str(path), size=size, clock=FrameClock(30.0), live=False, flash_limit=False,
               operator=Operator(stream=open(os.devnull, "w")))
    try:
        player, ctx = e.player, e.ctx
        builtins = e._builtins()
        times = []
        for i in range(frames + WARMUP):
            e.clock.tick()
            t0 = time.perf_counter()
            player.update(e.clock, builtins, (0.5, 0.5, False), e.performer, e.audio)
            player.draw()
            ctx.finish()
            if i >= WARMUP:
                times.append(time.perf_counter() - t0)
        return times
    finally:
        e.close()


def bare_frames(path: Path, size, frames: int) -> list[float] | None:
    """The translated program of a one-pass file, drawn bare; None for a file of several passes
    or images to read (the bare loop would have to be the engine)."""
    piece = load(resolve(str(path)))
    if piece.graph is None or len(piece.graph.passes) != 1 or piece.images:
        return None
    surface = Offscreen(size)
    ctx = surface.ctx
    shaders = Shaders(ctx)
    prog = shaders.program(piece.graph.path, piece.params, piece.graph.passes[0].part)
    quad = ctx.buffer(np.array([-1, -1, 1, -1, -1, 1, 1, 1], "f4").tobytes())
    inst = ctx.buffer(full_rect(size).tobytes())
    vao = ctx.vertex_array(prog, [(quad, "2f", "aPos"), (inst, "4f/i", "iRect")], skip_errors=True)
    tex = ctx.texture(size, 4)
    fbo = ctx.framebuffer([tex])
    for name, p in piece.params.items():
        if name in prog and p.kind != "event":
            v = p.coerce(p.default)
            prog[name].value = int(v) if isinstance(v, bool) else v
    times = []
    try:
        for i in range(frames + WARMUP):
            t0 = time.perf_counter()
            for name, value in (("iTime", i / 30), ("iFrame", i), ("iResolution", (*size, 1.0))):
                if name in prog:
                    prog[name].value = value
            fbo.use()
            vao.render(moderngl.TRIANGLE_STRIP, instances=1)
            ctx.finish()
            if i >= WARMUP:
                times.append(time.perf_counter() - t0)
        return times
    finally:
        for r in (vao, quad, inst, fbo, tex):
            r.release()
        shaders.release()
        surface.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--files", default=None, help="comma-separated (default: the project's test shaders and showroom)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    files = [Path(f) for f in args.files.split(",")] if args.files else DEFAULT_FILES
    probe = Offscreen((64, 64))
    renderer = probe.ctx.info["GL_RENDERER"]
    rows = []
    print(f"renderer: {renderer}; {size[0]}x{size[1]}; {args.frames} frames after {WARMUP} warm-up; ms\n")
    print("| file | passes | read + translate | compile | engine p50 | bare p50 | engine / bare |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        read_ms, compile_ms = import_time(path, probe.ctx)
        passes = len(load(resolve(str(path))).graph.passes)
        engine = float(np.median(engine_frames(path, size, args.frames))) * 1000
        bare = bare_frames(path, size, args.frames)
        bare_ms = float(np.median(bare)) * 1000 if bare else float("nan")
        rows.append({"file": path.name, "passes": passes, "read_ms": read_ms, "compile_ms": compile_ms,
                     "engine_p50_ms": engine, "bare_p50_ms": bare_ms, "ratio": engine / bare_ms if bare else None})
        ratio = f"{engine / bare_ms:.3f}" if bare else "(passes or images: engine only)"
        bare_text = f"{bare_ms:.2f}" if bare else "-"
        print(f"| {path.name} | {passes} | {read_ms:.1f} | {compile_ms:.1f} | {engine:.2f} | {bare_text} | {ratio} |",
              flush=True)
    probe.close()
    if args.json:
        args.json.write_text(json.dumps({"renderer": renderer, "size": args.size, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
