"""A video source for the camera tests (no camera here): frames made in this process, each with
its number written as black and white blocks, streamed by ffmpeg (imageio-ffmpeg's own binary) as
H.264 in MPEG-TS to a local UDP port, at 30 frames a second."""
from __future__ import annotations

import socket
import subprocess
import threading
import time

import imageio_ffmpeg
import numpy as np

SIZE = (320, 240)
FPS = 30
BITS = 16
BLOCK = (SIZE[0] // BITS, 40)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def picture(number: int, size=SIZE) -> np.ndarray:
    w, h = size
    img = np.full((h, w, 3), 96, np.uint8)
    img[BLOCK[1]:, :, 0] = (np.arange(w) + 4 * number) % 256          # something that moves
    bits = (number >> np.arange(BITS - 1, -1, -1)) & 1
    img[:BLOCK[1], :BITS * BLOCK[0]] = np.repeat(bits * 255, BLOCK[0])[None, :, None].astype(np.uint8)
    return img


def number(rgb: np.ndarray) -> int:
    """The number written on a frame (top row first, RGB), read back from its block centres."""
    xs = np.arange(BITS) * BLOCK[0] + BLOCK[0] // 2
    bits = rgb[BLOCK[1] // 2, xs, 1] > 127
    return int(bits.astype(int) @ (1 << np.arange(BITS - 1, -1, -1)))


class Sender:
    def __init__(self, port: int, size=SIZE):
        w, h = self.size = size
        self.proc = subprocess.Popen(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "rawvideo",
             "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-preset",
             "ultrafast", "-tune", "zerolatency", "-g", "15", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "mpegts",
             "-muxdelay", "0", "-muxpreload", "0", "-flush_packets", "1", f"udp://127.0.0.1:{port}?pkt_size=1316"],
            stdin=subprocess.PIPE)
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.monotonic()
        while not self._stop.is_set():
            self._stop.wait(max(0.0, start + self.sent / FPS - time.monotonic()))
            try:
                self.proc.stdin.write(picture(self.sent, self.size).tobytes())
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                return
            self.sent += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.proc.kill()
        self.proc.wait()
