"""MIDI through JACK into a live engine: is each control change applied in the first frame that
starts after it reaches the process, and is any lost at a steady 500 messages a second?

    python bench/midi.py [--injections 1000] [--flood 10000] [--rate 500]

Starts its own JACK server (the dummy driver, period 256 at 48 kHz), a controller in another
process (python-rtmidi, a virtual port), and the engine in this one (headless, calibration, 60
fps, a mapping binding cc 7). A message is late when a frame started after it arrived (rtmidi's
callback) and before the frame that applied it. Run by hand; the figures go in notes.
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

CONTROLLER = """
import random, sys, time, rtmidi
out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="bench-controller")
out.open_virtual_port("Bench Controller")
print("ready", flush=True)
sys.stdin.readline()
injections, flood, rate = (int(x) for x in sys.argv[1:4])
rng = random.Random(1)
for i in range(injections):                  # at random moments, as a hand on a fader
    time.sleep(rng.uniform(0.002, 0.03))
    out.send_message([0xB0, 7, i % 128])
time.sleep(0.5)
start = time.perf_counter()
for i in range(flood):                       # a steady stream
    while time.perf_counter() < start + i / rate:
        time.sleep(0.0005)
    out.send_message([0xB0, 8, i % 128])
print("done", flush=True)
sys.stdin.readline()
"""
MAPPING = """device = "Bench Controller"
[[bind]]
cc = 7
to = "/current/sweep_speed"
takeover = "jump"
[[bind]]
cc = 8
to = "/current/tint"
mode = "rel_offset"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--injections", type=int, default=1000)
    ap.add_argument("--flood", type=int, default=10000)
    ap.add_argument("--rate", type=float, default=500.0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    name = f"stagecraft-bench{os.getpid()}"
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1", "JACK_NO_START_SERVER": "1", "JACK_DEFAULT_SERVER": name}
    os.environ.update({k: env[k] for k in ("JACK_NO_AUDIO_RESERVATION", "JACK_NO_START_SERVER", "JACK_DEFAULT_SERVER")})
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", "256"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    controller = subprocess.Popen([sys.executable, "-c", CONTROLLER, str(args.injections), str(args.flood),
                                   str(int(args.rate))], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
    try:
        assert controller.stdout.readline().strip() == "ready"
        from stagecraft.engine.loop import Engine
        from stagecraft.midi.hub import Midi
        from stagecraft.midi.mapping import load
        from stagecraft.osc.addresses import ENGINE, piece_entries
        from stagecraft.picture.window import Window
        from stagecraft.show.operator import Operator
        engine = Engine(Window((320, 180), headless=True), "calibration", size=(320, 180), fps_cap=60.0,
                        operator=Operator(stream=open(os.devnull, "w")))
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "bench.toml").write_text(MAPPING)
            known = {e.address for e in ENGINE + piece_entries(engine.player.piece)}
            engine.midi = Midi(engine, [load(Path(tmp) / "bench.toml", known.__contains__)], api="jack")
        applied, starts, flooded = [], [], [0]
        feed = engine.midi.feed

        def timed(device, data, arrived, inbox):
            applied.append((arrived, starts[-1], data[1]))
            flooded[0] += data[1] == 8
            feed(device, data, arrived, inbox)
        engine.midi.feed = timed
        frame = engine.frame

        def counted():
            starts.append(time.perf_counter())
            frame()
        engine.frame = counted
        controller.stdin.write("go\n")
        controller.stdin.flush()
        deadline = time.monotonic() + args.injections * 0.03 + args.flood / args.rate + 20
        while time.monotonic() < deadline and flooded[0] < args.flood:
            engine.frame()
            engine._pace()                   # at 60 fps, as run() does
        for _ in range(30):
            engine.frame()
            engine._pace()
        engine.close()
    finally:
        controller.stdin.write("\n")
        controller.stdin.close()
        controller.wait(10)
        server.terminate()
        server.wait(10)
    frame_starts = np.array(starts)
    cc7 = [(a, s) for a, s, n in applied if n == 7]
    late = sum(1 for a, s in cc7 if np.any((frame_starts > a) & (frame_starts < s)))
    waits = np.array([s - a for a, s in cc7]) * 1000       # negative: it arrived during the frame that took it
    flood = flooded[0]
    report = {"injections": len(cc7), "late": late, "arrival_to_frame_ms_p50": round(float(np.percentile(waits, 50)), 2),
              "flood_sent": args.flood, "flood_received": flood, "lost": args.flood - flood}
    print(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
