"""Soak: the show running for a long time, watched for anything that grows.

    python bench/soak.py [--minutes 60] [--size 320x180] [--piece-seconds 30] [--out soak.json]

The default program loops in the live loop (SDL's offscreen window, the real clock, the real
sound process on SDL's dummy audio driver, OSC on loopback ports), each piece --piece-seconds long
with its cues firing by themselves, while a simulated audience (twenty addresses on loopback)
joins, cheers, votes, echoes, buys, refuses and barters a few times a second. Every 30 s it
samples the engine's RSS and the sound process's, open file descriptors, threads, GL objects (the
engine's textures, framebuffers, programs and vertex arrays), the stats counters and the longest
frame since the last sample (a stall of the whole machine shows there and in the xruns at once),
the xruns by cause (see stagecraft/sound/lateness.py) and the CPU time a virtual machine's host
took from it (steal, from /proc/stat).
Memory is also sampled once a lap of the program, as its first piece starts and the last has left:
what a piece holds while it plays comes and goes with it, so a sample every 30 s lands on
different pieces and a straight line through them tilts with the order they happen to fall in.
It reports each measure's growth per hour: a straight line through the samples after the first
tenth, and one through the second half (after the warm-up: caches filled, the audience's bounded
lists full).
Target: flat (no growth beyond noise), zero xruns, zero errors. Run by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.osc.replies import packet  # noqa: E402
from stagecraft.show.program import load_program, resolve_program  # noqa: E402
from stagecraft.sound.client import SoundClient  # noqa: E402
from stagecraft.picture.window import Window  # noqa: E402

SAMPLE_S = 30.0
WORDS = ["who owns your smile", "a gap is a story", "smile", "no credits here", "we see you", "trade"]


def rss_kib(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def steal_ms() -> int:
    """CPU time the virtual machine's host gave to others while this guest wanted it, all CPUs."""
    return int(Path("/proc/stat").read_text().split()[8]) * 1000 // os.sysconf("SC_CLK_TCK")


def memory(sound: SoundClient) -> dict:
    pid = sound.active.process.pid if sound.active else None
    return {"rss_kib": rss_kib(), "sound_rss_kib": rss_kib(pid) if pid else 0}


def gl_objects(e: Engine) -> int:
    """What the engine holds on the GPU: text textures, targets and data textures of the playing
    pieces, programs, vertex arrays."""
    canvases = [p.canvas for p in e._playing()]
    return (len(e.gfx.text) + len(e.gfx.shaders._entries) + len(e.gfx.renderer._vaos)
            + sum(len(c.targets) + len(c.textures) for c in canvases))


def audience(port: int, stop: threading.Event, rate: float) -> None:
    """Twenty phones on loopback addresses, each doing something every few seconds."""
    rng = random.Random(7)
    socks = []
    for i in range(20):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((f"127.0.0.{10 + i}", 0))
        socks.append(s)
    acts = [("/audience/cheer", lambda: (rng.random(),)), ("/audience/vote", lambda: (rng.uniform(-1, 1),)),
            ("/audience/echo", lambda: (rng.choice(WORDS),)), ("/audience/buy", lambda: (rng.randint(10, 200),)),
            ("/audience/refuse", lambda: ()), ("/audience/barter", lambda: (rng.randint(0, 7), rng.randint(0, 7))),
            ("/audience/join", lambda: (f"guest{rng.randint(0, 999)}",)),
            ("/audience/touch", lambda: (rng.random(), rng.random()))]
    while not stop.is_set():
        address, args = rng.choice(acts)
        rng.choice(socks).sendto(packet(address, *args()), ("127.0.0.1", port))
        time.sleep(rng.expovariate(rate))
    for s in socks:
        s.close()


def slope_per_hour(t: np.ndarray, y: np.ndarray, after: float) -> float:
    """Growth per hour of a straight line through the samples after `after` of the run."""
    keep = t >= t[-1] * after
    if keep.sum() < 3:
        return float("nan")
    return float(np.polyfit(t[keep] / 3600.0, y[keep], 1)[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--size", default="320x180")
    ap.add_argument("--piece-seconds", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=4.0, help="audience acts a second")
    ap.add_argument("--audio-block", type=int, default=256, help="frames per audio block, as the show's flag")
    ap.add_argument("--out", type=Path, default=Path("out") / "soak.json")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    program = load_program(resolve_program("smiles_for_all")).rehearsal(args.piece_seconds, 4.0)
    operator = Operator(stream=open(os.devnull, "w"))
    sound = SoundClient(block=args.audio_block, tell=operator.tell)
    engine = Engine(Window(size, headless=True), program, size=size, operator=operator, sound=sound,
                    loop=True, fps_cap=30)
    engine.osc.listen(osc_port=0, audience_port=0)
    stop = threading.Event()
    crowd = threading.Thread(target=audience, args=(engine.osc.ports["audience"], stop, args.rate), daemon=True)
    crowd.start()
    samples, start, next_sample, stolen = [], time.monotonic(), 0.0, steal_ms()
    last, gap = start, 0.0
    laps, playing, lap_due = [], None, False
    try:
        # SDL turns SIGINT and SIGTERM into a quit event, which clears engine.running.
        while engine.running and (elapsed := time.monotonic() - start) < args.minutes * 60:
            engine.frame()
            engine._pace()
            now = time.monotonic()
            gap, last = max(gap, now - last), now
            if engine.player is not playing:
                playing = engine.player
                lap_due = playing.piece is program.pieces[0].module
            if lap_due and engine.crossing is None:   # the last piece has left, and been trimmed
                lap_due = False
                laps.append({"t": elapsed, **memory(sound)})
                print(json.dumps({"lap": len(laps), **laps[-1]}), flush=True)
            if elapsed >= next_sample:
                next_sample += SAMPLE_S
                c = engine.counters()
                samples.append({"t": elapsed, **memory(sound),
                                "fds": len(os.listdir("/proc/self/fd")), "threads": threading.active_count(),
                                "gl_objects": gl_objects(engine), "contributions": len(engine.audience.contributions),
                                "frames": engine.stats.frames, "errors": c["errors"], "xruns": c["audio_xruns"],
                                "xrun_causes": c["audio_xrun_causes"], "steal_ms": steal_ms() - stolen,
                                "restarts": c["audio_restarts"], "shed": c["audio_voices_shed"],
                                "osc_received": c["osc_received"], "osc_rate_limited": c["osc_rate_limited"],
                                "transitions": c["transitions"], "flash_limited_frames": c["flash_limited_frames"],
                                "piece": engine.player.name, "fps": round(engine.stats.recent()["fps"], 1),
                                "longest_frame_ms": round(gap * 1000, 1)})
                print(json.dumps(samples[-1]), flush=True)
                gap = 0.0
    finally:
        stop.set()
        crowd.join(5)
        summary = engine.stats.summary(**engine.counters())
        engine.close()
    t = np.array([s["t"] for s in samples])
    growth = {k: [slope_per_hour(t, np.array([s[k] for s in samples], float), after) for after in (0.1, 0.5)]
              for k in ("rss_kib", "sound_rss_kib", "fds", "threads", "gl_objects", "errors", "xruns")}
    lap_t = np.array([lap["t"] for lap in laps])
    for k in ("rss_kib", "sound_rss_kib") if len(laps) >= 3 else ():    # a run stopped early has too few
        y = np.array([lap[k] for lap in laps], float)
        growth[f"{k} at each lap's start"] = [slope_per_hour(lap_t, y, after) for after in (0.1, 0.5)]
    report = {"minutes": args.minutes, "size": args.size, "audio_block": args.audio_block, "samples": samples,
              "laps": laps, "growth_per_hour": growth,
              "summary": summary}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print("\n| measure | first | last | growth per hour, after the first tenth | in the second half |\n"
          "|---|---|---|---|---|")
    for k, (tenth, half) in growth.items():
        series = laps if k.endswith("start") else samples
        key = k.split(" at ")[0]
        print(f"| {k} | {series[0][key]} | {series[-1][key]} | {tenth:+.1f} | {half:+.1f} |")
    print(f"\nframes {summary['frames']}, fps {summary['fps_mean']}, p99 {summary['frame_ms_p99']} ms, "
          f"errors {summary['errors']}, xruns {summary['audio_xruns']} ({summary['audio_xrun_causes']}), "
          f"transitions {summary['transitions']}, CPU time stolen by the host {samples[-1]['steal_ms']} ms")


if __name__ == "__main__":
    main()
