"""A house of thousands: phone gateways on machines of their own, meeting the director over NATS.

    phones' WebSockets -> gateway process (phones.gateway, unchanged) -> Relay (run.py gateway)
        -> stagecraft.<show>.phones.in -> the director's Gateways -> its Phones -> the OSC inbox

and back: the director's manifests, the room's aggregates, a joining phone's smile and bans go out
on stagecraft.<show>.phones.out to every relay, each passing them to its gateway. Each relay keeps
its gateway going as the engine does its own (phones.keeper). The director announces the evening's
secret (so a phone is the same sender through any gateway) and the piece playing on the out subject
every second; a relay starts its gateway when it has heard that. The per-phone limits stay where
they were: each gateway's, and the director's one validator for what the audience may send. NATS
authorisation keeps a gateway to these two subjects (README, "Several machines").
"""
from __future__ import annotations

import json
import os
import socket
import time

from ..phones.keeper import Gateway
from ..phones.qr import lan_url
from .frames import _token

HELLO_S = 1.0
STEP_S = 0.005


def subjects(show: str) -> tuple[str, str]:
    """(gateways -> director, director -> gateways) for a show."""
    base = f"stagecraft.{_token(show)}.phones"
    return f"{base}.in", f"{base}.out"


def lines(messages: list[dict]) -> bytes:
    return b"\n".join(json.dumps(m, separators=(",", ":")).encode() for m in messages)


def unlines(data: bytes) -> list[dict]:
    out = []
    for line in data.split(b"\n"):
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if isinstance(m, dict):
            out.append(m)
    return out


class NatsPhoneLink:
    """A PhoneLink's send, send_all and take, over two NATS subjects: the director's side of its
    gateways (Gateways) and a relay's side of its director."""

    def __init__(self, link, listen: str, say: str):
        self.link, self.say = link, say
        self.heard = link.listen(listen)

    def send(self, message: dict) -> bool:
        return self.send_all([message]) == 1

    def send_all(self, messages: list[dict]) -> int:
        if messages:
            self.link.say(self.say, lines(messages))
        return len(messages)

    def take(self, budget: int) -> list[dict]:
        out = []
        while len(out) < budget and not self.heard.empty():
            out += unlines(self.heard.get_nowait())
        return out


class Gateways:
    """The director's gateways elsewhere, as phones.client.Phones sees them: what their relays
    say, and what the director says to all of them, over NATS. Each relay keeps its own gateway
    going; the director greets new ones every HELLO_S with the evening's secret and the piece."""

    live = True
    restarts = 0                        # each relay restarts, and counts, its own

    def __init__(self, link, show: str, *, secret: str):
        inbound, outbound = subjects(show)
        self.link = NatsPhoneLink(link, inbound, outbound)
        self.secret = secret
        self.piece: dict | None = None
        self.hello_at = -1e9
        self.retired = lambda name: None    # a relay's "gone" reaches Phones as a message

    def take(self, budget: int) -> list[dict]:
        now = time.monotonic()
        if now - self.hello_at >= HELLO_S:
            self.hello_at = now
            self.link.send({"type": "hello", "secret": self.secret, "piece": self.piece})
        return self.link.take(budget)

    def send(self, message: dict) -> None:
        if message.get("type") == "manifest":
            self.piece = message
        self.link.send(message)

    def close(self) -> None:
        """The gateways are their relays' to stop."""


def hello(link, show: str, timeout: float) -> dict | None:
    """A relay, starting: the director's greeting (the evening's secret, the piece playing), or None."""
    heard = NatsPhoneLink(link, subjects(show)[1], subjects(show)[0])
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for m in heard.take(256):
            if m.get("type") == "hello" and isinstance(m.get("secret"), str):
                return m
        time.sleep(0.05)
    return None


class Relay:
    """`run.py gateway`: a phone gateway on this machine for a director elsewhere, kept running
    (phones.keeper), what it says relayed to the director and what the director says to it. Each
    gateway process is a gateway of its own to the director (its counts start at zero), named by
    this relay and the process; one gone is told gone, so its counts stay in the evening's."""

    def __init__(self, link, show: str, port: int, *, secret: str, piece: dict | None, per_ip: int,
                 max_phones: int, host: str = "0.0.0.0", tell=print):
        inbound, outbound = subjects(show)
        self.director = NatsPhoneLink(link, outbound, inbound)
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.tell = tell
        self.url: str | None = None
        self.gateway = Gateway(port, secret=secret, per_ip=per_ip, max_phones=max_phones, host=host, tell=tell)
        self.gateway.retired = lambda name: self.director.send({"gone": True, "g": f"{self.id}/{name}"})
        if piece:
            self.gateway.send(piece)

    def step(self) -> None:
        """Both ways once, and the gateway kept going."""
        out: list[dict] = []
        for m in self.gateway.take(4096):
            if "listening" in m:
                url = lan_url(self.gateway.port)
                if url != self.url:
                    self.url = url
                    self.tell(f"phones: the audience's page is at {url} (through this gateway)")
                out.append({"listening": self.gateway.port, "url": url, "g": f"{self.id}/{self.gateway.name}"})
            elif "counts" in m:
                out.append({**m, "g": f"{self.id}/{m['g']}"})
            elif "failed" not in m:             # the gateway told the operator; the director need not know
                out.append(m)
        self.director.send_all(out)
        for m in self.director.take(4096):
            kind = m.get("type")
            if kind == "manifest" or kind == "hello" and m.get("piece") and m["piece"] != self.gateway.piece:
                self.gateway.send(m if kind == "manifest" else m["piece"])
            elif kind in ("crowd", "you", "ban"):
                self.gateway.send(m)

    def run(self) -> None:
        """Until the gateway cannot serve, or `running` is cleared (a signal)."""
        self.running = True
        while self.running and not self.gateway.failed:
            self.step()
            time.sleep(STEP_S)

    def shut(self) -> None:
        """The gateway stopped, and the director told: its counts are the evening's past now."""
        self.gateway.close()
