"""Frame time through every transition of the program, against the pieces' own.

    python bench/transitions.py [--size 1280x720] [--seconds-each 6] [--transition 3]

The default program runs as its rehearsal (every piece `--seconds-each` long, transitions
`--transition` long, cues firing by themselves) in the live loop on SDL's offscreen window, each
frame ending with a flip and a glFinish. For each transition it reports frame time p50/p99 while
the two pieces cross, against the p99 of the slower of the two on its own and against the sum of
both (a crossing draws both live pieces every frame, so the sum is what it cannot go below; the
ratio to the sum is what the transition itself costs). The target is a ratio of at most 1.10.
Run by hand; report the table and the renderer.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from frame import FinishingWindow  # noqa: E402
from stagecraft.engine.clock import FrameClock  # noqa: E402
from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.show.program import load_program, resolve_program  # noqa: E402

WARMUP_S = 0.5   # the first moments of a piece (its setup, first uploads) are not its steady state


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seconds-each", type=float, default=6.0)
    ap.add_argument("--transition", type=float, default=3.0)
    ap.add_argument("--fps", type=float, default=30.0, help="the show's clock steps (frames are timed as rendered)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    program = load_program(resolve_program("smiles_for_all")).rehearsal(args.seconds_each, args.transition)
    window = FinishingWindow(size, headless=True)
    # The frame clock steps the show the same way every run; the wall clock times the work.
    engine = Engine(window, program, size=size, fps_cap=0, clock=FrameClock(args.fps),
                    operator=Operator(stream=open(os.devnull, "w")), live=False)
    frames = round(args.seconds_each * len(program.pieces) * args.fps)
    samples = []                                    # (ms, piece, crossing label or None, time in piece)
    try:
        for _ in range(frames):
            t0 = time.perf_counter()
            engine.frame()
            ms = (time.perf_counter() - t0) * 1000
            samples.append((ms, engine.player.name, engine.crossing.label if engine.crossing else None,
                            engine.player.stage.time))
        renderer = engine.ctx.info["GL_RENDERER"]
    finally:
        engine.close()
    alone: dict[str, list] = {}
    crossing: dict[str, list] = {}
    for ms, piece, label, t in samples:
        if label:
            crossing.setdefault(label, []).append(ms)
        elif t > WARMUP_S:
            alone.setdefault(piece, []).append(ms)
    print(f"renderer: {renderer}; {args.size}; transitions {args.transition:g} s\n")
    print("| transition | frames | p50 ms | p99 ms | slower alone p99 ms | ratio | both summed p99 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for label, times in crossing.items():
        own = [np.percentile(alone.get(name, [np.nan]), 99) for name in label.split(" (")[0].split(" > ")]
        p50, p99 = np.percentile(times, 50), np.percentile(times, 99)
        print(f"| {label} | {len(times)} | {p50:.2f} | {p99:.2f} | {max(own):.2f} | {p99 / max(own):.3f} "
              f"| {sum(own):.2f} | {p99 / sum(own):.3f} |")


if __name__ == "__main__":
    main()
