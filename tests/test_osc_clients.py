"""Real third-party OSC software against the engine: liblo's oscsend and oscdump (liblo-tools) and a
Pure Data patch (puredata-core) built from [oscformat] and [netsend -u -b]. `.ci/run` installs
both; where one is missing the test says so and skips, it is never imitated."""
import json
import select
import shutil
import socket
import subprocess
import sys
import time

import pytest

from stagecraft.osc.replies import packet

from .conftest import ROOT, wait_for

PATCH = ROOT / "tests" / "pd" / "send.pd"


def need(tool: str, package: str):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed here (apt-get install {package}; .ci/run does)")


def oscsend(port, address, types="", *values):
    subprocess.run(["oscsend", "localhost", str(port), address, types, *map(str, values)], check=True,
                   timeout=10, capture_output=True)


def queued(e, n):
    assert wait_for(lambda: len(e.osc.inbox) >= n), f"{len(e.osc.inbox)} of {n} arrived"


def test_liblo_oscsend_types_reach_the_engine(stage_osc):
    need("oscsend", "liblo-tools")
    e = stage_osc()
    control, audience = e.osc.ports["control"], e.osc.ports["audience"]
    oscsend(control, "/current/level", "d", 0.375)
    oscsend(control, "/performer/hand", "ff", 0.25, 0.75)
    oscsend(control, "/current/poke", "TFNI")
    oscsend(control, "/blackout", "T")
    oscsend(audience, "/audience/echo", "S", "symbolic")
    oscsend(audience, "/audience/vote", "h", -3)
    oscsend(audience, "/audience/buy", "i", 7)
    oscsend(audience, "/audience/join", "s", "Ada Lovelace")
    queued(e, 8)
    e.frame()
    seen = e.player.state["seen"][-1]
    assert seen["level"] == 0.375 and seen["hand"] == (0.25, 0.75) and seen["poke"] == 1
    assert seen["echo"] == ["symbolic"] and e.fade.blackout
    a = e.audience
    assert a.polarity == -1.0 and a.credits.spent == 7 and a.contributions[-1].name == "Ada Lovelace"
    assert e.osc.counters()["osc_rejected"] == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def oscdump(port: int) -> subprocess.Popen:
    dump = subprocess.Popen(["oscdump", "-L", str(port)], stdout=subprocess.PIPE, text=True)
    assert wait_for(lambda: _taken(port)), "oscdump did not start listening"
    return dump


def heard(dump, act, seconds=20.0) -> list[str]:
    """Do `act` until oscdump prints a line; the line without its timetag, split in three."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        act()
        if select.select([dump.stdout], [], [], 0.05)[0]:
            return dump.stdout.readline().split(None, 1)[1].rstrip("\n").split(" ", 2)
    raise AssertionError("oscdump heard nothing")


def test_liblo_oscdump_reads_what_run_py_send_writes():
    need("oscdump", "liblo-tools")
    port = _free_port()
    dump = oscdump(port)
    try:
        r = subprocess.run([sys.executable, str(ROOT / "run.py"), "send", "/x/y", "3", "2.5", "hi", "true",
                            "--port", str(port), "--wait", "0"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert heard(dump, lambda: None) == ["/x/y", "ifsT", '3 2.500000 "hi" #T']
    finally:
        dump.kill()
        dump.wait()


def test_liblo_oscdump_parses_the_engines_update_pushes(stage_osc):
    need("oscdump", "liblo-tools")
    e = stage_osc()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as subscriber:
        subscriber.bind(("127.0.0.1", 0))
        port = subscriber.getsockname()[1]
        subscriber.sendto(packet("/updates", 1), ("127.0.0.1", e.osc.ports["control"]))
        queued(e, 1)
        e.frame()
    dump = oscdump(port)   # oscdump takes over the subscriber's address
    try:
        address, types, body = heard(dump, e.frame)   # pushes go out a few times a second
        assert (address, types) == ("/update", "s")
        assert json.loads(body[1:-1])["piece"] == "listener"
    finally:
        dump.kill()
        dump.wait()


def test_a_pure_data_patch_sends_typed_messages(stage_osc):
    need("pd", "puredata-core")
    e = stage_osc()
    ports = f"{e.osc.ports['audience']} {e.osc.ports['control']}"
    subprocess.run(["pd", "-nogui", "-nosound", "-nomidi", "-stderr", "-send", f"osc {ports}", "-open", str(PATCH)],
                   check=True, timeout=30, capture_output=True)
    queued(e, 6)
    e.frame()
    seen = e.player.state["seen"][-1]
    a = e.audience
    assert seen["echo"] == ["hello_from_pd"] and seen["level"] == 0.625
    assert a.polarity == -0.5 and a.credits.spent == 3 and a.contributions[-1].ints == (4, 9)
    assert e.show.current.name == "one", "Pd's /go"
