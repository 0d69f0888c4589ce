"""Offline output: videos, stills and the trailer, driven by frame index and seed alone."""
from __future__ import annotations

from pathlib import Path

from .clock import FrameClock
from .engine import Engine
from .operator import Operator
from .progress import Progress
from .record import Readback, VideoWriter, save_png
from .window import Offscreen


def offline_engine(piece, size, *, seed=0, fps=30.0, strict=False, operator=None) -> Engine:
    return Engine(Offscreen(size), piece, size=size, seed=seed, strict=strict, clock=FrameClock(fps),
                  operator=operator or Operator(), live=False)


def frames(engine: Engine, count: int, before_frame=None):
    """Render `count` frames and yield each as an RGB array (top row first). Whoever consumes
    the frames may draw with another context between them, so each step makes ours current."""
    current = engine.surface.make_current
    current()
    rb = Readback(engine.ctx, engine.canvas_size)
    try:
        for i in range(count):
            if before_frame:
                before_frame(i)
            engine.frame()
            f = rb.request(engine.surface.screen)
            if f is not None:
                yield f
                current()
        while (f := rb.collect()) is not None:
            yield f
            current()
    finally:
        current()
        rb.release()


def render(piece, out: Path, *, seconds: float, fps: float, size, seed: int, strict=False, replay=None) -> Path:
    """`replay` (osc.record.Replay) feeds recorded OSC into each frame at its recorded time."""
    count = max(1, round(seconds * fps))
    engine = offline_engine(piece, size, seed=seed, fps=fps, strict=strict)
    writer = VideoWriter(out, size, fps)
    bar = Progress(count, f"render {engine.player.name}")
    feed = (lambda i: replay.feed(engine.osc.inbox, i / fps)) if replay else None
    try:
        for i, f in enumerate(frames(engine, count, feed), 1):
            writer.write(f)
            bar.update(i)
    finally:
        bar.done()
        writer.close()
        engine.close()
    return out


def still(engine: Engine, at: float):
    """The frame at `at` seconds, having run every frame before it (so state and feedback match)."""
    count = round(at * engine.clock.rate) + 1
    last = None
    for last in frames(engine, count):
        pass
    return last


def snapshot(piece, out: Path, *, at: float, size, seed: int, fps: float = 30.0, strict=False) -> Path:
    engine = offline_engine(piece, size, seed=seed, fps=fps, strict=strict)
    try:
        save_png(out, still(engine, at))
    finally:
        engine.close()
    return out


def trailer(pieces: list[str], out: Path, *, seconds_each: float, fps: float, size, seed=0) -> Path:
    """A few seconds of each piece, cut together, so a machine with no screen still shows the show."""
    per = max(1, round(seconds_each * fps))
    engine = offline_engine(pieces[0], size, seed=seed, fps=fps)
    writer = VideoWriter(out, size, fps)
    bar = Progress(per * len(pieces), "trailer")
    try:
        done = 0
        for n, piece in enumerate(pieces):
            if n:
                engine.load(piece)
            for f in frames(engine, per):
                writer.write(f)
                done += 1
                bar.update(done)
    finally:
        bar.done()
        writer.close()
        engine.close()
    return out
