"""The command line's words: the types its values take (each mistake one plain line), and the
options several commands share (a window, the live show's ports and files, the flash limiter)."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..osc.hub import AUDIENCE_PORT, CONTROL_PORT
from ..osc.limits import Allowlist
from ..piece.module import resolve

AUDIENCE_FILE = Path("out") / "audience.json"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        sys.exit(2)


def size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not m or not (16 <= int(m[1]) <= 16384 and 16 <= int(m[2]) <= 16384):
        raise argparse.ArgumentTypeError(f"size {text!r} must look like 1280x720 (16 to 16384 each way)")
    return int(m[1]), int(m[2])


def positive(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not v > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than zero")
    return v


def block(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 16 <= n <= 8192:
        raise argparse.ArgumentTypeError(f"audio block {n} must be 16 to 8192 frames")
    return n


def port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"port {text!r} must be a number from 0 to 65535")
    return int(text)


def networks(text: str) -> str:
    try:
        Allowlist(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def live_options(s: argparse.ArgumentParser) -> None:
    """What the live show needs besides a window: its OSC ports, the audience's file, its sound."""
    s.add_argument("--osc-port", type=port, default=CONTROL_PORT, metavar="P",
                   help=f"the control port, UDP and TCP/SLIP (default {CONTROL_PORT}; 0: any free one)")
    s.add_argument("--audience-port", type=port, default=AUDIENCE_PORT, metavar="P",
                   help=f"the audience's port, UDP, all interfaces (default {AUDIENCE_PORT})")
    s.add_argument("--operator-allow", type=networks, default="", metavar="CIDR[,CIDR]",
                   help="open the control port to these networks (default: loopback only)")
    s.add_argument("--passcode", default=None, help="the control port obeys only after /connect PASSCODE")
    s.add_argument("--no-osc", action="store_true", help="open no ports")
    s.add_argument("--record-osc", type=Path, default=None, metavar="FILE",
                   help="record every message taken, for render --replay")
    s.add_argument("--audience-file", type=Path, default=None, metavar="FILE",
                   help=f"where the audience's state is kept (default {AUDIENCE_FILE}; an actor keeps its copy "
                        "only where this names a file)")
    s.add_argument("--fresh", action="store_true", help="start with an empty audience (the old file is kept aside)")
    s.add_argument("--audio", default="default", metavar="none|default|DEVICE",
                   help="where the sound goes: 'none' runs silent (default: the system's output)")
    s.add_argument("--audio-block", type=block, default=256, metavar="N", help="frames per audio block (256)")
    s.add_argument("--mic", action="store_true", help="the capture device's level is the performer's voice")
    s.add_argument("--midi", type=Path, action="append", default=[], metavar="FILE",
                   help="a controller's mapping file (TOML; repeatable): its controls move the addresses it binds")
    s.add_argument("--midi-api", choices=("jack", "alsa"), default=None, help="MIDI through JACK or ALSA "
                   "(default: the system's own)")
    s.add_argument("--ndi", default=None, metavar="NAME",
                   help="send the picture as an NDI source of this name (the ndi extra): the canvas, or with "
                        "--ndi-output one projector's output")
    s.add_argument("--ndi-output", default=None, metavar="OUTPUT", help="the mapping's output that --ndi sends")
    s.add_argument("--camera", default=None, metavar="SOURCE",
                   help="look at the room: a camera's index (0), a video file, or a stream's URL (udp://HOST:PORT, "
                        "rtsp://...); pieces read it as stage.camera")
    s.add_argument("--link", action="store_true", help="join the Ableton Link session on the local network: the "
                   "beat, the tempo and quantised cues follow it (the link extra)")
    cluster = s.add_mutually_exclusive_group()
    cluster.add_argument("--director", type=nats_url, default=None, metavar="nats://HOST:PORT",
                         help="run the show and publish each frame's inputs on this NATS server for actors "
                              "(the cluster extra)")
    cluster.add_argument("--actor", type=nats_url, default=None, metavar="nats://HOST:PORT",
                         help="render the director's show, frame for frame, from this NATS server: no inputs of "
                              "its own; its outputs (--mapping) and sound its own")
    cluster.add_argument("--understudy", type=nats_url, default=None, metavar="nats://HOST:PORT",
                         help="follow the director's show as an actor does, and take it over (its OSC ports, "
                              "publishing the frames) when the director falls silent")
    s.add_argument("--takeover-s", type=float, default=2.0, metavar="S",
                   help="an understudy takes over after the director has been silent this long (default 2)")
    s.add_argument("--actor-delay-ms", type=float, default=None, metavar="MS",
                   help="an actor presents each frame this long after the director did (default: two frames)")


def nats_url(text: str) -> str:
    if not text.startswith(("nats://", "tls://")) or not text.partition("://")[2]:
        raise argparse.ArgumentTypeError(f"{text!r}: a NATS server's URL, nats://HOST:PORT")
    return text


PHONES_PORT = 8080


PHONES_BY_DEFAULT = -1     # the show's page on PHONES_PORT, where this machine takes inputs (cli/live.py)


def phones_port(text: str) -> int | str | None:
    """A port for the phones' page, None for `off`, or `nats`: gateways elsewhere (run.py gateway)
    reach a director through its NATS server."""
    word = text.strip().lower()
    return None if word == "off" else word if word == "nats" else port(text)


def whole(lo: int, hi: int):
    def parse(text: str) -> int:
        if not text.isdigit() or not lo <= int(text) <= hi:
            raise argparse.ArgumentTypeError(f"{text!r} must be a whole number from {lo} to {hi}")
        return int(text)
    return parse


def phones_options(s: argparse.ArgumentParser, default: int | None) -> None:
    """The audience's phones: the page's port, the URL the QR code carries, and the caps."""
    s.add_argument("--phones", type=phones_port, default=PHONES_BY_DEFAULT if default else None,
                   metavar="PORT|off|nats",
                   help="serve the audience's page and WebSocket on all interfaces at PORT "
                        + (f"(default {default}, none on an actor or understudy; off: no phones)" if default
                           else "(default off)")
                        + "; nats: a director's phones come through gateways elsewhere (run.py gateway)")
    phones_url_option(s)
    s.add_argument("--phones-per-ip", type=whole(1, 100_000), default=8, metavar="N",
                   help="phones at once from one network address (default 8)")
    s.add_argument("--phones-max", type=whole(1, 100_000), default=2000, metavar="N",
                   help="phones at once in all (default 2000)")


def phones_url_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("--phones-url", default=None, metavar="URL",
                   help="the URL the QR code carries (default: http://<this machine's LAN address>:PORT/)")


def opening_hours(text: str):
    from ..installation.hours import Hours
    try:
        return Hours.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def fraction(text: str) -> float:
    v = positive(text) if text.strip() not in ("0", "0.0") else 0.0
    if v > 1:
        raise argparse.ArgumentTypeError(f"{text!r} is a fraction of the frame, from 0 to 1")
    return v


def safety_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--flash-area", type=fraction, default=None, metavar="F",
                   help="flashing that covers at least this fraction of the frame is held to three a second "
                        "(default 0.005: any one region of the 16x9 grid; raise it only for distant viewing)")
    s.add_argument("--unsafe-no-flash-limit", action="store_true",
                   help="let any flashing through to the audience (WCAG 2.3.1 photosensitivity risk)")


def mapping_file(text: str):
    from ..projection.mapping import MappingError, load
    try:
        return load(Path(text))
    except MappingError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def mapping_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("--mapping", type=mapping_file, default=None, metavar="FILE",
                   help="the projectors: each output's part of the canvas, corner pin, soft edges, masks "
                        "(TOML); each output on the display it names, or side by side")


def hash_frames_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("--hash-frames", type=Path, default=None, metavar="FILE",
                   help="a line per frame: frame_index show_time_s sha1 of the canvas's pixels (before any "
                        "output mapping), to compare two runs or machines frame by frame")


def window_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--fullscreen", action="store_true")
    s.add_argument("--display", type=int, default=0, metavar="N")
    s.add_argument("--size", type=size, default=None, metavar="WxH",
                   help="canvas size (default: the window's size, following resizes)")
    s.add_argument("--headless", action="store_true", help="no window: SDL's offscreen driver")
    s.add_argument("--seconds", type=positive, default=None, metavar="S")
    s.add_argument("--fps", type=float, default=60.0, help="frame cap when there is no vsync (0: none)")
    s.add_argument("--stats", type=Path, default=None, metavar="FILE.json")
    hash_frames_option(s)
    s.add_argument("--strict", action="store_true", help="a piece that raises stops the run")
    s.add_argument("--seed", type=int, default=0)
    safety_options(s)
    mapping_option(s)


def setting(text: str) -> tuple[str, str]:
    name, eq, value = text.partition("=")
    if not eq or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value.strip()


def set_option(s: argparse.ArgumentParser) -> None:
    s.add_argument("piece", help="a piece's name, a piece file (.py), an ISF file (.fs), "
                                 "a Shadertoy export (.json) or mainImage (.glsl)")
    s.add_argument("--set", type=setting, action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter's value before the first frame (repeatable): 0.5, 3, true, x,y or r,g,b,a")
    s.add_argument("--input", default=None, metavar="PIECE",
                   help="the piece an ISF filter processes, or a transition leaves (default: the calibration card)")


def chosen_piece(args):
    """The piece to play or render: its name, or (with --input) the module, loaded reading that piece."""
    from ..piece.module import PieceError, load
    path = resolve(args.piece)
    if args.input is None:
        return args.piece
    resolve(args.input)
    try:
        return load(path, source=args.input)
    except PieceError as exc:
        raise UsageError(str(exc)) from None


def flash_settings(args) -> dict:
    from ..safety.limiter import DEFAULT_AREA
    return {"flash_area": DEFAULT_AREA if args.flash_area is None else args.flash_area,
            "flash_limit": not args.unsafe_no_flash_limit}


def piece_name(name: str) -> str:
    resolve(name)
    return name
