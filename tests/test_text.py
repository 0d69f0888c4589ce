"""What phones type, on stage, checked in pixels: emoji are drawn (not the font's empty box), in
the text's colour; a word wider than its column is broken or cut, never runs off the edge."""
import time

import numpy as np
import pygame
import pytest

from stagecraft.osc.receive import AUDIENCE, Delivery, Sender
from stagecraft.osc.wire import Message
from stagecraft.output.offline import frames
from stagecraft.picture.text import EMOJI, NO_GLYPH, TextCache
from stagecraft.picture.window import Offscreen

LONG = "Beautifulsmilesbelongtoeveryonenotjustthemarketsones" * 3


@pytest.fixture
def text():
    surface = Offscreen((64, 64))
    cache = TextCache(surface.ctx)
    yield cache
    cache.release()
    surface.close()


def alpha(tex) -> np.ndarray:
    return np.frombuffer(tex.read(), np.uint8).reshape(tex.height, tex.width, 4)[..., 3]


def test_an_emoji_is_drawn_from_the_emoji_font_not_as_a_box(text):
    for font in ("sign", "mono"):
        tooth = alpha(text.texture("\U0001f9b7", font, 48))
        box = alpha(text.texture(NO_GLYPH, font, 48))
        own = pygame.font.Font(str(EMOJI), 48).render("\U0001f9b7", True, (255, 255, 255))
        assert tooth.shape != box.shape or not np.array_equal(tooth, box)
        assert tooth.shape[1] == own.get_width() and tooth.sum() > 0.5 * np.asarray(
            pygame.surfarray.pixels_alpha(own)).sum()


def test_letters_stay_in_their_font_around_an_emoji(text):
    mixed = alpha(text.texture("ab\U0001f600cd", "sign", 40))
    plain = alpha(text.texture("ab", "sign", 40))
    assert np.array_equal(mixed[:, :plain.shape[1]], plain), "the letters before it are the font's own"


def test_a_word_wider_than_the_line_is_broken_with_hyphens(text):
    lines = text.wrap(LONG, "sign", 24, 300, 4)
    assert len(lines) == 4 and all(line.endswith("-") for line in lines[:3]) and lines[3].endswith("\u2026")
    assert all(alpha(text.texture(line, "sign", 24)).shape[1] <= 300 for line in lines)
    tex = text.texture(LONG, "sign", 24, width=300, lines=4, align="left")
    assert tex.width <= 300 and tex.height > 3 * 24
    assert text.wrap("short words wrap at spaces", "sign", 24, 150, 3) == ["short words", "wrap at", "spaces"]


def test_on_stage_a_long_word_and_emoji_stay_inside_the_chat_column(engines):
    """Empathy Echo's chat column ends at the canvas's edge: a 140-letter word sent from a phone
    ends inside it, and the emoji beside it are drawn."""
    e = engines("empathy_echo", (960, 540))
    list(frames(e, 5))
    for who, words in (("a", "x" * 140), ("b", "we \U0001f600 love \U0001f9b7 our gaps \u2728")):
        e.osc.inbox.put(Delivery(AUDIENCE, Sender(f"phone:{who}", ("phone", who), None), time.perf_counter(),
                                 ((None, Message("/audience/echo", "s", (words,))),)), 1)
    shot = list(frames(e, 3))[-1].astype(int)
    chat = shot[40:170, 712:]                                    # the column right of the wall
    bright = chat.min(axis=2) > 150                              # the messages' warm white
    assert bright[:, -12:].sum() == 0, "nothing reaches the edge"
    assert bright[:, :200].sum() > 200, "the messages are there"
