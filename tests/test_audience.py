"""The audience's shared state: what it accumulates, its bounds, and its life on disk."""
import json

import pytest

from stagecraft.audience import state as aud
from stagecraft.audience.state import Act, Audience, AudienceFile, AudienceView, clean_text
from stagecraft.show.operator import Operator

from .conftest import Collect


def feed(a: Audience, *acts) -> None:
    for act in acts:
        a.take(act)


def test_cheers_raise_the_excitement_and_it_halves_every_half_life():
    a = Audience()
    feed(a, *[Act("cheer", f"s{i}", 0.0, amount=1.0) for i in range(5)])
    assert a.excitement == pytest.approx(5 * aud.CHEER_STEP)
    a.begin_frame(aud.EXCITEMENT_HALF_LIFE_S)
    assert a.excitement == pytest.approx(2.5 * aud.CHEER_STEP)
    feed(a, *[Act("cheer", "s", 0.0, amount=1.0)] * 100)
    assert a.excitement == 1.0


def test_polarity_is_each_voters_latest_vote_averaged():
    a = Audience()
    feed(a, Act("vote", "a", 0, amount=1.0), Act("vote", "a", 0, amount=1.0), Act("vote", "b", 0, amount=-0.5))
    assert a.polarity == pytest.approx(0.25) and a.voters == 2
    feed(a, Act("vote", "a", 0, amount=-1.0))
    assert a.polarity == pytest.approx(-0.75)


def test_spread_says_how_divided_the_room_is():
    a = Audience()
    assert a.spread == 0.0
    feed(a, *[Act("vote", f"e{i}", 0, amount=1.0) for i in range(4)])
    assert a.spread == pytest.approx(0.0) and a.polarity == 1.0
    feed(a, *[Act("vote", f"b{i}", 0, amount=-1.0) for i in range(4)])
    assert a.spread == pytest.approx(1.0) and a.polarity == pytest.approx(0.0)
    feed(a, *[Act("vote", f"b{i}", 0, amount=1.0) for i in range(4)])
    assert a.spread == pytest.approx(0.0, abs=1e-6)


def test_a_forgotten_member_takes_their_vote_along(monkeypatch):
    monkeypatch.setattr(aud, "MAX_MEMBERS", 3)
    a = Audience()
    feed(a, Act("vote", "old", 0, amount=1.0), *[Act("cheer", f"n{i}", 0, amount=0.0) for i in range(3)])
    assert len(a.members) == 3 and a.voters == 0 and a.polarity == 0.0


def test_this_frames_acts_come_in_order_and_are_gone_next_frame():
    a = Audience()
    view = AudienceView(a)
    feed(a, Act("buy", "x", 1.0, amount=2), Act("echo", "y", 1.0, text="hi"), Act("buy", "z", 1.0, amount=5))
    assert [b.amount for b in view.new("buy")] == [2, 5]
    assert view.new("echo")[0].text == "hi" and view.new("touch") == ()
    a.begin_frame(1 / 60)
    assert view.new("buy") == () and [e.text for e in view.echoes] == ["hi"]
    with pytest.raises(ValueError, match="no audience act 'purchase'"):
        view.new("purchase")


def test_the_view_cannot_change_the_audience():
    view = AudienceView(Audience())
    with pytest.raises(AttributeError):
        view.excitement = 1.0
    assert not hasattr(view, "take")


def test_contributions_record_who_what_and_a_seed_that_replays():
    def evening():
        a = Audience(salt="fixed")
        feed(a, Act("join", "p1", 1.0, text="Ada"), Act("buy", "p1", 2.0, amount=3),
             Act("barter", "p2", 3.0, smiles=(4, 9)), Act("refuse", "p2", 4.0), Act("cheer", "p2", 4.0, amount=1))
        return a
    first, again = evening(), evening()
    got = list(first.contributions)
    assert [(c.kind, c.sender, c.name, c.ints) for c in got] == [
        ("join", "p1", "Ada", ()), ("buy", "p1", "Ada", (3,)), ("barter", "p2", "", (4, 9)), ("refuse", "p2", "", ())]
    assert [c.seed for c in got] == [c.seed for c in again.contributions]
    assert len({c.seed for c in got}) == 4
    assert first.credits == aud.Credits(spent=3, purchases=1, refusals=1, barters=1)


def test_every_collection_is_bounded(monkeypatch):
    monkeypatch.setattr(aud, "MAX_PER_SENDER", 5)
    a = Audience()
    feed(a, *[Act("buy", "greedy", 0, amount=1) for _ in range(50)])
    assert len(a.contributions) == 5 and a.credits.purchases == 50, "the ledger counts; the mosaic is shared"
    feed(a, *[Act("echo", f"s{i}", 0, text="x") for i in range(aud.MAX_ECHOES + 10)])
    assert len(a.echoes) == aud.MAX_ECHOES
    feed(a, *[Act("join", f"m{i}", 0) for i in range(aud.MAX_CONTRIBUTIONS + 10)])
    assert len(a.contributions) == aud.MAX_CONTRIBUTIONS and a.made == aud.MAX_CONTRIBUTIONS + 15


@pytest.mark.parametrize("raw, clean", [
    ("  hello   world \n", "hello world"),
    ("evil\u202etxt.exe", "eviltxt.exe"),                 # a bidi override
    ("zero\u200bwidth\x00\x07", "zerowidth"),
    ("line\nbreak\ttab", "line break tab"),
    ("e\u0301", "\u00e9"),                                 # NFC
    ("Z" + "\u0336" * 30 + "algo", "Z\u0336\u0336algo"),
    ("x" * 200, "x" * 140),
    ("\u2028\u2029", ""),
])
def test_text_from_the_audience_is_cleaned_and_capped(raw, clean):
    assert clean_text(raw, 140) == clean


def full_audience() -> Audience:
    a = Audience()
    feed(a, Act("join", "p", 1.0, text="Ada"), Act("vote", "p", 1.0, amount=-0.5), Act("echo", "p", 1.5, text="hi"),
         Act("buy", "q", 2.0, amount=7), Act("cheer", "q", 2.0, amount=0.5))
    return a


def test_saved_and_restored_the_audience_is_the_same(tmp_path):
    store = AudienceFile(tmp_path / "a" / "audience.json", Operator(stream=Collect()))
    a = full_audience()
    assert store.save(a) and not a.dirty
    assert not list(tmp_path.glob("a/*.tmp"))
    back = store.load()
    assert json.loads(back.dump()) == json.loads(a.dump())
    assert back.contributions == a.contributions and list(back.echoes) == list(a.echoes)
    assert back.polarity == -0.5 and back.sender_id("10.0.0.1") == a.sender_id("10.0.0.1")


def test_a_failing_save_keeps_the_show_going_and_is_told_once(tmp_path):
    (tmp_path / "blocker").write_text("a file where the folder should be")
    stream = Collect()
    store = AudienceFile(tmp_path / "blocker" / "audience.json", Operator(stream=stream))
    a = full_audience()
    assert not store.save(a) and not store.save(a)
    assert stream.text.count("cannot save the audience") == 1 and a.dirty
    store.path = tmp_path / "ok.json"
    assert store.save(a)
    assert "saving the audience to" in stream.text and json.loads(store.path.read_text())["made"] == 2


def test_an_unreadable_file_is_kept_aside_and_the_show_starts_empty(tmp_path):
    path = tmp_path / "audience.json"
    path.write_text("{ half a file")
    stream = Collect()
    a = AudienceFile(path, Operator(stream=stream)).load()
    assert a.made == 0 and not path.exists()
    assert "could not be read" in stream.text and len(list(tmp_path.glob("audience-*.json"))) == 1


def test_a_missing_file_is_a_first_night():
    assert AudienceFile("/nonexistent/dir/a.json", Operator(stream=Collect())).load().made == 0
