"""Sound under load: what each piece's and patch's DSP costs, and whether the sound process keeps
time while the render loop runs flat out and a shader is hot-reloaded every few seconds.

    python bench/audio.py [--seconds 20] [--minutes 10] [--block 256] [--skip-cost] [--skip-run]

1. DSP cost: each SOUND rendered in this process, in blocks, with a note on every track that takes
   notes every 125 ms (more than a piece plays), timed per block as a fraction of the block's
   duration at 48 kHz (the target is 0.10 of one core at 256 frames).
2. Keeping time: the live engine, headless (SDL's dummy audio driver unless SDL_AUDIODRIVER says
   otherwise), no frame cap, a bench piece whose sound plays all the time and whose shader is
   rewritten every RELOAD_S seconds; the sound process's own counters at the end (target: no xruns).

Run by hand on a quiet machine; the figures are wall-clock times, so other work on the machine
shows up in them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.piece import ROOT, available, load, resolve  # noqa: E402
from stagecraft.sound import patches  # noqa: E402
from stagecraft.sound.graph import compile_sound  # noqa: E402
from stagecraft.sound.synth import SR, Synth  # noqa: E402

NOTE_EVERY_S = 0.125
PENTATONIC = (0, 2, 4, 7, 9, 12, 14, 16)
RELOAD_S = 3.0
SIZE = (640, 360)

PIECE = '''"""Bench

A busy picture and a busy sound, for measuring the sound process under load."""
from stagecraft.sound import patches

SHADER = "bench.frag"
SOUND = {**patches.coins(), **patches.drone(), **patches.warm_chords(), **patches.pings()}


def setup(stage):
    return {"next": 0.0, "k": 0}


def update(stage, state, dt):
    while stage.time >= state["next"]:
        state["next"] += 0.25
        k = state["k"] = state["k"] + 1
        stage.note("coin", 72 + k % 5, sync=0.25)
        stage.note("ping", 60 + (k * 7) % 24)
        if k % 8 == 0:
            stage.note("chords", 48 + k % 12, dur=1.5)
    stage.sound_set("drone.cutoff", 500 + 400 * stage.audio.level, seconds=0.1)
'''
SHADER = '''// version {n}
void mainImage(out vec4 fragColor, in vec2 fragCoord) {{
    vec2 uv = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    vec3 col = vec3(0.0);
    for (int i = 0; i < 24; i++) {{
        float fi = float(i);
        vec2 c = 0.35 * vec2(sin(iTime * 0.7 + fi * 1.3), cos(iTime * 0.9 + fi * 2.1));
        float d = length(uv - c) - 0.05 - 0.1 * texture(iAudio, vec2(fi / 24.0, 0.25)).r;
        col += vec3(0.6 + 0.4 * sin(fi + vec3(0, 2, 4))) * smoothstep(0.01, 0.0, d) * 0.3;
    }}
    fragColor = vec4(col + iAudioLevel, 1.0);
}}
'''


def sounds() -> dict[str, dict]:
    out = {}
    for name in [n for n, _ in available()] + [str(ROOT / "pieces" / "_template.py")]:
        piece = load(resolve(name))
        out[f"piece {piece.name}"] = piece.sound
    for name, patch in patches.ALL.items():
        out[f"patch {name}"] = compile_sound(patch())
    return out


def cost(spec: dict, seconds: float, block: int) -> dict:
    synth = Synth(SR)
    synth.post(("graph", 0, synth.build(spec)))
    every = round(NOTE_EVERY_S * SR)
    blocks = round(seconds * SR / block)
    for k in range(0, blocks * block, every):
        for track in spec["notes"]:
            synth.post(("note", k, track, 57 + PENTATONIC[(k // every) % len(PENTATONIC)], 0.8, SR // 2))
    for _ in range(20):
        synth.render(block)   # first calls into numpy and scipy
    times = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        synth.render(block)
        times.append(time.perf_counter() - t0)
    load = np.array(times) / (block / SR)
    return {"mean": load.mean(), "p99": np.percentile(load, 99), "max": load.max(), "voices": synth.voices()}


def keep_time(minutes: float, block: int) -> dict:
    from stagecraft.engine import Engine
    from stagecraft.operator import Operator
    from stagecraft.sound.client import SoundClient
    from stagecraft.window import Window

    folder = Path(tempfile.mkdtemp(prefix="stagecraft-bench-"))
    (folder / "bench.py").write_text(PIECE)
    shader = folder / "bench.frag"
    shader.write_text(SHADER.format(n=0))
    operator = Operator(stream=open(os.devnull, "w"))
    sound = SoundClient(block=block, tell=operator.tell)
    engine = Engine(Window(SIZE, headless=True), str(folder / "bench.py"), size=SIZE, fps_cap=0,
                    operator=operator, sound=sound)
    reloads = 0
    try:
        start = time.perf_counter()
        next_reload = start + RELOAD_S
        while time.perf_counter() - start < minutes * 60:
            engine.frame()
            if time.perf_counter() >= next_reload:
                reloads += 1
                next_reload += RELOAD_S
                shader.write_text(SHADER.format(n=reloads))
        elapsed = time.perf_counter() - start
        out = {"seconds": elapsed, "frames": engine.stats.frames, "fps": engine.stats.frames / elapsed,
               "reloads": reloads, "renderer": engine.ctx.info["GL_RENDERER"], **engine.counters()}
    finally:
        engine.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="audio rendered per sound for the cost table")
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the keeping-time run")
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--skip-cost", action="store_true")
    ap.add_argument("--skip-run", action="store_true")
    args = ap.parse_args()
    period_ms = 1000 * args.block / SR
    if not args.skip_cost:
        print(f"DSP cost per {args.block}-frame block ({period_ms:.2f} ms at 48 kHz), as a fraction of it; "
              f"{args.seconds:g} s of sound each, a note every {NOTE_EVERY_S * 1000:.0f} ms on every track "
              f"that takes notes\n")
        print("| sound | mean | p99 | max | voices at the end |")
        print("|---|---|---|---|---|")
        for name, spec in sounds().items():
            c = cost(spec, args.seconds, args.block)
            print(f"| {name} | {c['mean']:.3f} | {c['p99']:.3f} | {c['max']:.3f} | {c['voices']} |", flush=True)
    if not args.skip_run:
        print(f"\nKeeping time: {args.minutes:g} min, {SIZE[0]}x{SIZE[1]}, no frame cap, a shader rewritten every "
              f"{RELOAD_S:g} s, SDL_AUDIODRIVER={os.environ['SDL_AUDIODRIVER']}\n", flush=True)
        r = keep_time(args.minutes, args.block)
        print(f"renderer {r['renderer']}; {r['frames']} frames in {r['seconds']:.0f} s ({r['fps']:.1f} fps); "
              f"{r['reloads']} shader reloads")
        print(f"audio_xruns {r['audio_xruns']}  audio_dsp_load mean {r['audio_dsp_load']['mean']:.3f} "
              f"max {r['audio_dsp_load']['max']:.3f}  audio_voices_shed {r['audio_voices_shed']}  "
              f"audio_restarts {r['audio_restarts']}  errors {r['errors']}")


if __name__ == "__main__":
    main()
