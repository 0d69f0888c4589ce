"""Frame time for crowds of smiles at 1280x720: 100, 500 and 2,000 instanced smiles in one call.

    python bench/crowd.py [--counts 100,500,2000] [--size 1280x720] [--frames 60]

The smiles tile the frame (smaller as there are more), each with its own genome row, mouths
moving every frame, as the Bazaar's crowd and the finale's mosaic draw them. Run by hand.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from frame import FinishingWindow, WARMUP, _percentiles  # noqa: E402
from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402

PIECE = '''"""Crowd {count}

Benchmark: {count} smiles tiling the frame."""
import numpy as np
from stagecraft.audience import smile as sm

SHADER = "smile.frag"
COUNT = {count}

def setup(stage):
    rng = np.random.default_rng(1)
    stage.texture("g", sm.pack([sm.random(rng) for _ in range(COUNT)]))
    aspect = stage.aspect
    cols = int(np.ceil(np.sqrt(COUNT * aspect / 2)))
    rows = int(np.ceil(COUNT / cols))
    i = np.arange(COUNT)
    h = min(1.0 / rows, aspect / cols / 2) * 0.95
    return {{"grid": np.stack([(i % cols + 0.5) / cols, 1 - (i // cols + 0.5) / rows,
                              np.full(COUNT, 2 * h), np.full(COUNT, h), i], axis=1)}}

def update(stage, state, dt):
    pass

def draw(stage, state):
    stage.clear((0.04, 0.03, 0.06, 1))
    g = state["grid"]
    mouths = 0.5 + 0.5 * np.sin(stage.time * 3 + g[:, 4])
    data = np.concatenate([g, mouths[:, None], np.zeros((len(g), 2))], axis=1).astype("f4")
    stage.instances("smile.frag", data, channels=["g"])
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default="100,500,2000")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=60)
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    quiet = Operator(stream=open(os.devnull, "w"))
    print("| smiles | size | frame p50 ms | frame p99 ms | fps at p50 |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for count in (int(c) for c in args.counts.split(",")):
            path = Path(tmp) / f"crowd_{count}.py"
            path.write_text(PIECE.format(count=count))
            window = FinishingWindow(size, headless=True)
            engine = Engine(window, str(path), size=size, fps_cap=0, operator=quiet, strict=True)
            times = []
            try:
                for i in range(args.frames + WARMUP):
                    t0 = time.perf_counter()
                    engine.frame()
                    if i >= WARMUP:
                        times.append(time.perf_counter() - t0)
            finally:
                renderer = engine.ctx.info["GL_RENDERER"]
                engine.close()
            p50, p99 = _percentiles(times)
            print(f"| {count} | {args.size} | {p50:.2f} | {p99:.2f} | {1000 / p50:.1f} |", flush=True)
    print(f"\nrenderer: {renderer}")


if __name__ == "__main__":
    main()
