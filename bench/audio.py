"""Sound under load: what each piece's and patch's DSP costs, and whether the sound process keeps
time while the render loop runs flat out and a shader is hot-reloaded every few seconds.

    python bench/audio.py [--seconds 20] [--minutes 10] [--block 256] [--skip-cost] [--skip-run]
                          [--only NAME,...] [--json FILE]

1. DSP cost: each SOUND rendered in this process a block at a time, twice: flat out (blocks back
   to back, the best of three runs), and at the pace of real time (a block, then a sleep until the
   next is due, as the sound process works: caches and clocks cool down in the sleeps, which on a
   virtual machine costs several times over). A piece is played with the notes and changes it
   makes itself when run offline (GO every CUE_EVERY_S); each patch with a note every 125 ms on
   every track that takes notes (harder than a piece will play it). The figures are this thread's
   CPU time per block as a fraction of the block's duration at 48 kHz (the target is 0.10 of one
   core at 256 frames). `--json FILE` writes them keyed by the sound's name (a piece's or a
   patch's): {"warm_chords": {"flat": {"mean": F, "p99": F, "max": F}, "paced": {...}}, ...}.
2. Keeping time: the live engine, headless (SDL's dummy audio driver unless SDL_AUDIODRIVER says
   otherwise), no frame cap, playing the template (GO every CUE_EVERY_S) while its shader is
   rewritten every RELOAD_S seconds, so it recompiles; the sound process's own counters at the end
   (target: no xruns).

Run by hand on a quiet machine: a busy one still slows the CPU's caches and clock, and the
keeping-time run is about wall-clock time.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.engine.clock import FrameClock  # noqa: E402
from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.piece.module import ROOT, available  # noqa: E402
from stagecraft.sound import patches  # noqa: E402
from stagecraft.sound.client import Silent  # noqa: E402
from stagecraft.sound.graph import compile_sound  # noqa: E402
from stagecraft.sound.messages import SR, heard, stamp  # noqa: E402
from stagecraft.sound.dsp.synth import Synth  # noqa: E402
from stagecraft.picture.window import Offscreen  # noqa: E402

TEMPLATE = ROOT / "pieces" / "_template.py"
NOTE_EVERY_S = 0.125
CUE_EVERY_S = 2.0
FPS = 30
PENTATONIC = (0, 2, 4, 7, 9, 12, 14, 16)
RELOAD_S = 3.0
SIZE = (640, 360)

class Recorder(Silent):
    """Stands in for the sound in an offline run of a piece: keeps what the piece asked, dated."""

    def __init__(self):
        self.frame = 0
        self.messages: list[tuple] = []

    def send(self, messages: list, beat=None, at: float = 0.0) -> None:
        """As OfflineSound stamps them: notes in beats land on the beat of show time `at`."""
        now = self.frame * SR // FPS
        timeline = heard(at * SR, beat.beat, beat.tempo, SR) if beat else None
        self.messages += [("graph", now, *m[1:]) if m[0] == "graph" else stamp(m, now, SR, timeline)
                          for m in messages]
        self.frame += 1


def cue_now_and_then(engine, i: int, fps: float) -> None:
    """GO every CUE_EVERY_S, round and round the piece's cues."""
    if i and i % round(CUE_EVERY_S * fps) == 0 and engine.player.piece.cues:
        if engine.show.standby is None:
            engine.move_playhead(-len(engine.player.piece.cues))
        engine.go()


def played(piece: str, seconds: float) -> list[tuple]:
    """The messages a piece sends in `seconds`, GO pressed every CUE_EVERY_S."""
    recorder = Recorder()
    engine = Engine(Offscreen((64, 36)), piece, size=(64, 36), clock=FrameClock(FPS), live=False,
                    operator=Operator(stream=open(os.devnull, "w")), sound=recorder)
    try:
        for i in range(round(seconds * FPS)):
            cue_now_and_then(engine, i, FPS)
            engine.frame()
    finally:
        engine.close()
    return recorder.messages


def stress(spec: dict, seconds: float) -> list[tuple]:
    every = round(NOTE_EVERY_S * SR)
    notes = [("note", k, track, 57 + PENTATONIC[(k // every) % len(PENTATONIC)], 0.8, SR // 2)
             for k in range(0, round(seconds * SR), every) for track in spec["notes"]]
    return [("graph", 0, spec), *notes]


def sounds(seconds: float, only: set[str] | None = None) -> dict[str, tuple[str, list]]:
    """Each sound's name: how it is played (a piece as it plays, a patch stressed), its messages."""
    out = {}
    for name in [n for n, _ in available()] + [str(TEMPLATE)]:
        if only is None or Path(name).stem in only:
            out[Path(name).stem] = ("piece, as played", played(name, seconds))
    for name, patch in patches.ALL.items():
        if only is None or name in only:
            out[name] = ("patch, stressed", stress(compile_sound(patch()), seconds))
    return out


def cost(messages: list, seconds: float, block: int, paced: bool) -> dict:
    synth = Synth(SR)
    for m in messages:
        synth.post(("graph", m[1], synth.build(m[2]), *m[3:]) if m[0] == "graph" else m)
    for _ in range(20):
        synth.render(block)   # first calls into numpy and scipy
    period = block / SR
    times = []
    due = time.perf_counter()
    for _ in range(round(seconds / period) - 20):
        t0 = time.thread_time()
        synth.render(block)
        times.append(time.thread_time() - t0)
        due += period
        if paced:
            time.sleep(max(0.0, due - time.perf_counter()))
    load = np.array(times) / period
    return {"mean": load.mean(), "p99": np.percentile(load, 99), "max": load.max(), "voices": synth.voices()}


def keep_time(minutes: float, block: int) -> dict:
    """The template (a copy, so its shader can be rewritten) played live with no frame cap."""
    from stagecraft.sound.client import SoundClient
    from stagecraft.picture.window import Window

    folder = Path(tempfile.mkdtemp(prefix="stagecraft-bench-"))
    piece = Path(shutil.copy(TEMPLATE, folder / "bench.py"))
    shader = Path(shutil.copy(ROOT / "shaders" / "_template.frag", folder / "_template.frag"))
    source = shader.read_text()
    operator = Operator(stream=open(os.devnull, "w"))
    sound = SoundClient(block=block, tell=operator.tell)
    engine = Engine(Window(SIZE, headless=True), str(piece), size=SIZE, fps_cap=0, operator=operator,
                    sound=sound)
    reloads = 0
    try:
        start = time.perf_counter()
        next_reload = start + RELOAD_S
        while time.perf_counter() - start < minutes * 60:
            cue_now_and_then(engine, engine.stats.frames, engine.stats.recent()["fps"] or 60.0)
            engine.frame()
            if time.perf_counter() >= next_reload:
                reloads += 1
                next_reload += RELOAD_S
                shader.write_text(f"{source}// reload {reloads}\n")
        elapsed = time.perf_counter() - start
        out = {"seconds": elapsed, "frames": engine.stats.frames, "fps": engine.stats.frames / elapsed,
               "reloads": reloads, "renderer": engine.ctx.info["GL_RENDERER"], **engine.counters()}
    finally:
        engine.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="audio rendered per sound for the cost table")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the keeping-time run")
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--skip-cost", action="store_true")
    ap.add_argument("--skip-run", action="store_true")
    ap.add_argument("--only", type=lambda s: set(s.split(",")), default=None, metavar="NAME,...",
                    help="these sounds only (pieces' or patches' names)")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="the cost table, by sound")
    args = ap.parse_args()
    period_ms = 1000 * args.block / SR
    if not args.skip_cost:
        print(f"DSP cost per {args.block}-frame block ({period_ms:.2f} ms at 48 kHz), CPU time as a fraction "
              f"of it; {args.seconds:g} s of sound each\n")
        print("| sound | played | flat out: mean | p99 | at real-time pace: mean | p99 | max | voices at the end |")
        print("|---|---|---|---|---|---|---|---|")
        table = {}
        for name, (how, messages) in sounds(args.seconds, args.only).items():
            f = min((cost(messages, args.seconds, args.block, False) for _ in range(3)), key=lambda c: c["mean"])
            c = cost(messages, args.seconds, args.block, True)
            table[name] = {"flat": {k: round(float(f[k]), 4) for k in ("mean", "p99", "max")},
                           "paced": {k: round(float(c[k]), 4) for k in ("mean", "p99", "max")}}
            print(f"| {name} | {how} | {f['mean']:.3f} | {f['p99']:.3f} | {c['mean']:.3f} | {c['p99']:.3f} | "
                  f"{c['max']:.3f} | {c['voices']} |", flush=True)
        if args.json:
            args.json.write_text(json.dumps(table, indent=2))
    if not args.skip_run:
        print(f"\nKeeping time: {args.minutes:g} min, {SIZE[0]}x{SIZE[1]}, no frame cap, a shader rewritten every "
              f"{RELOAD_S:g} s, SDL_AUDIODRIVER={os.environ['SDL_AUDIODRIVER']}\n", flush=True)
        r = keep_time(args.minutes, args.block)
        print(f"renderer {r['renderer']}; {r['frames']} frames in {r['seconds']:.0f} s ({r['fps']:.1f} fps); "
              f"{r['reloads']} shader reloads")
        causes = ", ".join(f"{k} {n}" for k, n in r["audio_xrun_causes"].items())
        print(f"audio_xruns {r['audio_xruns']} ({causes})  audio_dsp_load mean {r['audio_dsp_load']['mean']:.3f} "
              f"max {r['audio_dsp_load']['max']:.3f}  audio_voices_shed {r['audio_voices_shed']}  "
              f"audio_restarts {r['audio_restarts']}  errors {r['errors']}")


if __name__ == "__main__":
    main()
