"""The audience's phones, with a real gateway process and real WebSocket clients: the protocol, one
path into the audience's state, identity that survives a restarted gateway, moderation, and a
hostile corpus that is refused and counted while another phone carries on unharmed."""
import asyncio
import json
import os
import shutil
import signal
import subprocess
import threading

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from stagecraft.crossings import PhoneLink
from stagecraft.engine.room import QR_ENTRY_S
from stagecraft.output.offline import frames
from stagecraft.piece.gestures import GestureError, button, check_gestures, choice, pad, slider, text

from .conftest import run_cli
from .phones import Live, next_of, origin, phone


def test_gestures_become_the_audience_messages_they_stand_for():
    assert button("buy", "Buy", "/audience/buy").message(None) == ("/audience/buy", ())
    assert button("join", "Join", "/audience/join", name=True).message(None, "Gold Lantern") == \
        ("/audience/join", ("Gold Lantern",))
    vote = slider("vote", "Vote", "/audience/vote", -1, 1)
    assert vote.message(7) == ("/audience/vote", (1.0,)) and vote.message(-0.25) == ("/audience/vote", (-0.25,))
    assert pad("touch", "Touch").message([0.2, 1.5]) == ("/audience/touch", (0.2, 1.0))
    assert choice("barter", "Barter", "/audience/barter", "abcd", pick=2).message([3, 1]) == ("/audience/barter", (3, 1))
    for g, bad in ((vote, float("nan")), (vote, "1"), (vote, True), (pad("t", "T"), [1]),
                   (text("echo", "Echo"), "x" * 141), (text("echo", "Echo"), "   "),
                   (choice("b", "B", "/audience/barter", "abc", pick=2), [1, 1]),
                   (choice("b", "B", "/audience/barter", "abc", pick=2), [0, 3]),
                   (button("buy", "Buy", "/audience/buy"), 5)):
        with pytest.raises(GestureError):
            g.message(bad)


def test_a_piece_cannot_point_a_gesture_at_the_control_port():
    problems = check_gestures([button("go", "Go", "/go"), button("x", "X", "/audience/buy"),
                               button("x", "Again", "/audience/refuse")])
    assert any("'/go' is not an audience address" in p for p in problems)
    assert any("unique" in p for p in problems)


@pytest.fixture
def live(engines):
    made = []

    def make(piece, **phones):
        lv = Live(engines(piece, (160, 90)), **phones)
        made.append(lv)
        return lv
    return make


def test_a_phone_is_welcomed_told_the_piece_and_its_buy_reaches_the_audience(live):
    lv = live("smile_credits")

    async def one(port):
        ws, welcome, manifest = await phone(port)
        await ws.send(json.dumps({"gesture": "buy"}))
        await ws.send(json.dumps({"gesture": "buy"}))
        crowd = await next_of(ws, "crowd")
        await ws.close()
        return welcome, manifest, crowd
    welcome, manifest, crowd = lv.run(one)
    assert welcome["type"] == "welcome" and len(welcome["id"]) == 12 and len(welcome["name"].split()) == 2
    assert manifest["piece"] == "smile_credits" and manifest["title"] == "Smile Credits"
    assert [g["id"] for g in manifest["gestures"]] == ["buy", "refuse", "cheer"]
    assert "specs" not in manifest and all("address" not in g for g in manifest["gestures"])
    assert {"excitement", "polarity", "voters", "echoes", "made", "phones"} <= set(crowd)
    assert lv.until(lambda: lv.e.audience.credits.purchases == 2)
    assert lv.e.audience.contributions[-1].sender == f"phone:{welcome['id']}"
    assert lv.until(lambda: lv.e.counters()["phones_received"] == 2)    # the gateway reports each second
    assert lv.e.counters()["phones_peak"] == 1


def test_a_piece_change_tells_every_phone(live):
    lv = live("smile_credits")
    ready = threading.Event()

    async def watch(port):
        ws, _, first = await phone(port)
        ready.set()
        later = await next_of(ws, "manifest")
        await ws.close()
        return first, later

    def change():
        if ready.is_set() and lv.e.player.name != "forum":
            lv.e.load("forum")
    first, later = lv.run(watch, during=change)
    assert first["piece"] == "smile_credits"
    assert later["piece"] == "forum" and later["gestures"][0] == {
        "id": "vote", "kind": "slider", "label": "Where do you stand?", "min": -1.0, "max": 1.0, "step": 0.02,
        "ends": ["the Bazaar", "the elite"]}


def test_a_phone_comes_back_as_itself_after_the_gateway_is_killed(live):
    lv = live("forum")
    first = lv.run(lambda port: phone(port))[1]
    old = lv.phones.gateways.process.pid
    os.kill(old, signal.SIGKILL)
    assert lv.until(lambda: lv.phones.gateways.process is not None and lv.phones.gateways.process.pid != old
                    and lv.phones.connected == 0 and lv.phones.now_counts != {}, 30)

    async def again(port):
        ws, welcome, manifest = await phone(port)
        await ws.send(json.dumps({"gesture": "vote", "value": 7}))
        await ws.close()
        return welcome, manifest
    welcome, manifest = lv.run(again)
    assert welcome["id"] == first["id"] and welcome["name"] == first["name"]
    assert manifest["piece"] == "forum", "a new gateway is told the piece playing"
    assert lv.until(lambda: lv.e.audience.voters == 1)
    assert lv.e.audience.polarity == 1.0, "the slider's value clamped to its range"
    assert lv.e.counters()["phones_restarts"] == 1


def test_the_phone_path_never_reaches_the_control_addresses(live):
    """Even a message forged at the engine's end of the crossing is an audience message: /go,
    /panic and /piece/load are refused and counted."""
    lv = live("smile_credits")
    rejected = lv.e.counters()["osc_rejected"]
    for address in ("/go", "/panic", "/piece/load", "/blackout"):
        lv.phones._gesture(lv.e.osc.inbox, {"p": "forged", "a": address, "v": []}, 0.0, 0.0)
    lv.e.frame()
    assert lv.e.show.current is None and not lv.e.fade.panicked and not lv.e.fade.blackout
    assert lv.e.player.name == "smile_credits"
    assert lv.e.counters()["osc_rejected"] == rejected + 4


def test_names_are_chosen_and_filtered(live):
    lv = live("smiles_for_all")

    async def rename(port):
        ws, welcome, _ = await phone(port, token="another-phone-token-000")
        await ws.send(json.dumps({"name": "Juno's  Friend"}))
        good = await next_of(ws, "name")
        await ws.send(json.dumps({"name": "sh1t head"}))
        bad = await next_of(ws, "name")
        await ws.send(json.dumps({"gesture": "join"}))
        you = await next_of(ws, "you")
        await ws.close()
        return welcome, good, bad, you
    welcome, good, bad, you = lv.run(rename)
    assert good == {"type": "name", "ok": True, "name": "Juno's Friend"}
    assert bad == {"type": "name", "ok": False, "name": "Juno's Friend"}
    assert lv.e.audience.contributions[-1].name == "Juno's Friend"
    assert you["id"] == welcome["id"] and len(you["smile"]["teeth"]) >= 6, "its own smile, to draw"


def test_moderation_holds_echoes_until_approved_and_bans_for_the_evening(live):
    lv = live("empathy_echo")
    lv.e.hold_echoes(True)
    done = []

    def operator():
        """The operator at the console: approves the first echo to wait, bans the next one's sender."""
        if len(lv.e.moderation.held) == 2 and not done:
            done.append(lv.e.approve())
        elif len(lv.e.moderation.held) == 1 and done == ["approved"]:
            done.append(lv.e.ban())

    async def talk(port):
        ws, welcome, _ = await phone(port)
        for words in ("first", "second", "you are a twat"):
            await ws.send(json.dumps({"gesture": "echo", "value": words}))
        try:
            async with asyncio.timeout(30):
                while True:
                    await ws.recv()
        except ConnectionClosed as exc:
            closed = exc.rcvd.code if exc.rcvd else None
        try:
            await phone(port)
            again = "welcomed"
        except ConnectionClosed as exc:
            again = exc.rcvd.reason if exc.rcvd else "closed"
        return welcome, closed, again
    welcome, closed, again = lv.run(talk, during=operator)
    assert done == ["approved", "banned"]
    assert closed == 1008 and again == "banned for the evening"
    assert [a.text for a in lv.e.audience.echoes] == ["first"], "the held one went, the banned one never came"
    assert lv.until(lambda: lv.e.counters()["phones_rejected_by"].get("words") == 1)
    assert f"phone:{welcome['id']}" in lv.e.moderation.banned


def test_a_hostile_corpus_is_refused_and_counted_while_a_good_phone_carries_on(live):
    lv = live("empathy_echo", per_ip=8)

    async def storm(port):
        good, welcome, _ = await phone(port, token="the-good-phone-token-01")

        async def refused(send, token):
            ws, _, _ = await phone(port, token=token)
            try:
                await send(ws)
                await asyncio.sleep(0.3)
            except ConnectionClosed:
                pass
            await ws.close()

        await refused(lambda ws: ws.send("x" * 600), "oversize-frame-token-01")
        await refused(lambda ws: ws.send(b"\x00\x01\x02"), "binary-frame-token-0001")
        await refused(lambda ws: ws.send("{not json"), "malformed-json-token-01")
        await refused(lambda ws: ws.send('{"gesture": "go"}'), "outside-manifest-tok-01")
        await refused(lambda ws: ws.send('{"gesture": "touch", "value": [NaN, 0.5]}'), "not-a-number-token-001")
        await refused(lambda ws: ws.send(json.dumps({"gesture": "echo", "value": "y" * 10_000})), "ten-thousand-token-001")

        async def flood(ws):
            for _ in range(400):
                await ws.send('{"gesture": "cheer"}')
        await refused(flood, "a-flooding-phone-token-1")
        try:
            await connect(f"ws://127.0.0.1:{port}/ws", origin="http://evil.example")
            foreign = "accepted"
        except InvalidStatus as exc:
            foreign = exc.response.status_code
        admitted = []                           # in each wave of 200 at once, from one address

        async def one_of_a_crowd() -> bool:
            try:
                ws = await connect(f"ws://127.0.0.1:{port}/ws", origin=origin(port))
            except InvalidStatus as exc:
                assert exc.response.status_code == 429
                return False
            await asyncio.sleep(1.0)
            await ws.close()
            return True
        for wave in range(15):                  # 3,000 connections
            admitted.append(sum(await asyncio.gather(*(one_of_a_crowd() for _ in range(200)))))
            await good.send(json.dumps({"gesture": "echo", "value": f"still here {wave}"}))
        await good.close()
        return welcome, foreign, admitted
    welcome, foreign, admitted = lv.run(storm, seconds=240)
    assert foreign == 403
    assert admitted == [7] * 15, "one address holds eight sockets at most (the good phone has one)"
    assert lv.until(lambda: len([a for a in lv.e.audience.echoes if a.text.startswith("still here")]) == 15)
    assert all(a.sender == f"phone:{welcome['id']}" for a in lv.e.audience.echoes)
    reasons = ("size", "binary", "json", "gesture", "value", "rate", "origin", "per-ip")
    assert lv.until(lambda: all(lv.e.counters()["phones_rejected_by"].get(r, 0) > 0 for r in reasons)), \
        lv.e.counters()["phones_rejected_by"]
    assert lv.e.operator.errors == 0


def _read_qr(path) -> str:
    r = subprocess.run(["zbarimg", "--nodbus", "-q", str(path)], capture_output=True, text=True)
    return r.stdout.strip().removeprefix("QR-Code:")


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (Debian zbar-tools) is not installed here")
def test_the_code_on_stage_reads_back_as_the_url(tmp_path):
    """zbarimg reads the code from the rendered frame itself, as a phone's camera would."""
    url = "http://10.1.2.3:8080/"
    r = run_cli("snapshot", "empathy_echo", "--phones", "8080", "--phones-url", url, "-o", str(tmp_path / "s.png"),
                "--size", "960x540", "--at", "1")
    assert r.returncode == 0, r.stderr
    assert _read_qr(tmp_path / "s.png") == url
    r = run_cli("snapshot", "empathy_echo", "-o", str(tmp_path / "plain.png"), "--size", "960x540", "--at", "1")
    assert _read_qr(tmp_path / "plain.png") == "", "no code without phones"
    r = run_cli("qr", "-o", str(tmp_path / "q.png"), "--phones-url", url)
    assert r.returncode == 0 and _read_qr(tmp_path / "q.png") == url


def test_the_code_stands_at_each_entry_for_a_while_and_when_asked(engines):
    e = engines("standby", (320, 180))
    e.room.url = "http://10.1.2.3:8080/"

    def corner(frame):
        return frame[-60:, -60:].mean()
    at_entry = corner(next(iter(frames(e, 1))))
    while e.clock.time < QR_ENTRY_S + 1:
        e.frame()
    later = corner(next(iter(frames(e, 1))))
    e.show_qr(5)
    asked = corner(next(iter(frames(e, 1))))
    assert at_entry > later + 60 and asked > later + 60, (at_entry, later, asked)


def test_the_link_carries_a_loop_turns_gestures_in_few_datagrams_in_order():
    loop_end, gateway_end = PhoneLink.pair()
    gateway = PhoneLink(gateway_end)
    messages = [{"p": f"phone{k:05d}", "a": "/audience/cheer", "v": [], "t": k} for k in range(1500)]
    assert gateway.send_all(messages) == 1500
    datagrams = []
    while True:
        try:
            datagrams.append(loop_end.end.recv(PhoneLink.MAX_BYTES))
        except BlockingIOError:
            break
    assert 1 < len(datagrams) < 10 and all(len(d) <= PhoneLink.MAX_BYTES for d in datagrams)
    gateway.send_all(messages[:3] + [{"named": ["abc", "Quiet Fox"]}])
    gateway.end.send(b'{"p": "x", "a"\n{"named": ["def", "Loud Owl"]}')      # half a message, then one whole
    taken = loop_end.take(4096)
    assert taken == messages[:3] + [{"named": ["abc", "Quiet Fox"]}, {"named": ["def", "Loud Owl"]}]
    assert loop_end.dropped == 1
    loop_end.close()
    gateway.close()
