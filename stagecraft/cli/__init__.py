"""The command line: `python run.py [show|list|play|render|snapshot|new|osc-map|send|...] ...`.

Every mistake on the command line is one plain line and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import re
import sys
import traceback
from pathlib import Path

from ..osc.hub import AUDIENCE_PORT, CONTROL_PORT
from ..osc.limits import Allowlist
from ..piece.module import PIECE_DIR, PieceError, available, resolve
from ..piece.player import PieceFault
from ..show.program import ProgramError, load_program, resolve_program
from ..show.program import available as programs
from ..installation.mode import INVITATION, Installation
from ..picture.shaders import SHADER_DIR, ShaderError

DEFAULT_PROGRAM = "smiles_for_all"
COMMANDS = {"show", "list", "play", "render", "snapshot", "contact-sheet", "new", "osc-map", "send",
            "check-flash", "install", "-h", "--help"}
TRAILER = Path("out") / "trailer.mp4"
TRAILER_SIZE = (640, 360)
TRAILER_SECONDS = 3.0
TRAILER_TRANSITION_S = 1.0
TRAILER_FPS = 24.0
AUDIENCE_FILE = Path("out") / "audience.json"
INSTALL_LOG = Path("out") / "install.log"
RESUME_FILE = Path("out") / "resume.json"
INSTALL_ONLY = {"--log": 1, "--hang-s": 1, "--restarts": 1}      # the supervisor's own options, and their values
INSTALL_AUDIO_BLOCK = 512   # unattended, latency matters less than never dropping out: twice the usual block


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
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


def _live_options(s: argparse.ArgumentParser) -> None:
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
    s.add_argument("--audience-file", type=Path, default=AUDIENCE_FILE, metavar="FILE",
                   help=f"where the audience's state is kept (default {AUDIENCE_FILE})")
    s.add_argument("--fresh", action="store_true", help="start with an empty audience (the old file is kept aside)")
    s.add_argument("--audio", default="default", metavar="none|default|DEVICE",
                   help="where the sound goes: 'none' runs silent (default: the system's output)")
    s.add_argument("--audio-block", type=block, default=256, metavar="N", help="frames per audio block (256)")
    s.add_argument("--mic", action="store_true", help="the capture device's level is the performer's voice")


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


def _safety_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--flash-area", type=fraction, default=None, metavar="F",
                   help="flashing that covers at least this fraction of the frame is held to three a second "
                        "(default 0.005: any one region of the 16x9 grid; raise it only for distant viewing)")
    s.add_argument("--unsafe-no-flash-limit", action="store_true",
                   help="let any flashing through to the audience (WCAG 2.3.1 photosensitivity risk)")


def _window_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--fullscreen", action="store_true")
    s.add_argument("--display", type=int, default=0, metavar="N")
    s.add_argument("--size", type=size, default=None, metavar="WxH",
                   help="canvas size (default: the window's size, following resizes)")
    s.add_argument("--headless", action="store_true", help="no window: SDL's offscreen driver")
    s.add_argument("--seconds", type=positive, default=None, metavar="S")
    s.add_argument("--fps", type=float, default=60.0, help="frame cap when there is no vsync (0: none)")
    s.add_argument("--stats", type=Path, default=None, metavar="FILE.json")
    s.add_argument("--strict", action="store_true", help="a piece that raises stops the run")
    s.add_argument("--seed", type=int, default=0)
    _safety_options(s)


def _flash(args) -> dict:
    from ..safety.limiter import DEFAULT_AREA
    return {"flash_area": DEFAULT_AREA if args.flash_area is None else args.flash_area,
            "flash_limit": not args.unsafe_no_flash_limit}


def _piece(name: str) -> str:
    resolve(name)
    return name


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="run.py", description="Stagecraft: stage a piece live, or render it.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
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
        _window_options(s)
        _live_options(s)
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
    s.add_argument("piece")
    _window_options(s)
    _live_options(s)
    s.set_defaults(func=cmd_play)

    for name, helptext in (("render", "render a piece to an H.264 MP4"), ("snapshot", "render one frame to PNG")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("piece")
        s.add_argument("-o", "--output", type=Path, required=True)
        s.add_argument("--size", type=size, default=(1280, 720), metavar="WxH")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--fps", type=positive, default=30.0)
        s.add_argument("--strict", action="store_true")
        _safety_options(s)
        if name == "render":
            s.add_argument("--seconds", type=positive, default=10.0)
            s.add_argument("--replay", type=Path, default=None, metavar="FILE",
                           help="feed a --record-osc recording in at its recorded times")
            s.add_argument("--wav", type=Path, default=None, metavar="FILE",
                           help="the sound also as a 32-bit float WAV")
            s.set_defaults(func=cmd_render)
        else:
            s.add_argument("--at", type=float, default=2.0, metavar="SECONDS")
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

    s = sub.add_parser("new", help="a new piece (module and shader) from the template")
    s.add_argument("name")
    s.set_defaults(func=cmd_new)

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


def cmd_list(args) -> int:
    for name, title in available():
        print(f"{name:24} {title}")
    return 0


def cmd_show(args) -> int:
    from ..picture.window import has_display
    program = load_program(resolve_program(args.program))
    if not has_display() and not args.headless:
        from ..output.offline import trailer
        print(f"No display here: rendering a trailer of the show to {TRAILER} instead.")
        out = trailer(program.rehearsal(TRAILER_SECONDS, TRAILER_TRANSITION_S), TRAILER, fps=TRAILER_FPS,
                      size=TRAILER_SIZE)
        print(out.resolve())
        return 0
    if args.time_scale != 1.0:
        program = program.scaled(args.time_scale)
    start = None
    from ..installation.mode import resumed_piece
    piece = resumed_piece(args.resume)
    if piece and not args.start and program.find(piece) is not None:
        print(f"[stagecraft] resuming at {piece} ({args.resume})")
        start = (program.find(piece), None)
    if args.start:
        piece, _, cue = args.start.partition(":")
        entry = program.find(piece)
        if entry is None or program.cues[entry].enter is None:
            raise UsageError(f"--from: no piece {piece!r} in {program.title!r} "
                             f"(its pieces: {', '.join(p.module.name for p in program.pieces)})")
        standby = program.find(args.start) if cue else None
        if cue and standby is None:
            raise UsageError(f"--from: {piece} has no cue {cue!r} in this program")
        start = (entry, standby)
    return _play(program, args, start=start, loop=args.loop)


def cmd_install(args) -> int:
    """The supervisor: `show --loop` as a child, restarted after a crash or a hang (stagecraft/installation/supervisor.py)."""
    import signal

    from ..installation.supervisor import WINDOW_S, Supervisor
    raw, forwarded = args.argv[args.argv.index("install") + 1:], []
    skip = 0
    for a in raw:
        if skip:
            skip -= 1
        elif a.split("=")[0] in INSTALL_ONLY:
            skip = 0 if "=" in a else INSTALL_ONLY[a]
        else:
            forwarded.append(a)
    if not any(a.startswith("--audio-block") for a in forwarded):
        forwarded += ["--audio-block", str(INSTALL_AUDIO_BLOCK)]
    argv = [sys.executable, str(Path(__file__).resolve().parent.parent.parent / "run.py"), "show", *forwarded,
            "--loop", "--resume", str(args.resume)]
    supervisor = Supervisor(argv, args.log, hang_s=args.hang_s, restarts=args.restarts, window_s=WINDOW_S)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stop())
    signal.signal(signal.SIGINT, lambda *_: supervisor.stop())
    return supervisor.run()


def cmd_play(args) -> int:
    _piece(args.piece)
    return _play(args.piece, args)


def _play(show, args, *, start=None, loop=False) -> int:
    """A program (or one piece) live; `args` holds the window and live options."""
    from ..show.console import ScreenConsole, open_console
    from ..engine.loop import Engine
    from ..show.operator import Operator
    from ..sound.client import Silent, SoundClient
    from ..picture.window import Window
    try:
        window = Window(args.size or (1280, 720), fullscreen=args.fullscreen, display=args.display,
                        headless=args.headless)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    console = open_console()
    operator = Operator(stream=console if isinstance(console, ScreenConsole) else None)
    sound = Silent() if args.audio == "none" else SoundClient(device=args.audio, block=args.audio_block,
                                                              mic=args.mic, seed=args.seed, tell=operator.tell)
    try:
        engine = Engine(window, show, size=args.size, seed=args.seed, strict=args.strict, fps_cap=args.fps,
                        operator=operator, sound=sound, audience_file=args.audience_file, fresh=args.fresh,
                        loop=loop, start=start, console=console, **_flash(args))
    except BaseException:
        console.close()
        sound.close()
        window.close()
        raise
    try:
        if not args.no_osc:
            try:
                engine.osc.listen(osc_port=args.osc_port, audience_port=args.audience_port,
                                  allow=args.operator_allow, passcode=args.passcode)
            except OSError as exc:
                raise UsageError(f"{exc.strerror} (another show running? choose another port, or --no-osc)") from None
        if getattr(args, "hours", None) or getattr(args, "attract", None) or getattr(args, "resume", None):
            port = engine.osc.ports.get("audience", args.audience_port)   # the one bound, if 0 asked for any
            engine.installation = Installation(engine, hours=args.hours, resume=args.resume,
                                               attract_s=args.attract * 60 if args.attract else None,
                                               invitation=args.invitation.replace("{port}", str(port)))
        if args.record_osc:
            engine.osc.record(args.record_osc)
        engine.run(args.seconds)
        if args.stats:
            engine.stats.write(args.stats, **engine.counters())
    finally:
        engine.close()
    return 0


def cmd_render(args) -> int:
    from ..output.offline import render
    _piece(args.piece)
    if args.size[0] % 2 or args.size[1] % 2:
        raise UsageError(f"H.264 needs an even width and height, not {args.size[0]}x{args.size[1]}")
    replay = None
    if args.replay:
        from ..osc.record import Replay
        try:
            replay = Replay(args.replay)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    render(args.piece, args.output, seconds=args.seconds, fps=args.fps, size=args.size, seed=args.seed,
           strict=args.strict, wav=args.wav, replay=replay, **_flash(args))
    print(args.output)
    return 0


def cmd_snapshot(args) -> int:
    from ..output.offline import snapshot
    _piece(args.piece)
    if args.at < 0:
        raise UsageError("--at must be zero or more seconds")
    snapshot(args.piece, args.output, at=args.at, size=args.size, seed=args.seed, fps=args.fps,
             strict=args.strict, **_flash(args))
    print(args.output)
    return 0


def cmd_contact_sheet(args) -> int:
    from ..output.contact import contact_sheet
    pieces = args.pieces.split(",") if args.pieces else [name for name, _ in available()]
    for piece in pieces:
        _piece(piece)
    print(contact_sheet(pieces, args.output, size=args.size, columns=args.columns, seed=args.seed))
    return 0


def cmd_check_flash(args) -> int:
    from ..safety.flash import check
    from ..output.record import read_frames
    try:
        frames, fps = read_frames(args.video, args.fps)
    except (OSError, ValueError, RuntimeError) as exc:
        raise UsageError(f"cannot read {args.video}: {exc}") from None
    report = check(frames, fps, area=args.flash_area)
    print(f"{args.video}: {fps:g} fps, {len(report)} s (WCAG 2.3.1: at most 3 general and 3 red flashes a second)")
    print("second  general  red  flashing area  verdict")
    for s in report:
        print(f"{s['second']:6d}  {s['general']:7d}  {s['red']:3d}  {s['area']:12.1%}  {'pass' if s['pass'] else 'FAIL'}")
    failed = [s["second"] for s in report if not s["pass"]]
    print(f"FAIL: {len(failed)} second(s) flash too much" if failed else "pass")
    return 1 if failed else 0


def cmd_new(args) -> int:
    name = args.name
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
        raise UsageError(f"piece name {name!r} must be lower case letters, digits and _, starting with a letter")
    module, shader = PIECE_DIR / f"{name}.py", SHADER_DIR / f"{name}.frag"
    for path in (module, shader):
        if path.exists():
            raise UsageError(f"{path} already exists")
    title = name.replace("_", " ").title()
    text = (PIECE_DIR / "_template.py").read_text(encoding="utf-8")
    text = text.replace("Template", title, 1).replace("_template.frag", f"{name}.frag")
    module.write_text(text, encoding="utf-8")
    shader.write_text((SHADER_DIR / "_template.frag").read_text(encoding="utf-8"), encoding="utf-8")
    print(f"created {module} and {shader}\nrun it with: python run.py play {name}")
    return 0


def cmd_osc_map(args) -> int:
    from ..osc.docs import osc_map
    print(osc_map([_piece(args.piece)] if args.piece else None), end="")
    return 0


def cmd_send(args) -> int:
    from ..osc.client import build, send
    try:
        data = build(args.address, args.values, args.types)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        answers = send(data, args.host, args.port, wait=args.wait, passcode=args.passcode)
    except OSError as exc:
        raise UsageError(f"cannot send to {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"sent {args.address} to {args.host}:{args.port}")
    for line in answers:
        print(line)
    return 0
