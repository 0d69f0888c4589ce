"""A full house on every piece: a thousand phones, two gestures a second each (a recording, as
`render --replay` takes it), at 60 frames a second. Each piece must answer the crowd as a crowd:
its own picture, with no flash limiter at all, passes the flash check, and the crowd visibly
changed it. (Before, forum's seam shivered with every frame's votes, the Bazaar's arcs and
stalls flickered with each barter, Juno's glitch re-sliced on every echo, the mosaic reshuffled
on every join: with the limiter on, it held up to 234 of 240 frames.)"""
import numpy as np
import pytest

from stagecraft.osc.record import Replay
from stagecraft.output.offline import frames
from stagecraft.piece.module import load, resolve
from stagecraft.safety import flash

from . import crowd

SIZE, FPS, SECONDS = (160, 90), 60, 4.0
PIECES = ["smile_credits", "smile_bazaar", "forum", "empathy_echo", "commodification", "smiles_for_all"]


def _render(engines, piece, replay=None):
    e = engines(piece, SIZE, fps=FPS, flash_limit=False)
    feed = (lambda i: replay.feed(e.osc.inbox, i / FPS)) if replay else None
    return e, [f.copy() for f in frames(e, int(SECONDS * FPS), before_frame=feed)]


@pytest.mark.parametrize("piece", PIECES)
def test_a_full_house_changes_the_piece_without_making_it_flash(engines, piece, tmp_path):
    recording = tmp_path / "house.jsonl"
    sent = crowd.write(recording, piece, load(resolve(piece)).gestures, phones=1000, rate=2.0, seconds=SECONDS)
    assert sent > 7000
    e, house = _render(engines, piece, Replay(recording))
    assert e.audience.made + e.audience.voters + len(e.audience.echoes) > 0 or e.audience.excitement > 0.5
    report = flash.check(house, FPS)
    assert all(s["pass"] for s in report), [s for s in report if not s["pass"]]
    _, quiet = _render(engines, piece)
    assert np.abs(house[-1].astype(int) - quiet[-1].astype(int)).mean() > 1.0     # the crowd was seen
