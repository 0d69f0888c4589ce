"""OSC end to end, over real loopback sockets into an engine whose frames the test steps.

Waits here are for another thread to receive a datagram (generous, never speed assertions).
"""
import json
import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stagecraft.audience.state import ECHO_CHARS
from stagecraft.piece.cues import GO_GUARD_S
from stagecraft.output.offline import offline_engine
from stagecraft.show.operator import Operator
from stagecraft.osc.hub import BUDGET
from stagecraft.osc.limits import RateLimits
from stagecraft.osc.receive import Delivery, Sender
from stagecraft.osc.replies import packet
from stagecraft.osc.wire import Message, SlipFrames, decode, slip_encode, timetag_at

from .conftest import LISTENER, SMALL, Client, Collect, close_all, wait_for
from .test_osc_wire import CORPUS, bundle


def queued(e, n):
    assert wait_for(lambda: len(e.osc.inbox) >= n), f"only {len(e.osc.inbox)} of {n} messages arrived"


def counted(e, key, n):
    assert wait_for(lambda: e.osc.counters()[key] >= n), e.osc.counters()


def seen(e):
    return e.player.state["seen"][-1]


def test_a_message_received_before_a_frame_is_visible_in_that_frame(stage_osc, client):
    e = stage_osc()
    e.frame()
    ports = e.osc.ports
    client.send(ports["control"], "/current/level", 0.25)
    client.send(ports["control"], "/performer/voice", 0.7)
    client.send(ports["control"], "/performer/hand", 0.1, 0.9)
    client.send(ports["audience"], "/audience/echo", "first")
    queued(e, 4)
    e.frame()
    assert seen(e)["level"] == 0.25 and seen(e)["echo"] == ["first"]
    assert seen(e)["voice"] == pytest.approx(0.7) and seen(e)["hand"] == pytest.approx((0.1, 0.9))
    e.frame()
    assert seen(e)["echo"] == [], "an act belongs to the frame it arrived in"


def test_continuous_values_coalesce_and_events_keep_every_one_in_order(stage_osc, client, monkeypatch):
    e = stage_osc()
    sets = []
    real_set = e.player.params.set
    monkeypatch.setattr(e.player.params, "set", lambda name, v: (sets.append((name, v)), real_set(name, v)))
    port = e.osc.ports["control"]
    for i in range(50):
        client.send(port, "/current/level", i / 100)
        client.send(port, "/current/poke")
    for word in ("a", "b", "c"):
        client.send(port, "/audience/echo", word)
    queued(e, 103)
    e.frame()
    assert sets == [("level", pytest.approx(0.49))], "the latest value per address, once"
    assert seen(e)["poke"] == 50 and seen(e)["echo"] == ["a", "b", "c"]


def test_a_bundle_applies_in_one_frame_in_order(stage_osc, client):
    e = stage_osc()
    msgs = [packet("/audience/echo", w) for w in "xyz"] + [packet("/current/level", 0.5)]
    client.raw(e.osc.ports["control"], bundle(1, *msgs))
    queued(e, 4)
    e.frame()
    assert seen(e)["echo"] == ["x", "y", "z"] and seen(e)["level"] == 0.5


def test_a_future_bundle_waits_for_its_time_and_a_far_one_is_refused(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["control"]
    client.raw(port, bundle(timetag_at(time.time() + 0.3), packet("/audience/echo", "later")))
    client.raw(port, bundle(timetag_at(time.time() + 3600), packet("/audience/echo", "wrong clock")))
    queued(e, 1)
    counted(e, "osc_rejected", 1)
    e.frame()
    assert seen(e)["echo"] == [] and len(e.osc.schedule) == 1
    time.sleep(0.35)
    e.frame()
    assert seen(e)["echo"] == ["later"] and len(e.osc.schedule) == 0


def test_the_audience_port_takes_audience_addresses_only_and_never_answers(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["audience"]
    for address, args in [("/go", ()), ("/piece/load", ("calibration",)), ("/current/level", (1.0,)),
                          ("/blackout", (1,)), ("/panic", ()), ("/audience/*", ()), ("/updates", (1,))]:
        client.send(port, address, *args)
    counted(e, "osc_rejected", 7)
    for _ in range(3):
        e.frame()
    assert e.show.current is None and seen(e)["level"] == 0.0 and not e.fade.panicked
    assert client.replies(wait=0.3) == []


def test_audience_values_are_clamped_and_bad_ones_refused(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["audience"]
    client.send(port, "/audience/vote", 7.0)
    client.send(port, "/audience/echo", "é" * 500)
    client.send(port, "/audience/barter", 3, 2.0)     # Pd sends floats; a whole float is a number
    client.send(port, "/audience/touch", 0.5)          # one coordinate short
    client.send(port, "/audience/echo", 5)
    client.send(port, "/audience/cheer")
    queued(e, 6)
    e.frame()
    a = e.audience
    assert a.polarity == 1.0 and len(a.echoes[0].text) == ECHO_CHARS
    assert a.contributions[0].ints == (3, 2) and a.excitement > 0
    assert e.osc.counters()["osc_rejected"] == 2


def test_one_flooding_sender_is_cut_to_its_bucket(stage_osc, client):
    e = stage_osc(listen={"audience_limits": RateLimits(rate=0.001, burst=5)})
    for i in range(40):
        client.send(e.osc.ports["audience"], "/audience/cheer", 1.0)
    counted(e, "osc_received", 40)
    e.frame()
    c = e.osc.counters()
    assert len(e.player.stage.audience.new("cheer")) == 5 and c["osc_rate_limited"] == 35


def _outside_address():
    """A local address that is not loopback, if this machine has one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("198.51.100.1", 9))
        host = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if host.startswith("127.") else host


def test_the_control_port_refuses_senders_outside_the_allowlist(stage_osc):
    host = _outside_address()
    if host is None:
        pytest.skip("this machine has no address but loopback to send from")
    e = stage_osc(listen={"allow": "10.99.0.0/16"})
    outsider = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    outsider.bind((host, 0))
    try:
        outsider.sendto(packet("/go"), (host, e.osc.ports["control"]))
        counted(e, "osc_rejected", 1)
        e.frame()
        assert e.show.current is None
    finally:
        outsider.close()
    inside = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # loopback is always the operator's
    inside.sendto(packet("/go"), ("127.0.0.1", e.osc.ports["control"]))
    inside.close()
    queued(e, 1)
    e.frame()
    assert e.show.current.name == "one"


def test_a_passcode_locks_the_control_port_until_connect(stage_osc, client):
    e = stage_osc(listen={"passcode": "smile"})
    port = e.osc.ports["control"]
    client.send(port, "/go")
    client.send(port, "/connect", "frown")
    assert client.replies() == [("/reply/connect", ('{"address":"/connect","status":"badpass"}',))]
    client.send(port, "/connect", "smile")
    client.send(port, "/go")
    queued(e, 2)
    e.frame()
    assert e.show.current.name == "one"
    got = dict(client.replies(2))
    assert json.loads(got["/reply/connect"][0])["status"] == "ok"
    assert json.loads(got["/reply/go"][0])["data"]["cue"] == "one"
    assert e.osc.counters()["osc_rejected"] == 2


def test_commands_are_answered_as_qlab_does(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["control"]
    for address, args in [("/go", ()), ("/nope", ()), ("/current/level", ("high",)), ("/thump", ()),
                          ("/cue/two/start", ()), ("/piece/load", ("/tmp/evil.py",))]:
        client.send(port, address, *args)
    queued(e, 6)
    e.frame()
    got = {a: json.loads(args[0]) for a, args in client.replies(6)}
    assert got["/reply/go"] == {"address": "/go", "status": "ok", "data": {"cue": "one", "number": "1", "standby": "two"}}
    assert got["/reply/nope"]["status"] == "error" and got["/reply/nope"]["data"] == "no such address"
    assert "expected a number, got a string" in got["/reply/current/level"]["data"]
    assert got["/reply/thump"]["data"] == "thump" and got["/reply/cue/two/start"]["status"] == "ok"
    assert got["/reply/piece/load"]["data"] == "no piece '/tmp/evil.py' in pieces/"
    assert seen(e)["level"] == 0.5, "/cue/two/start fired cue two"
    assert e.show.standby.name == "two", "/start leaves the playhead where it is"


def test_updates_push_state_to_subscribers(stage_osc, client):
    e = stage_osc()
    client.send(e.osc.ports["control"], "/updates", 1)
    client.send(e.osc.ports["audience"], "/audience/buy", 4)
    queued(e, 2)
    e.frame()
    got = dict(client.replies(2))
    state = json.loads(got["/update"][0])
    assert state["piece"] == "listener" and state["audience"]["credits"]["spent"] == 4
    assert json.loads(got["/reply/updates"][0])["data"] == "subscribed"


def test_tcp_with_slip_frames_on_the_same_port(stage_osc):
    e = stage_osc()
    with socket.create_connection(("127.0.0.1", e.osc.ports["control"]), timeout=2) as conn:
        stream = slip_encode(packet("/current/level", 0.75)) + slip_encode(packet("/go"))
        conn.sendall(stream[:7])
        conn.sendall(stream[7:])
        queued(e, 2)
        e.frame()
        frames = SlipFrames()
        got = []
        while len(got) < 1:
            got += frames.feed(conn.recv(4096))
        assert decode(got[0])[0][1].address == "/reply/go"
    assert seen(e)["level"] == 0.75 and e.show.current.name == "one"


def test_double_go_protection_covers_osc_and_the_keyboard_alike(engines):
    e = engines(LISTENER)
    sender = Sender("s", ("test",), None)
    go = Delivery("control", sender, 0.0, ((None, Message("/go", "", ())),))
    e.osc.inbox.put(go, 1)
    e.osc.inbox.put(go, 1)
    e.frame()
    assert e.show.current.name == "one" and e.osc.rejected == 1
    e.go()
    assert e.show.current.name == "one", "Space straight after an OSC GO is a bounce"
    for _ in range(int(GO_GUARD_S * e.clock.rate) + 1):
        e.frame()
    assert e.go().name == "two"


def test_panic_fades_over_its_time_holds_and_reset_clears_it(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["control"]
    client.send(port, "/current/level", 0.3)
    client.send(port, "/go")
    client.send(port, "/panicInTime", 0.5)
    queued(e, 3)
    e.frame()
    levels = [e.fade.level]
    for _ in range(20):
        e.frame()
        levels.append(e.fade.level)
    assert levels[7] > 0 and levels[17] == 0.0, "half a second at 30 fps"
    e.set_blackout(False)
    e.frame()
    assert e.fade.level == 0.0 and "PANIC" in e.status_lines()[0]
    client.send(port, "/reset")
    queued(e, 1)
    for _ in range(20):
        e.frame()
    held = seen(e)["level"]
    for _ in range(5):
        e.frame()
    assert e.fade.level == 1.0 and e.show.standby.name == "one"
    assert 0.3 < held == seen(e)["level"], "/reset stopped cue one's glide where it was"


def test_a_refused_parameter_value_is_told_to_the_operator_once(stage_osc, client):
    e = stage_osc("calibration")
    for _ in range(3):
        client.send(e.osc.ports["control"], "/current/tint", "not a colour")
        queued(e, 1)
        e.frame()
    assert e.operator.stream.text.count("a value for tint was refused") == 1
    assert e.osc.counters()["osc_rejected"] == 3


def test_patterns_reach_every_address_they_match(stage_osc, client):
    e = stage_osc("calibration")
    client.send(e.osc.ports["control"], "/{calibration,current}/[gs]*", 1.0)
    queued(e, 1)
    e.frame()
    assert e.player.params.target("sweep_speed") == 1.0 and e.player.params.get("grid") == 4


def test_piece_load_switches_and_the_addresses_follow(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["control"]
    client.send(port, "/piece/load", "calibration")
    client.send(port, "/calibration/grid", 20)
    queued(e, 2)
    e.frame()
    assert e.player.name == "calibration" and e.player.params.get("grid") == 20


def test_a_flood_is_applied_over_frames_never_all_in_one(engines):
    e = engines(LISTENER)
    sender = Sender("s", ("test",), None)
    poke = Delivery("control", sender, 0.0, tuple((None, Message("/current/poke", "", ())) for _ in range(1000)))
    total = 3 * BUDGET
    for _ in range(total // 1000):
        assert e.osc.inbox.put(poke, 1000)
    pokes = []
    while len(e.osc.inbox) or not pokes:
        e.frame()
        pokes.append(seen(e)["poke"])
    assert max(pokes) <= BUDGET and sum(pokes) == total // 1000 * 1000 and len(pokes) >= 3


def test_malformed_packets_are_dropped_and_the_port_keeps_working(stage_osc, client):
    e = stage_osc()
    for name, data in CORPUS.items():
        if data and len(data) < 65000:
            client.raw(e.osc.ports["control"], data)
            client.raw(e.osc.ports["audience"], data)
    sent = 2 * sum(1 for d in CORPUS.values() if d and len(d) < 65000)
    counted(e, "osc_malformed", sent)
    client.send(e.osc.ports["audience"], "/audience/echo", "still here")
    queued(e, 1)
    e.frame()
    assert seen(e)["echo"] == ["still here"]


@pytest.fixture(scope="module")
def fuzz_target():
    e = offline_engine(LISTENER, SMALL, operator=Operator(stream=Collect()))
    e.osc.listen(osc_port=0, audience_port=0, audience_limits=RateLimits(rate=1e9, burst=1e9))
    c = Client()
    yield e, c
    c.close()
    close_all([e])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=96), min_size=1, max_size=8))
def test_fuzzed_datagrams_never_stop_the_receiver_or_the_frame(fuzz_target, data):
    e, client = fuzz_target
    for d in data:
        client.raw(e.osc.ports["control"], d)
        client.raw(e.osc.ports["audience"], b"/audience/" + d)
    client.send(e.osc.ports["audience"], "/audience/echo", "sentinel")
    assert wait_for(lambda: (e.frame(), "sentinel" in seen(e)["echo"])[1])


def test_playhead_and_blackout_commands(stage_osc, client):
    e = stage_osc()
    port = e.osc.ports["control"]
    client.send(port, "/playhead/next")
    client.send(port, "/blackout", True)
    client.send(port, "/master/volume", 0.4)
    queued(e, 3)
    e.frame()
    assert e.show.standby.name == "two" and e.fade.blackout and e.master_volume == pytest.approx(0.4)
    client.send(port, "/playhead/previous")
    client.send(port, "/blackout", 0)
    client.send(port, "/cue/2/go")
    queued(e, 3)
    e.frame()
    assert not e.fade.blackout and e.show.current.name == "two"

