"""What the room costs a frame, on this machine's GL (llvmpipe here; a GPU where there is one):

    python bench/projection.py [--frames 200] [--json out/projection-bench.json]

1. The output stage per 1080p output: one 1920x1080 output drawn from a 1080p canvas (a keystone
   pin alone; with a 15% soft edge and a mask; and with a 4x3 warp grid too), GPU work finished
   inside the time, against the plain copy of the frame to the screen every frame pays without
   a mapping.
2. NDI out: what the frame loop pays per frame (the read-back started, the frame before handed to
   the sender's thread) for a 1280x720 and a 1920x1080 canvas, frames 1/30 s apart as live.
3. The camera: what the frame loop pays per frame (the newest frame taken and uploaded) for an
   H.264 stream on local UDP at 640x480 and 1280x720 (tests/camera.py's sender), 1/60 s apart.

Figures in milliseconds: mean, p99, max. Run by hand; the figures go in notes.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from stagecraft.camera.feed import Camera  # noqa: E402
from stagecraft.output.offline import frames, offline_engine  # noqa: E402
from stagecraft.projection.mapping import load  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402
from tests.camera import Sender, free_udp_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHECKER = str(ROOT / "tests" / "pieces" / "checker.py")
VARIANTS = {
    "pin": "",
    "pin, blend": "blend = { right = { width = 0.15, curve = 2.0, gamma = 2.2 }, uplift = 0.02 }\n",
    "pin, mask": "mask = [{ points = [[0.8, 0.6], [0.95, 0.6], [0.95, 1.0], [0.8, 1.0]], feather = 0.01 }]\n",
    "pin, blend, mask": "blend = { right = { width = 0.15, curve = 2.0, gamma = 2.2 }, uplift = 0.02 }\n"
                        "mask = [{ points = [[0.8, 0.6], [0.95, 0.6], [0.95, 1.0], [0.8, 1.0]], feather = 0.01 }]\n",
    "pin, blend, mask, warp 4x3": "blend = { right = { width = 0.15, curve = 2.0, gamma = 2.2 }, uplift = 0.02 }\n"
                                  "mask = [{ points = [[0.8, 0.6], [0.95, 0.6], [0.95, 1.0], [0.8, 1.0]], "
                                  "feather = 0.01 }]\nwarp = { cols = 4, rows = 3, points = ["
                                  + ", ".join("[0.01, -0.01]" if i == 6 else "[0, 0]" for i in range(20)) + "] }\n",
}


def figures(times: list[float]) -> dict:
    ms = np.array(times) * 1000.0
    return {"mean": round(float(ms.mean()), 3), "p99": round(float(np.percentile(ms, 99)), 3),
            "max": round(float(ms.max()), 3)}


def timed(call, count: int, finish=None, pause: float = 0.0) -> dict:
    times = []
    for _ in range(count):
        if finish:
            finish()
        start = time.perf_counter()
        call()
        if finish:
            finish()
        times.append(time.perf_counter() - start)
        if pause:
            time.sleep(pause)
    return figures(times[count // 10:])


def output_stage(count: int, folder: Path) -> dict:
    out = {}
    plain = offline_engine(CHECKER, (1920, 1080), operator=Operator(stream=io.StringIO()))
    list(frames(plain, 2))
    _, fb = plain.limiter.shown[0]
    out["copy without a mapping"] = timed(lambda: plain.ctx.copy_framebuffer(plain.surface.screen, fb), count,
                                          plain.ctx.finish)
    plain.close()
    for name, extra in VARIANTS.items():
        path = folder / "bench-mapping.toml"
        path.write_text('[[output]]\nname = "wall"\nsize = [1920, 1080]\n'
                        'corners = [[0.03, 0.02], [0.98, 0.0], [0.97, 1.0], [0.0, 0.97]]\n' + extra)
        e = offline_engine(CHECKER, (1920, 1080), mapping=load(path), operator=Operator(stream=io.StringIO()))
        list(frames(e, 2))
        shown, _ = e.limiter.shown[0]
        out[name] = timed(lambda: e.projection.draw(shown, e.surface.screen, 0.0), count, e.ctx.finish)
        e.close()
    return out


def ndi(count: int) -> dict:
    out = {}
    for size in ((1280, 720), (1920, 1080)):
        e = offline_engine(CHECKER, size, ndi=(f"bench-{size[1]}", None), operator=Operator(stream=io.StringIO()))
        list(frames(e, 2))
        _, fb = e.limiter.shown[0]
        out[f"{size[0]}x{size[1]}"] = {**timed(lambda: e.ndi.send(fb), count, e.ctx.finish, pause=1 / 30),
                                       "sent": e.ndi.sent}
        e.close()
    return out


def camera(count: int) -> dict:
    out = {}
    for size in ((640, 480), (1280, 720)):
        port = free_udp_port()
        sender = Sender(port, size)
        e = offline_engine(CHECKER, (320, 180), operator=Operator(stream=io.StringIO()))
        cam = Camera(e.ctx, f"udp://127.0.0.1:{port}", e.operator)
        try:
            deadline = time.monotonic() + 20
            while cam.index == 0 and time.monotonic() < deadline:
                cam.update()
                time.sleep(0.01)
            start = cam.uploads
            out[f"{size[0]}x{size[1]}"] = {**timed(cam.update, count, e.ctx.finish, pause=1 / 60),
                                           "uploads": cam.uploads - start}
        finally:
            cam.close()
            e.close()
            sender.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    folder = ROOT / "out"
    folder.mkdir(exist_ok=True)
    result = {"output stage, 1920x1080": output_stage(args.frames, folder), "ndi out": ndi(args.frames),
              "camera in": camera(args.frames)}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
