"""Offline output: videos, stills and the trailer, driven by frame index and seed alone, with
their sound rendered in this process from the same graph (the same inputs give the same samples)."""
from __future__ import annotations

from pathlib import Path

from ..engine.clock import FrameClock
from ..engine.loop import Engine
from ..show.operator import Operator
from .progress import Progress
from ..picture.readback import Readback
from .record import VideoWriter, mux, save_png
from ..sound.offline import OfflineSound, write_wav
from ..picture.window import Offscreen


def offline_engine(piece, size, *, seed=0, fps=30.0, strict=False, operator=None, keep_sound=False,
                   settings=(), mapping=None, **more) -> Engine:
    """`settings`: (name, value) pairs from `--set`, in place before the first frame. With a
    `mapping` (projection.mapping.Mapping), the image is what the outputs show, side by side.
    `more`: the Engine's other keywords (the flash limiter's settings; a camera, in tests)."""
    engine = Engine(Offscreen(mapping.size if mapping else size), piece, size=size, seed=seed, strict=strict,
                    clock=FrameClock(fps), operator=operator or Operator(), live=False,
                    sound=OfflineSound(fps, seed, keep=keep_sound), mapping=mapping, **more)
    try:
        engine.player.preset(settings)
    except ValueError:
        engine.close()
        raise
    return engine


def frames(engine: Engine, count: int, before_frame=None):
    """Render `count` frames and yield each as an RGB array (top row first). Whoever consumes
    the frames may draw with another context between them, so each step makes ours current."""
    current = engine.surface.make_current
    current()
    rb = Readback(engine.ctx, engine.surface.size)
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


def _encode(engine: Engine, out: Path, count: int, label: str, wav: Path | None = None, feed=None,
            stats: Path | None = None) -> Path:
    """`count` frames to video first (a hidden file beside `out`), then the sound those frames made,
    then both muxed into `out`; the run's figures to `stats`. The engine is closed afterwards,
    whatever happens."""
    out = Path(out)
    video = out.with_name(f".{out.stem}.video{out.suffix}")
    sound = Path(wav) if wav else out.with_name(f".{out.stem}.sound.wav")
    bar = Progress(count, label)
    try:
        writer = VideoWriter(video, engine.surface.size, engine.clock.rate)
        try:
            for i, f in enumerate(frames(engine, count, feed), 1):
                writer.write(f)
                bar.update(i)
        finally:
            writer.close()
        write_wav(sound, engine.sound.samples())
        mux(video, sound, out)
        if stats:
            engine.stats.write(stats, **engine.counters())
    finally:
        bar.done()
        engine.close()
        video.unlink(missing_ok=True)
        if not wav:
            sound.unlink(missing_ok=True)
    return out


def render(piece, out: Path, *, seconds: float, fps: float, size, seed: int, strict=False, wav=None,
           replay=None, stats=None, settings=(), mapping=None, **safety) -> Path:
    """An MP4 (H.264 and AAC); with `wav`, the sound as a 32-bit float WAV too. `replay`
    (osc.record.Replay) feeds recorded OSC into each frame at its recorded time."""
    engine = offline_engine(piece, size, seed=seed, fps=fps, strict=strict, keep_sound=True, settings=settings,
                            mapping=mapping, **safety)
    feed = (lambda i: replay.feed(engine.osc.inbox, i / fps)) if replay else None
    return _encode(engine, out, max(1, round(seconds * fps)), f"render {engine.player.name}", wav, feed, stats)


def still(engine: Engine, at: float):
    """The frame at `at` seconds, having run every frame before it (so state and feedback match)."""
    count = round(at * engine.clock.rate) + 1
    last = None
    for last in frames(engine, count):
        pass
    return last


def snapshot(piece, out: Path, *, at: float, size, seed: int, fps: float = 30.0, strict=False, phones_url=None,
             settings=(), mapping=None, **safety) -> Path:
    """A still; with `phones_url`, the phones' QR code on stage as the show has it at the entry."""
    engine = offline_engine(piece, size, seed=seed, fps=fps, strict=strict, settings=settings, mapping=mapping,
                            **safety)
    engine.room.url = phones_url
    try:
        save_png(out, still(engine, at))
    finally:
        engine.close()
    return out


def trailer(program, out: Path, *, fps: float, size, seed=0) -> Path:
    """The program as its rehearsal runs it (Program.rehearsal: a few seconds a piece, every cue
    firing by itself, the transitions between), so a machine with no screen still shows the show."""
    count = max(1, round(sum(p.follow or 0.0 for p in program.pieces) * fps))
    return _encode(offline_engine(program, size, seed=seed, fps=fps, keep_sound=True), out, count, "trailer")
