"""The way to the page: the URL a phone on the venue's network opens, and its QR code.

The URL uses this machine's address on the local network (or what `--phones-url` says, a
venue's own DNS name, say). The code is drawn with segno as a square image of modules with the
standard quiet zone, light on dark as the stage shows it: phones' cameras read both ways.
"""
from __future__ import annotations

import socket

import numpy as np
import segno

QUIET = 4       # modules of margin: the standard's quiet zone


def lan_url(port: int) -> str:
    """http://<this machine's LAN address>:<port>/ (the address a route out would use; no packet
    is sent), or the loopback address where there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            host = s.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    return f"http://{host}:{port}/"


def modules(url: str) -> np.ndarray:
    """The code as booleans (True: a dark module), quiet zone included."""
    code = segno.make(url, error="m", micro=False)
    return np.pad(np.array(code.matrix, dtype=bool), QUIET)


def image(url: str, scale: int = 8, light=(244, 241, 232), dark=(11, 7, 16)) -> np.ndarray:
    """RGB bytes, `scale` pixels a module: dark modules dark, the rest light (the enamel of the
    art direction on the night colour)."""
    m = np.kron(modules(url), np.ones((scale, scale), bool))
    return np.where(m[..., None], np.array(dark, np.uint8), np.array(light, np.uint8))
