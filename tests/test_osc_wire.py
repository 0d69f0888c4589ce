"""Our OSC decoder against python-osc's encoder, a corpus of malformed packets, and fuzzing.

Every packet here that must be refused is one python-osc mishandles or a close relative: its
parser loops forever on a negative bundle element size, raises on bad UTF-8 and deep nesting,
shifts the arguments after an unknown tag and lets NaN through.
"""
import math
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pythonosc.osc_bundle_builder import IMMEDIATELY as PYTHON_OSC_NOW, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder

from stagecraft.osc.wire import (IMMEDIATELY, MAX_DEPTH, MAX_MESSAGES, MAX_TAGS, Malformed, Message, SlipFrames, decode,
                                 seconds_until, slip_encode, timetag_at)


def message(address, *args) -> bytes:
    b = OscMessageBuilder(address)
    for a in args:
        b.add_arg(a)
    return b.build().dgram


def bundle(timetag, *contents) -> bytes:
    return b"#bundle\x00" + struct.pack(">Q", timetag) + b"".join(struct.pack(">i", len(c)) + c for c in contents)


def pad(b: bytes) -> bytes:
    return b + b"\x00" * (4 - len(b) % 4)


def test_messages_decode_with_every_type_python_osc_writes():
    got = decode(message("/a/b", 7, 2.5, "héllo", True, False, None, b"\x01\x02\x03", 2 ** 40))
    assert got == [(IMMEDIATELY, Message("/a/b", "ifsTFNbh", (7, 2.5, "héllo", True, False, None,
                                                               b"\x01\x02\x03", 2 ** 40)))]


def test_liblo_types_double_symbol_char_impulse_and_no_tags():
    raw = (pad(b"/x") + pad(b",dScI") + struct.pack(">d", 0.125) + pad(b"sym") + struct.pack(">i", ord("Q")))
    assert decode(raw)[0][1] == Message("/x", "dScI", (0.125, "sym", "Q", None))
    assert decode(pad(b"/old"))[0][1] == Message("/old", "", ())


def test_bundles_flatten_in_order_with_their_own_timetags():
    inner = bundle(timetag_at(2e9), message("/c", 3))
    raw = bundle(IMMEDIATELY, message("/a", 1), inner, message("/b", 2))
    got = decode(raw)
    assert [m.address for _, m in got] == ["/a", "/c", "/b"]
    assert [t for t, _ in got] == [IMMEDIATELY, timetag_at(2e9), IMMEDIATELY]
    built = OscBundleBuilder(PYTHON_OSC_NOW)
    built.add_content(OscMessageBuilder("/p").build())
    assert decode(built.build().dgram)[0][1].address == "/p"


def test_timetags_say_how_far_ahead_they_are():
    assert seconds_until(IMMEDIATELY) == 0.0
    assert seconds_until(timetag_at(1000.5), now=1000.0) == pytest.approx(0.5, abs=1e-6)
    assert seconds_until(timetag_at(999.0), now=1000.0) < 0


GOOD = message("/a", 1)


def nested(depth: int) -> bytes:
    packet = GOOD
    for _ in range(depth):
        packet = bundle(IMMEDIATELY, packet)
    return packet


CORPUS = {
    "empty": b"",
    "not a multiple of 4": b"/a\x00",
    "truncated argument": message("/a", 1)[:-4],
    "truncated string": pad(b"/a") + b",s\x00\x00" + b"abcd",
    "truncated tags": pad(b"/a") + b",ii",
    "no address slash": pad(b"a") + b",\x00\x00\x00",
    "space in address": pad(b"/a b") + b",\x00\x00\x00",
    "address too long": pad(b"/" + b"a" * 300) + b",\x00\x00\x00",
    "padding not zero": b"/a\x00x,\x00\x00\x00",
    "tags without comma": pad(b"/a") + pad(b"i") + b"\x00\x00\x00\x01",
    "leftover bytes": GOOD + b"\x00\x00\x00\x00",
    "bad utf-8 string": pad(b"/a") + b",s\x00\x00" + pad(b"\xff\xfe"),
    "unknown tag": pad(b"/a") + b",r\x00\x00" + b"\x00" * 4,
    "array tag": pad(b"/a") + pad(b",[i]") + b"\x00" * 4,
    "huge tag list": pad(b"/a") + pad(b"," + b"N" * (MAX_TAGS + 1)),
    "nan float": pad(b"/a") + b",f\x00\x00" + struct.pack(">f", math.nan),
    "inf float": pad(b"/a") + b",f\x00\x00" + struct.pack(">f", math.inf),
    "nan double": pad(b"/a") + b",d\x00\x00" + struct.pack(">d", math.nan),
    "-inf double": pad(b"/a") + b",d\x00\x00" + struct.pack(">d", -math.inf),
    "negative blob size": pad(b"/a") + b",b\x00\x00" + struct.pack(">i", -4),
    "oversized blob": pad(b"/a") + b",b\x00\x00" + struct.pack(">i", 1 << 30) + b"\x00" * 4,
    "bad char": pad(b"/a") + b",c\x00\x00" + struct.pack(">i", -1),
    # python-osc 1.10.2 loops forever on this one: a bundle element of size -8
    "negative element size": bundle(IMMEDIATELY, GOOD)[:16] + struct.pack(">i", -8) + GOOD + b"\x00" * 4,
    "zero element size": bundle(IMMEDIATELY)[:16] + struct.pack(">i", 0),
    "oversized element": bundle(IMMEDIATELY)[:16] + struct.pack(">i", 1 << 20) + GOOD,
    "unaligned element": bundle(IMMEDIATELY)[:16] + struct.pack(">i", 6) + GOOD,
    "element size cut off": bundle(IMMEDIATELY, GOOD) + b"\x00\x00",
    "bundle without timetag": pad(b"#bundle"),
    "hash but not a bundle": pad(b"#bungle") + b"\x00" * 8,
    "too deep": nested(MAX_DEPTH + 1),
    "too many messages": bundle(IMMEDIATELY, *[GOOD] * (MAX_MESSAGES + 1)),
    "larger than any datagram": pad(b"/a") + b",b\x00\x00" + struct.pack(">i", 70000) + b"\x00" * 70000,
}


@pytest.mark.parametrize("name", CORPUS)
def test_the_malformed_corpus_is_refused_whole_with_a_reason(name):
    with pytest.raises(Malformed) as exc:
        decode(CORPUS[name])
    assert str(exc.value)


def test_limits_themselves_are_allowed():
    assert len(decode(nested(MAX_DEPTH))) == 1
    assert len(decode(bundle(IMMEDIATELY, *[GOOD] * MAX_MESSAGES))) == MAX_MESSAGES
    assert decode(pad(b"/a") + pad(b"," + b"N" * MAX_TAGS))[0][1].args == (None,) * MAX_TAGS


def test_slip_frames_round_trip_across_arbitrary_cuts():
    packets = [message("/a", 1), bytes([0xC0, 0xDB, 0xDC, 0xDD]) * 2, message("/b", "x")]
    stream = b"".join(slip_encode(p) for p in packets)
    frames = SlipFrames()
    got = []
    for i in range(0, len(stream), 5):
        got += frames.feed(stream[i:i + 5])
    assert got == packets


def test_slip_refuses_a_bad_escape_and_a_frame_without_end():
    assert isinstance(SlipFrames().feed(b"\xc0/a\xdb\x01\xc0")[0], Malformed)
    with pytest.raises(Malformed):
        SlipFrames().feed(b"\xc0" + b"a" * 200_000)


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(data: bytes) -> None:
    try:
        for timetag, m in decode(data):
            assert m.address.startswith("/") and isinstance(m.args, tuple)
            assert all(not isinstance(a, float) or math.isfinite(a) for a in m.args)
    except Malformed:
        pass


@FUZZ
@given(st.binary(max_size=256).map(lambda b: b + b"\x00" * (-len(b) % 4)))
def test_random_bytes_decode_or_are_refused(data):
    _check(data)


@FUZZ
@given(st.sampled_from([GOOD, bundle(IMMEDIATELY, GOOD, message("/b", "s", 2.5)), message("/c", b"blob", 1.0)]),
       st.lists(st.tuples(st.integers(0, 63), st.integers(0, 255)), max_size=6), st.integers(0, 64))
def test_mutated_packets_decode_or_are_refused(base, flips, cut):
    data = bytearray(base)
    for pos, value in flips:
        data[pos % len(data)] = value
    _check(bytes(data[:len(data) - cut * 4 % len(data)]))


@FUZZ
@given(st.lists(st.one_of(st.integers(-2 ** 31, 2 ** 31 - 1), st.floats(allow_nan=False, allow_infinity=False,
                                                                       width=32),
                          st.text(max_size=20).filter(lambda s: "\x00" not in s), st.booleans(),
                          st.binary(min_size=1, max_size=9)), max_size=8))
def test_whatever_python_osc_builds_decodes_to_the_same_values(args):
    assert decode(message("/x/y", *args))[0][1].args == tuple(args)
