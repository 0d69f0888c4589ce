"""The flash limiter against random hostile pieces: each rendered to an MP4 through the limiter
(as `run.py render` makes it), read back and judged by `run.py check-flash`'s own analysis.

    python bench/flash.py [--count 1000] [--seed 1] [--seconds 4] [--workers 2] [--unlimited]
                          [--sizes 192x108,...] [--json out/flash-bench.json] [--keep DIR]
    python bench/flash.py --cost [--cost-sizes 1280x720,1920x1080] [--frames 120]
    python bench/flash.py --figure docs/flash-limiter.png

Prints how many of the pieces fail the checker (and which), with and without the limiter if
asked. `--cost` instead times the limiter's work per frame (GPU work finished inside the time):
on a calm piece and on a strobe it eases, against the output with the limiter off (the copy
every frame needs). `--figure` draws four hostile pieces, frame after frame, without the limiter
and with it (the README's picture). Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.safety import flash  # noqa: E402
from stagecraft.output.offline import offline_engine, render  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.output.record import read_frames  # noqa: E402
from tests.hostile import RATES, SIZES, random_pattern  # noqa: E402


def one(job) -> dict:
    index, seed, seconds, limit, sizes, keep = job
    rng = np.random.default_rng([seed, index])
    pattern = random_pattern(rng)
    size = sizes[rng.integers(len(sizes))]
    fps = RATES[rng.integers(len(RATES))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) / f"{index:04d}" if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        piece = pattern.write(folder)
        out = folder / "render.mp4"
        render(piece, out, seconds=seconds, fps=fps, size=size, seed=0, flash_limit=limit,
               operator=Operator(stream=io.StringIO()))
        frames, rate = read_frames(out)
        report = flash.check(frames, rate)
    return {"index": index, "pattern": pattern.__dict__, "size": size, "fps": fps,
            "pass": all(s["pass"] for s in report),
            "general": [s["general"] for s in report], "red": [s["red"] for s in report]}


def _quiet() -> None:
    sys.stderr = io.StringIO()      # each render's progress bar


def run(count, seed, seconds, limit, sizes, workers, keep) -> list[dict]:
    jobs = [(i, seed, seconds, limit, sizes, keep) for i in range(count)]
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_quiet) as pool:
        return list(pool.imap(one, jobs))


def _timed(spent: list, call, before=None):
    """`call`, its time appended to `spent` (with `before` run first, outside the time)."""
    def timed(*args):
        if before:
            before()
        start = time.perf_counter()
        out = call(*args)
        if before:
            before()
        spent.append(time.perf_counter() - start)
        return out
    return timed


def cost(sizes, count: int) -> None:
    from tests.hostile import Pattern
    strobe = Pattern("square", 10.0, (1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0, 1.0))
    with tempfile.TemporaryDirectory() as tmp:
        pieces = {"calm (standby)": "standby", "full-frame 10 Hz strobe": strobe.write(Path(tmp))}
        print("| content | size | limiter off (ms) | limiter on (ms) | of which planning on the CPU (ms) |")
        print("|---|---|---|---|---|")
        for label, piece in pieces.items():
            for size in sizes:
                row = []
                for limit in (False, True):
                    e = offline_engine(piece, size, fps=30.0, flash_limit=limit, operator=Operator(stream=io.StringIO()))
                    e.frame()
                    spent, planning = [], []
                    e.limiter.frame = _timed(spent, e.limiter.frame, e.ctx.finish)   # GPU work inside
                    e.limiter.hold.plan = _timed(planning, e.limiter.hold.plan)
                    for _ in range(count):
                        e.frame()
                    e.close()
                    row.append((1000 * np.median(spent), 1000 * np.median(planning) if planning else 0.0))
                print(f"| {label} | {size[0]}x{size[1]} | {row[0][0]:.2f} | {row[1][0]:.2f} | {row[1][1]:.2f} |",
                      flush=True)


FIGURE = {   # hostile pieces to look at: a patch, checks, rings and noise, each frames 45 to 49
    "a strobing patch": ("square", 10.0, (1, 1, 1), (0, 0, 0), (0.33, 0.27, 0.31, 0.41), 4.0, (0.2, 0.4, 0.6)),
    "checks inverting": ("checkers", 9.1, (0.92, 0.84, 0.11), (0.48,) * 3, (0.3, 0.0, 0.4, 1.0), 8.0, (0.05,) * 3),
    "red rings": ("rings", 6.0, (1, 0.1, 0.1), (0.1, 0.1, 0.3), (0.1, 0.1, 0.8, 0.8), 5.0, (0.05,) * 3),
    "block noise": ("noise", 12.0, (0.45, 0.5, 0.42), (0.95, 0.02, 0.02), (0.05, 0.05, 0.9, 0.9), 6.0, (0.05,) * 3),
}


def figure(path: Path, size=(240, 135), picks=range(45, 50)) -> None:
    from stagecraft.output.offline import frames
    from stagecraft.output.record import save_png
    from tests.hostile import Pattern
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in FIGURE.items():
            piece = Pattern(*args).write(Path(tmp), name="figure")
            for limit in (False, True):
                e = offline_engine(piece, size, fps=30.0, flash_limit=limit, operator=Operator(stream=io.StringIO()))
                shot = [f.copy() for i, f in enumerate(frames(e, max(picks) + 1)) if i in picks]
                e.close()
                rows.append(np.concatenate([np.pad(f, ((3, 3), (3, 3), (0, 0))) for f in shot], axis=1))
    save_png(path, np.concatenate(rows, axis=0))
    print(path, "rows:", ", ".join(f"{n} (without, with the limiter)" for n in FIGURE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES))
    ap.add_argument("--unlimited", action="store_true", help="also render each without the limiter")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", help="keep each piece and its render in this folder")
    ap.add_argument("--cost", action="store_true", help="time the limiter instead")
    ap.add_argument("--cost-sizes", default="1280x720,1920x1080")
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--figure", type=Path, help="draw the README's picture of held regions instead")
    args = ap.parse_args()
    if args.figure:
        figure(args.figure)
        return
    if args.cost:
        cost([tuple(int(n) for n in s.split("x")) for s in args.cost_sizes.split(",")], args.frames)
        return
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.sizes.split(",")]
    summary = {}
    for limit in ([True, False] if args.unlimited else [True]):
        start = time.perf_counter()
        results = run(args.count, args.seed, args.seconds, limit, sizes, args.workers, args.keep)
        failed = [r for r in results if not r["pass"]]
        label = "limiter on" if limit else "limiter off"
        print(f"{label}: {len(failed)} of {len(results)} fail check-flash "
              f"({time.perf_counter() - start:.0f} s)")
        for r in failed[:20]:
            p = r["pattern"]
            print(f"  #{r['index']}: {p['kind']} {p['hz']:.1f} Hz at {r['size'][0]}x{r['size'][1]} "
                  f"{r['fps']:g} fps: general {r['general']} red {r['red']}")
        summary[label] = {"failed": len(failed), "of": len(results), "failures": failed}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
