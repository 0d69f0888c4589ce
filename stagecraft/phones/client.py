"""The engine's side of the phones: it starts the gateway process and keeps it running, hands each
gesture that arrives to the audience's one path in (the OSC inbox, exactly as the audience port
would: only audience addresses, the same parsing, budget and state), and tells the gateway each
piece's gestures, the room's aggregates a few times a second, a joining phone its own smile, and
bans. A gateway that dies or stops reporting is replaced on the same port with the same secret,
so every phone comes back under the same pseudonym.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, deque

import numpy as np

from ..crossings import PhoneLink
from ..osc.receive import AUDIENCE, Delivery, Sender
from ..osc.wire import Message
from ..piece.gestures import manifest
from .qr import lan_url

CROWD_EVERY_S = 0.5         # the room's aggregates, twice a second: calm on a phone, cheap to send
QUIET_S = 5.0               # a gateway not heard from for this long is hung (it reports every second)
GIVE_UP, GIVE_UP_S = 5, 60.0
LATENCIES = 20_000          # touch-to-frame samples kept, for --stats


def _run(link_socket, host: str, port: int, options: dict) -> None:
    """The child's entry: websockets is imported there, never in the engine."""
    from .gateway import main
    main(link_socket, host, port, options)


class Phones:
    def __init__(self, port: int, *, secret: str, url: str | None = None, per_ip: int = 8, max_phones: int = 2000,
                 tell=print, host: str = "0.0.0.0"):
        self.ctx = multiprocessing.get_context("spawn")
        self.host, self.port, self.tell = host, port, tell
        self.options = {"secret": secret, "per_ip": per_ip, "max_phones": max_phones, "parent": os.getpid()}
        self.asked_url = url
        self.url: str | None = url
        self.piece: dict | None = None
        self.crowd_at = -1e9
        self.crowd: dict | None = None
        self.past = {"peak": 0, "received": 0, "rejected": Counter()}
        self.now_counts: dict = {}
        self.dropped = 0
        self.delivered = 0          # gestures handed to the show
        self.restarts = 0
        self.recent: deque = deque(maxlen=GIVE_UP)
        self.latency: deque = deque(maxlen=LATENCIES)
        self.failed = False
        self.process = None
        self.named = lambda sender, name: None     # the engine's: a phone's name for the stage
        self._start()

    def _start(self) -> None:
        self.link, child_end = PhoneLink.pair()
        self.process = self.ctx.Process(target=_run, args=(child_end, self.host, self.port, self.options),
                                        daemon=True, name="stagecraft-phones")
        self.process.start()
        child_end.close()
        self.started = self.heard = time.monotonic()
        self.crowd = None                       # a new gateway is told the room afresh
        if self.piece is not None:
            self.link.send(self.piece)

    @property
    def connected(self) -> int:
        return int(self.now_counts.get("connected", 0))

    @property
    def live(self) -> bool:
        """A gateway to talk to."""
        return self.process is not None

    # each frame -------------------------------------------------------------------------------
    def drain(self, inbox, budget: int = 4096) -> None:
        """Gestures in, before the OSC hub applies the frame's messages."""
        if not self.live:
            return
        now, wall = time.perf_counter(), time.time()
        for m in self.link.take(budget):
            self._take(inbox, m, now, wall)
        self._supervise(time.monotonic())

    def _take(self, inbox, m: dict, now: float, wall: float) -> None:
        if "p" in m:
            self._gesture(inbox, m, now, wall)
        elif "named" in m and isinstance(m["named"], list) and len(m["named"]) == 2:
            self.named(f"phone:{m['named'][0]}", str(m["named"][1]))
        elif "counts" in m:
            self._counts(m["counts"], m.get("g"))
        elif "listening" in m:
            self.port = int(m["listening"])
            self.url = self.asked_url or m.get("url") or lan_url(self.port)
            if not self.restarts:
                self.tell(f"phones: the audience's page is at {self.url} (QR on stage at each piece's entry)")
        elif "failed" in m:
            self.failed = True
            self.tell(f"phones: cannot serve the page on port {self.port}: {m['failed']}; no phones tonight "
                      f"(choose another with --phones PORT)", error=True)

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

    def _counts(self, counts: dict, gateway: str | None = None) -> None:
        self.heard = time.monotonic()
        if counts.get("shared") and not self.now_counts.get("shared"):
            self.tell("phones: many phones share one address (a NAT or a guest network): each is still its own "
                      "sender, but raise --phones-per-ip if some cannot connect", key="phones:shared")
        self.now_counts = counts

    def _supervise(self, now: float) -> None:
        if self.failed or self.process is None:
            return
        if not self.process.is_alive():
            self._restart(now, f"the phone gateway stopped (exit {self.process.exitcode})")
        elif now - self.heard > QUIET_S:
            self._restart(now, f"the phone gateway hung (silent for {now - self.heard:.0f} s)")

    def _restart(self, now: float, why: str) -> None:
        self._retire()
        self.restarts += 1
        self.recent.append(now)
        if len(self.recent) == GIVE_UP and now - self.recent[0] < GIVE_UP_S:
            self.tell(f"phones: {why}, {GIVE_UP} times in {GIVE_UP_S:.0f} s; no phones from now on", error=True)
            self.failed = True
            return
        self.tell(f"phones: {why}; restarted it (every phone reconnects as itself)", key="phones:restart")
        self._start()

    def _retire(self) -> None:
        c = self.now_counts
        self.past["peak"] = max(self.past["peak"], int(c.get("peak", 0)))
        self.past["received"] += int(c.get("received", 0))
        self.past["rejected"].update(c.get("rejected", {}))
        self.now_counts = {}
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.link.close()
        self.process = None

    # what the engine tells the phones ---------------------------------------------------------
    def show_piece(self, name: str, title: str, gestures) -> None:
        """A piece came on: every phone gets its gestures (a new gateway gets them on start)."""
        self.piece = {**manifest(name, gestures), "title": title}
        if self.live:
            self.link.send(self.piece)

    def room(self, audience, now: float) -> None:
        if not self.live or now - self.crowd_at < CROWD_EVERY_S:
            return
        self.crowd_at = now
        crowd = {"type": "crowd", "excitement": round(audience.excitement, 2), "polarity": round(audience.polarity, 2),
                 "voters": audience.voters, "echoes": len(audience.echoes), "made": audience.made}
        if crowd != self.crowd:                 # an unchanged room is not sent again (ticks keep phones sure)
            self.crowd = crowd
            self.link.send(crowd)

    def you(self, sender: str, portrait: dict) -> None:
        """A phone's own smile (it joined): drawn on its page."""
        if self.live and sender.startswith("phone:"):
            self.link.send({"type": "you", "id": sender[6:], "smile": portrait})

    def ban(self, sender: str) -> None:
        if self.live and sender.startswith("phone:"):
            self.link.send({"type": "ban", "id": sender[6:]})

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
                "phones_connected": self.connected, "phones_restarts": self.restarts,
                "phones_touch_to_frame_ms": None if lat is None else
                {"p50": round(float(np.percentile(lat, 50)), 2), "p99": round(float(np.percentile(lat, 99)), 2)}}

    def close(self) -> None:
        if self.process is not None:
            self._retire()
