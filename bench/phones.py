"""A house of phones against a live engine: connections, touch-to-frame, manifests, the gateway's
memory, a killed gateway, and the frame loop beside it all.

    python bench/phones.py [--phones 1000] [--rate 2] [--seconds 60] [--connect-rate 250]
                           [--sweep] [--json out/phones-bench.json]

The engine is `run.py play smile_credits --headless` (320x180 or --size, no sound) serving phones; the
phones are asyncio websockets clients in another process, on loopback, each saying hello with its
own token and sending gestures at `--rate` a second. Half way, the piece changes over OSC (every
phone's new manifest is timed from that moment); three quarters of the way, the gateway is killed
with SIGKILL (each phone reconnects as the page does, and is checked to come back under the same
pseudonym). A run of the same length without phones gives the baseline for slow frames. `--sweep`
then tries more phones and faster rates, shortly each, to find where this machine saturates.
Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from stagecraft.osc.replies import packet  # noqa: E402


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SIZE = "320x180"     # --size: a machine with a GPU can take the stage's own


def engine(seconds: float, phones_port: int | None, osc_port: int, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"}
    size = os.environ.get("STAGECRAFT_BENCH_SIZE", SIZE)
    argv = [sys.executable, str(ROOT / "run.py"), "play", "smile_credits", "--headless", "--size", size,
            "--seconds", str(seconds), "--audio", "none", "--osc-port", str(osc_port), "--audience-port", "0",
            "--audience-file", str(tmp / "audience.json"), "--fresh", "--stats", str(tmp / "stats.json"),
            "--phones", str(phones_port) if phones_port else "off", "--phones-per-ip", "100000",
            "--phones-max", "100000"]
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def gateway_pid(parent: int) -> int | None:
    """The engine's child that is the gateway (not multiprocessing's resource tracker)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in cmdline \
                    and b"resource_tracker" not in cmdline:
                return int(entry)
    return None


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def house(port: int, phones: int, rate: float, connect_rate: float, seconds: float, marks: dict,
                only: str | None):
    """The phones; `marks` (shared) holds when the piece changed and when the gateway was killed;
    `only`: send that gesture alone (the path's cost without the piece's work)."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    origin = f"http://127.0.0.1:{port}"
    results = {"failed": 0, "connected": 0, "manifests": [], "back": [], "same": 0, "sent": 0}
    end = time.time() + seconds

    async def one(k: int):
        token = f"bench-phone-{k:06d}-token"
        first_id = None
        lost_at = None
        while time.time() < end:
            try:
                ws = await connect(f"ws://127.0.0.1:{port}/ws", origin=origin, open_timeout=20)
                await ws.send(json.dumps({"hello": token}))
                welcome = json.loads(await ws.recv())
            except (OSError, ConnectionClosed, TimeoutError, ValueError):
                if first_id is None and lost_at is None:
                    results["failed"] += 1
                    return
                await asyncio.sleep(random.uniform(0.5, 1.5))
                continue
            if first_id is None:
                first_id = welcome["id"]
                results["connected"] += 1
            elif lost_at is not None:
                results["back"].append(time.time() - lost_at)
                results["same"] += welcome["id"] == first_id
                lost_at = None

            offered = [g for g in json.loads(await ws.recv()).get("gestures", [])]   # the manifest

            async def gestures():
                while True:
                    await asyncio.sleep(random.expovariate(rate))
                    if offered:
                        g = gesture(random.choice(offered)) if only is None else {"gesture": only}
                        await ws.send(json.dumps({**g, "at": time.time() * 1000.0}))
                        results["sent"] += 1
            sender = asyncio.ensure_future(gestures())
            try:
                async for data in ws:
                    m = json.loads(data)
                    if m.get("type") == "manifest":
                        offered[:] = m["gestures"]
                        if m.get("piece") == "forum" and "changed" in marks and len(results["manifests"]) < phones:
                            results["manifests"].append(time.time() - marks["changed"])
                    if time.time() > end:
                        break
            except ConnectionClosed:
                pass
            sender.cancel()
            if time.time() < end:
                lost_at = time.time()
                await asyncio.sleep(random.uniform(0.5, 1.5))    # the page's jittered back-off
            await ws.close()

    tasks = []
    for k in range(phones):
        tasks.append(asyncio.ensure_future(one(k)))
        await asyncio.sleep(1.0 / connect_rate)
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


def gesture(g: dict) -> dict:
    """Something a phone might send for a gesture it was offered."""
    kind = g["kind"]
    if kind == "slider":
        return {"gesture": g["id"], "value": random.uniform(g["min"], g["max"])}
    if kind == "pad":
        return {"gesture": g["id"], "value": [random.random(), random.random()]}
    if kind == "text":
        return {"gesture": g["id"], "value": random.choice(("we see you", "who owns your smile?", "gaps welcome"))}
    if kind == "choice":
        return {"gesture": g["id"], "value": random.sample(range(len(g["options"])), g["pick"])
                if g["pick"] > 1 else random.randrange(len(g["options"]))}
    return {"gesture": g["id"]}


def phones_process(port, phones, rate, connect_rate, seconds, marks, out, only):
    # the phones stand in for a thousand devices elsewhere: their CPU is not the show's, so they
    # run only when this machine would otherwise idle (SCHED_IDLE; niceness alone still took turns)
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    out.put(asyncio.run(house(port, phones, rate, connect_rate, seconds, marks, only)))


def run(phones: int, rate: float, seconds: float, connect_rate: float, kill: bool, only: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        port, osc = free_port(), free_port(socket.SOCK_DGRAM)
        proc = engine(seconds + 15, port if phones else None, osc, tmp)
        figures = {}
        time.sleep(3.0)
        start = time.time()
        if phones:
            ctx = multiprocessing.get_context("spawn")
            marks, out = ctx.Manager().dict(), ctx.Queue()
            client = ctx.Process(target=phones_process, args=(port, phones, rate, connect_rate, seconds, marks, out, only))
            client.start()
            time.sleep(phones / connect_rate + 2.0)
            gw = gateway_pid(proc.pid)
            samples = []
            while time.time() < start + seconds / 2:
                samples.append(rss_mb(gw) if gw else 0.0)
                time.sleep(1.0)
            figures["gateway_rss_mb"] = {"connected": round(samples[0], 1), "max": round(max(samples), 1),
                                         "last": round(samples[-1], 1)} if samples else None
        time.sleep(max(0.0, start + seconds / 2 - time.time()))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:     # the baseline changes piece too
            if phones:
                marks["changed"] = time.time()
            s.sendto(packet("/piece/load", "forum"), ("127.0.0.1", osc))
        if phones:
            if kill:
                time.sleep(max(0.0, start + seconds * 0.75 - time.time()))
                gw = gateway_pid(proc.pid)
                if gw:
                    os.kill(gw, signal.SIGKILL)
            result = out.get(timeout=seconds + 120)
            client.join(10)
            back = np.array(result["back"]) if result["back"] else np.array([np.inf])
            manifests = np.array(result["manifests"]) if result["manifests"] else np.array([np.inf])
            figures.update({
                "phones": phones, "rate": rate, "connected": result["connected"], "failed": result["failed"],
                "gestures_sent": result["sent"],
                "manifest_p50_ms": round(float(np.percentile(manifests, 50)) * 1000, 1),
                "manifest_p99_ms": round(float(np.percentile(manifests, 99)) * 1000, 1),
                "manifests": len(result["manifests"]),
                "back_within_10s": int((back <= 10.0).sum()) if kill else None,
                "back_same_pseudonym": result["same"] if kill else None,
                "back_p99_s": round(float(np.percentile(back, 99)), 2) if kill else None})
        proc.wait(timeout=seconds + 60)
        stats = json.loads((tmp / "stats.json").read_text())
        figures.update({k: stats.get(k) for k in ("frames", "frames_over_20ms", "frame_ms_p99", "phones_peak",
                                                   "phones_received", "phones_rejected", "phones_rejected_by",
                                                   "phones_touch_to_frame_ms")})
        return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phones", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=2.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--connect-rate", type=float, default=250.0)
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--only", metavar="GESTURE", help="phones send this gesture alone (e.g. cheer: the path's cost)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--size", default=SIZE, help=f"the engine's canvas (default {SIZE})")
    args = ap.parse_args()
    os.environ["STAGECRAFT_BENCH_SIZE"] = args.size
    report = {}
    if not args.no_baseline:
        report["baseline"] = run(0, 0, args.seconds, args.connect_rate, False)
        print("baseline (no phones):", report["baseline"], flush=True)
    report["house"] = run(args.phones, args.rate, args.seconds, args.connect_rate, True, args.only)
    print("house:", report["house"], flush=True)
    if args.sweep:
        report["sweep"] = []
        for phones, rate in ((2000, 2.0), (1000, 5.0), (1000, 10.0), (3000, 2.0)):
            r = run(phones, rate, 30.0, args.connect_rate, False)
            report["sweep"].append(r)
            print("sweep:", r, flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
