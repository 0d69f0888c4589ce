"""The engine's side of the phones: through its gateways (a process on this machine, kept
running by phones.keeper, or gateways elsewhere relayed over NATS by cluster.house) it hands each
gesture that arrives to the audience's one path in (the OSC inbox, exactly as the audience port
would: only audience addresses, the same parsing, budget and state), and tells the gateways each
piece's gestures, the room's aggregates a few times a second, a joining phone its own smile, and
bans. Counts are summed over the gateways that report; a gateway gone (restarted, stopped, or
silent for QUIET_S) has its counts kept as the evening's past.
"""
from __future__ import annotations

import time
from collections import Counter, deque

import numpy as np

from ..osc.receive import AUDIENCE, Delivery, Sender
from ..osc.wire import Message
from ..piece.gestures import manifest
from .keeper import QUIET_S, Gateway
from .qr import lan_url

CROWD_EVERY_S = 0.5         # the room's aggregates, twice a second: calm on a phone, cheap to send
LATENCIES = 20_000          # touch-to-frame samples kept, for --stats


class Phones:
    def __init__(self, gateways, *, url: str | None = None, tell=print):
        """`gateways`: a keeper.Gateway, or house.Gateways: take, send, live, restarts and retired."""
        self.gateways, self.tell = gateways, tell
        gateways.retired = self._retired
        self.asked_url = url
        self.url: str | None = url
        self.port = 0
        self.told_url: str | None = None
        self.crowd_at = -1e9
        self.crowd: dict | None = None
        self.by_gateway: dict[str, tuple[float, dict]] = {}    # gateway -> (when heard, its counts)
        self.past = {"peak": 0, "received": 0, "rejected": Counter()}
        self.now_counts: dict = {}
        self.dropped = 0
        self.delivered = 0          # gestures handed to the show
        self.latency: deque = deque(maxlen=LATENCIES)
        self.named = lambda sender, name: None     # the engine's: a phone's name for the stage

    @classmethod
    def here(cls, port: int, *, secret: str, url: str | None = None, per_ip: int = 8, max_phones: int = 2000,
             tell=print, host: str = "0.0.0.0") -> "Phones":
        """Phones through a gateway process on this machine, serving the page on `port`."""
        return cls(Gateway(port, secret=secret, per_ip=per_ip, max_phones=max_phones, host=host, tell=tell),
                   url=url, tell=tell)

    @property
    def connected(self) -> int:
        return int(self.now_counts.get("connected", 0))

    @property
    def live(self) -> bool:
        """A gateway to talk to."""
        return self.gateways.live

    # each frame -------------------------------------------------------------------------------
    def drain(self, inbox, budget: int = 4096) -> None:
        """Gestures in, before the OSC hub applies the frame's messages."""
        if not self.live:
            return
        now, wall = time.perf_counter(), time.time()
        for m in self.gateways.take(budget):
            self._take(inbox, m, now, wall)

    def _take(self, inbox, m: dict, now: float, wall: float) -> None:
        if "p" in m:
            self._gesture(inbox, m, now, wall)
        elif "named" in m and isinstance(m["named"], list) and len(m["named"]) == 2:
            self.named(f"phone:{m['named'][0]}", str(m["named"][1]))
        elif "counts" in m and isinstance(m["counts"], dict):
            self._counts(m["counts"], str(m.get("g")))
        elif "gone" in m:
            self._retired(str(m.get("g")))
        elif "listening" in m:
            self.port = int(m["listening"])
            self.url = self.asked_url or m.get("url") or lan_url(self.port)
            if self.url != self.told_url:
                self.told_url = self.url
                self.tell(f"phones: the audience's page is at {self.url} (QR on stage at each piece's entry)")

    def _gesture(self, inbox, m: dict, now: float, wall: float) -> None:
        try:
            sender = Sender(f"phone:{m['p']}", ("phone", str(m["p"])), None)
            args = tuple(m["v"])
            tags = "".join("s" if isinstance(a, str) else "i" if isinstance(a, int) else "f" for a in args)
            message = Message(str(m["a"]), tags, args)
        except (KeyError, TypeError, ValueError):
            self.dropped += 1
            return
        if not inbox.put(Delivery(AUDIENCE, sender, now, ((None, message),)), 1):
            self.dropped += 1
            return
        self.delivered += 1
        sent = m.get("s", m.get("t"))
        if isinstance(sent, (int, float)):
            self.latency.append(wall - sent)

    def _counts(self, counts: dict, gateway: str) -> None:
        if counts.get("shared") and not self.now_counts.get("shared"):
            self.tell("phones: many phones share one address (a NAT or a guest network): each is still its own "
                      "sender, but raise --phones-per-ip if some cannot connect", key="phones:shared")
        self.by_gateway[gateway] = (time.monotonic(), counts)
        self._sum()

    def _sum(self) -> None:
        """The gateways' counts summed; one not heard from for QUIET_S (its machine gone) is folded
        into the past first, as one that is gone is."""
        now = time.monotonic()
        for g in [g for g, (t, _) in self.by_gateway.items() if now - t > QUIET_S]:
            self._fold(g)
        total: dict = {"rejected": Counter()}
        for _, c in self.by_gateway.values():
            total["rejected"].update(c.get("rejected", {}))
            for k, v in c.items():
                if isinstance(v, (int, float)):
                    total[k] = total.get(k, 0) + v
        self.now_counts = total if self.by_gateway else {}

    def _fold(self, gateway: str) -> None:
        _, c = self.by_gateway.pop(gateway, (0.0, {}))
        self.past["peak"] = max(self.past["peak"], int(c.get("peak", 0)))
        self.past["received"] += int(c.get("received", 0))
        self.past["rejected"].update(c.get("rejected", {}))

    def _retired(self, gateway: str) -> None:
        """A gateway is gone (restarted, or its relay stopped): its counts are the past, and a new
        one is told the room afresh."""
        self._fold(gateway)
        self._sum()
        self.crowd = None

    # what the engine tells the phones ---------------------------------------------------------
    def show_piece(self, name: str, title: str, gestures) -> None:
        """A piece came on: every phone gets its gestures (a new gateway gets them on start)."""
        self.gateways.send({**manifest(name, gestures), "title": title})

    def room(self, audience, now: float) -> None:
        if not self.live or now - self.crowd_at < CROWD_EVERY_S:
            return
        self.crowd_at = now
        crowd = {"type": "crowd", "excitement": round(audience.excitement, 2), "polarity": round(audience.polarity, 2),
                 "voters": audience.voters, "echoes": len(audience.echoes), "made": audience.made}
        if crowd != self.crowd:                 # an unchanged room is not sent again (ticks keep phones sure)
            self.crowd = crowd
            self.gateways.send(crowd)

    def you(self, sender: str, portrait: dict) -> None:
        """A phone's own smile (it joined): drawn on its page."""
        if self.live and sender.startswith("phone:"):
            self.gateways.send({"type": "you", "id": sender[6:], "smile": portrait})

    def ban(self, sender: str) -> None:
        if self.live and sender.startswith("phone:"):
            self.gateways.send({"type": "ban", "id": sender[6:]})

    # what the operator sees -------------------------------------------------------------------
    def counters(self) -> dict:
        c = self.now_counts
        rejected = self.past["rejected"] + Counter(c.get("rejected", {}))
        lat = np.array(self.latency) * 1000.0 if self.latency else None
        return {"phones_peak": max(self.past["peak"], int(c.get("peak", 0))),
                "phones_received": self.past["received"] + int(c.get("received", 0)),
                "phones_delivered": self.delivered,
                "phones_rejected": sum(rejected.values()) + self.dropped,
                "phones_rejected_by": dict(rejected),
                "phones_connected": self.connected, "phones_restarts": self.gateways.restarts,
                "phones_touch_to_frame_ms": None if lat is None else
                {"p50": round(float(np.percentile(lat, 50)), 2), "p99": round(float(np.percentile(lat, 99)), 2)}}

    def close(self) -> None:
        self.gateways.close()
