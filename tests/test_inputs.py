"""Every documented input changes the picture within one frame, where the piece says it should.

Two engines run the same piece with the same seed. One listens on real OSC ports and is sent the
input over loopback UDP, as a phone or a controller would send it; once the datagram is queued,
both render their next frame. That frame must differ visibly inside the input's region: a share
of its pixels changes by more than a sixth of full scale, which a viewer at the back can see."""
import numpy as np
import pytest

from stagecraft.output.offline import frames

from .conftest import wait_for

SIZE = (160, 90)
WARMUP = 20
STRONG = 40            # levels of 255
VISIBLE_SHARE = 0.01   # of the region's pixels


def region(x0, x1, y0, y1):
    """A box in the piece's coordinates (0..1, y up) as numpy slices of a top-row-first frame."""
    w, h = SIZE
    return (slice(int((1 - y1) * h), int((1 - y0) * h)), slice(int(x0 * w), int(x1 * w)))


SMILE = region(0.3, 0.7, 0.2, 0.7)
MOUTH = region(0.25, 0.75, 0.25, 0.75)
CASES = {
    # piece, what arrives before each of the last frames [(port, address, arguments...)],
    # and where the piece says it shows
    "credits-buy": ("smile_credits", [[("audience", "/audience/buy", 120)]], [SMILE, region(0.03, 0.19, 0.6, 0.8)]),
    "credits-refuse": ("smile_credits", [[("audience", "/audience/refuse")]], [SMILE]),
    "bazaar-barter": ("smile_bazaar", [[("audience", "/audience/barter", 1, 6)]], [region(0.0, 1.0, 0.2, 0.8)]),
    "bazaar-cheer": ("smile_bazaar", [[("audience", "/audience/cheer", 1.0)] * 4],
                     [region(0.0, 1.0, 0.0, 0.22), region(0.0, 1.0, 0.8, 1.0)]),
    "forum-vote": ("forum", [[("audience", "/audience/vote", 1.0)]], [region(0.3, 0.6, 0.05, 0.75)]),
    "commodification-voice": ("commodification", [[("control", "/performer/voice", 1.0)]], [MOUTH]),
    "commodification-gesture": ("commodification", [[("control", "/performer/hand", 0.15, 0.55)],
                                                    [("control", "/performer/hand", 0.85, 0.45)]], [MOUTH]),
    "commodification-echo": ("commodification", [[("audience", "/audience/echo", "no sale")]],
                             [region(0.0, 1.0, 0.0, 1.0)]),
    "echo-message": ("empathy_echo", [[("audience", "/audience/echo", "we see you")]],
                     [region(0.74, 1.0, 0.5, 1.0), region(0.0, 0.74, 0.0, 1.0)]),
    "echo-touch": ("empathy_echo", [[("audience", "/audience/touch", 0.5, 0.25)]], [region(0.27, 0.47, 0.15, 0.35)]),
    "finale-join": ("smiles_for_all", [[("audience", "/audience/join", "ana")]], [region(0.2, 0.8, 0.2, 0.8)]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_input_is_visible_in_the_next_frame(engines, stage_osc, client, case):
    piece, messages, where = CASES[case]
    plain = engines(piece, SIZE, seed=5, strict=True)
    poked = stage_osc(piece, size=SIZE, seed=5, strict=True)
    list(frames(plain, WARMUP))
    list(frames(poked, WARMUP))
    for batch in messages:
        for port, address, *args in batch:
            client.send(poked.osc.ports[port], address, *args)
        assert wait_for(lambda: len(poked.osc.inbox) >= len(batch))
        a = list(frames(plain, 1))[-1].astype(int)
        b = list(frames(poked, 1))[-1].astype(int)
    for r in where:
        share = (np.abs(a[r] - b[r]).max(axis=2) > STRONG).mean()
        assert share > VISIBLE_SHARE, f"{case}: only {share:.2%} of {r} changed visibly"
