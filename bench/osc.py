"""OSC against the live loop: sustained ingest, burst absorption, and OSC-to-frame latency.

    python bench/osc.py [--seconds 6] [--rates 20000,40000] [--bursts 2000,10000] [--size 320x180]

The engine runs headless in a real pygame window (SDL's offscreen driver) at its 60 fps cap, with
both ports open on loopback; senders are separate processes, so they do not share its GIL.
Targets: >= 20,000 messages/s sustained with none lost and the frame interval's p99 within 10% of
idle; a value sent is visible in the next frame that starts after it arrives. Run by hand; the
figures go in notes, with the machine (they are noisy where other work shares the cores).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.engine.loop import Engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from stagecraft.osc.replies import packet  # noqa: E402
from stagecraft.engine.stats import FrameStats  # noqa: E402
from stagecraft.picture.window import Window  # noqa: E402

PARAM = "sweep_speed"   # a float of the calibration card, 0..2


def _traffic(count: int = 1000) -> list[bytes]:
    """What a busy rig sends: mostly a fader's values, some audience events among them."""
    return [packet("/audience/cheer", 0.5) if i % 4 == 3 else packet(f"/current/{PARAM}", (i % 200) / 100)
            for i in range(count)]


def _paced(port: int, rate: float, seconds: float, out) -> None:
    packets, addr = _traffic(), ("127.0.0.1", port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        out.put("ready")
        start, sent = time.perf_counter(), 0
        while (elapsed := time.perf_counter() - start) < seconds:
            while sent < int(elapsed * rate):
                sock.sendto(packets[sent % len(packets)], addr)
                sent += 1
            time.sleep(0.0005)
    out.put(sent)


def _burst(port: int, count: int, out) -> None:
    packets, addr = _traffic(), ("127.0.0.1", port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        out.put("ready")
        for i in range(count):
            sock.sendto(packets[i % len(packets)], addr)
    out.put(count)


def _probes(port: int, count: int, out) -> None:
    """Rising values at times that drift against the frames, each stamped as it leaves."""
    stamps = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        out.put("ready")
        for i in range(1, count + 1):
            time.sleep(0.037)
            stamps.append(time.perf_counter())
            sock.sendto(packet(f"/current/{PARAM}", i / (count + 1)), ("127.0.0.1", port))
    out.put(stamps)


def _run(engine: Engine, seconds: float) -> dict:
    engine.stats = FrameStats()
    engine.run(engine.clock.time + seconds)
    s = engine.stats.summary()
    return {"p50": s["frame_ms_p50"], "p99": s["frame_ms_p99"], "work_p99": engine.stats.recent()["work_p99"]}


def _in_process(target, *args):
    """A sender in its own process (spawned: never a fork of the engine's threads), once ready."""
    spawn = mp.get_context("spawn")
    out = spawn.Queue()
    proc = spawn.Process(target=target, args=(*args, out))
    proc.start()
    assert out.get(timeout=60) == "ready"
    return proc, out


def _settle(engine: Engine) -> int:
    """Frames (at the cap) until the inbox is empty and nothing more has come in since."""
    frames, received = 0, None
    while received != engine.osc.counters()["osc_received"] or len(engine.osc.inbox):
        received = engine.osc.counters()["osc_received"]
        time.sleep(1 / 60)
        engine.frame()
        frames += 1
    return frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--rates", default="20000,40000")
    ap.add_argument("--bursts", default="2000,10000")
    ap.add_argument("--probes", type=int, default=150)
    ap.add_argument("--size", default="320x180")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    window = Window(size, headless=True)
    engine = Engine(window, "calibration", size=size, fps_cap=60, operator=Operator(stream=open(os.devnull, "w")))
    engine.osc.listen(osc_port=0, audience_port=0)
    port = engine.osc.ports["control"]
    print(f"renderer: {engine.ctx.info['GL_RENDERER']}; {os.cpu_count()} cores; canvas {args.size} at a 60 fps cap; "
          f"receive buffer {engine.osc.receivers[0].buffer // 2} bytes\n")
    try:
        _run(engine, 1.0)   # warm up
        idle = _run(engine, args.seconds)
        print("| load | sent | received | lost | refused | interval p50 ms | interval p99 ms | p99 vs idle "
              "| work p99 ms |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| idle | - | - | - | - | {idle['p50']:.2f} | {idle['p99']:.2f} | 1.00 | {idle['work_p99']:.2f} |")
        for rate in map(int, args.rates.split(",")):
            before = engine.osc.counters()
            proc, out = _in_process(_paced, port, rate, args.seconds)
            busy = _run(engine, args.seconds)
            sent = out.get()
            proc.join()
            _settle(engine)
            after = engine.osc.counters()
            got = after["osc_received"] - before["osc_received"]
            refused = after["osc_rejected"] - before["osc_rejected"]
            print(f"| {rate}/s for {args.seconds:g} s | {sent} | {got} | {sent - got} | {refused} "
                  f"| {busy['p50']:.2f} | {busy['p99']:.2f} | {busy['p99'] / idle['p99']:.2f} "
                  f"| {busy['work_p99']:.2f} |", flush=True)

        print("\n| burst (as fast as one process sends) | received | lost | frames to absorb |")
        print("|---|---|---|---|")
        for count in map(int, args.bursts.split(",")):
            before = engine.osc.counters()["osc_received"]
            proc, out = _in_process(_burst, port, count)
            proc.join()
            out.get()
            frames = _settle(engine)
            got = engine.osc.counters()["osc_received"] - before
            print(f"| {count} | {got} | {count - got} | {frames} |", flush=True)

        starts, values = [], []
        real_drain = engine.osc.drain

        def drain():
            starts.append(time.perf_counter())
            real_drain()
            values.append(engine.player.params.target(PARAM))
        engine.osc.drain = drain
        proc, out = _in_process(_probes, port, args.probes)
        engine.stats = FrameStats()
        engine.run(engine.clock.time + args.probes * 0.037 + 1.0)
        stamps = out.get()
        proc.join()
        starts, values = np.array(starts), np.array(values)
        late, ms = [], []
        for i, sent_at in enumerate(stamps, 1):
            first = int(np.searchsorted(starts, sent_at))            # the first frame to start after the send
            shown = first + int(np.argmax(values[first:] >= i / (args.probes + 1) - 1e-6))
            late.append(shown - first)
            ms.append((starts[shown] - sent_at) * 1000)
        late = np.array(late)
        print(f"\nlatency over {len(stamps)} probes: visible in the first frame to start after the send "
              f"{np.mean(late == 0):.0%}, the one after {np.mean(late == 1):.0%}, later {np.mean(late > 1):.0%}; "
              f"send to frame start p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms "
              f"(frame interval p50 {engine.stats.summary()['frame_ms_p50']:.1f} ms)")
    finally:
        engine.close()


if __name__ == "__main__":
    main()
