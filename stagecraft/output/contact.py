"""The contact sheet: every piece at several moments, labelled, in one image.

Each row is a piece: the first frame at a second and a half, then the state after each of its
cues in turn (GO, then a few seconds), so the sheet shows what an operator's cue list does.
Offline and deterministic, like every render.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame

from .offline import frames, offline_engine
from ..show.operator import Operator
from .progress import Progress
from ..picture.text import FONTS

FIRST_AT = 1.5
AFTER_CUE = 3.0
LABEL_PX = 22
INK = (61, 245, 255)
PAPER = (11, 7, 16)


def moments(piece, size, columns: int, seed: int, fps: float, operator):
    """Yield (label, frame) for one piece: its opening, then after each cue."""
    engine = offline_engine(piece, size, seed=seed, fps=fps, operator=operator)
    try:
        title = engine.player.piece.title
        yield title, f"{FIRST_AT:.1f} s", list(frames(engine, round(FIRST_AT * fps)))[-1]
        for _ in range(columns - 1):
            cue = engine.go()
            label = f"cue {cue.number} {cue.name}" if cue else "later"
            yield title, label, list(frames(engine, round(AFTER_CUE * fps)))[-1]
    finally:
        engine.close()


def contact_sheet(pieces: list[str], out: Path, *, size=(480, 270), columns: int = 4, seed: int = 0,
                  fps: float = 15.0) -> Path:
    if not pygame.font.get_init():
        pygame.font.init()
    font = pygame.font.Font(str(FONTS["mono"]), LABEL_PX)
    w, h = size
    pad, label_h = 8, LABEL_PX + 10
    sheet = pygame.Surface((pad + columns * (w + pad), pad + len(pieces) * (h + label_h + pad)))
    sheet.fill(PAPER)
    bar = Progress(len(pieces) * columns, "contact sheet")
    operator = Operator()
    for row, piece in enumerate(pieces):
        y = pad + row * (h + label_h + pad)
        for col, (title, label, frame) in enumerate(moments(piece, size, columns, seed, fps, operator)):
            x = pad + col * (w + pad)
            text = f"{title}  \u00b7  {label}" if col == 0 else label
            sheet.blit(font.render(text, True, INK), (x, y))
            image = pygame.image.frombuffer(np.ascontiguousarray(frame).tobytes(), (w, h), "RGB")
            sheet.blit(image, (x, y + label_h))
            bar.update(row * columns + col + 1)
    bar.done()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(sheet, str(out))
    return Path(out)
