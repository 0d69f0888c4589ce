"""OSC from the command line: the address map, `send`, a live `play` answering and recording OSC
and keeping the audience, and a recording replayed into an offline render."""
import json
import signal
import socket
import subprocess
import sys
import time

import pytest

from stagecraft.output.offline import frames, offline_engine
from stagecraft.show.operator import Operator
from stagecraft.osc.record import Replay

from .conftest import LISTENER, ROOT, SMALL, Client, Collect, close_all, run_cli, wait_for


def test_the_committed_address_map_is_what_the_code_says():
    r = run_cli("osc-map")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (ROOT / "docs" / "osc-map.md").read_text(encoding="utf-8"), \
        "regenerate it: python run.py osc-map > docs/osc-map.md"


def test_the_map_of_one_piece_lists_its_parameters_and_cues():
    r = run_cli("osc-map", LISTENER)
    assert r.returncode == 0, r.stderr
    assert "| `/listener/level` | control | `f` | 0..1 |" in r.stdout and "`/cue/two/go`" in r.stdout
    assert "/calibration/" not in r.stdout and "`/audience/echo`" in r.stdout


@pytest.mark.parametrize("args, says", [
    (["send", "go"], "an OSC address starts with '/'"),
    (["send", "/x", "1", "--types", "ii"], "types 'ii' want 2 value(s), got 1"),
    (["send", "/x", "abc", "--types", "f"], "'abc' is not a value of type 'f'"),
    (["render", "calibration", "-o", "x.mp4", "--replay", "missing.jsonl"], "cannot read the OSC recording"),
    (["play", "calibration", "--osc-port", "70000"], "port '70000' must be a number from 0 to 65535"),
    (["play", "calibration", "--operator-allow", "10.0.0.0/33"], "is not an address or network"),
    (["osc-map", "no_such_piece"], "unknown piece 'no_such_piece'"),
])
def test_osc_mistakes_are_one_line_and_a_nonzero_exit(args, says, tmp_path):
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode != 0 and says in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_a_port_in_use_is_one_line_not_a_traceback(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        r = run_cli("play", "calibration", "--headless", "--seconds", "1", "--size", "160x90",
                    "--osc-port", str(taken.getsockname()[1]), "--audience-port", "0",
                    "--audience-file", str(tmp_path / "a.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "error: cannot open the control port" in r.stderr.splitlines()[-1]


def _ports(proc, seconds=60.0) -> dict:
    ports, end = {}, time.monotonic() + seconds
    while len(ports) < 2 and time.monotonic() < end:
        line = proc.stderr.readline()
        if " port: " in line:
            role, addr = line.split("OSC ", 1)[1].split(" port: ")
            ports[role] = int(addr.split()[0].rsplit(":", 1)[1])
    return ports


def test_play_answers_records_and_keeps_the_audience(tmp_path):
    stats, keep, record = tmp_path / "s.json", tmp_path / "a.json", tmp_path / "r.jsonl"
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "play", LISTENER, "--headless", "--size", "160x90",
                             "--seconds", "120", "--strict", "--osc-port", "0", "--audience-port", "0",
                             "--stats", str(stats), "--audience-file", str(keep), "--record-osc", str(record)],
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    client = Client()
    try:
        ports = _ports(proc)
        assert set(ports) == {"control", "audience"}, ports
        client.send(ports["audience"], "/audience/echo", "from the house")
        client.send(ports["audience"], "/audience/buy", 2)
        r = run_cli("send", "/go", "--port", str(ports["control"]), "--wait", "5")
        assert r.returncode == 0 and '/reply/go {"address":"/go","status":"ok"' in r.stdout, r.stdout + r.stderr
    finally:
        client.close()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    s = json.loads(stats.read_text())
    assert s["osc_received"] == 3 and s["osc_rejected"] == s["osc_malformed"] == s["osc_rate_limited"] == 0
    saved = json.loads(keep.read_text())
    assert [text for _, _, text in saved["echoes"]] == ["from the house"] and saved["credits"]["spent"] == 2
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines[0]["stagecraft_osc"] == 1 and [d["address"] for d in lines[1:]] == [
        "/audience/echo", "/audience/buy", "/go"]

    r = run_cli("render", LISTENER, "-o", str(tmp_path / "replay.mp4"), "--size", "160x90", "--seconds", "0.5",
                "--replay", str(record))
    assert r.returncode == 0, r.stderr

    r = run_cli("play", "calibration", "--headless", "--seconds", "0.2", "--size", "160x90", "--no-osc",
                "--fresh", "--audience-file", str(keep), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(keep.read_text())["echoes"] == [] and len(list(tmp_path.glob("a-*.json"))) == 1


def _outcome(e) -> tuple:
    """What a run did: what each update saw, and the audience it left (its salt aside)."""
    audience = {k: v for k, v in json.loads(e.audience.dump()).items() if k != "salt"}
    close_all([e])  # one engine at a time: GL objects are released in whichever context is current
    return e.player.state["seen"], audience


def test_a_recording_replays_into_the_same_frames_every_time(client, tmp_path):
    live = offline_engine(LISTENER, SMALL, operator=Operator(stream=Collect()))
    live.osc.listen(osc_port=0, audience_port=0)
    live.osc.record(tmp_path / "r.jsonl")
    ports = live.osc.ports
    for i in range(12):
        if i in (2, 5, 9):
            client.send(ports["control"], "/current/level", i / 10)
            client.send(ports["audience"], "/audience/echo", f"at {i}")
            client.send(ports["audience"], "/audience/join", f"n{i}")
            assert wait_for(lambda: len(live.osc.inbox) >= 3)
        live.frame()
    recorded = _outcome(live)
    assert recorded[1]["made"] == 3

    def replayed():
        e = offline_engine(LISTENER, SMALL, operator=Operator(stream=Collect()))
        replay = Replay(tmp_path / "r.jsonl")
        for _ in frames(e, 12, lambda i: replay.feed(e.osc.inbox, i / e.clock.rate)):
            pass
        return _outcome(e)

    assert replayed() == replayed() == recorded
