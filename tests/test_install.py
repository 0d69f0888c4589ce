"""Installation mode's parts: opening hours, and a supervisor that restarts a crashed or hung
engine, backs off when restarts come too fast, logs what the engine says, and tells systemd.
The children here are real processes (tiny stand-ins for the engine); the engine's own
installation run is tested with the show."""
import os
import re
import socket
import sys
import threading
import time
from datetime import datetime

import numpy as np
import pytest

from stagecraft.installation.hours import Hours
from stagecraft.installation.supervisor import Supervisor

from .conftest import ROOT, run_cli, wait_for

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
from stagecraft.crossings import Heartbeat
beat = Heartbeat.from_env()
mode = {mode!r}
print("engine up", flush=True)
start = time.monotonic()
while True:
    now = time.monotonic()
    if mode == "hang" and now - start > 0.6:
        time.sleep(3600)
    beat.beat(now)
    if mode == "crash" and now - start > 0.2:
        print("oops: a piece blew up", flush=True)
        sys.exit(3)
    if mode == "quit" and now - start > 0.6:
        sys.exit(0)
    time.sleep(0.05)
"""


def supervise(tmp_path, mode, **kw):
    said = []
    argv = [sys.executable, "-c", CHILD.format(root=str(ROOT), mode=mode)]
    sup = Supervisor(argv, tmp_path / "install.log", say=said.append, **kw)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", sup.run()), daemon=True)
    thread.start()
    return sup, said, thread, result


def test_a_crashed_engine_is_restarted_and_its_output_logged(tmp_path):
    sup, said, thread, _ = supervise(tmp_path, "crash", restarts=10)
    assert wait_for(lambda: sum("started the engine" in s for s in said) >= 3, seconds=20)
    sup.stop()
    thread.join(10)
    log = (tmp_path / "install.log").read_text()
    assert "engine up" in log and "oops: a piece blew up" in log and "the engine stopped (3)" in log


def test_a_hung_engine_is_stopped_and_restarted(tmp_path):
    sup, said, thread, _ = supervise(tmp_path, "hang", hang_s=1.0)
    assert wait_for(lambda: any("is hung" in s for s in said), seconds=20)
    assert wait_for(lambda: sum("started the engine" in s for s in said) >= 2, seconds=20)
    sup.stop()
    thread.join(10)


def test_restarts_that_come_too_fast_back_off(tmp_path):
    sup, said, thread, _ = supervise(tmp_path, "crash", restarts=2, window_s=60, backoff=(0.5, 1.0))
    assert wait_for(lambda: any("waiting" in s for s in said), seconds=20)
    starts_before = sum("started the engine" in s for s in said)
    assert starts_before == 2, "no third start inside the window before the pause"
    sup.stop()
    thread.join(10)


def test_a_clean_quit_ends_supervision(tmp_path):
    sup, said, thread, result = supervise(tmp_path, "quit")
    thread.join(20)
    assert result.get("code") == 0 and any("the show ended" in s for s in said)


def test_systemd_hears_ready_and_the_watchdog_while_the_engine_beats(tmp_path, monkeypatch):
    path = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(0.2)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "400000")
    sup, said, thread, _ = supervise(tmp_path, "hang", hang_s=2.0)
    heard = []
    end = time.monotonic() + 6
    while time.monotonic() < end and not any("is hung" in s for s in said):
        try:
            heard.append(listener.recv(256).decode())
        except TimeoutError:
            pass
    sup.stop()
    thread.join(10)
    listener.close()
    assert "READY=1" in heard and "WATCHDOG=1" in heard
    assert any(h.startswith("STATUS=") for h in heard)


@pytest.mark.parametrize("spec, when, open_", [
    ("10:00-18:00", datetime(2026, 11, 26, 9, 59), False),
    ("10:00-18:00", datetime(2026, 11, 26, 10, 0), True),
    ("10:00-18:00", datetime(2026, 11, 26, 18, 0), False),
    ("mon-fri 10:00-18:00", datetime(2026, 11, 28, 12, 0), False),          # a Saturday
    ("mon-fri 10:00-18:00, sat-sun 12:00-20:00", datetime(2026, 11, 28, 19, 0), True),
    ("fri 22:00-02:00", datetime(2026, 11, 28, 1, 30), True),              # Friday night, after midnight
    ("fri 22:00-02:00", datetime(2026, 11, 29, 1, 30), False),             # Saturday night
    ("sat-mon 10:00-12:00", datetime(2026, 11, 30, 11, 0), True),          # wraps the week
])
def test_opening_hours(spec, when, open_):
    assert Hours.parse(spec).open_at(when) == open_


@pytest.mark.parametrize("bad", ["10-18", "mon-fry 10:00-18:00", "25:00-26:00", "10:00-10:00", ""])
def test_bad_opening_hours_are_one_clear_error(bad):
    with pytest.raises(ValueError):
        Hours.parse(bad)


# the engine's side: opening hours, attract mode, resume ------------------------------------------
from stagecraft.installation.mode import Installation, resumed_piece  # noqa: E402
from stagecraft.output.offline import frames  # noqa: E402


class Wall:
    def __init__(self, when):
        self.when = when

    def __call__(self):
        return self.when


def test_outside_opening_hours_picture_and_sound_fade_out(engines, operator):
    e = engines("smile_bazaar", (160, 90), fps=30)
    wall = Wall(datetime(2026, 11, 26, 20, 0))
    e.installation = Installation(e, hours=Hours.parse("10:00-18:00"), wall=wall)
    shown = list(frames(e, 45))
    assert e.fade.blackout and shown[-1].max() == 0 and "opening hours: closed" in operator.stream.text
    level = e.sound.synth.master.volume.at(e.sound.synth.t + 48000 * 5)
    assert level == 0.0, "the sound fades to silence with the picture"
    wall.when = datetime(2026, 11, 27, 10, 30)
    shown = list(frames(e, 200))
    assert not e.fade.blackout and shown[-1].mean() > 10


def test_attract_mode_invites_after_quiet_and_ends_when_someone_joins(engines, operator):
    from stagecraft.audience.state import Act
    e = engines("smile_credits", (160, 90), fps=30)
    e.installation = Installation(e, attract_s=2.0, invitation="SEND A SMILE")
    quiet = list(frames(e, 45))[-1].astype(int)
    invited = list(frames(e, 30))[-1].astype(int)
    assert e.installation.attracting and "attract mode: no audience" in operator.stream.text
    band = (slice(75, 90), slice(None))
    assert np.abs(invited[band] - quiet[band]).mean() > 10, "the invitation is on the picture"
    e.audience.take(Act("join", "ab", e.clock.time, text="ana"))
    list(frames(e, 2))
    assert not e.installation.attracting and e.installation.caption() is None


def test_the_invitation_names_the_audience_port_the_show_bound(tmp_path):
    r = run_cli("show", "--headless", "--size", "160x90", "--seconds", "1.5", "--audio", "none",
                "--audience-port", "0", "--osc-port", "0", "--audience-file", str(tmp_path / "a.json"),
                "--attract", "0.005", "--invitation", "smile at port {port}")
    assert r.returncode == 0, r.stderr
    said = re.search(r"inviting: smile at port (\d+)", r.stdout + r.stderr)
    assert said and int(said.group(1)) > 0, r.stdout + r.stderr


def test_the_playing_piece_is_written_for_a_restart_to_resume(engines, tmp_path):
    from stagecraft.show.program import load_program, resolve_program
    resume = tmp_path / "resume.json"
    program = load_program(resolve_program("smiles_for_all")).scaled(0.01)
    e = engines(program, (160, 90), fps=30)
    e.installation = Installation(e, resume=resume)
    list(frames(e, 2))
    assert resumed_piece(resume) == "smile_credits"
    while e.player.name != "forum":
        list(frames(e, 10))
    list(frames(e, 1))
    assert resumed_piece(resume) == "forum"
    assert resumed_piece(tmp_path / "none.json") is None


def test_install_restarts_a_killed_engine_at_the_piece_it_was_playing(tmp_path):
    """The whole installation: `run.py install` supervising a real headless show; the engine is
    killed with SIGKILL mid-piece and comes back, at that piece."""
    import signal
    import subprocess
    log, resume = tmp_path / "install.log", tmp_path / "resume.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    sup = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "install", "--headless", "--size", "160x90",
                            "--time-scale", "0.02", "--audio", "none", "--no-osc", "--fps", "30",
                            "--audience-file", str(tmp_path / "audience.json"), "--resume", str(resume),
                            "--log", str(log), "--hang-s", "5"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: resumed_piece(resume) in ("smile_bazaar", "forum"), seconds=60), \
            log.read_text() if log.exists() else "no log"
        piece = resumed_piece(resume)
        pid = int(log.read_text().split("started the engine (pid ")[1].split(")")[0])
        os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: log.read_text().count("started the engine") >= 2, seconds=30), log.read_text()
        assert wait_for(lambda: f"resuming at {piece}" in log.read_text(), seconds=30), log.read_text()
    finally:
        sup.send_signal(signal.SIGTERM)
        sup.wait(timeout=30)
    assert "the engine stopped (-9); restarting" in log.read_text()


def test_install_fresh_empties_the_audience_once_and_a_restart_restores_it(tmp_path):
    """`install --fresh` at the start of an evening: yesterday's audience is set aside, tonight's
    grows; the engine is killed with SIGKILL and the one that replaces it restores tonight's (it
    was given --fresh too, and set tonight's aside: the show went on with an empty audience)."""
    import json
    import signal
    import subprocess
    from stagecraft.osc.replies import packet
    log, audience = tmp_path / "install.log", tmp_path / "audience.json"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yesterday = subprocess.run([sys.executable, "-c", "from stagecraft.audience.state import Audience;"
                                "print(Audience().dump())"], cwd=ROOT, capture_output=True, text=True).stdout
    audience.write_text(yesterday)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    sup = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "install", "--fresh", "--time-scale", "20", "--headless",
                            "--size", "160x90", "--audio", "none", "--fps", "30", "--osc-port", "0",
                            "--audience-port", str(port), "--audience-file", str(audience),
                            "--resume", str(tmp_path / "resume.json"), "--log", str(log), "--hang-s", "10"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def echoes() -> int:
        try:
            return len(json.loads(audience.read_text())["echoes"])
        except (OSError, ValueError, KeyError):
            return -1
    try:
        assert wait_for(lambda: log.exists() and "OSC audience port" in log.read_text(), seconds=60)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            for i in range(8):
                sender.sendto(packet("/audience/echo", f"tonight {i}"), ("127.0.0.1", port))
                time.sleep(0.1)
        assert wait_for(lambda: echoes() == 8, seconds=30), log.read_text()
        pid = int(log.read_text().split("started the engine (pid ")[1].split(")")[0])
        os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: log.read_text().count("started the engine") >= 2, seconds=30), log.read_text()
        assert wait_for(lambda: log.read_text().count("OSC audience port") >= 2, seconds=30), log.read_text()
        time.sleep(4)                                   # past the restarted engine's first save
        assert echoes() == 8, log.read_text()
    finally:
        sup.send_signal(signal.SIGTERM)
        sup.wait(timeout=30)
    assert log.read_text().count("starting with an empty audience") == 1, log.read_text()
    assert len(list(tmp_path.glob("audience-*.json"))) == 1, "only yesterday's was set aside"
