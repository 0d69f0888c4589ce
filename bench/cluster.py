"""A director and its actors on this machine, through a real NATS server: what lockstep costs.

    python bench/cluster.py [--piece smiles_for_all] [--size 1280x720] [--seconds 30] [--late 10]
                            [--json FILE]

Needs Debian's nats-server and the cluster extra. Run by hand on a quiet machine. One director
(`play PIECE --director`, the audience sending 40 messages a second through liblo's oscsend), one
actor from the start and one started `--late` seconds into the show, all on loopback. Reported:

- the director's time publishing a frame (`cluster_publish_ms`: encoding the frame's inputs and
  handing them to the NATS thread, mean over the run; the target is 0.5 ms), and its frame
  intervals against the same show run without --director (p50, p99, fps);
- each actor's lag once caught up (`cluster_frames_behind_p99`, `_max`: frames the server held
  that it had not rendered yet, counted a frame at a time);
- the late actor's catch-up: frames behind when it joined and seconds to render them
  (`cluster_caught_up_s`), that is frames rendered per second while catching up;
- whether every actor's frames equal the director's (`--hash-frames`).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def run(piece: str, size: str, seconds: float, late: float, folder: Path, directed: bool) -> dict:
    port = free_port()
    url = f"nats://127.0.0.1:{port}"
    server = subprocess.Popen([shutil.which("nats-server") or "/usr/sbin/nats-server", "-a", "127.0.0.1", "-p",
                               str(port), "-js", "-sd", str(folder / "nats")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(0.5)
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
        for name, p in procs.items():
            if p.wait(seconds + 120) != 0:
                sys.exit(f"{name} failed:\n" + (folder / f"{name}.log").read_text())
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
        server.terminate()
        server.wait(5)
    out = {"director": json.loads((folder / "director.json").read_text())}
    if directed:
        lead = hashes(folder / "director.txt")
        for name in ("actor1", "actor2"):
            out[name] = json.loads((folder / f"{name}.json").read_text())
            mine = hashes(folder / f"{name}.txt")
            out[name]["frames_equal"] = sum(mine.get(i) == h for i, h in lead.items())
            out[name]["frames"] = len(lead)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--piece", default="smiles_for_all")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--late", type=float, default=10.0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="stagecraft-cluster-") as tmp:
        results = {}
        for name in ("alone", "cluster"):
            (Path(tmp) / name).mkdir()
            results[name] = run(args.piece, args.size, args.seconds, args.late, Path(tmp) / name, name == "cluster")
    alone, cluster = results["alone"], results["cluster"]
    d, a = cluster["director"], alone["director"]
    print(f"{args.piece} at {args.size}, {args.seconds:g} s, audience 40 msg/s; actor 2 joined {args.late:g} s in")
    print(f"director: publishing {d['cluster_publish_ms']:.3f} ms a frame (target 0.5); frame interval p50 "
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
