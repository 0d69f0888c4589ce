"""A cluster without a network: what a director's frame carries decodes to the same inputs, an actor
finds the show to follow in what the server kept, and a director sums its gateways' counts. (The
real thing, over a real nats-server, is tests/test_cluster.py's; here queues stand in for the NATS
connection's thread.)"""
from __future__ import annotations

import json
import queue

import numpy as np
import pygame
import pytest

from stagecraft.cluster.actor import Actor
from stagecraft.cluster.frames import END, audio_fields, batch_fields, decode, encode, stream, subject
from stagecraft.osc.receive import AUDIENCE, Delivery, Sender
from stagecraft.osc.wire import Message
from stagecraft.sound.analysis import Audio, Bands


def record(frame: int, start: dict | None = None, **more) -> dict:
    audio = Audio(0.25, 0.5, Bands(0.1, 0.2, 0.3), True, 0.4, np.linspace(0, 1, 1024, dtype=np.float32).reshape(2, 512))
    sender = Sender("pseudonym", ("10.0.0.7", 5000), None)
    batch = [(Delivery(AUDIENCE, sender, 0.0, ()), Message("/audience/echo", "s", ("hello",))),
             (Delivery(AUDIENCE, sender, 0.0, ()), Message("/audience/blob", "bf", (b"\x00\xff", 0.1)))]
    r = {"frame": frame, "time": frame / 60, "dt": 1 / 60, "wall": 1e9 + frame / 60, "date": [2145.0, 0.0, 1.0, 3.5],
         "beat": [4.25, 120.0, 0.0333, 2], "audio": audio_fields(audio), "mouse": [1.0, 2.0, -3.0, -4.0],
         "keys": [[True, 32, 0, False], [True, 9, 0, True]], "console": ["go"], "osc": [batch_fields(True, batch)], "names": [["phone:x", "Ann"]],
         "qr": "http://10.0.0.2:8080/", "reloaded": [["forum.frag", "0123456789ab", True]], "piece": "forum", "cue": "open floor", "by": "host:1", **more}
    if start is not None:
        r["start"] = start
    return r


def test_a_frame_decodes_to_what_the_director_applied():
    f = decode(encode(record(7)))
    assert (f.index, f.time, f.dt, f.date) == (7, 7 / 60, 1 / 60, (2145.0, 0.0, 1.0, 3.5))
    assert (f.beat.beat, f.beat.tempo, f.beat.span, f.beat.peers) == (4.25, 120.0, 0.0333, 2)
    assert (f.audio.level, f.audio.peak, tuple(f.audio.bands), f.audio.onset, f.audio.voice) == \
        (0.25, 0.5, (0.1, 0.2, 0.3), True, 0.4)
    assert f.audio.texture.dtype == np.float32
    assert np.array_equal(f.audio.texture, np.linspace(0, 1, 1024, dtype=np.float32).reshape(2, 512))
    (moderated, batch), = f.osc
    assert moderated and [(d.role, d.sender.id, m.address, m.tags, m.args) for d, m in batch] == \
        [(AUDIENCE, "pseudonym", "/audience/echo", "s", ("hello",)), (AUDIENCE, "pseudonym", "/audience/blob", "bf",
                                                                       (b"\x00\xff", 0.1))]
    assert all(d.sender.reply is None for d, _ in batch)       # an actor answers no one
    assert f.reloaded == [("forum.frag", "0123456789ab", True)] and decode(encode(record(8, reloaded=None))).reloaded is None
    assert (f.mouse, f.keys, f.console, f.names, f.qr) == ([1.0, 2.0, -3.0, -4.0], [(True, 32, 0, False), (True, 9, 0, True)], ["go"],
                                                            [("phone:x", "Ann")], "http://10.0.0.2:8080/")


@pytest.mark.parametrize("damage", [b"not json", b"{}", json.dumps({**record(1), "audio": [1, 2]}).encode(),
                                    json.dumps({**record(1), "osc": [[True, [["audience", "s"]]]]}).encode()])
def test_a_damaged_frame_is_refused_by_name(damage):
    with pytest.raises(ValueError, match="not a frame of a Stagecraft director"):
        decode(damage)


def test_a_shows_name_is_a_safe_subject_and_stream():
    assert subject("Smiles for All") == "stagecraft.Smiles_for_All.frames"
    assert subject("a.b*>c") == "stagecraft.a_b__c.frames" and stream("a.b*>c") == "STAGECRAFT_a_b__c"


class Kept:
    """What the server kept, as NatsLink.follow delivers it: (bytes, its place in the stream), and
    the last place the stream holds."""

    def __init__(self, messages: list[bytes]):
        self.received = queue.SimpleQueue()
        for k, m in enumerate(messages, 1):
            self.received.put((m, k))
        self.newest = len(messages)


def test_an_actor_passes_over_a_show_that_ended_and_follows_the_one_running():
    old, new = {"run": "old", "audience": "{}"}, {"run": "new", "audience": "{}"}
    kept = [encode(record(0, old)), encode(record(1)), END, encode(record(0, new)), encode(record(1)),
            encode(record(2))]
    actor = Actor(Kept(kept))
    first = actor.first(1.0)
    assert (first.index, first.start["run"], actor.run_id) == (0, "new", "new")
    assert [actor.next(0.0).index for _ in range(2)] == [1, 2] and actor.next(0.01) is None


def test_an_actor_says_plainly_when_the_shows_start_has_aged_out_of_the_stream():
    kept = [encode(record(0, {"run": "old", "audience": "{}"})), END, encode(record(5000)), encode(record(5001))]
    with pytest.raises(ValueError, match="frame 5000: its first frames have aged out"):
        Actor(Kept(kept)).first(5.0)


def test_an_actor_waits_for_a_show_and_says_when_none_comes():
    with pytest.raises(ValueError, match="no show from a director"):
        Actor(Kept([encode(record(0, {"run": "x", "audience": "{}"})), END])).first(0.2)


class Subjects:
    """What house.Gateways needs of a NatsLink: a queue per subject listened to, and what it said."""

    def __init__(self):
        self.heard, self.said = {}, []

    def listen(self, subject):
        return self.heard.setdefault(subject, queue.SimpleQueue())

    def say(self, subject, data):
        self.said.append((subject, data))


def test_the_director_sums_its_gateways_and_keeps_a_gone_ones_counts(monkeypatch):
    from stagecraft.cluster import house
    from stagecraft.cluster.house import Gateways, lines, subjects
    from stagecraft.phones.client import Phones
    from stagecraft.crossings import OscInbox
    now = [100.0]
    monkeypatch.setattr(house.time, "monotonic", lambda: now[0])
    link = Subjects()
    phones = Phones(Gateways(link, "The Forum", secret="tonight"))
    up, down = subjects("The Forum")
    inbox = OscInbox()

    def hear(*messages):
        link.heard[up].put(lines(list(messages)))
        phones.drain(inbox)
    hear({"counts": {"connected": 700, "peak": 700, "received": 5000, "rejected": {"rate": 3}}, "g": "a"},
         {"counts": {"connected": 300, "peak": 310, "received": 2000, "rejected": {"rate": 1}}, "g": "b"},
         {"p": "x1", "a": "/audience/vote", "v": [0.5], "t": 0.0})
    c = phones.counters()
    assert (c["phones_connected"], c["phones_received"], c["phones_rejected"], c["phones_delivered"]) == \
        (1000, 7000, 4, 1)
    hello = [json.loads(data) for s, data in link.said if s == down]
    assert hello and hello[0] == {"type": "hello", "secret": "tonight", "piece": None}
    hear({"gone": True, "g": "b"})                      # b's relay stopped
    c = phones.counters()
    assert (c["phones_connected"], c["phones_received"], c["phones_rejected"]) == (700, 7000, 4)
    now[0] += 6.0                                       # a's machine went silent: it counts no phones
    hear({"counts": {"connected": 5, "peak": 5, "received": 10, "rejected": {}}, "g": "c"})
    c = phones.counters()
    assert (c["phones_connected"], c["phones_received"], c["phones_peak"]) == (5, 7010, 700)


def test_keys_are_sent_as_they_were_judged_and_an_actor_keeps_the_local_ones_to_its_keyboard(tmp_path):
    """The director judges each key as the frame handles it: an M opens the mapping editor, so the
    arrow after it in the same frame is the editor's (each machine maps its own), and the arrow
    after the next M is the show's again. An actor's keyboard texture sees the local keys too, so a
    shader reading it renders the same, but they do nothing else there."""
    from stagecraft.output.offline import offline_engine
    from stagecraft.projection.mapping import load
    from stagecraft.picture.senses import key_code
    from .conftest import ROOT, close_all

    def key(k, down=True):
        return pygame.event.Event(pygame.KEYDOWN if down else pygame.KEYUP, key=k, mod=0, unicode="", scancode=0)

    (tmp_path / "mapping.toml").write_text((ROOT / "tests" / "projection" / "two.toml").read_text())
    checker = str(ROOT / "tests" / "pieces" / "checker.py")
    director = offline_engine(checker, (320, 180), mapping=load(tmp_path / "mapping.toml"))
    actor_engine = offline_engine(checker, (320, 180))
    try:
        corner = director.projection.mapping.outputs[0].corners[0]
        director.controls.handle([key(pygame.K_m), key(pygame.K_UP), key(pygame.K_UP, False), key(pygame.K_m),
                                  key(pygame.K_b)])
        assert director.projection.mapping.outputs[0].corners[0] != corner, "the editor took the first arrow"
        sent = [(down, k, local) for down, k, _, local in director.controls.keys]
        assert sent == [(True, pygame.K_m, True), (True, pygame.K_UP, True), (False, pygame.K_UP, True),
                        (True, pygame.K_m, True), (True, pygame.K_b, False)]

        actor = Actor(Kept([]))
        actor.current = decode(encode(record(1, keys=[[True, pygame.K_TAB, 0, True], [False, pygame.K_TAB, 0, True],
                                                      [True, pygame.K_b, 0, False]], console=[])))
        overlay = actor_engine.overlay.visible
        actor_engine.controls.handle(*actor.controls(actor_engine))
        assert actor_engine.overlay.visible == overlay, "Tab is the director's own: no overlay here"
        assert actor_engine.fade.blackout, "B is the show's"
        tab = key_code(pygame.K_TAB)
        assert actor_engine.controls.keyboard.rows[1:, tab].tolist() == [255, 255], "yet the texture saw Tab"
    finally:
        close_all([director, actor_engine])


def test_a_relay_whose_gateway_restarts_tells_the_director_so_its_counts_are_not_lost():
    """A gateway process counts from zero; a relay that restarts it reports the new one as another
    gateway and the old one gone, so the director folds the old counts into the evening's past (the
    test above) instead of overwriting them with the new one's zeros."""
    from stagecraft.cluster.house import Relay, subjects, unlines
    from .conftest import wait_for
    link, operator = Subjects(), []
    relay = Relay(link, "The Forum", 0, secret="tonight", piece=None, per_ip=8, max_phones=10, host="127.0.0.1",
                  tell=lambda line, **_: operator.append(line))
    up = subjects("The Forum")[0]

    def said() -> list[dict]:
        return [m for s, data in link.said if s == up for m in unlines(data)]

    def told() -> list[dict]:
        relay.step()
        return said()
    try:
        assert wait_for(lambda: any("counts" in m for m in told()), seconds=20.0)
        first = next(m["g"] for m in told() if "counts" in m)
        relay.gateway.process.kill()
        assert wait_for(lambda: any("counts" in m and m["g"] != first for m in told()), seconds=20.0)
        heard = told()
        assert relay.gateway.restarts == 1
        gone = heard.index({"gone": True, "g": first})
        again = next(k for k, m in enumerate(heard) if "counts" in m and m["g"] != first)
        assert gone < again and [m for m in heard[again:] if "counts" in m and m["g"] == first] == []
    finally:
        relay.shut()
    assert said()[-1] == {"gone": True, "g": f"{relay.id}/1"}
    assert any("restarted it" in line for line in operator)


class Published:
    """What a Director needs of a NatsLink: a stream to open, and what it published (then END)."""
    superseded, aged_out = None, False

    def __init__(self):
        self.sent = []

    def open_stream(self, *_, **__):
        pass

    def publish(self, subject, data, key):
        self.sent.append(data)

    def flush(self, seconds):
        pass

    def close(self):
        pass


def test_an_actor_starts_from_the_audience_before_frame_0_so_a_join_in_it_counts_once(stage_osc, client):
    """A phone that joins in the director's first frame (the doors opened before the show) is in
    frame 0's OSC; the audience an actor starts from is the one before it, or every actor applies
    that join twice and renders another show (a CI run under load once did: 899 frames of 899)."""
    from stagecraft.cli.cluster import attach
    from stagecraft.cluster.director import Director
    from .conftest import wait_for
    engine = stage_osc("smiles_for_all")
    director = Director(Published(), "doors")
    attach(engine, director)
    client.send(engine.osc.ports["audience"], "/audience/join", "early")
    assert wait_for(lambda: len(engine.osc.inbox) >= 1)
    engine.frame()
    first = decode(director.link.sent[0])
    assert first.index == 0 and [m.address for _, batch in first.osc for _, m in batch] == ["/audience/join"]
    assert json.loads(first.start["audience"])["contributions"] == [], "the join is frame 0's, not the start's"
    assert json.loads(engine.audience.dump())["made"] == 1
