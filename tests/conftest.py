"""Shared fixtures. Everything renders through real Mesa llvmpipe GL at small sizes; nothing is mocked."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest  # noqa: E402

from stagecraft.output.offline import offline_engine  # noqa: E402
from stagecraft.show.operator import Operator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "output"
SMALL = (160, 90)


def write_piece(folder: Path, name: str, code: str, shader: str | None = None) -> str:
    """A piece (and its shader, `name`.frag) written to a scratch folder; the path to load it by."""
    if shader is not None:
        (folder / f"{name}.frag").write_text(shader)
    path = folder / f"{name}.py"
    path.write_text(code)
    return str(path)


class Collect:
    """An operator's terminal, kept for assertions."""

    def __init__(self):
        self.lines: list[str] = []

    def write(self, s):
        self.lines.append(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def text(self) -> str:
        return "".join(self.lines)


@pytest.fixture
def operator():
    return Operator(stream=Collect())


@pytest.fixture
def engines(operator):
    """Make offline engines; each is checked for GL errors and closed after the test."""
    made = []

    def make(piece, size=SMALL, **kw):
        kw.setdefault("operator", operator)
        e = offline_engine(piece, size, **kw)
        made.append(e)
        return e

    yield make
    close_all(made)


def close_all(engines) -> None:
    """Close engines, failing the test if any left a GL error behind (moderngl's own habit)."""
    errors = []
    for e in engines:
        e.surface.make_current()
        errors.append(e.ctx.error)
        e.close()
    assert set(errors) <= {"GL_NO_ERROR"}, errors


def run_cli(*args, cwd=ROOT, env=None, timeout=120):
    """Run `python run.py ...` as a user would, in a clean headless environment."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def piece_names(include_template=True) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "pieces").glob("*.py") if not p.stem.startswith("_"))
    return names + ([str(ROOT / "pieces" / "_template.py")] if include_template else [])


LISTENER = str(ROOT / "tests" / "pieces" / "listener.py")


class Client:
    """A plain UDP OSC client on loopback, built with python-osc's encoder (not our decoder)."""

    def __init__(self, host="127.0.0.1"):
        import socket
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.5)

    def send(self, port, address, *args):
        from stagecraft.osc.replies import packet
        self.sock.sendto(packet(address, *args), ("127.0.0.1", port))

    def raw(self, port, data: bytes):
        self.sock.sendto(data, ("127.0.0.1", port))

    def replies(self, count=1, wait=2.0) -> list:
        """Up to `count` packets that come back, decoded: [(address, args)]."""
        from stagecraft.osc.wire import decode
        out = []
        self.sock.settimeout(wait)
        while len(out) < count:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                break
            out += [(m.address, m.args) for _, m in decode(data)]
        return out

    def close(self):
        self.sock.close()


@pytest.fixture
def client():
    c = Client()
    yield c
    c.close()


def wait_for(condition, seconds=5.0) -> bool:
    """Wait for something another thread or process does; generous, never a speed assertion."""
    import time
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.002)
    return True


@pytest.fixture
def stage_osc(engines):
    """An offline engine (frames stepped by the test) with both OSC ports open on free ports."""
    def make(piece=LISTENER, size=SMALL, listen=None, **engine):
        e = engines(piece, size, **engine)
        e.osc.listen(osc_port=0, audience_port=0, **(listen or {}))
        return e
    return make


@pytest.fixture
def jack(monkeypatch):
    """A JACK server with its dummy driver, named for this test, stopped afterwards."""
    name = f"stagecraft{os.getpid()}"
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1", "JACK_NO_START_SERVER": "1", "JACK_DEFAULT_SERVER": name}
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", "256"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for key in ("JACK_NO_AUDIO_RESERVATION", "JACK_NO_START_SERVER", "JACK_DEFAULT_SERVER"):
        monkeypatch.setenv(key, env[key])
    import rtmidi
    deadline = time.monotonic() + 10
    while True:
        try:
            rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name="probe").get_ports()
            break
        except rtmidi.SystemError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("jackd did not start")
            time.sleep(0.1)
    yield env
    server.terminate()
    server.wait(5)
