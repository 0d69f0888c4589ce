"""A real phone gateway beside an offline engine the test steps, and phones to talk to it: an
asyncio websockets client in a thread (the phones) while the test's thread runs frames (the
engine draining what they send)."""
from __future__ import annotations

import asyncio
import json
import threading
import time

from websockets.asyncio.client import connect

from stagecraft.phones.client import Phones

SECRET = "tonight"
TOKEN = "a-phone-token-0123456789"


class Live:
    def __init__(self, engine, **phones):
        self.e = engine
        self.phones = Phones.here(0, secret=SECRET, host="127.0.0.1", tell=engine.operator.tell, **phones)
        engine.attach_phones(self.phones)
        assert self.until(lambda: self.phones.url is not None, 30), "the gateway listens"
        self.port = self.phones.port

    def until(self, condition, seconds: float = 20.0, during=None) -> bool:
        """Frames until `condition` holds (real time passes between them: the gateway is a process);
        `during` runs before each frame, on this thread, the only one that may touch the engine."""
        end = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > end:
                return False
            if during:
                during()
            self.e.frame()
            time.sleep(0.005)
        return True

    def run(self, coroutine, seconds: float = 60.0, during=None):
        """Phones (a coroutine taking the port) talk while the engine runs; what they returned."""
        out = {}

        def phones():
            try:
                out["value"] = asyncio.run(coroutine(self.port))
            except BaseException as exc:     # the test's thread re-raises it
                out["error"] = exc
        thread = threading.Thread(target=phones, daemon=True)
        thread.start()
        assert self.until(lambda: not thread.is_alive(), seconds, during), "the phones finished"
        if "error" in out:
            raise out["error"]
        return out["value"]


def origin(port: int) -> str:
    return f"http://127.0.0.1:{port}"


async def phone(port: int, token: str = TOKEN, name: str | None = None):
    """A connected phone that said hello: (socket, welcome, manifest)."""
    ws = await connect(f"ws://127.0.0.1:{port}/ws", origin=origin(port))
    hello = {"hello": token, **({"name": name} if name else {})}
    await ws.send(json.dumps(hello))
    welcome = json.loads(await ws.recv())
    manifest = json.loads(await ws.recv())
    return ws, welcome, manifest


async def next_of(ws, kind: str, seconds: float = 10.0) -> dict:
    """The next message of a type (ticks and crowds in between are skipped)."""
    async with asyncio.timeout(seconds):
        while True:
            m = json.loads(await ws.recv())
            if m.get("type") == kind:
                return m
