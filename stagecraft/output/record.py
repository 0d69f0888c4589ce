"""Frames into files: H.264 video, PNG stills, and the sound muxed in as AAC."""
from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pygame


class VideoWriter:
    """H.264 in an MP4 through the ffmpeg binary that imageio-ffmpeg ships (no system ffmpeg)."""

    def __init__(self, path: Path, size, fps: float):
        w, h = size
        if w % 2 or h % 2:
            raise ValueError(f"H.264 needs an even width and height, not {w}x{h}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._gen = imageio_ffmpeg.write_frames(
            str(path), (w, h), fps=fps, codec="libx264", pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
            macro_block_size=2, output_params=["-crf", "18", "-preset", "veryfast"], ffmpeg_log_level="error")
        self._gen.send(None)

    def write(self, frame: np.ndarray) -> None:
        self._gen.send(np.ascontiguousarray(frame))

    def close(self) -> None:
        self._gen.close()


def mux(video: Path, audio: Path, out: Path) -> None:
    """A finished video and a WAV in one MP4: the video stream copied as it is, the sound as AAC.
    (The sound of a render is only whole once its last frame is drawn, so it joins afterwards.)"""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(video), "-i", str(audio),
                    "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", str(out)],
                   check=True, capture_output=True)


def save_png(path: Path, frame: np.ndarray) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    h, w = frame.shape[:2]
    surface = pygame.image.frombuffer(np.ascontiguousarray(frame).tobytes(), (w, h), "RGB")
    pygame.image.save(surface, str(path))


def load_png(path: Path) -> np.ndarray:
    surface = pygame.image.load(str(path))
    return np.frombuffer(pygame.image.tobytes(surface, "RGB"), np.uint8).reshape(
        surface.get_height(), surface.get_width(), 3)


def read_frames(path: Path, fps: float | None = None):
    """A video (anything ffmpeg reads) or a folder of PNG frames, as (iterator of RGB arrays, fps)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.png"))
        if not files:
            raise ValueError("the folder holds no .png frames")
        return (load_png(f) for f in files), fps or 30.0
    if not path.is_file():
        raise OSError("no such file")
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    return (np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader), fps or float(meta["fps"])
