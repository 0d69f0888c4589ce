"""The frame loop's side of OSC: once a frame, apply what the receivers queued.

    take the inbox (whole deliveries, up to a budget) -> hold future bundles, release due ones
    -> per message, in arrival order: resolve its address -> coalesce continuous values (the
    latest per address wins) -> parse and act -> answer the control port
    -> then, now and then: push /updates, tell the operator what was dropped, save the audience

A message queued before a frame starts is visible in that frame's update.
"""
from __future__ import annotations

import socket
import time
from dataclasses import asdict

from ..crossings import OscInbox
from .addresses import AUDIENCE, ENGINE, cue_entries, mapping_entries, output_entries, piece_entries
from .limits import Allowlist, RateLimits
from .match import BadPattern
from .receive import AUDIENCE as AUDIENCE_ROLE, CONTROL, Receiver
from .record import Recorder
from .replies import Subscribers, packet, reply
from .schedule import Schedule
from .space import BadArgs, Refused, Space

CONTROL_PORT, AUDIENCE_PORT = 9000, 9001
BUDGET = 8192            # messages applied per frame at most; a flood waits rather than stalls a frame
REPORT_EVERY_S = 10.0


class Osc:
    def __init__(self, engine):
        self.engine = engine
        self.inbox = OscInbox()
        self.schedule = Schedule()
        self.subscribers = Subscribers()
        self.receivers: list[Receiver] = []
        self.recorder: Recorder | None = None
        self.journal = None       # a cluster's director: told of every batch of messages applied
        self.rejected = 0
        self.last_problem = (0.0, "")   # (when, what): the operator hears the latest
        self._piece = None
        self._space: Space | None = None
        self._reported: dict = {}
        self._out: socket.socket | None = None
        self._rate = (time.perf_counter(), 0, 0.0)
        self._report_at = time.perf_counter() + REPORT_EVERY_S

    # opening ----------------------------------------------------------------------------------
    def listen(self, *, osc_port: int = CONTROL_PORT, audience_port: int = AUDIENCE_PORT, allow: str = "",
               passcode: str | None = None, audience_limits: RateLimits | None = None) -> None:
        """Open both ports (OSError if one is taken). The control port listens on loopback unless
        operators' networks are allowed in."""
        allowlist = Allowlist(allow)
        pseudonym = self.engine.audience.sender_id
        self.receivers.append(Receiver(CONTROL, "0.0.0.0" if allowlist else "127.0.0.1", osc_port, self.inbox,
                                       pseudonym=pseudonym, tcp=True, allow=allowlist, passcode=passcode))
        self.receivers.append(Receiver(AUDIENCE_ROLE, "0.0.0.0", audience_port, self.inbox, pseudonym=pseudonym,
                                       limits=audience_limits or RateLimits()))
        for r in self.receivers:
            r.start()
            self.engine.operator.tell(f"OSC {r.role} port: {r.host}:{r.port}"
                                      + (" (UDP, and TCP with SLIP)" if r.role == CONTROL else " (UDP)"))
            if r.buffer < 2 * (4 << 20):  # Linux reports twice what it grants
                self.engine.operator.tell(f"the {r.role} port's receive buffer is {r.buffer // 2048} KiB, not "
                                          f"4 MiB: raise net.core.rmem_max or a burst will be lost")

    def record(self, path) -> None:
        self.recorder = Recorder(path, self.engine.player.name)

    @property
    def ports(self) -> dict:
        return {r.role: r.port for r in self.receivers}

    # the frame --------------------------------------------------------------------------------
    def drain(self, recorded: list | None = None) -> None:
        """Apply what the receivers queued; or, on a cluster's actor, `recorded`: the batches the
        director applied in this frame, each (moderated, [(delivery, message), ...]), as it did."""
        engine = self.engine
        now = time.perf_counter()
        engine.audience.begin_frame(engine.clock.dt)
        if recorded is not None:
            for moderated, batch in recorded:
                self._apply(batch, now, moderated)
            self._housekeeping(now)
            return
        ready = self.schedule.pop_due(now)
        for delivery in self.inbox.take(BUDGET):
            for due, message in delivery.messages:
                if due is None or due <= now:
                    ready.append((delivery, message))
                elif not self.schedule.add(due, (delivery, message)):
                    self._refuse(delivery, message.address, "too many future bundles waiting")
        if ready:
            self._apply(ready, now)
        self._housekeeping(now)

    def space(self) -> Space:
        """The engine's and the audience's addresses, the current piece's parameters, the
        program's cues and the output's effects (rebuilt when the piece or the program changes,
        or the piece reloads)."""
        key = (self.engine.player.piece, self.engine.program)
        if key != self._piece:
            self._piece = key
            projection = self.engine.projection
            self._space = Space(ENGINE + AUDIENCE + piece_entries(key[0]) + cue_entries(key[1])
                                + output_entries(self.engine.output_fx.params.spec)
                                + mapping_entries([o.name for o in projection.mapping.outputs] if projection else []))
        return self._space

    def send_out(self, to: str, address: str, args) -> None:
        """A message out, from a program's cue: to lights, or another machine's show."""
        host, _, port = to.rpartition(":")
        if self._out is None:
            self._out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._out.setblocking(False)
        self._out.sendto(packet(address, *args), (host, int(port)))

    def rate(self) -> float:
        """Messages a second taken lately, for the console."""
        now = time.perf_counter()
        received = self.counters()["osc_received"]
        if now - self._rate[0] >= 1.0:
            self._rate = (now, received, (received - self._rate[1]) / (now - self._rate[0]))
        return self._rate[2]

    def apply_now(self, delivery, message) -> None:
        """A message moderation held, approved: applied as it came, past moderation."""
        self._apply([(delivery, message)], time.perf_counter(), moderated=False)

    def _apply(self, ready: list, now: float, moderated: bool = True) -> None:
        t = self.engine.clock.time
        if self.journal is not None:
            self.journal.applied(ready, moderated)
        last = {message.address: i for i, (_, message) in enumerate(ready)}
        for i, (delivery, message) in enumerate(ready):
            if self.recorder is not None:
                self.recorder.add(t, delivery, message)
            self.subscribers.heard(delivery.sender, now)
            try:
                entries = self.space().resolve(message.address)
            except BadPattern as exc:
                self._refuse(delivery, message.address, f"bad pattern: {exc}")
                continue
            if delivery.role == AUDIENCE_ROLE:
                entries = tuple(e for e in entries if e.audience)
            if not entries:
                self._refuse(delivery, message.address, "no such address")
                continue
            if delivery.role == AUDIENCE_ROLE and moderated:
                why = self.engine.moderation.admit(delivery, message)
                if why is not None:
                    if why != "held":
                        self._refuse(delivery, message.address, why)
                    continue
            for entry in entries:
                if entry.continuous and last[message.address] != i:
                    continue  # a later value for this address is in this frame already
                try:
                    data = entry.act(self, entry.parse(message.args), delivery.sender)
                except (BadArgs, Refused) as exc:
                    self._refuse(delivery, entry.address, str(exc))
                    continue
                if entry.replies and delivery.role == CONTROL:
                    reply(delivery.sender, entry.address, "ok", data)

    def _refuse(self, delivery, address: str, why: str) -> None:
        self.rejected += 1
        self.last_problem = (time.perf_counter(), f"{address}: {why}")
        if delivery.role == CONTROL:
            reply(delivery.sender, address, "error", why)

    # now and then -----------------------------------------------------------------------------
    def _housekeeping(self, now: float) -> None:
        if self.recorder is not None:
            self.recorder.flush()
        if self.subscribers.due(now):
            self.subscribers.push(self.state(), now)
        if now >= self._report_at:
            self._report_at = now + REPORT_EVERY_S
            self._report(now)
        keeper = self.engine.audience_file
        if keeper is not None and self.engine.audience.dirty and keeper.due():
            keeper.save(self.engine.audience)

    def _report(self, now: float) -> None:
        """Dropped and refused messages, told at most once per REPORT_EVERY_S, as counts and the
        latest reason, so a flood of bad packets cannot flood the operator's terminal too."""
        counts = self.counters()
        news = {k: v - self._reported.get(k, 0) for k, v in counts.items() if k != "osc_received"}
        self._reported = counts
        if any(news.values()):
            said = ", ".join(f"{n} {k[4:].replace('_', '-')}" for k, n in news.items() if n)
            latest = max([self.last_problem] + [r.last_problem for r in self.receivers])
            self.engine.operator.tell(f"OSC in the last {REPORT_EVERY_S:g} s: {said}"
                                      + (f" (latest: {latest[1]})" if latest[1] else ""), key=f"osc:report:{now}")

    def subscribe(self, sender, on: bool) -> str:
        if sender.reply is None:
            raise Refused("this sender cannot be answered")
        if not self.subscribers.set(sender, on, time.perf_counter()):
            raise Refused("too many clients subscribed already")
        return "subscribed" if on else "unsubscribed"

    def state(self) -> dict:
        e = self.engine
        head = e.show
        a = e.audience
        return {"piece": e.player.name, "cue": head.current.name if head.current else None,
                "standby": head.standby.name if head.standby else None,
                "fps": round(e.stats.recent()["fps"], 1), "blackout": e.fade.blackout, "panic": e.fade.panicked,
                "audience": {"excitement": round(a.excitement, 3), "polarity": round(a.polarity, 3),
                             "voters": a.voters, "echoes": len(a.echoes), "made": a.made,
                             "credits": asdict(a.credits)}}

    def counters(self) -> dict:
        rs = [r.counts for r in self.receivers]
        return {"osc_received": sum(c.received for c in rs),
                "osc_rejected": self.rejected + sum(c.rejected for c in rs),
                "osc_rate_limited": sum(c.rate_limited for c in rs),
                "osc_malformed": sum(c.malformed for c in rs)}

    def close(self) -> None:
        for r in self.receivers:
            r.close()
        if self.recorder is not None:
            self.recorder.close()
        if self._out is not None:
            self._out.close()
