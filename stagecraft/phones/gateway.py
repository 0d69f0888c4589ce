"""The phone gateway: the page and its WebSocket, in a process of its own.

A thousand phones talking to a thread inside the engine would share the frame loop's GIL (and
cost it 50 ms spikes); in their own process they cost it nothing. The gateway serves exactly two
paths on one port: `/`, the page (everything inline, nothing fetched), and `/ws`. A phone says
hello with its token, is given its pseudonym and name, the current piece's gestures and the
room's aggregates; each gesture it sends is checked against the piece's gestures, limited per
phone, made the audience message it stands for and handed to the engine (crossings.PhoneLink),
where the OSC port's own rules apply. Only aggregates go back to the phones, never one phone's
words to the others. Everything refused is counted, by reason, and reported to the engine.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import os
import signal
import time
from collections import Counter
from pathlib import Path

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

from ..crossings import PhoneLink
from ..osc.limits import RateLimits
from ..piece.gestures import Gesture, GestureError
from .words import TOKEN, Words, generated_name, pseudonym

PAGE = (Path(__file__).resolve().parent / "page.html").read_text(encoding="utf-8")
MAX_MESSAGE = 512           # bytes a phone may send in one frame
HELLO_S = 10.0              # to say hello after connecting
TICK_S = 2.0                # the page reconnects after 5 s without hearing anything
COUNTS_S = 1.0              # the gateway's counts to the engine, which also says it is alive
PHONE_RATE, PHONE_BURST = 10.0, 20.0    # gestures a second per phone: a finger on a pad sends ten
BACKLOG = 4096              # bytes waiting to a phone past which it misses aggregates (the latest wins)
NICE = 10                   # under load the frame loop comes first; the phones take what is left


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _inline(tag: str) -> str:
    return PAGE.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]


SCRIPT_HASH, STYLE_HASH = _digest(_inline("script")), _digest(_inline("style"))


class Phone:
    __slots__ = ("id", "name", "ip")

    def __init__(self, id: str, name: str, ip: str):
        self.id, self.name, self.ip = id, name, ip


class Gateway:
    def __init__(self, link: PhoneLink, *, secret: str, per_ip: int, max_phones: int):
        self.link = link
        self.secret = secret
        self.per_ip, self.max_phones = per_ip, max_phones
        self.words = Words()
        self.limits = RateLimits(PHONE_RATE, PHONE_BURST, port_rate=20_000.0, port_burst=40_000.0)
        self.phones: dict[ServerConnection, Phone] = {}
        self.by_ip: Counter = Counter()
        self.names_by_ip: dict[str, set] = {}
        self.open = 0                        # connections past the handshake, hello or not
        self.gestures: dict[str, Gesture] = {}
        self.manifest: str | None = None     # none until the engine sends one: a phone keeps its page
        self.crowd: dict | None = None
        self.banned: set[str] = set()
        self.counts = {"peak": 0, "received": 0, "rejected": Counter()}
        self.outbox: list[dict] = []

    # the loop's side --------------------------------------------------------------------------
    def from_engine(self) -> None:
        for m in self.link.take(256):
            kind = m.get("type")
            if kind == "manifest":
                self.gestures = {s["id"]: Gesture.from_spec(s) for s in m.pop("specs", [])}
                self.manifest = json.dumps(m)
                broadcast(self.phones, self.manifest)
            elif kind == "crowd":
                self.crowd = m
                self.fan_out(self._crowd())
            elif kind == "ban":
                self.banned.add(m["id"])
                for ws, phone in list(self.phones.items()):
                    if phone.id == m["id"]:
                        asyncio.ensure_future(ws.close(1008, "banned for the evening"))
            elif kind == "you":
                text = json.dumps(m)
                broadcast([ws for ws, phone in self.phones.items() if phone.id == m.get("id")], text)

    def fan_out(self, text: str) -> None:
        """An aggregate to every phone that is keeping up: websockets' broadcast would queue it
        behind whatever a slow phone has not read yet, and memory would grow with the backlog."""
        broadcast([ws for ws in self.phones if ws.transport.get_write_buffer_size() < BACKLOG], text)

    def _crowd(self) -> str:
        return json.dumps({**self.crowd, "phones": len(self.phones)})

    def _refuse(self, why: str) -> None:
        self.counts["rejected"][why] += 1

    def report(self) -> None:
        shared = [ip for ip, ids in self.names_by_ip.items() if len(ids) >= self.per_ip]   # a NAT, full
        self.link.send({"counts": {"connected": len(self.phones), "peak": self.counts["peak"],
                                   "received": self.counts["received"], "rejected": dict(self.counts["rejected"]),
                                   "shared": len(shared)}})

    # HTTP: the page, the WebSocket, and nothing else ------------------------------------------
    def request(self, connection: ServerConnection, request):
        path = request.path.split("?", 1)[0]
        if path == "/":
            response = connection.respond(200, PAGE)
            h = response.headers
            del h["Content-Type"]
            h["Content-Type"] = "text/html; charset=utf-8"
            h["Cache-Control"] = "no-store"
            h["X-Content-Type-Options"] = "nosniff"
            h["Referrer-Policy"] = "no-referrer"
            host = request.headers.get("Host", "")
            h["Content-Security-Policy"] = (f"default-src 'none'; script-src {SCRIPT_HASH}; style-src {STYLE_HASH}; "
                                            f"connect-src ws://{host}; base-uri 'none'; form-action 'none'; "
                                            f"frame-ancestors 'none'")
            return response
        if path != "/ws":
            self._refuse("path")
            return connection.respond(404, "Not here.\n")
        host, origin = request.headers.get("Host"), request.headers.get("Origin")
        if not host or origin not in (f"http://{host}", f"https://{host}"):
            self._refuse("origin")
            return connection.respond(403, "This page's own origin only.\n")
        ip = connection.remote_address[0]
        if self.open >= self.max_phones:
            self._refuse("full")
            return connection.respond(503, "The house is full.\n")
        if self.by_ip[ip] >= self.per_ip:
            self._refuse("per-ip")
            return connection.respond(429, "Too many phones from one address.\n")
        return None

    # one phone --------------------------------------------------------------------------------
    async def phone(self, ws: ServerConnection) -> None:
        ip = ws.remote_address[0]
        self.by_ip[ip] += 1
        self.open += 1
        phone = None
        try:
            phone = await self._hello(ws, ip)
            if phone is None:
                return
            async for data in ws:
                self._gesture(ws, phone, data)
        except ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code == 1009 or exc.sent is not None and exc.sent.code == 1009:
                self._refuse("size")
        except TimeoutError:
            self._refuse("no hello")
        finally:
            self.phones.pop(ws, None)
            self.open -= 1
            self.by_ip[ip] -= 1
            if not self.by_ip[ip]:
                del self.by_ip[ip]
                self.names_by_ip.pop(ip, None)

    async def _hello(self, ws: ServerConnection, ip: str) -> Phone | None:
        async with asyncio.timeout(HELLO_S):
            data = await ws.recv()
        hello = _json(data)
        token = hello.get("hello") if hello else None
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            self._refuse("hello")
            await ws.close(1008, "say hello with a token first")
            return None
        pid = pseudonym(token, self.secret)
        if pid in self.banned:
            self._refuse("banned")
            await ws.close(1008, "banned for the evening")
            return None
        wanted = hello.get("name")
        name = (self.words.name(wanted) if isinstance(wanted, str) else None) or generated_name(pid)
        phone = Phone(pid, name, ip)
        self.phones[ws] = phone
        self.link.send({"named": [pid, name]})
        self.names_by_ip.setdefault(ip, set()).add(pid)
        self.counts["peak"] = max(self.counts["peak"], len(self.phones))
        await ws.send(json.dumps({"type": "welcome", "id": pid, "name": name}))
        if self.manifest:
            await ws.send(self.manifest)
        if self.crowd:
            await ws.send(self._crowd())
        return phone

    def _gesture(self, ws: ServerConnection, phone: Phone, data) -> None:
        m = _json(data) if isinstance(data, str) else None
        if m is None:
            self._refuse("binary" if isinstance(data, bytes) else "json")
            return
        if "name" in m and len(m) == 1:
            name = self.words.name(m["name"]) if isinstance(m["name"], str) else None
            if name:
                phone.name = name
                self.link.send({"named": [phone.id, name]})
            else:
                self._refuse("name")
            asyncio.ensure_future(_send(ws, {"type": "name", "ok": bool(name), "name": phone.name}))
            return
        gesture = self.gestures.get(m.get("gesture")) if isinstance(m.get("gesture"), str) else None
        if gesture is None or not set(m) <= {"gesture", "value", "at"}:
            self._refuse("gesture")
            return
        try:
            address, args = gesture.message(m.get("value"), phone.name)
        except GestureError:
            self._refuse("value")
            return
        if gesture.kind == "text" and not self.words.allows(args[0]):
            self._refuse("words")
            return
        if not self.limits.allow(phone.id):
            self._refuse("rate")
            return
        message = {"p": phone.id, "a": address, "v": list(args), "t": time.time()}
        if isinstance(m.get("at"), (int, float)) and math.isfinite(m["at"]):
            message["s"] = float(m["at"]) / 1000.0     # the phone's own send time, for measurement
        if not self.outbox:
            asyncio.get_running_loop().call_soon(self._hand_on)
        self.outbox.append(message)

    def _hand_on(self) -> None:
        """What every phone sent in one turn of the loop, to the engine together."""
        sent = self.link.send_all(self.outbox)
        self.counts["received"] += sent
        if sent < len(self.outbox):
            self.counts["rejected"]["engine busy"] += len(self.outbox) - sent
        self.outbox = []


def _json(data) -> dict | None:
    try:
        m = json.loads(data)
    except (ValueError, TypeError):
        return None
    return m if isinstance(m, dict) else None


async def _send(ws: ServerConnection, message: dict) -> None:
    try:
        await ws.send(json.dumps(message))
    except ConnectionClosed:
        pass


async def _every(seconds: float, act) -> None:
    while True:
        await asyncio.sleep(seconds)
        act()


async def run(link: PhoneLink, host: str, port: int, options: dict) -> None:
    gateway = Gateway(link, secret=options["secret"], per_ip=options["per_ip"], max_phones=options["max_phones"])
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_reader(link.fileno(), gateway.from_engine)
    async with serve(gateway.phone, host, port, process_request=gateway.request, compression=None,
                     max_size=MAX_MESSAGE, max_queue=4, server_header=None, ping_interval=20, ping_timeout=20,
                     reuse_address=True) as server:
        link.send({"listening": [s.getsockname()[1] for s in server.sockets][0]})
        tick = json.dumps({"type": "tick"})

        def orphaned() -> None:        # an engine killed outright leaves no one to stop us
            if os.getppid() != options["parent"] and not stop.done():
                stop.set_result(None)
        tasks = [asyncio.ensure_future(_every(TICK_S, lambda: gateway.fan_out(tick))),
                 asyncio.ensure_future(_every(COUNTS_S, gateway.report)),
                 asyncio.ensure_future(_every(COUNTS_S, orphaned))]
        await stop
        for t in tasks:
            t.cancel()


def main(link_socket, host: str, port: int, options: dict) -> None:
    """The process's entry (spawned by phones.client)."""
    os.nice(NICE)
    try:
        asyncio.run(run(PhoneLink(link_socket), host, port, options))
    except OSError as exc:
        PhoneLink(link_socket).send({"failed": f"{exc.strerror or exc}"})
