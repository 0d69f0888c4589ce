"""The show as a program: the whole evening run through (quickly), transitions that keep both
pieces playing and sounding, cue timing on the frame clock, --from, and the console."""
import json
import os
import pty
import select
import subprocess
import sys
import time

import numpy as np
import pytest

from stagecraft.audience import smile as sm
from stagecraft.engine.loop import Engine
from stagecraft.output.offline import frames
from stagecraft.show.program import load_program, resolve_program
from stagecraft.picture.window import Window

from .conftest import ROOT, Client, close_all, run_cli, wait_for

PIECES = ["smile_credits", "smile_bazaar", "forum", "commodification", "empathy_echo", "smiles_for_all"]
QUICK = 0.01          # every wait, follow and transition a hundredth as long


def test_the_whole_evening_runs_and_the_audience_reaches_the_finale(operator):
    """The live loop, headless, real clock and real OSC: a join sent at the start is a smile in the
    finale's mosaic."""
    program = load_program(resolve_program("smiles_for_all")).scaled(QUICK)
    e = Engine(Window((160, 90), headless=True), program, operator=operator, fps_cap=0)
    client = Client()
    try:
        e.osc.listen(osc_port=0, audience_port=0)
        client.send(e.osc.ports["audience"], "/audience/join", "ana")
        assert wait_for(lambda: len(e.osc.inbox) == 1)
        end = time.monotonic() + 120
        while e.player.name != "smiles_for_all" or e.crossing is not None:
            e.frame()
            assert time.monotonic() < end, f"stuck in {e.player.name}"
        for _ in range(3):
            e.frame()
        assert list(e.entered) == PIECES and e.crossings_done == 5
        assert operator.errors == 0, operator.stream.text
        c = e.audience.contributions[0]
        assert c.kind == "join" and c.name == "ana"
        assert sm.from_contribution(c.kind, c.seed) in e.player.state["smiles"]
    finally:
        client.close()
        close_all([e])


def test_the_show_from_the_command_line_reaches_every_piece(tmp_path):
    stats = tmp_path / "stats.json"
    r = run_cli("show", "--headless", "--size", "160x90", "--time-scale", "0.005", "--seconds", "12",
                "--osc-port", "0", "--audience-port", "0", "--audio", "none", "--fresh",
                "--audience-file", str(tmp_path / "audience.json"), "--stats", str(stats), timeout=180)
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["pieces_entered"] == PIECES and s["transitions"] == 5 and s["errors"] == 0


def test_from_a_piece_and_a_cue(tmp_path):
    stats = tmp_path / "stats.json"
    r = run_cli("show", "--headless", "--size", "160x90", "--from", "forum:mediate", "--seconds", "1",
                "--no-osc", "--audio", "none", "--audience-file", str(tmp_path / "a.json"), "--stats", str(stats))
    assert r.returncode == 0, r.stderr
    s = json.loads(stats.read_text())
    assert s["pieces_entered"] == ["forum"] and s["standby"] == "3.2 mediate" and s["fired"] is None


TWO = '''
title = "Two"
[[piece]]
name = "calibration"
[[piece.cue]]
name = "bars"
pre_wait = 1.0
[[piece]]
name = "standby"
transition = { kind = "crossfade", seconds = 2 }
'''


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(TWO)
    return load_program(path)


def test_a_cues_pre_wait_counts_frames_on_the_frame_clock(engines, two):
    e = engines(two, (160, 90), fps=30)
    list(frames(e, 3))
    e.go()
    list(frames(e, 29))                     # 29 frames: 0.967 s after GO
    assert e.player.stage.p.mode == 0
    list(frames(e, 1))                      # the 30th: a second
    assert e.player.stage.p.mode == 2


def test_a_transition_plays_and_sounds_both_pieces_then_lets_the_first_go(engines, two):
    e = engines(two, (160, 90), fps=30)
    list(frames(e, 10))
    alone = list(frames(e, 1))[-1].astype(int)
    e.go()                                  # bars (after its pre-wait)
    list(frames(e, 40))
    e.go()                                  # the standby piece crosses in over 2 s
    mid = list(frames(e, 30))[-1].astype(int)
    assert e.crossing is not None and len(e.sound.synth.layers) == 2
    gains = [layer.gain.at(e.sound.synth.t) for layer in e.sound.synth.layers.values()]
    assert all(0.2 < g < 0.8 for g in gains), gains
    assert np.abs(mid - alone).mean() > 5
    after = list(frames(e, 40))[-1].astype(int)
    assert e.crossing is None and e.crossings_done == 1 and list(e.entered) == ["calibration", "standby"]
    assert len(e.sound.synth.layers) == 1
    assert np.abs(after - mid).mean() > 5


def test_a_cut_swaps_at_once_and_the_heap_is_trimmed_after_the_piece_leaves(engines, two, monkeypatch):
    from dataclasses import replace

    from stagecraft.installation import heap
    trims = []
    monkeypatch.setattr(heap, "trim", lambda real=heap.trim: trims.append(real()))
    cut = replace(two.cues[2], enter=replace(two.cues[2].enter, kind="cut", seconds=0.0))
    two.cues[2] = cut
    e = engines(two, (160, 90), fps=30)
    list(frames(e, 3))
    e.show.stand_by(2)
    before = len(trims)
    e.go()
    list(frames(e, 1))
    assert e.crossing is None and e.player.name == "standby"
    assert len(trims) == before + 1


def _pty_run(args, keys_at=(), seconds=6.0):
    """Run run.py on a pseudo-terminal (a real TTY for curses), typing `keys_at` [(t, bytes)]."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out, start, pending = b"", time.monotonic(), list(keys_at)
    while proc.poll() is None and time.monotonic() - start < seconds + 20:
        if pending and time.monotonic() - start >= pending[0][0]:
            os.write(master, pending.pop(0)[1])
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
    proc.wait(timeout=20)
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace")


def test_the_console_fills_a_terminal_and_its_keys_work(tmp_path):
    stats = tmp_path / "stats.json"
    code, out = _pty_run(["play", "calibration", "--headless", "--seconds", "4", "--no-osc", "--audio", "none",
                          "--audience-file", str(tmp_path / "a.json"), "--size", "160x90", "--stats", str(stats)],
                         keys_at=[(2.0, b" ")])
    assert code == 0, out[-2000:]
    assert "\x1b[?1049h" in out, "the console takes the whole terminal (the alternate screen)"
    assert "STANDBY" in out and "picture" in out and "audience excitement" in out and "Space GO" in out
    assert json.loads(stats.read_text())["fired"] == "1 card", "Space in the console is GO"


def test_without_a_terminal_the_console_writes_plain_lines(tmp_path):
    r = run_cli("play", "calibration", "--headless", "--seconds", "1", "--no-osc", "--audio", "none",
                "--size", "160x90", "--audience-file", str(tmp_path / "a.json"))
    assert r.returncode == 0, r.stderr
    assert "[stagecraft] calibration | fired - | standby 1 card" in r.stdout
    assert "\x1b[" not in r.stdout


ACTIONS = '''
title = "Actions"
[[piece]]
name = "smile_credits"
[[piece.cue]]
name = "lights and coins"
actions = [
  { send = "/lights/scene", to = "127.0.0.1:PORT", args = [3, "warm"] },
  { sound = "coin", to = 76 },
  { set = "hud", to = 0.0 },
  { glide = "margins", to = 0.0, seconds = 1.0, curve = "ease" },
]
'''


def test_a_cues_actions_send_osc_out_sound_and_move_parameters(engines, tmp_path):
    import socket
    from stagecraft.osc.wire import decode
    lights = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    lights.bind(("127.0.0.1", 0))
    lights.settimeout(5)
    path = tmp_path / "actions.toml"
    path.write_text(ACTIONS.replace("PORT", str(lights.getsockname()[1])))
    e = engines(load_program(path), (160, 90), fps=30, strict=True)
    list(frames(e, 3))
    sent = []
    send = e.sound.send
    e.sound.send = lambda ms, *when: (sent.extend(ms), send(ms, *when))
    e.go()
    list(frames(e, 15))
    (_, message), = decode(lights.recv(1024))
    lights.close()
    assert message.address == "/lights/scene" and list(message.args) == [3, "warm"]
    assert any(m[0] == "note" and m[1].endswith("coin") and m[2] == 76 for m in sent)
    assert e.player.params.target("hud") == 0.0 and 0.0 < e.player.stage.p.margins < 1.0


def test_the_finale_takes_in_a_whole_evening_at_once_with_a_cascade_not_a_ping_each(engines, tmp_path, monkeypatch):
    """An evening of 640 smiles reaches the finale: every one joins the mosaic as it opens, the
    chimes are one cascade (a ping each would be 640 notes in one block for twelve voices), and
    a smile made while it plays still chimes."""
    from stagecraft.audience.state import Act, Audience
    from stagecraft.sound.offline import OfflineSound

    sent = []
    original = OfflineSound.send
    monkeypatch.setattr(OfflineSound, "send", lambda self, messages, *when: (sent.extend(messages), original(self, messages, *when)))
    evening = Audience()
    for i in range(640):
        evening.take(Act("buy", f"s{i % 10}", 0.0, amount=50))
    (tmp_path / "audience.json").write_text(evening.dump())
    e = engines("smiles_for_all", audience_file=tmp_path / "audience.json")
    e.frame()
    pings = [m for m in sent if m[0] == "note" and m[1].endswith("ping")]
    assert len(e.player.state["smiles"]) == 160 + 640
    assert 0 < len(pings) <= 12
    e.audience.take(Act("buy", "late", 0.0, amount=10))
    e.frame()
    assert len(e.player.state["smiles"]) == 160 + 641
    assert len([m for m in sent if m[0] == "note" and m[1].endswith("ping")]) == len(pings) + 1
