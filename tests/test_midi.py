"""MIDI controllers: a mapping file's contract, each binding's values and soft takeover, bytes
through mido's parser to the engine's addresses, and real MIDI through JACK (its dummy driver:
this machine has no sound devices) from a controller in another process."""
import queue
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from hypothesis import given, settings, strategies as st

from stagecraft.midi import msc, timecode
from stagecraft.midi.control import STEP, Control, relative
from stagecraft.midi.hub import Midi
from stagecraft.midi.mapping import Bind, MappingError, load
from stagecraft.osc.addresses import ENGINE, piece_entries
from stagecraft.output.offline import frames
from stagecraft.piece.module import load as load_piece, resolve

KNOWN = {e.address for e in ENGINE + piece_entries(load_piece(resolve("calibration")))}
MAPPING = """
device = "Test Controller"

[[bind]]
cc = 7
to = "/current/sweep_speed"
takeover = "jump"

[[bind]]
cc = 8
channel = 2
to = "/calibration/sweep_speed"

[[bind]]
cc = 20
mode = "rel_twos"
to = "/current/grid"

[[bind]]
cc = 1
mode = "14bit"
to = "/current/sweep_speed"
range = [0.0, 1.0]
takeover = "jump"

[[bind]]
note = 36
to = "/current/labels"
on = "both"
"""


def _mapping(tmp_path, text=MAPPING):
    path = tmp_path / "controller.toml"
    path.write_text(textwrap.dedent(text))
    return load(path, KNOWN.__contains__)


@pytest.mark.parametrize("text, expected", [
    ('device = "X"\n[[bind]]\ncc = 7\nto = "/current/nope"\n', r"bind 1: to = '/current/nope' is not an address"),
    ('device = "X"\n[[bind]]\ncc = 7\nto = "/go"\nspeed = 2\n', r"bind 1: unknown key 'speed'"),
    ('device = "X"\ncolour = 1\n', r"unknown key 'colour'"),
    ('[[bind]]\ncc = 7\nto = "/go"\n', r"device = \"NAME\" names the controller"),
    ('device = "X"\n[[bind]]\ncc = 128\nto = "/go"\n', r"cc must be 0..127"),
    ('device = "X"\n[[bind]]\ncc = 7\nnote = 3\nto = "/go"\n', r"give cc = N or note = N"),
    ('device = "X"\n[[bind]]\nnote = 7\nmode = "rel_twos"\nto = "/go"\n', r"a note has no mode"),
    ('device = "X"\n[[bind]]\ncc = 40\nmode = "14bit"\nto = "/go"\n', r"a 14-bit cc is 0..31"),
    ('device = "X"\n[[bind]]\ncc = 7\ntakeover = "grab"\nto = "/go"\n', r"takeover = 'grab'; it is one of pickup"),
    ('device = "X"\n[[bind]]\ncc = 7\nchannel = 17\nto = "/go"\n', r"channel must be 1..16"),
    ('device = "X"\ninit = [[1, 2]]\n', r"init\[0\] must be a SysEx message"),
])
def test_a_mapping_file_that_cannot_be_used_names_what_is_wrong(tmp_path, text, expected):
    with pytest.raises(MappingError, match=expected):
        _mapping(tmp_path, text)


def test_a_mapping_file_reads_as_written(tmp_path):
    m = _mapping(tmp_path)
    assert m.device == "Test Controller" and m.instance == 0 and len(m.binds) == 5
    assert m.binds[1] == Bind("cc", 8, 2, "/calibration/sweep_speed")
    assert (m.binds[3].mode, m.binds[3].range, m.binds[4].on) == ("14bit", (0.0, 1.0), "both")


def _bind(**kw):
    return Bind(**{"kind": "cc", "number": 7, "channel": None, "to": "/x", **kw})


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(0, 127), st.integers(1, 9), st.booleans())
def test_pickup_never_jumps_more_than_the_sweeps_own_step(param, start, step, up):
    """The parameter sits where something else left it; a sweep of the control moves it only once
    it has crossed it, so the first change is never larger than one step of the sweep."""
    c = Control(_bind())
    current = param
    values = range(start, 128, step) if up else range(start, -1, -step)
    for v in values:
        sent = c.absolute(v / 127, current)
        if sent is not None:
            assert abs(sent - current) <= step / 127 + 1e-9
            current = sent


def test_takeover_modes_and_an_outside_move():
    pickup = Control(_bind())
    assert pickup.absolute(0.1, 0.5) is None and pickup.absolute(0.3, 0.5) is None
    assert pickup.absolute(0.55, 0.5) == 0.55 and pickup.absolute(0.7, 0.55) == 0.7     # crossed: it holds it now
    assert pickup.absolute(0.8, 0.2) is None        # a glide or OSC moved it to 0.2: taken over again
    assert Control(_bind(takeover="jump")).absolute(0.9, 0.1) == 0.9
    scale = Control(_bind(takeover="scale"))
    scale.absolute(0.5, 0.2)
    moved = scale.absolute(0.75, 0.2)               # half way to the top from 0.5: half way from 0.2
    assert abs(moved - 0.6) < 1e-9
    assert scale.absolute(1.0, moved) == 1.0        # they meet at the end


def test_relative_encoders_fourteen_bits_notes_and_commands():
    assert [relative("rel_twos", v) for v in (1, 3, 127, 125)] == [1, 3, -1, -3]
    assert [relative("rel_offset", v) for v in (65, 63, 64)] == [1, -1, 0]
    assert [relative("rel_sign", v) for v in (1, 65, 67)] == [1, -1, -3]
    enc = Control(_bind(mode="rel_twos"))
    assert abs(enc.cc(3, 0.5) - (0.5 + 3 * STEP)) < 1e-9 and enc.cc(1, None) is None
    fine = Control(_bind(mode="14bit", takeover="jump"))
    fine.cc(64, 0.0)
    assert abs(fine.cc(0, 0.0, low_half=True) - (64 << 7) / 16383) < 1e-9
    assert abs(fine.cc(127, 0.0, low_half=True) - (64 << 7 | 127) / 16383) < 1e-9
    both, press = Control(_bind(kind="note", on="both")), Control(_bind(kind="note"))
    assert (both.note(True), both.note(False), press.note(True), press.note(False)) == (1.0, 0.0, 1.0, None)
    button = Control(_bind())
    assert [button.rising(p) for p in (1.0, 1.0, 0.0, 1.0)] == [True, False, False, True]


class Bytes:
    """Stands in for rtmidi's ports in the tests that hand bytes in themselves (the JACK test
    below takes the real ports)."""
    seen: set = set()

    def __init__(self):
        self.sent = []

    def scan(self, now):
        pass

    def device_of(self, port):
        return ("Test Controller", 0)

    def send(self, key, message):
        self.sent.append((key, list(message)))
        return True

    def close(self):
        pass


def test_bytes_through_mido_reach_the_parameters_in_the_same_frame(engines, tmp_path):
    e = engines("calibration", (96, 54))
    list(frames(e, 2))
    midi = Midi(e, [_mapping(tmp_path)], ports=Bytes())
    e.midi = midi
    params = e.player.params
    feed = lambda *b: midi.inbox.put(("port", time.perf_counter(), bytes(b)), 1)    # noqa: E731
    feed(0xB0, 7, 127)                       # cc 7, channel 1: jump to the top of 0..2
    feed(0xB0, 20, 3)                        # relative: three ticks up
    feed(0x90, 36, 100)                      # note on: labels on ...
    list(frames(e, 1))
    assert params.target("sweep_speed") == 2.0 and params.target("grid") == 16 + round(3 * 60 / 127)
    assert params.target("labels") is True or params.target("labels") == 1
    feed(0x80, 36, 0)                        # ... note off: labels off
    feed(0xB0, 8, 0)                         # cc 8 on channel 1: bound to channel 2 only
    feed(0xB1, 8, 20)                        # channel 2, far below the parameter: taken over, no move
    feed(0xF8)                               # a clock tick between them: ignored
    list(frames(e, 1))
    assert not params.target("labels") and params.target("sweep_speed") == 2.0
    feed(0xB1, 8, 127)                       # crossed it: from now on it moves it
    feed(0xB1, 8, 100)
    list(frames(e, 1))
    assert abs(params.target("sweep_speed") - 100 / 127 * 2.0) < 1e-6
    assert midi.counters()["midi_received"] == 7     # the channel-1 cc and the clock reached no binding


CONTROLLER = """
import sys, rtmidi
out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="controller")
out.open_virtual_port("Test Controller")
print("ready", flush=True)
for line in sys.stdin:
    out.send_message([int(x, 16) for x in line.split()])
    print("sent", flush=True)
"""


def test_a_controller_in_another_process_moves_a_parameter_through_jack(engines, tmp_path, jack):
    controller = subprocess.Popen([sys.executable, "-c", CONTROLLER], env=jack, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
    try:
        assert controller.stdout.readline().strip() == "ready"
        e = engines("calibration", (96, 54))
        e.midi = Midi(e, [_mapping(tmp_path)], api="jack")
        assert e.midi.counters()["midi_devices"] == ["controller:Test Controller"]
        list(frames(e, 1))
        for value in (0, 64, 127):
            controller.stdin.write(f"B0 07 {value:02X}\n")
            controller.stdin.flush()
            assert controller.stdout.readline().strip() == "sent"
            deadline = time.monotonic() + 5
            while not len(e.midi.inbox._items) and time.monotonic() < deadline:
                time.sleep(0.002)
            list(frames(e, 1))                   # the first frame after it arrived applies it
            assert abs(e.player.params.target("sweep_speed") - value / 127 * 2.0) < 1e-6
    finally:
        controller.stdin.close()
        controller.wait(5)


FEEDBACK = """
import sys, threading, rtmidi
out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="controller")
out.open_virtual_port("Test Controller Out")
leds = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name="controller-in")
leds.open_virtual_port("Test Controller In")
leds.ignore_types(sysex=False)
leds.set_callback(lambda event, data=None: print("got", *event[0], flush=True))
print("ready", flush=True)
for line in sys.stdin:
    out.send_message([int(x, 16) for x in line.split()])
"""


def _lines(proc) -> queue.Queue:
    """A process's output lines, read on a thread so a test waits with a timeout, never forever."""
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.split()) for line in proc.stdout], daemon=True).start()
    return lines


def test_feedback_follows_the_parameter_whoever_moves_it_and_never_echoes(engines, tmp_path, jack):
    controller = subprocess.Popen([sys.executable, "-c", FEEDBACK], env=jack, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
    heard = _lines(controller)
    try:
        assert heard.get(timeout=10) == ["ready"]
        mapping = _mapping(tmp_path, 'device = "Test Controller"\ninit = [[0xF0, 0x7D, 0x01, 0xF7]]\n'
                                     '[[bind]]\ncc = 7\nto = "/current/sweep_speed"\nfeedback = true\n')
        e = engines("calibration", (96, 54))
        e.midi = Midi(e, [mapping], api="jack")
        assert heard.get(timeout=5) == ["got", "240", "125", "1", "247"]         # the init SysEx
        list(frames(e, 1))
        assert heard.get(timeout=5) == ["got", "176", "7", str(round(0.25 / 2 * 127))]
        e.player.stage.set("sweep_speed", 1.0)             # an OSC write, a cue: the ring follows
        deadline = time.monotonic() + 5                     # frames until a feedback's turn comes (FEEDBACK_HZ)
        while heard.empty() and time.monotonic() < deadline:
            list(frames(e, 1))
            time.sleep(0.01)
        assert heard.get(timeout=5) == ["got", "176", "7", "64"]
        before = e.midi.fed_back
        controller.stdin.write("B0 07 40\n")                # the control itself, to where it already is
        controller.stdin.write("B0 07 50\n")                # and on: taken (it crossed), never sent back
        controller.stdin.flush()
        deadline = time.monotonic() + 5
        while len(e.midi.inbox._items) < 2 and time.monotonic() < deadline:
            time.sleep(0.002)
        list(frames(e, 3))
        assert abs(e.player.params.target("sweep_speed") - 80 / 127 * 2.0) < 1e-6
        assert e.midi.fed_back == before and heard.empty()
    finally:
        controller.stdin.close()
        controller.wait(5)


@pytest.mark.parametrize("messages, expected", [
    ([(0xB0, 21, 10), (0xB0, 21, 11), (0xB0, 21, 14)], Bind("cc", 21, 1, "/current/grid")),
    ([(0xB3, 22, 1), (0xB3, 22, 1), (0xB3, 22, 127)], Bind("cc", 22, 4, "/current/grid", mode="rel_twos")),
    ([(0xB0, 23, 65), (0xB0, 23, 65), (0xB0, 23, 63)], Bind("cc", 23, 1, "/current/grid", mode="rel_offset")),
    ([(0xB0, 2, 64), (0xB0, 34, 0), (0xB0, 2, 65)], Bind("cc", 2, 1, "/current/grid", mode="14bit")),
    ([(0x91, 40, 100)], Bind("note", 40, 2, "/current/grid")),
])
def test_midi_learn_binds_the_next_control_saves_it_and_a_restart_loads_it(engines, tmp_path, messages, expected):
    e = engines("calibration", (96, 54))
    mapping = _mapping(tmp_path)
    e.midi = Midi(e, [mapping], ports=Bytes())
    (entry,) = e.osc.space().resolve("/midi/learn")
    assert entry.act(e.osc, entry.parse(("/current/grid",)), None) == {"learning": "/current/grid"}
    for m in messages:
        e.midi.feed(("Test Controller", 0), bytes(m), time.perf_counter(), e.osc.inbox)
    assert e.midi.learning is None
    again = _mapping(tmp_path, mapping.path.read_text())       # what a restart reads
    assert again.binds[-1] == expected and again.binds[:5] == _mapping(tmp_path, MAPPING).binds[:5]


def test_the_console_selects_a_parameter_and_l_learns_it(engines, tmp_path):
    from stagecraft.show.console import lines
    from stagecraft.show.controls import CONSOLE
    e = engines("calibration", (96, 54))
    CONSOLE["learn"](e)
    assert "MIDI learn needs a controller" in e.operator.stream.text
    mapping = _mapping(tmp_path)
    e.midi = Midi(e, [mapping], ports=Bytes())
    for command in ("next", "next", "next", "previous"):      # grid, sweep_speed, mode, back to sweep_speed
        CONSOLE[command](e)
    assert e.snapshot()["selected"] == "/current/sweep_speed"
    assert any("selected /current/sweep_speed" in text for _, text in lines(e.snapshot()))
    CONSOLE["learn"](e)
    assert e.midi.learning == "/current/sweep_speed"
    e.midi.feed(("Test Controller", 0), bytes((0x92, 50, 100)), time.perf_counter(), e.osc.inbox)
    again = _mapping(tmp_path, mapping.path.read_text())
    assert again.binds[-1] == Bind("note", 50, 3, "/current/sweep_speed")


def test_a_controller_that_vanishes_and_returns_is_bound_again(engines, tmp_path, jack):
    e = engines("calibration", (96, 54))
    e.midi = Midi(e, [_mapping(tmp_path)], api="jack")
    assert e.midi.ports.open == {}                       # not plugged in yet
    for round_ in range(2):
        controller = subprocess.Popen([sys.executable, "-c", CONTROLLER], env=jack, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        heard = _lines(controller)
        assert heard.get(timeout=10) == ["ready"]
        deadline = time.monotonic() + 5
        while not e.midi.ports.open and time.monotonic() < deadline:
            list(frames(e, 1))                           # each frame looks, at most once a second
            time.sleep(0.05)
        assert list(e.midi.ports.open) == [("Test Controller", 0)]
        value = 40 + 60 * round_
        controller.stdin.write(f"B0 07 {value:02X}\n")
        controller.stdin.flush()
        assert heard.get(timeout=5) == ["sent"]
        deadline = time.monotonic() + 5
        while not len(e.midi.inbox._items) and time.monotonic() < deadline:
            time.sleep(0.002)
        list(frames(e, 1))
        assert abs(e.player.params.target("sweep_speed") - value / 127 * 2.0) < 1e-6
        controller.stdin.close()                         # unplugged
        controller.wait(5)
        deadline = time.monotonic() + 5
        while e.midi.ports.open and time.monotonic() < deadline:
            list(frames(e, 1))
            time.sleep(0.05)
        assert e.midi.ports.open == {}


def test_record_osc_keeps_what_a_controller_sent_as_the_addresses_it_became(engines, tmp_path):
    from stagecraft.osc.record import Replay
    e = engines("calibration", (96, 54))
    e.midi = Midi(e, [_mapping(tmp_path)], ports=Bytes())
    e.osc.record(tmp_path / "rehearsal.jsonl")
    e.midi.feed(("Test Controller", 0), bytes((0xB0, 7, 127)), time.perf_counter(), e.osc.inbox)
    list(frames(e, 2))
    e.osc.recorder.flush()
    (t, delivery), = Replay(tmp_path / "rehearsal.jsonl").items
    (_, message), = delivery.messages
    assert (delivery.role, delivery.sender.id, message.address, message.args) == \
        ("control", "midi:Test Controller", "/current/sweep_speed", (2.0,))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_the_show_control_decoder_takes_any_bytes_without_raising(data):
    c = msc.decode(data)
    assert c is None or c.command in msc.COMMANDS.values()


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 127), st.sampled_from(sorted(msc.COMMANDS)), st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True))
def test_show_control_cues_decode_as_they_were_sent(device, code, cue):
    body = bytes([0x7F, device, 0x02, 0x01, code]) + (bytes(5) if code == 0x04 else b"") + cue.encode() + b"\0"
    c = msc.decode(body)
    assert (c.device, c.command, c.cue) == (device, msc.COMMANDS[code], cue)
    assert msc.decode(body[:4]) is None                       # truncated


def test_show_control_from_a_desk_runs_the_program(engines, tmp_path):
    (tmp_path / "show.toml").write_text('[[piece]]\nname = "standby"\n[[piece]]\nname = "calibration"\n')
    from stagecraft.show.program import load_program
    e = engines(load_program(tmp_path / "show.toml"), (96, 54))
    desk = _mapping(tmp_path, 'device = "Test Controller"\nmsc = 1\n')
    e.midi = Midi(e, [desk], ports=Bytes())
    send = lambda *body: e.midi.feed(("Test Controller", 0), bytes((0xF0, 0x7F, *body, 0xF7)),    # noqa: E731
                                     time.perf_counter(), e.osc.inbox)
    list(frames(e, 2))
    send(1, 0x02, 0x01, 0x01, *b"2.1")               # GO 2.1
    list(frames(e, 2))
    assert e.player.name == "calibration" and e.show.current.number == "2.1"
    send(2, 0x02, 0x01, 0x08)                          # ALL_OFF, for another device: not ours
    list(frames(e, 1))
    assert not e.fade.blackout
    send(0x7F, 0x02, 0x01, 0x08)                       # ALL_OFF to everyone
    list(frames(e, 1))
    assert e.fade.blackout
    send(1, 0x02, 0x10, 0x09)                          # RESTORE (sound's command format: any is taken)
    send(1, 0x02, 0x01, 0x05, *b"2.3")                 # LOAD 2.3: stand by on it, fire nothing
    list(frames(e, 1))
    assert not e.fade.blackout and e.show.standby.number == "2.3" and e.show.current.number == "2.1"
    list(frames(e, 30))                                # past the double-GO guard
    big = bytes((0xF0, 0x7F, 1, 0x02, 0x01, 0x01)) + bytes(1 << 20) + b"\xf7"     # a 1 MB "GO"
    e.midi.feed(("Test Controller", 0), big, time.perf_counter(), e.osc.inbox)
    list(frames(e, 1))
    assert e.show.current.number == "2.1"              # longer than MSC's 128 bytes: not MSC, ignored
    send(1, 0x02, 0x01, 0x01)                          # a GO with no number: the cue on standby
    list(frames(e, 1))
    assert e.show.current.number == "2.3"


def test_our_cues_and_commands_go_out_as_show_control_but_never_back_to_the_desk_that_sent_them(engines, tmp_path):
    (tmp_path / "show.toml").write_text('[[piece]]\nname = "standby"\n[[piece]]\nname = "calibration"\n')
    from stagecraft.show.program import load_program
    e = engines(load_program(tmp_path / "show.toml"), (96, 54))
    desk = _mapping(tmp_path, 'device = "Test Controller"\nmsc = 1\nmsc_out = 2\n')
    assert _mapping(tmp_path, desk.path.read_text()).msc_out == 2 and desk.msc_format == 1
    ports = Bytes()
    e.midi = Midi(e, [desk], ports=ports)
    list(frames(e, 2))
    sysex = lambda *body: [0xF0, 0x7F, 2, 0x02, 0x01, *body, 0xF7]     # noqa: E731  device 2, lighting
    e.go()                                                  # the standby piece's first cue
    list(frames(e, 1))
    assert [m for _, m in ports.sent] == [sysex(0x01, *b"1.1")]
    ports.sent.clear()
    list(frames(e, 30))                                     # past the double-GO guard
    e.show.stand_by(e.program.entry(1))
    e.go()                                                  # into the second piece: its cue is 2
    e.set_blackout(True)
    e.stop()
    list(frames(e, 1))
    assert [m for _, m in ports.sent] == [sysex(0x01, *b"2"), sysex(0x08), sysex(0x02)]
    ports.sent.clear()
    list(frames(e, 30))
    e.midi.feed(("Test Controller", 0), bytes((0xF0, 0x7F, 1, 0x02, 0x01, 0x01, *b"2.3", 0xF7)),
                time.perf_counter(), e.osc.inbox)           # the desk's own GO 2.3
    list(frames(e, 1))
    assert e.show.current.number == "2.3" and ports.sent == [], "not echoed to the desk that sent it"
    with pytest.raises(MappingError, match="msc_out is 0..127"):
        _mapping(tmp_path, 'device = "Test Controller"\nmsc_out = 128\n')


def _quarters(hmsf, rate_code=3):
    """The eight quarter-frame bytes (after F1) that carry a time."""
    h, m, s, f = hmsf
    nibbles = [f & 15, f >> 4, s & 15, s >> 4, m & 15, m >> 4, h & 15, (h >> 4) | rate_code << 1]
    return [piece << 4 | n for piece, n in enumerate(nibbles)]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.integers(0, 29),
       st.lists(st.sampled_from([0xF8, 0xFE]), max_size=3))
def test_timecode_locks_from_quarter_frames_and_a_full_frame_relocates(h, m, s, f, clocks):
    tc = timecode.Timecode()
    for k, byte in enumerate(_quarters((h, m, s, f))):
        tc.quarter(byte, 10.0 + k / 120)      # real-time bytes between them never reach the decoder
    want = timecode.seconds((h, m, s, f), 30.0) + 2 / 30
    assert abs(tc.now(10.0 + 7 / 120) - want) < 1e-9          # two frames on: when the eighth arrives
    assert abs(tc.now(10.2) - (want + 0.2 - 7 / 120)) < 1e-9  # free-running between messages
    assert tc.now(10.0 + 7 / 120 + 9 / 30) is None              # past the freewheel: stopped
    assert tc.full(bytes([0x7F, 0x7F, 0x01, 0x01, 0x20 | 1, 2, 3, 4]), 20.0) and tc.rate == 25.0
    assert abs(tc.now(20.0) - (3600 + 120 + 3 + 4 / 25)) < 1e-9
    assert not tc.full(bytes([0x7F, 0x7F, 0x01]), 21.0)
    with pytest.raises(ValueError):
        timecode.parse("1:00:60:00")


def test_timecode_passing_a_cue_fires_it_and_a_relocation_fires_nothing(engines, tmp_path):
    (tmp_path / "show.toml").write_text('[[piece]]\nname = "calibration"\n'
                                        '[[piece.cue]]\nname = "grid"\ntimecode = "00:00:02:00"\n'
                                        '[[piece.cue]]\nname = "bars"\ntimecode = "00:00:04:00"\n')
    from stagecraft.show.program import load_program
    e = engines(load_program(tmp_path / "show.toml"), (96, 54))
    e.midi = Midi(e, [_mapping(tmp_path, 'device = "Test Controller"\n')], ports=Bytes())
    list(frames(e, 2))
    clock = time.perf_counter()

    def at(hmsf, when):
        for k, byte in enumerate(_quarters(hmsf)):
            e.midi.feed(("Test Controller", 0), bytes((0xF1, byte)), when + k / 120, e.osc.inbox)
        e.midi.follow_timecode(when + 7 / 120, e.osc.inbox)
        list(frames(e, 1))

    at((0, 0, 1, 20), clock)
    at((0, 0, 1, 26), clock + 0.2)
    assert e.show.current is None or e.show.current.name != "grid"
    at((0, 0, 2, 2), clock + 0.4)                    # passed 2:00
    assert e.show.current.name == "grid"
    e.midi.feed(("Test Controller", 0), bytes((0xF0, 0x7F, 0x7F, 0x01, 0x01, 0x60, 0, 5, 0, 0xF7)), clock + 0.5,
                e.osc.inbox)                         # relocate to 5:00, past 4:00
    e.midi.follow_timecode(clock + 0.5, e.osc.inbox)
    list(frames(e, 1))
    assert e.show.current.name == "grid"


def test_the_overlay_shows_where_the_hardware_is_while_it_takes_over(engines, tmp_path):
    e = engines("calibration", (96, 54))
    e.midi = Midi(e, [_mapping(tmp_path)], ports=Bytes())
    feed = lambda *b: e.midi.feed(("Test Controller", 0), bytes(b), time.perf_counter(), e.osc.inbox)  # noqa: E731
    feed(0xB1, 8, 0)                                 # far below the parameter (0.25 of 0..2)
    list(frames(e, 1))
    (line,) = [x for x in e.status_lines() if x.startswith("MIDI")]
    assert line == "MIDI cc 8 ch 2 -> /calibration/sweep_speed: hardware at 0.00, the parameter at 0.12 (pickup)"
    feed(0xB1, 8, 30)                                # crossed it: held, nothing to show
    list(frames(e, 1))
    assert not [x for x in e.status_lines() if x.startswith("MIDI")]
