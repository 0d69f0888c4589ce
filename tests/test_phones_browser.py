"""The audience's page in a real browser: Debian's chromium driven by Playwright (through its
executable path: never a downloaded browser), in a phone's shape (390x844, touch). A tap reaches
the piece and changes the picture where the piece says it does; the slider clamps; a new piece
redraws the page; a killed gateway is survived under the same pseudonym. Each piece's page is
kept as a screenshot in out/phones/ (look at them)."""
import os
import shutil
import signal
from pathlib import Path

import numpy as np
import pytest

from stagecraft.output.offline import frames

from .conftest import ROOT
from .phones import Live

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "out" / "phones"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason="Debian's chromium is not installed here (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture
def phone(browser):
    contexts = []

    def open_(port):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("#status:text-is('connected')", timeout=20_000)
        return page
    yield open_
    for ctx in contexts:
        ctx.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_tap_on_buy_changes_the_picture_where_smile_credits_says(engines, phone):
    """Two engines in lockstep, the same piece and seed: one hears the phone. Their frames part
    only after the purchase, and where a purchase shows: the big smile and its HUD."""
    lv = Live(engines("smile_credits", (320, 180)))
    twin = engines("smile_credits", (320, 180))
    while twin.clock.frame < lv.e.clock.frame:
        twin.frame()
    lv.e.room.qr_until = twin.room.qr_until = -1.0      # the code on stage is not what is compared
    page = phone(lv.port)
    shot(page, "smile_credits")
    page.get_by_role("button", name="Buy a better smile").tap()
    both = []

    def step():
        both.append((next(iter(frames(lv.e, 1))), next(iter(frames(twin, 1)))))
    assert lv.until(lambda: lv.e.audience.credits.purchases == 1, during=step)
    bought = len(both)
    for _ in range(45):
        step()
    assert all(np.array_equal(a, b) for a, b in both[:bought - 1]), "the same until the purchase"
    diff = np.abs(both[-1][0].astype(int) - both[-1][1].astype(int)).sum(axis=2) > 24
    h, w = diff.shape
    centre = diff[int(0.2 * h):int(0.8 * h), int(0.25 * w):int(0.75 * w)]
    assert centre.mean() > 0.01, "the big smile changed"
    assert centre.mean() > diff.mean() * 0.8, "mostly there, not everywhere"


def test_the_slider_clamps_and_a_new_piece_redraws_the_page(engines, phone):
    lv = Live(engines("forum", (160, 90)))
    page = phone(lv.port)
    shot(page, "forum")
    page.eval_on_selector("input[type=range]", "r => { r.value = 7; r.dispatchEvent(new Event('change')); }")
    assert lv.until(lambda: lv.e.audience.voters == 1)
    assert lv.e.audience.polarity == 1.0
    for piece, selector in (("smile_bazaar", "[data-gesture=barter] button"), ("commodification", "[data-gesture=echo] input"),
                            ("empathy_echo", ".pad"), ("smiles_for_all", "text=Join the Collective")):
        lv.e.load(piece)
        lv.until(lambda: lv.e.player.name == piece)
        page.wait_for_selector(selector, timeout=20_000)
        assert page.get_attribute("body", "data-piece") == piece
        shot(page, piece)


def test_a_killed_gateway_is_survived_under_the_same_pseudonym(engines, phone):
    lv = Live(engines("empathy_echo", (160, 90)))
    page = phone(lv.port)
    who = page.get_attribute("body", "data-pseudonym")
    page.fill("[data-gesture=echo] input", "hello from a phone")        # typed before, sent after
    os.kill(lv.phones.gateways.process.pid, signal.SIGKILL)
    page.wait_for_selector("#status:text-is('reconnecting')", timeout=20_000)
    assert lv.until(lambda: page.text_content("#status") == "connected", seconds=60)
    assert page.get_attribute("body", "data-pseudonym") == who
    lv.until(lambda: False, seconds=1.0)        # the restarted gateway's manifest arrives: the page is kept
    assert page.input_value("[data-gesture=echo] input") == "hello from a phone"
    page.get_by_role("button", name="Send").tap()
    assert lv.until(lambda: any(a.text == "hello from a phone" for a in lv.e.audience.echoes))
    assert lv.e.audience.echoes[-1].sender == f"phone:{who}"
