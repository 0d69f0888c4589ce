"""A phone gateway process on this machine, kept running. The engine keeps its own (phones.client),
and a relay keeps one for a director elsewhere (cluster.house). A gateway that dies, or stops
reporting, is replaced on the same port with the same secret, so every phone comes back under the
same pseudonym. After GIVE_UP restarts within GIVE_UP_S it is given up, and the operator is told.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque

from ..crossings import PhoneLink

QUIET_S = 5.0               # a gateway not heard from for this long is hung (it reports every second)
GIVE_UP, GIVE_UP_S = 5, 60.0


def _run(link_socket, host: str, port: int, options: dict) -> None:
    """The child's entry: websockets is imported there, never in the engine."""
    from .gateway import main
    main(link_socket, host, port, options)


class Gateway:
    """What its owner sees of the process: `take` what it said (each "counts" tagged "g" with
    the process's `name`, so counts from before a restart are not taken for the new one's), and
    `send` what it should hear. `retired(name)` is called for each process that is gone: its
    counts are the evening's past from then on."""

    def __init__(self, port: int, *, secret: str, per_ip: int = 8, max_phones: int = 2000, host: str = "0.0.0.0",
                 tell=print):
        self.ctx = multiprocessing.get_context("spawn")
        self.host, self.port, self.tell = host, port, tell
        self.options = {"secret": secret, "per_ip": per_ip, "max_phones": max_phones, "parent": os.getpid()}
        self.restarts = 0
        self.recent: deque = deque(maxlen=GIVE_UP)
        self.failed = False
        self.process = None
        self.piece: dict | None = None      # the last manifest sent: a new process hears it first
        self.retired = lambda name: None
        self._start()

    @property
    def name(self) -> str:
        return str(self.restarts)

    @property
    def live(self) -> bool:
        return self.process is not None

    def _start(self) -> None:
        self.link, child_end = PhoneLink.pair()
        self.process = self.ctx.Process(target=_run, args=(child_end, self.host, self.port, self.options),
                                        daemon=True, name="stagecraft-phones")
        self.process.start()
        child_end.close()
        self.heard = time.monotonic()
        if self.piece is not None:
            self.link.send(self.piece)

    def take(self, budget: int) -> list[dict]:
        """What the process said since last asked; then it is kept going (restarted if dead or hung)."""
        if not self.live:
            return []
        out = self.link.take(budget)
        for m in out:
            if "counts" in m:
                self.heard = time.monotonic()
                m["g"] = self.name
            elif "listening" in m:
                self.port = int(m["listening"])         # a restart binds the port it got, if 0 was asked
            elif "failed" in m:
                self.failed = True
                self.tell(f"phones: cannot serve the page on port {self.port}: {m['failed']}; no phones tonight "
                          f"(choose another with --phones PORT)", error=True)
        self._keep(time.monotonic())
        return out

    def send(self, message: dict) -> None:
        if message.get("type") == "manifest":
            self.piece = message
        if self.live:
            self.link.send(message)

    def _keep(self, now: float) -> None:
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
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.link.close()
        self.process = None
        self.retired(self.name)

    def close(self) -> None:
        if self.process is not None:
            self._retire()
