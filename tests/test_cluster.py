"""Several machines: a director and its actors in lockstep over a real NATS server (Debian's
nats-server, started and stopped here), each engine a `run.py` process as an operator starts it."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stagecraft.cluster.frames import subject

ROOT = Path(__file__).resolve().parent.parent
SHOW_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """Debian's nats-server with JetStream, its store in the test's folder, on a port of its own."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.start()

    def start(self) -> None:
        binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not Path(binary).exists():
            pytest.skip("needs Debian's nats-server (.ci/run installs it)")
        self.server = subprocess.Popen([binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd",
                                        str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    self.server.kill()
                    pytest.fail("nats-server did not start")
                time.sleep(0.05)

    def kill(self) -> None:
        self.server.kill()
        self.server.wait(5)


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path / "nats")
    yield b
    b.kill()


@pytest.fixture
def nats_url(broker):
    return broker.url


def engine(*args, log: Path, piece: str = "smiles_for_all", command: tuple = ()) -> subprocess.Popen:
    """`run.py play piece`, or the `command` given (`("show",)`: the default program)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *(command or ("play", piece)), "--headless",
                             "--audio", "none", *args], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


def oscsend(port: int, address: str, tags: str, *args) -> None:
    subprocess.run(["oscsend", "127.0.0.1", str(port), address, tags, *map(str, args)], check=True, timeout=5)


def hashes(path: Path) -> dict[int, str]:
    """frame index -> sha1, from a --hash-frames file."""
    return {int(f): h for f, _, h in (line.split() for line in path.read_text().splitlines())}


def followed(log: str) -> int:
    """The last frame an understudy followed before it took over: its director's last that the
    server kept. A director killed may have drawn (and hashed) a frame or more it never sent."""
    return int(re.search(r"fell silent after frame (\d+)", log).group(1))


class Relay:
    """A TCP relay from an actor to the NATS server, which the test cuts (every connection closed,
    and none taken) and restores: the actor's network cable, pulled and plugged back."""

    def __init__(self, target: int):
        self.target, self.port = target, free_port()
        self.open = False
        self.links: list[socket.socket] = []
        self.restore()

    def restore(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self.open = True
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server) -> None:
        while self.open:
            try:
                near, _ = server.accept()
            except OSError:
                return
            far = socket.create_connection(("127.0.0.1", self.target))
            self.links += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            s.close()

    def cut(self) -> None:
        self.open = False
        self.server.close()
        for s in self.links:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.links = []


def drive(audience: int, control: int, seconds: float) -> int:
    """The audience and the operator at the director for `seconds`: joins, cheers, touches and votes
    through liblo's oscsend, and now and then a GO (the program's cues and their glides)."""
    sent, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        k = sent // 4
        oscsend(audience, "/audience/join", "s", f"guest{k}")
        oscsend(audience, "/audience/cheer", "f", 1.0)
        oscsend(audience, "/audience/touch", "ff", (k % 10) / 10 + 0.05, 0.5)
        oscsend(audience, "/audience/vote", "f", 1.0 if k % 2 else -1.0)
        sent += 4
        if k % 10 == 5:
            oscsend(control, "/go", "")
        time.sleep(0.3)
    return sent


def director_args(url: str, tmp_path: Path, seconds: float, audience: int, control: int) -> list:
    """At 30 frames a second: four engines at 60 fill this machine's two cores, and an actor that
    follows late must render faster than the director to catch up (it did not, once, on a busy CI)."""
    return ["--director", url, "--size", "160x90", "--fps", "30", "--seconds", str(seconds), "--fresh",
            "--audience-file", str(tmp_path / "aud0.json"), "--osc-port", str(control),
            "--audience-port", str(audience), "--hash-frames", str(tmp_path / "director.txt"),
            "--stats", str(tmp_path / "director.json")]


def actor(url: str, tmp_path: Path, k: int, *more, piece: str = "smiles_for_all", command: tuple = ()) -> subprocess.Popen:
    return engine("--actor", url, "--hash-frames", str(tmp_path / f"actor{k}.txt"),
                  "--stats", str(tmp_path / f"actor{k}.json"), "--audience-file", str(tmp_path / f"aud{k}.json"),
                  *more, log=tmp_path / f"actor{k}.log", piece=piece, command=command)


def finish(processes: dict, tmp_path: Path, timeout: float) -> None:
    try:
        for name, p in processes.items():
            assert p.wait(timeout) == 0, (tmp_path / f"{name}.log").read_text()
    finally:
        for p in processes.values():
            p.kill() if p.poll() is None else None


def test_actors_render_every_frame_the_director_rendered(nats_url, tmp_path):
    """One actor from the start (with two projectors of its own), one started 10 s late, one whose
    connection is cut for 3 s. The director's --set reaches them all."""
    port = int(nats_url.rpartition(":")[2])
    relay = Relay(port)
    mapping = tmp_path / "two.toml"
    mapping.write_text((ROOT / "tests" / "projection" / "two.toml").read_text())
    actors = {"actor1": actor(nats_url, tmp_path, 1, "--mapping", str(mapping)),
              "actor3": actor(f"nats://127.0.0.1:{relay.port}", tmp_path, 3)}
    time.sleep(3.0)     # the actors connect and wait for the show to start
    audience, control = free_port(), free_port()
    director = engine(*director_args(nats_url, tmp_path, SHOW_S, audience, control), "--set", "lines=0.6",
                      log=tmp_path / "director.log")
    try:
        time.sleep(3.0)
        sent = drive(audience, control, 7.0)
        actors["actor2"] = actor(nats_url, tmp_path, 2)          # 10 s into the show
        relay.cut()
        sent += drive(audience, control, 3.0)
        relay.restore()
        sent += drive(audience, control, SHOW_S - 21.0)
    finally:
        finish({"director": director, **actors}, tmp_path, SHOW_S + 30)

    directed = hashes(tmp_path / "director.txt")
    stats = json.loads((tmp_path / "director.json").read_text())
    assert stats["cluster_role"] == "director" and stats["cluster_dropped"] == 0
    assert stats["osc_received"] >= sent * 0.9          # the audience did reach the director (UDP on loopback)
    assert stats["fired"] is not None                   # and the operator's GO fired a cue
    assert len(directed) > SHOW_S * 20 and len(set(directed.values())) > 100
    assert subject("Smiles for All") in (tmp_path / "director.log").read_text()
    for k in (1, 2, 3):
        acted = hashes(tmp_path / f"actor{k}.txt")
        assert acted.keys() == directed.keys()          # the late one too: the server kept every frame
        wrong = [i for i in directed if acted[i] != directed[i]]
        assert not wrong, f"actor {k}: {len(wrong)} frames differ, the first {wrong[:5]}"
        mine = json.loads((tmp_path / f"actor{k}.json").read_text())
        assert mine["cluster_role"] == "actor" and mine["fired"] == stats["fired"]
        assert mine["cluster_caught_up_s"] is not None, f"actor {k} never rendered a frame live: {mine}"
        # the audience's state as each machine kept it: the director's, contribution for contribution
        assert json.loads((tmp_path / f"aud{k}.json").read_text()) == json.loads((tmp_path / "aud0.json").read_text())
    assert json.loads((tmp_path / "actor3.json").read_text())["cluster_resyncs"] >= 1
    assert json.loads((tmp_path / "aud0.json").read_text())["made"] >= sent // 4 * 0.9


def test_an_actor_without_a_director_is_told_so(tmp_path):
    url = f"nats://127.0.0.1:{free_port()}"       # nothing listens there
    actor = engine("--actor", url, log=tmp_path / "actor.log")
    assert actor.wait(30) == 2
    told = (tmp_path / "actor.log").read_text()
    assert "cannot reach the NATS server" in told and url in told


@pytest.mark.parametrize("own", [["--midi", "controller.toml"], ["--set", "lines=0.6"], ["--attract", "1"]],
                         ids=["midi", "set", "attract"])
def test_an_actor_takes_no_controllers_or_settings_of_its_own(tmp_path, own):
    """Its settings and installation are the director's (frame 0's start carries them): its own would
    part its frames."""
    actor = engine("--actor", f"nats://127.0.0.1:{free_port()}", *own, log=tmp_path / "actor.log",
                   command=("show",) if own[0] == "--attract" else ())
    assert actor.wait(30) == 2
    assert "an actor has no inputs of its own" in (tmp_path / "actor.log").read_text()


def test_the_broker_killed_mid_show_stalls_no_picture_and_actors_resync(broker, tmp_path):
    audience, control = free_port(), free_port()
    follower = actor(broker.url, tmp_path, 1)
    time.sleep(3.0)
    director = engine(*director_args(broker.url, tmp_path, 16.0, audience, control), log=tmp_path / "director.log")
    try:
        time.sleep(3.0)
        sent = drive(audience, control, 3.0)
        broker.kill()                                   # the broker gone for 3 s, then back on its stored stream
        sent += drive(audience, control, 3.0)
        broker.start()
        sent += drive(audience, control, 3.0)
    finally:
        finish({"director": director, "actor1": follower}, tmp_path, 60)
    stats = json.loads((tmp_path / "director.json").read_text())
    assert stats["cluster_resyncs"] >= 1 and stats["cluster_dropped"] == 0
    directed, acted = hashes(tmp_path / "director.txt"), hashes(tmp_path / "actor1.txt")
    assert acted == directed
    assert json.loads((tmp_path / "actor1.json").read_text())["cluster_resyncs"] >= 1
    assert json.loads((tmp_path / "aud1.json").read_text()) == json.loads((tmp_path / "aud0.json").read_text())


def test_the_understudy_takes_over_when_the_director_dies(nats_url, tmp_path):
    audience, control = free_port(), free_port()
    standby_audience = free_port()
    understudy = engine("--understudy", nats_url, "--takeover-s", "1.5", "--seconds", "18", "--phones", "nats",
                        "--audience-port", str(standby_audience), "--osc-port", str(free_port()),
                        "--hash-frames", str(tmp_path / "understudy.txt"), "--stats", str(tmp_path / "understudy.json"),
                        "--audience-file", str(tmp_path / "aud9.json"), log=tmp_path / "understudy.log")
    follower = actor(nats_url, tmp_path, 1)
    time.sleep(3.0)
    director = engine(*director_args(nats_url, tmp_path, 60.0, audience, control), "--phones", "nats",
                      log=tmp_path / "director.log")
    phones_port = free_port()
    gateway = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "gateway", nats_url, "--show", "Smiles for All",
                                "--port", str(phones_port), "--host", "127.0.0.1", "--phones-per-ip", "100"], cwd=ROOT,
                               stdout=(tmp_path / "gateway.log").open("w"), stderr=subprocess.STDOUT)
    try:
        time.sleep(3.0)
        before = drive(audience, control, 4.0)
        director.kill()                                 # no goodbye: the machine lost its power
        time.sleep(4.0)
        after = drive(standby_audience, free_port(), 2.0)
        crowd = subprocess.run([sys.executable, "-c", CROWD, str(phones_port), "20", "2", "join"], capture_output=True,
                               text=True, timeout=60)
        house = json.loads(crowd.stdout.strip().splitlines()[-1])   # the gateway, relaying to the understudy now
        assert house["failures"] == 0, (house, crowd.stderr[-2000:])
        for name, p in (("understudy", understudy), ("actor1", follower)):
            assert p.wait(60) == 0, (tmp_path / f"{name}.log").read_text()
    finally:
        for p in (director, understudy, follower, gateway):
            p.kill() if p.poll() is None else None
    told = (tmp_path / "understudy.log").read_text()
    assert "directs the show from frame" in told
    assert "the show is directed by" in (tmp_path / "actor1.log").read_text()   # the actors are told too
    directed, stood_in, acted = (hashes(tmp_path / f"{n}.txt") for n in ("director", "understudy", "actor1"))
    last = followed(told)
    assert all(stood_in[i] == directed[i] for i in range(last + 1))        # in lockstep until the director died
    assert sorted(stood_in) == list(range(len(stood_in))) and max(stood_in) > last + 60   # then it went on
    assert acted == stood_in                                         # and the actor followed it
    stats = json.loads((tmp_path / "understudy.json").read_text())
    assert stats["cluster_role"] == "director" and stats["phones_delivered"] == house["sent"] == 40
    kept = json.loads((tmp_path / "aud9.json").read_text())
    assert kept["made"] >= (before + after) // 4 * 0.8 + 20          # the audience's state survived the takeover


CROWD = """
import asyncio, json, sys, time
from websockets.asyncio.client import connect

async def phone(port, k, sends, out, gesture):
    ws = await connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}", open_timeout=60)
    await ws.send(json.dumps({"hello": f"house-phone-{k:05d}-token"}))
    welcome = json.loads(await ws.recv())
    while (m := json.loads(await ws.recv())).get("type") != "manifest" or not m.get("gestures"):
        pass
    out["ids"].add(welcome["id"])
    for i in range(sends):
        await asyncio.sleep(0.5)                     # two gestures a second
        await ws.send(json.dumps({"gesture": gesture, "value": 1.0 if (k + i) % 2 else -1.0} if gesture == "vote"
                                 else {"gesture": gesture}))
        out["sent"] += 1
    await asyncio.sleep(2.0)
    await ws.close()

async def main(ports, phones, sends, gesture):
    out = {"sent": 0, "ids": set()}
    tasks = []
    for k in range(phones):
        tasks.append(asyncio.ensure_future(phone(ports[k % len(ports)], k, sends, out, gesture)))
        await asyncio.sleep(1 / 400)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed = [repr(r) for r in results if isinstance(r, BaseException)]
    print(json.dumps({"sent": out["sent"], "phones": len(out["ids"]), "failed": failed[:5], "failures": len(failed)}))

asyncio.run(main([int(p) for p in sys.argv[1].split(",")], int(sys.argv[2]), int(sys.argv[3]),
                 sys.argv[4] if len(sys.argv) > 4 else "vote"))
"""


def test_two_gateways_bring_2000_phones_to_one_director(nats_url, tmp_path):
    phones, sends = 2000, 2
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    director = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "play", "forum", "--headless", "--audio", "none", "--size", "160x90",
         "--director", nats_url, "--phones", "nats", "--seconds", "300", "--fresh", "--no-osc",
         "--audience-file", str(tmp_path / "aud0.json"), "--stats", str(tmp_path / "director.json")],
        cwd=ROOT, env={**env, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
        stdout=(tmp_path / "director.log").open("w"), stderr=subprocess.STDOUT)
    ports = [free_port(), free_port()]
    gateways = [subprocess.Popen([sys.executable, str(ROOT / "run.py"), "gateway", nats_url, "--show", "The Forum",
                                  "--port", str(p), "--host", "127.0.0.1", "--phones-per-ip", "5000"],
                                 cwd=ROOT, env=env, stdout=(tmp_path / f"gateway{k}.log").open("w"),
                                 stderr=subprocess.STDOUT) for k, p in enumerate(ports)]
    try:
        deadline = time.monotonic() + 60
        while not all("the audience's page is at" in (tmp_path / f"gateway{k}.log").read_text() for k in (0, 1)):
            assert time.monotonic() < deadline and director.poll() is None, \
                [(tmp_path / f).read_text() for f in ("director.log", "gateway0.log", "gateway1.log")]
            time.sleep(0.2)
        crowd = subprocess.run([sys.executable, "-c", CROWD, ",".join(map(str, ports)), str(phones), str(sends)],
                               capture_output=True, text=True, timeout=240, env=env)
        house = json.loads(crowd.stdout.strip().splitlines()[-1])
        assert house["failures"] == 0 and house["phones"] == phones, (house, crowd.stderr[-2000:])
        time.sleep(2.0)
        director.send_signal(signal.SIGINT)                     # the operator's ctrl-C: stats written, audience saved
        assert director.wait(30) == 0, (tmp_path / "director.log").read_text()
    finally:
        for p in (director, *gateways):
            p.terminate() if p.poll() is None else None
        for p in (director, *gateways):
            p.wait(10)
    stats = json.loads((tmp_path / "director.json").read_text())
    assert house["sent"] == phones * sends
    assert stats["phones_delivered"] == house["sent"]           # 0 lost, through two gateways and NATS
    voters = json.loads((tmp_path / "aud0.json").read_text())["members"]
    assert len(voters) == phones                                 # each phone one sender, whichever gateway


AUTH = """
listen: 127.0.0.1:{port}
jetstream {{ store_dir: "{store}" }}
authorization {{
  users = [
    {{user: director, password: d1r, permissions: {{publish: ["stagecraft.>", "$JS.API.>"],
                                                   subscribe: ["stagecraft.>", "_INBOX.>"]}}}}
    {{user: actor, password: act, permissions: {{publish: ["$JS.API.>", "$JS.FC.>"],
                                                subscribe: ["stagecraft.*.frames", "_INBOX.>"]}}}}
    {{user: gateway, password: gw, permissions: {{publish: ["stagecraft.*.phones.in"],
                                                subscribe: ["stagecraft.*.phones.out"]}}}}
  ]
}}
"""


def test_a_gateway_may_publish_only_the_audiences_subject(tmp_path):
    """The README's authorisation, on a real nats-server: the director, an actor and a gateway each
    with their own user; the gateway's phones reach the show, its forgeries reach nothing."""
    import asyncio

    import nats
    port = free_port()
    config = tmp_path / "nats.conf"
    config.write_text(AUTH.format(port=port, store=tmp_path / "store"))
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    if not Path(binary).exists():
        pytest.skip("needs Debian's nats-server (.ci/run installs it)")
    server = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = lambda who, pw: f"nats://{who}:{pw}@127.0.0.1:{port}"    # noqa: E731
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    procs = {}
    try:
        time.sleep(0.5)
        procs["actor1"] = actor(url("actor", "act"), tmp_path, 1, piece="forum")
        time.sleep(2.0)
        procs["director"] = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "play", "forum", "--headless", "--audio", "none", "--size", "160x90",
             "--director", url("director", "d1r"), "--phones", "nats", "--seconds", "300", "--fresh", "--no-osc",
             "--audience-file", str(tmp_path / "aud0.json"), "--stats", str(tmp_path / "director.json"),
             "--hash-frames", str(tmp_path / "director.txt")],
            cwd=ROOT, env={**env, "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy"},
            stdout=(tmp_path / "director.log").open("w"), stderr=subprocess.STDOUT)
        phones_port = free_port()
        procs["gateway"] = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "gateway", url("gateway", "gw"), "--show", "The Forum", "--port",
             str(phones_port), "--host", "127.0.0.1", "--phones-per-ip", "100"], cwd=ROOT, env=env,
            stdout=(tmp_path / "gateway.log").open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while "the audience's page is at" not in (tmp_path / "gateway.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "gateway.log").read_text()
            time.sleep(0.2)

        async def forge() -> list[str]:
            refused = []

            async def error(exc):
                refused.append(str(exc))
            nc = await nats.connect(url("gateway", "gw"), error_cb=error)
            await nc.publish("stagecraft.The_Forum.frames", b'{"frame": 999999}')
            await nc.publish("$JS.API.STREAM.PURGE.STAGECRAFT_The_Forum", b"")
            await nc.flush()
            await asyncio.sleep(1.0)
            await nc.close()
            return refused
        refused = asyncio.run(forge())
        assert len(refused) == 2 and all("permissions violation" in r.lower() for r in refused), refused
        crowd = subprocess.run([sys.executable, "-c", CROWD, str(phones_port), "50", "2"], capture_output=True,
                               text=True, timeout=120, env=env)
        house = json.loads(crowd.stdout.strip().splitlines()[-1])
        assert house["failures"] == 0, house
        time.sleep(2.0)
        procs["director"].send_signal(signal.SIGINT)
        assert procs["director"].wait(30) == 0, (tmp_path / "director.log").read_text()
        assert procs["actor1"].wait(60) == 0, (tmp_path / "actor1.log").read_text()
    finally:
        for p in procs.values():
            p.terminate() if p.poll() is None else None
        server.terminate()
        server.wait(5)
    assert json.loads((tmp_path / "director.json").read_text())["phones_delivered"] == house["sent"] == 100
    assert hashes(tmp_path / "actor1.txt") == hashes(tmp_path / "director.txt")   # no forged frame among them


@pytest.fixture
def two_hosts():
    """Two network namespaces joined by a veth pair, 10.77.0.1 and 10.77.0.2: two machines on one
    wire, where this machine lets us make them (root with CAP_NET_ADMIN); skipped otherwise."""
    names = [f"sc{os.getpid()}a", f"sc{os.getpid()}b"]
    ip = shutil.which("ip")

    def sh(*args) -> bool:
        return subprocess.run([ip, *args], capture_output=True).returncode == 0
    if ip is None or not sh("netns", "add", names[0]):
        pytest.skip("cannot make network namespaces here (needs root and CAP_NET_ADMIN)")
    try:
        ok = sh("netns", "add", names[1]) and sh("link", "add", f"{names[0]}v", "type", "veth", "peer", "name",
                                                    f"{names[1]}v")
        for k, name in enumerate(names):
            ok = ok and sh("link", "set", f"{name}v", "netns", name) \
                and sh("-n", name, "addr", "add", f"10.77.0.{k + 1}/24", "dev", f"{name}v") \
                and sh("-n", name, "link", "set", f"{name}v", "up") and sh("-n", name, "link", "set", "lo", "up")
        if not ok:
            pytest.skip("cannot join network namespaces with a veth pair here")
        yield [[ip, "netns", "exec", name] for name in names]
    finally:
        for name in names:
            sh("netns", "del", name)


def test_a_director_and_an_actor_on_two_hosts(two_hosts, tmp_path):
    host_a, host_b = two_hosts
    port = free_port()
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    if not Path(binary).exists():
        pytest.skip("needs Debian's nats-server (.ci/run installs it)")
    server = subprocess.Popen([*host_a, binary, "-a", "10.77.0.1", "-p", str(port), "-js", "-sd", str(tmp_path / "s")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy")

    def on(host, name, *args):
        return subprocess.Popen([*host, sys.executable, str(ROOT / "run.py"), "play", "smiles_for_all", "--headless",
                                 "--audio", "none", *args], cwd=ROOT, env=env,
                                stdout=(tmp_path / f"{name}.log").open("w"), stderr=subprocess.STDOUT)
    url = f"nats://10.77.0.1:{port}"
    procs = {}
    try:
        time.sleep(0.5)
        procs["actor1"] = on(host_b, "actor1", "--actor", url, "--hash-frames", str(tmp_path / "actor1.txt"))
        time.sleep(2.0)
        audience = free_port()
        procs["director"] = on(host_a, "director", "--director", url, "--size", "160x90", "--seconds", "8",
                               "--fresh", "--audience-file", str(tmp_path / "aud0.json"), "--osc-port", "0",
                               "--audience-port", str(audience), "--hash-frames", str(tmp_path / "director.txt"))
        deadline = time.monotonic() + 30            # a join sent before its port opens is lost (UDP)
        while "OSC audience port" not in (tmp_path / "director.log").read_text():
            assert time.monotonic() < deadline and procs["director"].poll() is None, \
                (tmp_path / "director.log").read_text()
            time.sleep(0.1)
        for k in range(10):
            subprocess.run([*host_a, "oscsend", "127.0.0.1", str(audience), "/audience/join", "s", f"host{k}"],
                           check=True, timeout=5)
            time.sleep(0.2)
        for name, p in procs.items():
            assert p.wait(60) == 0, (tmp_path / f"{name}.log").read_text()
    finally:
        for p in procs.values():
            p.kill() if p.poll() is None else None
        server.terminate()
        server.wait(5)
    directed = hashes(tmp_path / "director.txt")
    assert len(directed) > 200 and hashes(tmp_path / "actor1.txt") == directed
    assert json.loads((tmp_path / "aud0.json").read_text())["made"] >= 9


def test_a_director_back_after_its_understudy_took_over_stands_down(nats_url, tmp_path):
    """A director frozen (a cable pulled, a machine hung) long enough for its understudy to take over,
    then back: the server refuses its frames, so the actors see one show, the understudy's."""
    understudy = engine("--understudy", nats_url, "--takeover-s", "1.5", "--seconds", "14", "--no-osc",
                        "--hash-frames", str(tmp_path / "understudy.txt"), log=tmp_path / "understudy.log")
    follower = actor(nats_url, tmp_path, 1)
    time.sleep(3.0)
    director = engine(*director_args(nats_url, tmp_path, 16.0, free_port(), free_port()), log=tmp_path / "director.log")
    try:
        time.sleep(5.0)
        director.send_signal(signal.SIGSTOP)
        time.sleep(4.0)
        director.send_signal(signal.SIGCONT)
        for name, p in (("director", director), ("understudy", understudy), ("actor1", follower)):
            assert p.wait(60) == 0, (tmp_path / f"{name}.log").read_text()
    finally:
        for p in (director, understudy, follower):
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.kill()
    assert "this one stands down" in (tmp_path / "director.log").read_text()
    assert json.loads((tmp_path / "director.json").read_text())["cluster_superseded"] is True
    stood_in, acted = hashes(tmp_path / "understudy.txt"), hashes(tmp_path / "actor1.txt")
    assert acted == stood_in and sorted(acted) == list(range(len(acted)))   # one show, frame after frame
    told = (tmp_path / "actor1.log").read_text()
    assert told.count("the show is directed by") == 1                      # handed over once, never back


def test_a_show_older_than_the_server_keeps_is_told_and_cannot_be_joined_late(broker, monkeypatch):
    """The server lets a show's oldest frames go past its limits (here 64 KB, about eleven frames;
    the real ones are 12 hours or 4 GiB): the director's link notices, and an actor started then
    is told it cannot join, rather than waiting for a show it takes for not running."""
    from stagecraft.cluster.actor import Actor
    from stagecraft.cluster.frames import encode, key, stream
    from stagecraft.crossings import NatsLink
    from .conftest import wait_for
    from .test_cluster_frames import record
    monkeypatch.setattr(NatsLink, "STREAM", {"max_age": 3600.0, "max_bytes": 64 << 10})
    monkeypatch.setattr(NatsLink, "KEPT_EVERY", 5)
    director = NatsLink(broker.url)
    try:
        director.open_stream(stream("Long"), subject("Long"), fresh=True)

        def publish(frames):
            for k in frames:
                director.publish(subject("Long"), encode(record(k, {"run": "r", "audience": "{}"} if k == 0 else None)),
                                 key("r", "d", k))
            assert director.flush(10.0)
        publish(range(5))
        assert not director.aged_out, "five frames fit"
        publish(range(5, 40))
        assert wait_for(lambda: director.aged_out, 10.0)
        actor = NatsLink(broker.url)
        try:
            actor.open_stream(stream("Long"), subject("Long"))
            actor.follow(subject("Long"))
            with pytest.raises(ValueError, match="aged out of the stream"):
                Actor(actor).first(10.0)
        finally:
            actor.close()
    finally:
        director.close()


def test_an_understudys_controllers_open_when_it_takes_over_and_not_before(nats_url, tmp_path, jack):
    """A controller on both machines (QLab's main and backup way): the understudy, following,
    has its MIDI closed (a move there would part it from the show), and opens it when it directs.
    MIDI through JACK's dummy driver, from a controller in another process."""
    from .test_midi import CONTROLLER
    mapping = tmp_path / "controller.toml"
    mapping.write_text('device = "Test Controller"\n\n[[bind]]\ncc = 7\nto = "/current/lines"\ntakeover = "jump"\n')
    controller = subprocess.Popen([sys.executable, "-c", CONTROLLER], env=jack, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
    assert controller.stdout.readline().strip() == "ready"

    def move(value: int) -> None:
        controller.stdin.write(f"B0 07 {value:02X}\n")
        controller.stdin.flush()
        assert controller.stdout.readline().strip() == "sent"
    understudy = engine("--understudy", nats_url, "--takeover-s", "1.5", "--seconds", "16", "--midi", str(mapping),
                        "--midi-api", "jack", "--osc-port", str(free_port()), "--audience-port", str(free_port()),
                        "--hash-frames", str(tmp_path / "understudy.txt"), "--stats", str(tmp_path / "understudy.json"),
                        "--audience-file", str(tmp_path / "aud9.json"), log=tmp_path / "understudy.log")
    time.sleep(2.0)
    director = engine(*director_args(nats_url, tmp_path, 60.0, free_port(), free_port()),
                      log=tmp_path / "director.log")
    try:
        time.sleep(4.0)
        move(127)                                        # the understudy follows: not its to take
        time.sleep(1.0)
        director.kill()
        deadline = time.monotonic() + 20
        while "MIDI: Test Controller is" not in (tmp_path / "understudy.log").read_text():   # opened, found
            assert time.monotonic() < deadline and understudy.poll() is None, (tmp_path / "understudy.log").read_text()
            time.sleep(0.1)
        assert "directs the show from frame" in (tmp_path / "understudy.log").read_text()
        move(0)
        move(64)
        assert understudy.wait(60) == 0, (tmp_path / "understudy.log").read_text()
    finally:
        controller.stdin.close()
        controller.wait(5)
        for p in (director, understudy):
            p.kill() if p.poll() is None else None
    stats = json.loads((tmp_path / "understudy.json").read_text())
    assert stats["cluster_role"] == "director" and stats["midi_devices"] == ["controller:Test Controller"]
    assert stats["midi_received"] == 2, stats
    directed, stood_in = hashes(tmp_path / "director.txt"), hashes(tmp_path / "understudy.txt")
    last = followed((tmp_path / "understudy.log").read_text())
    assert all(stood_in[i] == directed[i] for i in range(last + 1)), "in lockstep while it followed"


PIECE = '''"""Reloaded

A piece the cluster test edits while the show runs: its shader's tint.
"""
SHADER = "reloaded.frag"


def setup(stage):
    return {}


def update(stage, state, dt):
    pass
'''
# never black: at fract's zero every tint renders the same frame, and two machines apart look alike
FRAG = "void mainImage(out vec4 c, in vec2 p) {{ c = vec4((0.5 + 0.5 * fract(iTime * 0.5)) * vec3({tint}), 1.0); }}\n"


def test_an_edit_saved_on_every_machine_is_picked_up_at_the_same_frame_and_a_lone_one_is_told(nats_url, tmp_path):
    """Each machine has its own copy of the piece (a shared folder or a sync keeps them alike).
    An actor looks for saved edits in the frames where its director picked one up, so an edit on
    both copies is picked up at the same frame; one on the director's copy alone is told by the
    actor. Under load too: the actor, frames behind, must not pick an edit up early."""
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "reloaded.py").write_text(PIECE)
        (d / "reloaded.frag").write_text(FRAG.format(tint="1.0, 0.5, 0.25"))
    director = engine(*director_args(nats_url, tmp_path, 12.0, free_port(), free_port()), log=tmp_path / "director.log",
                      piece=str(a / "reloaded.py"))
    follower = actor(nats_url, tmp_path, 1, piece=str(b / "reloaded.py"))
    time.sleep(5.0)
    for d in (b, a):                                    # synced: the actor's copy a moment before
        (d / "reloaded.frag").write_text(FRAG.format(tint="0.25, 1.0, 0.5"))
    time.sleep(3.0)
    (a / "reloaded.frag").write_text(FRAG.format(tint="1.0, 0.0, 1.0"))     # the director's copy alone
    finish({"director": director, "actor1": follower}, tmp_path, 60)
    assert "reloaded reloaded.frag" in (tmp_path / "director.log").read_text()
    told = [line for line in (tmp_path / "actor1.log").read_text().splitlines() if "no longer match" in line]
    assert len(told) == 1 and "reloaded.frag" in told[0], told
    parted = int(re.search(r"frame (\d+):", told[0]).group(1))
    directed, acted = hashes(tmp_path / "director.txt"), hashes(tmp_path / "actor1.txt")
    assert all(acted[i] == h for i, h in directed.items() if i < parted), "equal through the synced edit"
    assert all(acted[i] != h for i, h in directed.items() if i >= parted), "apart from the lone one"


def closed_now() -> str:
    """Opening hours that are closed at this hour of the day."""
    hour = time.localtime().tm_hour
    return f"{(hour + 2) % 24:02d}:00-{(hour + 3) % 24:02d}:00"


@pytest.mark.parametrize("installation", [["--attract", "0.05"], ["--hours", "closed"]], ids=["attract", "hours"])
def test_an_actor_runs_its_directors_installation(nats_url, tmp_path, installation):
    """A gallery on several machines: the director's attract mode (its invitation on every picture
    after 3 s without anyone) and opening hours (closed: every picture black) are every actor's,
    judged on the director's frame date, so the frames stay equal."""
    installation = [closed_now() if a == "closed" else a for a in installation]
    follower = actor(nats_url, tmp_path, 1, command=("show",))
    time.sleep(2.0)
    director = engine(*director_args(nats_url, tmp_path, 6.0, free_port(), free_port()), *installation,
                      "--phones", "off", log=tmp_path / "director.log", command=("show",))
    finish({"director": director, "actor1": follower}, tmp_path, 60)
    told = "attract mode: no audience" if installation[0] == "--attract" else "opening hours: closed"
    assert told in (tmp_path / "director.log").read_text() and told in (tmp_path / "actor1.log").read_text()
    directed, acted = hashes(tmp_path / "director.txt"), hashes(tmp_path / "actor1.txt")
    assert len(directed) > 100 and acted == directed
