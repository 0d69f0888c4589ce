"""The artist's and the technician's tools: `list` the pieces, start a `new` one, `import` a
shader written for another tool, print the `osc-map`, `send` one OSC message, write the phones'
`qr` code."""
from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

from ..picture.shaders import SHADER_DIR
from ..piece.module import PIECE_DIR, available
from .options import UsageError, piece_name


def cmd_list(args) -> int:
    for name, title in available():
        print(f"{name:24} {title}")
    return 0


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


IMPORTED_PIECE = '''"""{title}

{note}
"""
from stagecraft import shader_file

# `run.py import` made this piece from {source}; the file is kept as it was written, in
# shaders/{folder}/. Add cues, SOUND, GESTURES or EFFECTS here as in any piece.
SHADER_FILE = shader_file("{shader}")
PARAMS, GRAPH, IMAGES, NOTES = SHADER_FILE.PARAMS, SHADER_FILE.GRAPH, SHADER_FILE.IMAGES, SHADER_FILE.NOTES


def setup(stage):
    return SHADER_FILE.setup(stage)


def update(stage, state, dt):
    pass
'''


def cmd_import(args) -> int:
    """An ISF or Shadertoy file made a piece: the file (and what it reads beside it) copied as
    written into shaders/imported/NAME/, and a piece module in pieces/ that plays it."""
    from ..piece.imported import FILES, files
    from ..piece.module import load
    source = Path(args.file)
    if source.suffix not in FILES or not source.is_file():
        raise UsageError(f"{source}: not an ISF (.fs) or Shadertoy (.json, .glsl) file")
    name = args.name or re.sub(r"[^a-z0-9_]+", "_", source.stem.lower()).strip("_") or "imported"
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
        raise UsageError(f"piece name {name!r} must be lower case letters, digits and _, starting with a letter")
    piece = load(source.resolve())
    module, folder = PIECE_DIR / f"{name}.py", SHADER_DIR / "imported" / name
    for path in (module, folder):
        if path.exists():
            raise UsageError(f"{path} already exists")
    folder.mkdir(parents=True)
    for f in files(source.resolve()):
        target = folder / f.relative_to(source.resolve().parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    title = name.replace("_", " ").title() if args.name else piece.title
    note = "\n\n".join(textwrap.fill(part, 100) for part in piece.note.replace('"""', "'''").split("\n\n"))
    module.write_text(IMPORTED_PIECE.format(title=title, note=note, source=source.name, folder=f"imported/{name}",
                                            shader=f"imported/{name}/{source.name}"), encoding="utf-8")
    print(f"created {module} and {folder}/\nrun it with: python run.py play {name}")
    return 0


def cmd_osc_map(args) -> int:
    from .osc_map import osc_map
    print(osc_map([piece_name(args.piece)] if args.piece else None), end="")
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


def cmd_qr(args) -> int:
    from ..output.record import save_png
    from ..phones.qr import image, lan_url
    url = args.phones_url or lan_url(args.phones)
    save_png(args.output, image(url))
    print(f"{args.output}: {url}")
    return 0
