"""The command line: `python run.py [show|list|play|render|snapshot|new|import|osc-map|send|...] ...`.

Every mistake on the command line is one plain line and a non-zero exit, never a traceback. Each
command's handler lives beside its kind: `live` (show, install, play), `files` (render, snapshot,
contact-sheet, check-flash), `tools` (list, new, import, osc-map, send); `options` holds the shared words.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from ..installation.mode import INVITATION
from ..osc.hub import CONTROL_PORT
from ..picture.shaders import ShaderError
from ..piece.module import PieceError
from ..piece.player import PieceFault
from ..show.program import ProgramError
from ..show.program import available as programs
from .files import cmd_check_flash, cmd_contact_sheet, cmd_render, cmd_snapshot
from .cluster import cmd_gateway
from .live import cmd_install, cmd_play, cmd_show
from .options import (PHONES_PORT, Parser, UsageError, fraction, hash_frames_option, live_options, mapping_option,
                      nats_url, opening_hours, phones_options, phones_port, phones_url_option, port, positive,
                      safety_options, set_option, size, whole, window_options)
from .tools import cmd_import, cmd_list, cmd_new, cmd_osc_map, cmd_qr, cmd_send

DEFAULT_PROGRAM = "smiles_for_all"
COMMANDS = {"show", "list", "gateway", "play", "render", "snapshot", "contact-sheet", "new", "import", "osc-map",
            "send", "check-flash", "install", "qr", "-h", "--help"}
INSTALL_LOG = Path("out") / "install.log"
RESUME_FILE = Path("out") / "resume.json"


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="run.py", description="Stagecraft: stage a piece live, or render it.")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    p.set_defaults(func=cmd_show)

    for name, helptext in (("show", "the show: a program in a window (a trailer video where there is no screen)"),
                           ("install", "an installation: the show looping under a supervisor that restarts it")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("program", nargs="?", default=DEFAULT_PROGRAM, help=f"a program (default {DEFAULT_PROGRAM})")
        s.add_argument("--from", dest="start", default=None, metavar="PIECE[:CUE]",
                       help="start at a piece (standing by on its first cue, or on CUE)")
        s.add_argument("--loop", action="store_true", help="after the last piece, the first again (installations)")
        s.add_argument("--time-scale", type=positive, default=1.0, metavar="K",
                       help="every wait, follow and transition K times as long (0.05: a quick run-through)")
        s.add_argument("--hours", type=opening_hours, default=None, metavar="SPEC",
                       help="opening hours, e.g. 'tue-sun 10:00-18:00': outside them, black and silence")
        s.add_argument("--attract", type=positive, default=None, metavar="MINUTES",
                       help="after this long without the audience, invite them and let the show run itself")
        s.add_argument("--invitation", default=INVITATION, metavar="TEXT",
                       help="attract mode's words; {port} becomes the audience port (default: %(default)r)")
        s.add_argument("--resume", type=Path, default=RESUME_FILE if name == "install" else None, metavar="FILE",
                       help="come back at the piece this file names, and keep it up to date")
        window_options(s)
        live_options(s)
        phones_options(s, PHONES_PORT)
        if name == "install":
            s.add_argument("--log", type=Path, default=INSTALL_LOG, help=f"the rotating log (default {INSTALL_LOG})")
            s.add_argument("--hang-s", type=positive, default=10.0, metavar="S",
                           help="an engine that has not beaten for this long is restarted (10)")
            s.add_argument("--restarts", type=int, default=5, metavar="N",
                           help="starts within ten minutes before restarting backs off (5)")
        s.set_defaults(func=cmd_show if name == "show" else cmd_install)

    s = sub.add_parser("list", help="the pieces, with their titles")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("play", help="run one piece live, with its own cues, in a window (or headless)")
    set_option(s)
    window_options(s)
    live_options(s)
    phones_options(s, None)
    s.set_defaults(func=cmd_play)

    for name, helptext in (("render", "render a piece to an H.264 MP4"), ("snapshot", "render one frame to PNG")):
        s = sub.add_parser(name, help=helptext)
        set_option(s)
        s.add_argument("-o", "--output", type=Path, required=True)
        s.add_argument("--size", type=size, default=(1280, 720), metavar="WxH")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--fps", type=positive, default=30.0)
        s.add_argument("--strict", action="store_true")
        safety_options(s)
        mapping_option(s)
        if name == "render":
            s.add_argument("--seconds", type=positive, default=10.0)
            s.add_argument("--replay", type=Path, default=None, metavar="FILE",
                           help="feed a --record-osc recording in at its recorded times")
            s.add_argument("--wav", type=Path, default=None, metavar="FILE",
                           help="the sound also as a 32-bit float WAV")
            s.add_argument("--stats", type=Path, default=None, metavar="FILE.json",
                           help="the render's figures: frames, start_s, flash_limited_frames, ...")
            hash_frames_option(s)
            s.set_defaults(func=cmd_render)
        else:
            s.add_argument("--at", type=float, default=2.0, metavar="SECONDS")
            s.add_argument("--phones", type=phones_port, default=None, metavar="PORT",
                           help="show the phones' QR code on stage, as the show does at the piece's entry")
            phones_url_option(s)
            s.set_defaults(func=cmd_snapshot)

    s = sub.add_parser("contact-sheet", help="every piece at several moments, labelled, in one PNG")
    s.add_argument("-o", "--output", type=Path, required=True)
    s.add_argument("--size", type=size, default=(480, 270), metavar="WxH", help="the size of each frame")
    s.add_argument("--columns", type=int, default=4, choices=range(1, 9), metavar="N")
    s.add_argument("--pieces", default=None, help="comma-separated (default: every piece)")
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=cmd_contact_sheet)

    s = sub.add_parser("check-flash", help="a video's flashes per second against WCAG 2.3.1; non-zero exit on fail")
    s.add_argument("video", type=Path, help="an MP4 (any video ffmpeg reads) or a folder of PNG frames")
    s.add_argument("--fps", type=positive, default=None, help="frames per second of a folder (default 30)")
    s.add_argument("--flash-area", type=fraction, default=0.0, metavar="F",
                   help="flashing over less than this fraction of the frame passes (default 0: any region)")
    s.set_defaults(func=cmd_check_flash)

    s = sub.add_parser("qr", help="the QR code phones scan to reach the audience's page, as a PNG")
    s.add_argument("-o", "--output", type=Path, required=True)
    s.add_argument("--phones", type=port, default=PHONES_PORT, metavar="PORT", help=f"the page's port ({PHONES_PORT})")
    phones_url_option(s)
    s.set_defaults(func=cmd_qr)

    s = sub.add_parser("gateway", help="a phone gateway for a director on another machine: its phones reach the "
                                       "show through the director's NATS server (a house of thousands)")
    s.add_argument("nats", type=nats_url, metavar="nats://HOST:PORT")
    s.add_argument("--show", required=True, metavar="TITLE", help="the show's title, as its director says it")
    s.add_argument("--port", type=port, default=PHONES_PORT, metavar="PORT",
                   help=f"serve the audience's page and WebSocket here (default {PHONES_PORT})")
    s.add_argument("--host", default="0.0.0.0", help="the interface to serve on (default: all)")
    s.add_argument("--phones-per-ip", type=whole(1, 100_000), default=8, metavar="N",
                   help="phones at once from one network address (default 8)")
    s.add_argument("--phones-max", type=whole(1, 100_000), default=2000, metavar="N",
                   help="phones at once on this gateway (default 2000)")
    s.set_defaults(func=cmd_gateway)

    s = sub.add_parser("new", help="a new piece (module and shader) from the template")
    s.add_argument("name")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("import", help="an ISF (.fs) or Shadertoy (.json, .glsl) file made a piece in pieces/")
    s.add_argument("file", type=Path)
    s.add_argument("name", nargs="?", default=None, help="the piece's name (default: from the file's)")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("osc-map", help="every OSC address, as Markdown")
    s.add_argument("piece", nargs="?", default=None)
    s.set_defaults(func=cmd_osc_map)

    s = sub.add_parser("send", help="send one OSC message and print the answers (for rehearsals)")
    s.add_argument("address")
    s.add_argument("values", nargs="*", metavar="VALUE", help="3 is an int, 2.5 a float, true/false, else text")
    s.add_argument("--types", default=None, help="type tags instead of guessing, e.g. 'fs' (i h f d s T F N)")
    s.add_argument("--port", type=port, default=CONTROL_PORT)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--wait", type=float, default=0.5, metavar="S", help="how long to wait for answers")
    s.add_argument("--passcode", default=None)
    s.set_defaults(func=cmd_send)
    return p


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-") and not argv[0].endswith(".toml") \
            and argv[0] not in {name for name, _ in programs()}:
        print(f"run.py: error: {argv[0]!r} is neither a command ({', '.join(sorted(COMMANDS - {'-h', '--help'}))}) "
              f"nor a program ({', '.join(name for name, _ in programs())}) (see --help)", file=sys.stderr)
        return 2
    if not argv or argv[0] not in COMMANDS:
        argv.insert(0, "show")                  # `run.py`, `run.py PROGRAM` and show's options are the show
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args) or 0
    except (PieceError, ShaderError, ProgramError, UsageError) as exc:
        lines = str(exc).splitlines()
        print(f"run.py: error: {lines[0]}", file=sys.stderr)
        if len(lines) > 1:
            print("\n".join(lines[1:]), file=sys.stderr)
        return 2
    except PieceFault as exc:
        traceback.print_exception(exc.__cause__ or exc, file=sys.stderr)
        print(f"run.py: error (strict): {exc}", file=sys.stderr)
        return 1
