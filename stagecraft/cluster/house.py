"""A house of thousands: phone gateways on machines of their own, meeting the director over NATS.

    phones' WebSockets -> gateway process (phones.gateway, unchanged) -> Relay (run.py gateway)
        -> stagecraft.<show>.phones.in -> the director's RemotePhones -> the OSC inbox, as from its own

and back: the director's manifests, the room's aggregates, a joining phone's smile and bans go out
on stagecraft.<show>.phones.out to every relay, each passing them to its gateway. Each relay
supervises its gateway as the engine does its own (restarted on the same port with the same
secret). The director announces the evening's secret (so a phone is the same sender through any
gateway) and the piece playing on the out subject every second; a relay starts its gateway when it
has heard that. The per-phone limits stay where they were: each gateway's, and the director's one
validator for what the audience may send. NATS authorisation keeps a gateway to these two subjects
(README, "Several machines").
"""
from __future__ import annotations

import json
import os
import socket
import time
from collections import Counter

from ..phones.client import QUIET_S, Phones
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
    """What Phones expects of its link (send, send_all, take, close), over NATS subjects."""

    def __init__(self, link, listen: str, say: str):
        self.link, self.say = link, say
        self.heard = link.listen(listen)
        self.dropped = 0

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

    def close(self) -> None:
        """The NATS connection is the director's (or the relay's) to close."""


class RemotePhones(Phones):
    """The director's side of gateways elsewhere: Phones, with NATS for the pipe to its gateways
    and no process of its own. Counts are summed over the gateways that report."""

    def __init__(self, link, show: str, *, secret: str, url: str | None = None, tell=print):
        self.nats, (self.inbound, self.outbound) = link, subjects(show)
        self.by_gateway: dict[str, tuple[float, dict]] = {}    # gateway -> (when heard, its counts)
        self.hello_at = -1e9
        super().__init__(0, secret=secret, url=url, tell=tell)

    @property
    def live(self) -> bool:
        return True

    def _start(self) -> None:
        self.link = NatsPhoneLink(self.nats, self.inbound, self.outbound)
        self.started = self.heard = time.monotonic()

    def _supervise(self, now: float) -> None:
        """Each relay keeps its own gateway going; the director greets new ones, every second."""
        if now - self.hello_at >= HELLO_S:
            self.hello_at = now
            self.link.send({"type": "hello", "secret": self.options["secret"], "piece": self.piece})

    def _take(self, inbox, m: dict, now: float, wall: float) -> None:
        if "gone" in m:                 # a relay stopping: its counts are the evening's past now
            self._fold(str(m.get("g")))
            self._sum()
        else:
            super()._take(inbox, m, now, wall)

    def _counts(self, counts: dict, gateway: str | None = None) -> None:
        self.heard = time.monotonic()
        self.by_gateway[gateway or "?"] = (self.heard, counts)
        self._sum()

    def _sum(self) -> None:
        """The gateways' counts summed; one not heard from for QUIET_S (its machine gone) is folded
        into the past first, as one that said it stopped is."""
        now = time.monotonic()
        for g in [g for g, (t, _) in self.by_gateway.items() if now - t > QUIET_S]:
            self._fold(g)
        total: dict = {"rejected": Counter()}
        for _, c in self.by_gateway.values():
            total["rejected"].update(c.get("rejected", {}))
            for k, v in c.items():
                if isinstance(v, (int, float)):
                    total[k] = total.get(k, 0) + v
        self.now_counts = total

    def _fold(self, gateway: str) -> None:
        _, c = self.by_gateway.pop(gateway, (0.0, {}))
        self.past["peak"] = max(self.past["peak"], int(c.get("peak", 0)))
        self.past["received"] += int(c.get("received", 0))
        self.past["rejected"].update(c.get("rejected", {}))

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


class Relay(Phones):
    """`run.py gateway`: a phone gateway on this machine for a director elsewhere: Phones' own
    process and supervision, what the gateway says relayed to the director (tagged with this relay)
    and what the director says to the gateway."""

    def __init__(self, link, show: str, port: int, *, secret: str, piece: dict | None, per_ip: int,
                 max_phones: int, host: str = "0.0.0.0", tell=print):
        inbound, outbound = subjects(show)
        self.director = NatsPhoneLink(link, outbound, inbound)
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(port, secret=secret, per_ip=per_ip, max_phones=max_phones, tell=tell, host=host)
        if piece:
            self._piece(piece)

    def _piece(self, piece: dict) -> None:
        self.piece = piece
        if self.live:
            self.link.send(piece)

    @property
    def gateway(self) -> str:
        """This relay's gateway process as the director counts it: a restarted one counts from
        zero again, so it is another (and the one before it told gone, its counts the past)."""
        return f"{self.id}/{self.restarts}"

    def _take(self, out: list, m: dict, now: float, wall: float) -> None:
        if "listening" in m or "failed" in m:
            super()._take(out, m, now, wall)
            if "listening" in m:
                out.append({"listening": self.port, "url": self.url, "g": self.gateway})
            return
        if "counts" in m:
            self.heard = time.monotonic()
            m["g"] = self.gateway
        out.append(m)

    def _retire(self) -> None:
        super()._retire()
        self.director.send({"gone": True, "g": self.gateway})

    def step(self) -> None:
        """Both ways once, and the gateway kept going."""
        out: list[dict] = []
        self.drain(out)
        self.director.send_all(out)
        for m in self.director.take(4096):
            kind = m.get("type")
            if kind == "manifest" or kind == "hello" and m.get("piece") and m["piece"] != self.piece:
                self._piece(m if kind == "manifest" else m["piece"])
            elif kind in ("crowd", "you", "ban") and self.live:
                self.link.send(m)

    def run(self) -> None:
        """Until the gateway cannot serve, or `running` is cleared (a signal)."""
        self.running = True
        while self.running and not self.failed:
            self.step()
            time.sleep(STEP_S)

    def shut(self) -> None:
        """The gateway stopped, and the director told (_retire): its counts are the evening's past now."""
        Phones.close(self)
