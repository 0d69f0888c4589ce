"""The live commands: `show` (a program in a window, or a trailer where there is no screen),
`install` (the show under a supervisor) and `play` (one piece)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..engine.pieces import piece_module
from ..installation.mode import Installation
from ..show.program import Program, load_program, resolve_program
from . import cluster
from .options import AUDIENCE_FILE, PHONES_BY_DEFAULT, PHONES_PORT, UsageError, chosen_piece, flash_settings

TRAILER = Path("out") / "trailer.mp4"
TRAILER_SIZE = (640, 360)
TRAILER_SECONDS = 3.0
TRAILER_TRANSITION_S = 1.0
TRAILER_FPS = 24.0
INSTALL_ONLY = {"--log": 1, "--hang-s": 1, "--restarts": 1}      # the supervisor's own options, and their values
FIRST_START_ONLY = {"--fresh"}      # an evening's first engine only: a restarted one restores the audience
INSTALL_AUDIO_BLOCK = 512   # unattended, latency matters less than never dropping out: twice the usual block
RUN_PY = Path(__file__).resolve().parent.parent.parent / "run.py"


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
    load_program(resolve_program(args.program))     # a mistake is told now, not restarted five times
    raw, forwarded, first_only = args.argv[args.argv.index("install") + 1:], [], []
    skip = 0
    for a in raw:
        if skip:
            skip -= 1
        elif a.split("=")[0] in INSTALL_ONLY:
            skip = 0 if "=" in a else INSTALL_ONLY[a]
        elif a in FIRST_START_ONLY:
            first_only.append(a)
        else:
            forwarded.append(a)
    if not any(a.startswith("--audio-block") for a in forwarded):
        forwarded += ["--audio-block", str(INSTALL_AUDIO_BLOCK)]
    argv = [sys.executable, str(RUN_PY), "show", *forwarded,
            "--loop", "--resume", str(args.resume)]
    supervisor = Supervisor(argv, args.log, hang_s=args.hang_s, restarts=args.restarts, window_s=WINDOW_S,
                            first_only=first_only)
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stop())
    signal.signal(signal.SIGINT, lambda *_: supervisor.stop())
    return supervisor.run()


def _placement(mapping, headless: bool):
    """The outputs on the displays they name (by name: displays renumber after a reboot)."""
    from ..picture.window import displays
    from ..projection.place import Display, place
    return place(mapping, [Display(name, *rect) for name, rect in displays(headless)])


def _ndi(args) -> tuple[str, str | None] | None:
    """--ndi NAME [--ndi-output OUTPUT], checked before anything opens."""
    if args.ndi_output and not args.ndi:
        raise UsageError("--ndi-output names what --ndi sends: give --ndi NAME too")
    if not args.ndi:
        return None
    if args.ndi_output and not (args.mapping and args.ndi_output in [o.name for o in args.mapping.outputs]):
        raise UsageError(f"--ndi-output {args.ndi_output}: no such output in the mapping (give --mapping FILE)")
    from ..projection.ndi import available
    if not available():
        raise UsageError("--ndi needs the ndi extra: pip install 'stagecraft[ndi]' (cyndilib, with the NDI runtime)")
    return args.ndi, args.ndi_output


def cmd_play(args) -> int:
    return _play(chosen_piece(args), args)


def _play(show, args, *, start=None, loop=False) -> int:
    """A program (or one piece) live; `args` holds the window and live options."""
    from ..show.console import ScreenConsole, open_console
    from ..engine.loop import Engine
    from ..show.operator import Operator
    from ..sound.client import Silent, SoundClient
    from ..picture.window import Window
    ndi = _ndi(args)
    program = show if isinstance(show, Program) else Program.single(piece_module(show))
    if args.camera:
        from ..camera.feed import available
        if not available():
            raise UsageError("--camera needs the camera extra: pip install 'stagecraft[camera]' (OpenCV)")
    if getattr(args, "phones", None) == PHONES_BY_DEFAULT:     # an actor or understudy serves no page of its own
        args.phones = PHONES_PORT if cluster.role(args) in (None, "director") else None
    console = open_console()
    operator = Operator(stream=console if isinstance(console, ScreenConsole) else None)
    try:
        inputs, following, first = cluster.start(args, program, operator) if cluster.role(args) else (None, {}, None)
    except BaseException:
        console.close()
        raise
    if first is not None:
        args.size = tuple(first.start["size"])      # an actor's canvas is the director's
    try:
        canvas = args.size or ((1280, 720) if args.mapping else None)
        placement = _placement(args.mapping, args.headless) if args.mapping else None
        window = Window(placement.size if placement else args.size or (1280, 720), fullscreen=args.fullscreen,
                        display=args.display, headless=args.headless, span=placement and placement.window)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    tempo = _link() if getattr(args, "link", False) else None
    sound = Silent() if args.audio == "none" else SoundClient(device=args.audio, block=args.audio_block,
                                                              mic=args.mic, seed=args.seed, tell=operator.tell)
    try:
        engine = Engine(window, program, size=canvas, seed=args.seed, strict=args.strict, operator=operator,
                        sound=sound,
                        audience_file=args.audience_file or (None if cluster.role(args) == "actor" else AUDIENCE_FILE),
                        fresh=args.fresh, loop=loop, start=start,
                        console=console, mapping=args.mapping, placement=placement, camera=args.camera, ndi=ndi,
                        hash_frames=args.hash_frames,
                        **{"fps_cap": args.fps, "tempo": tempo, **flash_settings(args), **following})
    except BaseException:
        if inputs:
            inputs.close()
        if tempo:
            tempo.close()
        console.close()
        sound.close()
        window.close()
        raise
    try:
        try:
            engine.player.preset(first.start["set"] if first else getattr(args, "set", []))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if inputs:
            cluster.attach(engine, inputs)
        controllers = _controllers(engine, args)
        if not first:
            _direct(engine, args, controllers)
        if args.phones == "nats":
            if not first:
                cluster.remote_phones(engine, inputs, args)
        elif args.phones is not None:
            from ..phones.client import Phones
            engine.attach_phones(Phones.here(args.phones, secret=engine.audience.salt, url=args.phones_url,
                                             per_ip=args.phones_per_ip, max_phones=args.phones_max,
                                             tell=operator.tell))
        if engine.phones and cluster.role(args) == "director" and args.phones != "nats":
            cluster.journal_names(engine, inputs)
        resume = getattr(args, "resume", None)
        if first and first.start["installation"]:        # an actor's is its director's
            engine.installation = Installation.following(engine, first.start["installation"], resume)
        elif getattr(args, "hours", None) or getattr(args, "attract", None) or resume:
            port = engine.osc.ports.get("audience", args.audience_port)   # the one bound, if 0 asked for any
            engine.installation = Installation(engine, hours=args.hours, resume=args.resume,
                                               attract_s=args.attract * 60 if args.attract else None,
                                               invitation=args.invitation.replace("{port}", str(port)))
        if not first:
            engine.run(args.seconds)
        elif cluster.follow(engine, inputs, args, first):     # an understudy that has taken over
            _direct(engine, args, controllers)
            engine.run(args.seconds)
        if args.stats:
            engine.stats.write(args.stats, **engine.counters())
    finally:
        engine.close()
    return 0


def _direct(engine, args, controllers) -> None:
    """What only the machine that directs the show opens (alone, a director, or an understudy
    once it takes over): its OSC ports, its controllers and the OSC record."""
    _listen(engine, args)
    if controllers:
        from ..midi.hub import Midi
        engine.midi = Midi(engine, controllers, args.midi_api)
    if args.record_osc:
        engine.osc.record(args.record_osc)


def _listen(engine, args) -> None:
    if args.no_osc:
        return
    try:
        engine.osc.listen(osc_port=args.osc_port, audience_port=args.audience_port, allow=args.operator_allow,
                          passcode=args.passcode)
    except OSError as exc:
        raise UsageError(f"{exc.strerror} (another show running? choose another port, or --no-osc)") from None


def _link():
    from ..tempo.beat import DEFAULT_BPM
    from ..tempo.link import Link, LinkError
    try:
        return Link(DEFAULT_BPM)
    except LinkError as exc:
        raise UsageError(str(exc)) from None


def _controllers(engine, args) -> list:
    """--midi's mappings, each checked against every address the program's pieces answer (at the
    start, on an understudy too, so a mistake shows before it is needed)."""
    if not args.midi:
        return []
    from ..midi.mapping import MappingError, load
    from ..osc.addresses import AUDIENCE, ENGINE, cue_entries, output_entries, piece_entries
    known = {e.address for e in ENGINE + AUDIENCE + cue_entries(engine.program)
             + output_entries(engine.output_fx.params.spec)}
    for p in engine.program.pieces:
        known |= {e.address for e in piece_entries(p.module)}
    try:
        return [load(path, known.__contains__) for path in args.midi]
    except MappingError as exc:
        raise UsageError(str(exc)) from None
