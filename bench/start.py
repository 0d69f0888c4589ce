"""Start-up: process start to the first frame presented (`start_s` in --stats), and to exit, for
`show`, `play` and `render`, each the median of five fresh processes.

    python bench/start.py [--runs 5]

Headless, with SDL's dummy audio driver (the show and play start their sound process as they
would live; it joins a few frames later). Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "show": ["show", "--headless", "--seconds", "0.05", "--no-osc", "--audience-file", "{tmp}/a.json"],
    "play": ["play", "smile_credits", "--headless", "--seconds", "0.05", "--no-osc",
             "--audience-file", "{tmp}/a.json"],
    "render": ["render", "smile_credits", "-o", "{tmp}/r.mp4", "--seconds", "0.1", "--size", "640x360"],
}


def once(args: list[str], tmp: str) -> tuple[float, float]:
    stats = Path(tmp) / "stats.json"
    argv = [sys.executable, str(ROOT / "run.py"), *(a.format(tmp=tmp) for a in args), "--stats", str(stats)]
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"}
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
    total = time.perf_counter() - start
    return json.loads(stats.read_text())["start_s"], total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print("| command | start_s median (s) | runs | process start to exit, median (s) |")
    print("|---|---|---|---|")
    for name, command in COMMANDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            runs = [once(command, tmp) for _ in range(args.runs)]
        starts = [s for s, _ in runs]
        print(f"| {name} | {statistics.median(starts):.2f} | {', '.join(f'{s:.2f}' for s in starts)} | "
              f"{statistics.median(t for _, t in runs):.2f} |", flush=True)


if __name__ == "__main__":
    main()
