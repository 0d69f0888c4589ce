"""Ableton Link between two live engines: do they agree on the beat, and does a cue quantised to
the bar change the picture on the frame nearest the bar?

    python bench/link_sync.py [--seconds 30] [--size 320x180] [--json FILE]

Runs two engine processes (headless, calibration, 60 fps, `--link`'s Link) on loopback. Each
writes down, every frame, the Link time its beat was sampled for (the frame's presentation) and
the beat. Agreement: engine B's beat at each of A's sample times (B's own samples, interpolated),
against A's, as a phase difference in milliseconds (Link shares the phase; beat counts may differ
by whole bars). Engine A also GOes a cue quantised to the bar after each one fires: its error is
the first changed frame's presentation minus the bar's time on the session's clock, in frames.
Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

PROGRAM = """
title = "Bars"
[[piece]]
name = "calibration"
  [[piece.cue]]
  name = "white"
  number = "1"
  quantize = "bar"
  actions = [{ set = "mode", to = 3 }]
  [[piece.cue]]
  name = "card"
  number = "2"
  quantize = "bar"
  actions = [{ set = "mode", to = 0 }]
"""
FPS = 60.0


def engine(out: Path, seconds: float, size: tuple[int, int], cues: bool) -> None:
    from stagecraft.engine.loop import Engine
    from stagecraft.picture.window import Window
    from stagecraft.show.operator import Operator
    from stagecraft.show.program import load_program
    from stagecraft.tempo.beat import QUANTUM
    from stagecraft.tempo.link import Link

    path = out.with_suffix(".toml")
    path.write_text(PROGRAM)
    e = Engine(Window(size, headless=True), load_program(path), size=size, operator=Operator(),
               tempo=Link(133.0), fps_cap=FPS)   # bars off the frame grid
    samples, errors = [], []
    try:
        end = time.monotonic() + 20
        while e.beat.peers < 1 and time.monotonic() < end:
            e.frame()
            e._pace()
        end = time.monotonic() + seconds
        target = None
        while time.monotonic() < end:
            if cues and not e.show.armed:
                e.show.stand_by(1 if e.player.params.get("mode") == 0 else 2)
                e.go()
                target = e.show.armed[0][1] if e.show.armed else None
            before = e.player.params.get("mode")
            e.frame()
            samples.append((e.tempo.at, e.beat.beat, e.beat.tempo))
            if cues and target is not None and e.player.params.get("mode") != before:
                bar = e.tempo._link.captureAppSessionState().timeAtBeat(target, QUANTUM)
                errors.append((e.tempo.at - bar) / (1e6 / FPS))
                target = None
            e._pace()
    finally:
        e.close()
    out.write_text(json.dumps({"samples": samples, "errors": errors, "peers": e.tempo.most_peers}))


def agreement(a: list, b: list) -> np.ndarray:
    """|A's phase - B's phase| in ms at A's sample times within B's run."""
    a, b = np.array(a), np.array(b)
    inside = (a[:, 0] > b[0, 0]) & (a[:, 0] < b[-1, 0])
    a = a[inside]
    b_beat = np.interp(a[:, 0], b[:, 0], b[:, 1])
    diff = (a[:, 1] - b_beat + 2.0) % 4.0 - 2.0
    return np.abs(diff) * 60.0 / a[:, 2] * 1000.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--size", default="320x180")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--engine", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cues", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    if args.engine:
        engine(args.engine, args.seconds, size, args.cues)
        return
    with tempfile.TemporaryDirectory() as tmp:
        outs = [Path(tmp) / "a.json", Path(tmp) / "b.json"]
        runs = [subprocess.Popen([sys.executable, __file__, "--engine", str(o), "--seconds", str(args.seconds),
                                  "--size", args.size, *(["--cues"] if i == 0 else [])])
                for i, o in enumerate(outs)]
        for r in runs:
            r.wait(timeout=args.seconds + 120)
        a, b = (json.loads(o.read_text()) for o in outs)
    ms = np.concatenate([agreement(a["samples"], b["samples"]), agreement(b["samples"], a["samples"])])
    err = np.array(a["errors"])
    result = {"seconds": args.seconds, "size": args.size, "peers": [a["peers"], b["peers"]],
              "frames": [len(a["samples"]), len(b["samples"])],
              "beat_agreement_ms": {"p50": round(float(np.percentile(ms, 50)), 4),
                                    "p99": round(float(np.percentile(ms, 99)), 4), "max": round(float(ms.max()), 4)},
              "quantised_cues": len(err),
              "cue_error_frames": {"min": round(float(err.min()), 3), "max": round(float(err.max()), 3),
                                   "within_half": int((np.abs(err) <= 0.5).sum())} if len(err) else None}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
