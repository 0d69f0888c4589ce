"""The commands that make files: `render` (an MP4), `snapshot` (a PNG), `contact-sheet`; and the
one that judges them, `check-flash`."""
from __future__ import annotations

from ..piece.module import available
from .options import PHONES_PORT, UsageError, chosen_piece, flash_settings, piece_name


def cmd_render(args) -> int:
    from ..output.offline import render
    piece = chosen_piece(args)
    w, h = args.mapping.size if args.mapping else args.size
    if w % 2 or h % 2:
        raise UsageError(f"H.264 needs an even width and height, not {w}x{h}")
    replay = None
    if args.replay:
        from ..osc.record import Replay
        try:
            replay = Replay(args.replay)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    try:
        render(piece, args.output, seconds=args.seconds, fps=args.fps, size=args.size, seed=args.seed,
               strict=args.strict, wav=args.wav, replay=replay, stats=args.stats, settings=args.set,
               mapping=args.mapping, hash_frames=args.hash_frames, **flash_settings(args))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(args.output)
    return 0


def cmd_snapshot(args) -> int:
    from ..output.offline import snapshot
    piece = chosen_piece(args)
    if args.at < 0:
        raise UsageError("--at must be zero or more seconds")
    url = None
    if args.phones is not None or args.phones_url:
        from ..phones.qr import lan_url
        url = args.phones_url or lan_url(args.phones or PHONES_PORT)
    try:
        snapshot(piece, args.output, at=args.at, size=args.size, seed=args.seed, fps=args.fps,
                 strict=args.strict, phones_url=url, settings=args.set, mapping=args.mapping,
                 **flash_settings(args))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(args.output)
    return 0


def cmd_contact_sheet(args) -> int:
    from ..output.contact import contact_sheet
    pieces = args.pieces.split(",") if args.pieces else [name for name, _ in available()]
    for piece in pieces:
        piece_name(piece)
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
