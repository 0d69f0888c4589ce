"""A director and its actors on this machine, through a real NATS server: what lockstep costs.

    python bench/cluster.py [--piece smiles_for_all] [--size 1280x720] [--seconds 30] [--late 10]
                            [--house 2000x2,2000x5,4000x2] [--json FILE]

Needs Debian's nats-server and the cluster extra. Run by hand on a quiet machine. One director
(`play PIECE --director`, the audience sending 40 messages a second through liblo's oscsend), one
actor from the start and one started `--late` seconds into the show, all on loopback. Reported:

- the director's cost of publishing a frame: `cluster_publish_ms` (the frame loop thread's CPU time
  encoding the frame's inputs and handing them to the NATS thread, mean over the run; the target
  is 0.5 ms), and the whole process's CPU time per frame against the same show without --director
  (which adds the NATS thread's work: storing each frame and waiting for its acknowledgement);
  its frame intervals beside the show alone's (p50, p99, fps);
- each actor's lag once caught up (`cluster_frames_behind_p99`, `_max`: frames the server held
  that it had not rendered yet, counted a frame at a time);
- the late actor's catch-up: frames behind when it joined and seconds to render them
  (`cluster_caught_up_s`), that is frames rendered per second while catching up;
- whether every actor's frames equal the director's (`--hash-frames`).

`--house PHONESxRATE,...` instead: the largest house one director takes. For each, a director
(`play forum --director --phones nats`, 320x180) and two gateways (`run.py gateway`), and that many
phones (bench/phones.py's, at idle priority: they stand in for devices elsewhere) split over the
two, each sending RATE gestures a second for `--seconds`; reported: gestures sent, delivered to the
show (`phones_delivered`), lost, and the director's frame rate and p99. Everything shares this
machine here, so the figure is a floor for a director whose gateways are elsewhere.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine(piece: str, *args, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), "play", piece, "--headless", "--audio", "none",
                             *args], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def audience_load(port: int, seconds: float) -> None:
    """40 messages a second: joins, cheers, touches and votes (liblo's oscsend, 4 per tenth)."""
    end = time.monotonic() + seconds
    k = 0
    while time.monotonic() < end:
        for address, tags, value in (("/audience/join", "s", f"guest{k}"), ("/audience/cheer", "f", "1"),
                                     ("/audience/touch", "ff", "0.5"), ("/audience/vote", "f", "0.5")):
            args = [value, value] if tags == "ff" else [value]
            subprocess.run(["oscsend", "127.0.0.1", str(port), address, tags, *args], check=False)
        k += 1
        time.sleep(0.1)


def hashes(path: Path) -> dict:
    return {int(f): h for f, _, h in (line.split() for line in path.read_text().splitlines())}


def broker(folder: Path) -> tuple[subprocess.Popen, str]:
    """nats-server with JetStream, its store in `folder`, on a free port; and its URL."""
    port = free_port()
    server = subprocess.Popen([shutil.which("nats-server") or "/usr/sbin/nats-server", "-a", "127.0.0.1", "-p",
                               str(port), "-js", "-sd", str(folder / "nats")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return server, f"nats://127.0.0.1:{port}"


def run(piece: str, size: str, seconds: float, late: float, folder: Path, directed: bool) -> dict:
    server, url = broker(folder)
    procs = {}
    try:
        if directed:
            procs["actor1"] = engine(piece, "--actor", url, "--hash-frames", str(folder / "actor1.txt"), "--stats",
                                     str(folder / "actor1.json"), log=folder / "actor1.log")
            time.sleep(3.0)
        audience = free_port()
        cluster = ["--director", url] if directed else []
        procs["director"] = engine(piece, *cluster, "--size", size, "--seconds", str(seconds), "--fresh",
                                   "--audience-file", str(folder / "aud.json"), "--osc-port", "0",
                                   "--audience-port", str(audience), "--hash-frames", str(folder / "director.txt"),
                                   "--stats", str(folder / "director.json"), log=folder / "director.log")
        time.sleep(2.0)
        if directed:
            audience_load(audience, late)
            procs["actor2"] = engine(piece, "--actor", url, "--hash-frames", str(folder / "actor2.txt"), "--stats",
                                     str(folder / "actor2.json"), log=folder / "actor2.log")
            audience_load(audience, seconds - late - 2.0)
        else:
            audience_load(audience, seconds - 2.0)
        cpu = {}
        for name, p in procs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.wait(seconds + 120) != 0:
                sys.exit(f"{name} failed:\n" + (folder / f"{name}.log").read_text())
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        server.terminate()
        server.wait(5)
    out = {"director": json.loads((folder / "director.json").read_text())}
    out["director"]["cpu_ms_per_frame"] = round(1000.0 * cpu["director"] / out["director"]["frames"], 3)
    if directed:
        lead = hashes(folder / "director.txt")
        for name in ("actor1", "actor2"):
            out[name] = json.loads((folder / f"{name}.json").read_text())
            mine = hashes(folder / f"{name}.txt")
            out[name]["frames_equal"] = sum(mine.get(i) == h for i, h in lead.items())
            out[name]["frames"] = len(lead)
    return out


def house(phones: int, rate: float, seconds: float, folder: Path) -> dict:
    import multiprocessing

    from phones import phones_process       # bench/phones.py's phones
    server, url = broker(folder)
    director = engine("forum", "--size", "320x180", "--director", url, "--phones", "nats", "--seconds", "3600",
                      "--fresh", "--no-osc", "--audience-file", str(folder / "aud.json"), "--stats",
                      str(folder / "director.json"), log=folder / "director.log")
    ports = [free_port(), free_port()]
    gateways = [subprocess.Popen([sys.executable, str(ROOT / "run.py"), "gateway", url, "--show", "The Forum", "--port",
                                  str(p), "--host", "127.0.0.1", "--phones-per-ip", "100000", "--phones-max", "100000"],
                                 cwd=ROOT, stdout=(folder / f"gateway{k}.log").open("w"), stderr=subprocess.STDOUT)
                for k, p in enumerate(ports)]
    try:
        while not all("the audience's page is at" in (folder / f"gateway{k}.log").read_text() for k in (0, 1)):
            time.sleep(0.2)
        out = multiprocessing.Queue()
        crowd = [multiprocessing.Process(target=phones_process, args=(p, phones // 2, rate, 400.0, seconds, {}, out,
                                                                      None)) for p in ports]
        for c in crowd:
            c.start()
        results = [out.get(timeout=seconds + 300) for _ in crowd]
        time.sleep(3.0)
        director.send_signal(2)
        director.wait(60)
    finally:
        for p in (director, *gateways):
            if p.poll() is None:
                p.terminate()
                p.wait(10)
        server.terminate()
        server.wait(5)
    stats = json.loads((folder / "director.json").read_text())
    sent = sum(r["sent"] for r in results)
    return {"phones": phones, "rate": rate, "connected": sum(r["connected"] for r in results), "sent": sent,
            "delivered": stats["phones_delivered"], "lost": sent - stats["phones_delivered"],
            "fps_mean": stats["fps_mean"], "frame_ms_p99": stats["frame_ms_p99"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--piece", default="smiles_for_all")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--late", type=float, default=10.0)
    ap.add_argument("--house", default=None, metavar="PHONESxRATE,...")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if args.house:
        rows = []
        with tempfile.TemporaryDirectory(prefix="stagecraft-house-") as tmp:
            for k, item in enumerate(args.house.split(",")):
                n, rate = item.split("x")
                (Path(tmp) / str(k)).mkdir()
                rows.append(house(int(n), float(rate), args.seconds, Path(tmp) / str(k)))
                r = rows[-1]
                print(f"{r['phones']} phones x {r['rate']:g}/s: {r['connected']} connected, {r['sent']} sent, "
                      f"{r['delivered']} delivered, {r['lost']} lost; director {r['fps_mean']} fps, "
                      f"p99 {r['frame_ms_p99']} ms", flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
        return
    with tempfile.TemporaryDirectory(prefix="stagecraft-cluster-") as tmp:
        results = {}
        for name in ("alone", "cluster"):
            (Path(tmp) / name).mkdir()
            results[name] = run(args.piece, args.size, args.seconds, args.late, Path(tmp) / name, name == "cluster")
    alone, cluster = results["alone"], results["cluster"]
    d, a = cluster["director"], alone["director"]
    print(f"{args.piece} at {args.size}, {args.seconds:g} s, audience 40 msg/s; actor 2 joined {args.late:g} s in")
    print(f"director: publishing {d['cluster_publish_ms']:.3f} ms of the frame loop's CPU a frame (target 0.5); the "
          f"whole process {d['cpu_ms_per_frame']} ms of CPU a frame against {a['cpu_ms_per_frame']} alone "
          f"(+{d['cpu_ms_per_frame'] - a['cpu_ms_per_frame']:.3f} ms, the NATS thread included)")
    print(f"director: frame interval p50 "
          f"{d['frame_ms_p50']} ms, p99 {d['frame_ms_p99']} ms, {d['fps_mean']} fps; the show alone: p50 "
          f"{a['frame_ms_p50']} ms, p99 {a['frame_ms_p99']} ms, {a['fps_mean']} fps; {d['frames']} frames, "
          f"{d['osc_received']} messages")
    for name in ("actor1", "actor2"):
        s = cluster[name]
        print(f"{name}: {s['frames_equal']} of {s['frames']} frames equal the director's; behind p99 "
              f"{s['cluster_frames_behind_p99']} max {s['cluster_frames_behind_max']} frames once caught up; "
              f"caught up after {s['cluster_caught_up_s']} s")
    if args.json:
        args.json.write_text(json.dumps({"alone": alone, "cluster": cluster}, indent=1))


if __name__ == "__main__":
    main()
