"""The receivers: one thread per port that reads packets, validates them and queues what passes.

The control port takes UDP and, on the same port number, TCP with SLIP framing (OSC 1.1). The
audience port takes UDP only, exact audience addresses only, each sender within its token bucket.
Nothing here changes the show: the frame loop drains the inbox (stagecraft.crossings).
"""
from __future__ import annotations

import selectors
import socket
import threading
import time
from collections import OrderedDict
from typing import NamedTuple
from collections.abc import Callable

from .addresses import AUDIENCE_ADDRESSES
from .limits import Allowlist, RateLimits
from .replies import reply
from .wire import MAX_PACKET, Malformed, SlipFrames, decode, seconds_until, slip_encode

CONTROL, AUDIENCE = "control", "audience"
HORIZON_S = 60.0          # a bundle dated further ahead than this is refused: its clock is wrong
RECEIVE_BUFFER = 4 << 20  # a 2,000-message burst fits; Linux's default holds about 256
MAX_TCP = 16
BATCH = 256               # datagrams read per wake before looking at the other sockets
MAX_KNOWN = 1024          # senders remembered (replies, unlocks); forgetting one only costs a lookup


class Sender(NamedTuple):
    id: str                                    # a pseudonym: audience acts are filed under it
    key: tuple                                 # who it is for replies and subscriptions
    reply: Callable[[bytes], None] | None      # None: cannot be answered (a replay)


class Delivery(NamedTuple):
    role: str
    sender: Sender
    received: float                            # time.perf_counter() on arrival
    messages: tuple                            # ((due perf_counter time or None for now, Message), ...)


class Counts:
    """Written by one receiver thread, read by anyone: plain ints, each with a single writer."""
    __slots__ = ("received", "malformed", "rate_limited", "rejected")

    def __init__(self):
        self.received = self.malformed = self.rate_limited = self.rejected = 0


class Receiver:
    def __init__(self, role: str, host: str, port: int, inbox, *, pseudonym: Callable[[str], str],
                 tcp: bool = False, allow: Allowlist | None = None, limits: RateLimits | None = None,
                 passcode: str | None = None):
        self.role, self.inbox, self.pseudonym = role, inbox, pseudonym
        self.allow, self.limits, self.passcode = allow, limits, passcode
        self.counts = Counts()
        self.last_problem = (0.0, "")   # (when, what)
        self._senders: OrderedDict = OrderedDict()
        self._unlocked: OrderedDict = OrderedDict()
        self._peers: dict = {}
        try:
            self._udp, self._tcp = _bind(host, port, tcp)
        except OSError as exc:
            raise OSError(exc.errno, f"cannot open the {role} port {host}:{port}: {exc.strerror or exc}") from None
        self.host, self.port = self._udp.getsockname()[:2]
        self._udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.buffer = self._udp.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        for sock, on_ready in ((self._udp, self._read_udp), (self._tcp, self._accept), (self._wake_r, None)):
            if sock is not None:
                sock.setblocking(False)
                self._sel.register(sock, selectors.EVENT_READ, on_ready)
        self._thread = threading.Thread(target=self._run, name=f"osc-{role}", daemon=True)

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._wake_w.send(b"x")
            self._thread.join(timeout=5)
        for sock in (self._udp, self._tcp, self._wake_r, self._wake_w, *self._peers):
            if sock is not None:
                sock.close()
        self._sel.close()

    def _run(self) -> None:
        while True:
            for key, _ in self._sel.select():
                if key.data is None:
                    return
                try:
                    key.data()
                except Exception as exc:  # one bad packet must not end the port for the night
                    self.counts.malformed += 1
                    self._problem(f"the receiver recovered from {type(exc).__name__}: {exc}")

    # UDP --------------------------------------------------------------------------------------
    def _read_udp(self) -> None:
        for _ in range(BATCH):
            try:
                data, addr = self._udp.recvfrom(MAX_PACKET)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:   # an ICMP error from an earlier reply; the socket is fine
                continue
            sender = self._senders.get(addr)
            if sender is None:
                sender = self._remember(self._senders, addr, Sender(
                    self.pseudonym(addr[0]), ("udp", *addr), lambda p, a=addr: self._send_udp(p, a)))
            self._packet(data, sender, addr[0])

    def _send_udp(self, packet: bytes, addr) -> None:
        try:
            self._udp.sendto(packet, addr)
        except OSError:
            pass

    # TCP with SLIP ----------------------------------------------------------------------------
    def _accept(self) -> None:
        try:
            conn, addr = self._tcp.accept()
        except OSError:
            return
        if len(self._peers) >= MAX_TCP or not self._allowed(addr[0]):
            self._reject(1, f"a TCP connection from {addr[0]} refused")
            conn.close()
            return
        conn.setblocking(False)
        peer = _Peer(conn)
        sender = Sender(self.pseudonym(addr[0]), ("tcp", *addr), peer.send)
        self._peers[conn] = peer
        self._sel.register(conn, selectors.EVENT_READ, lambda: self._read_tcp(conn, sender, addr[0]))

    def _read_tcp(self, conn, sender: Sender, host: str) -> None:
        peer = self._peers[conn]
        try:
            data = conn.recv(MAX_PACKET)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        try:
            frames = peer.frames.feed(data) if data else None
        except Malformed as exc:
            self._malformed(exc, host)
            frames = None
        if frames is None:
            self._sel.unregister(conn)
            del self._peers[conn]
            conn.close()
            return
        for frame in frames:
            if isinstance(frame, Malformed):
                self.counts.received += 1
                self._malformed(frame, host)
            else:
                self._packet(frame, sender, host)

    # every packet -----------------------------------------------------------------------------
    def _packet(self, data: bytes, sender: Sender, host: str) -> None:
        try:
            messages = decode(data)
        except Malformed as exc:
            self.counts.received += 1
            self._malformed(exc, host)
            return
        self.counts.received += len(messages)
        if not self._allowed(host):
            self._reject(len(messages), f"{host} is not in --operator-allow")
            return
        if self.limits is not None and not self.limits.allow(host, len(messages)):
            self.counts.rate_limited += len(messages)
            return
        now = time.perf_counter()
        wall = time.time()
        accepted = []
        for timetag, message in messages:
            why = self._refusal(message, sender)
            wait = seconds_until(timetag, wall)
            if why is None and wait > HORIZON_S:
                why = f"a bundle dated {wait:.0f} s ahead (more than {HORIZON_S:g} s)"
            if why is not None:
                self._reject(1, f"{message.address}: {why} (from {host})")
                continue
            accepted.append((now + wait if wait > 0 else None, message))
        if accepted and not self.inbox.put(Delivery(self.role, sender, now, tuple(accepted)), len(accepted)):
            self._reject(len(accepted), "the inbox is full: the frame loop is not keeping up")

    def _refusal(self, message, sender: Sender) -> str | None:
        if self.role == AUDIENCE:
            return None if message.address in AUDIENCE_ADDRESSES else "not an audience address"
        if self.passcode is None or sender.key in self._unlocked:
            return None
        if message.address != "/connect":
            return "locked: send /connect with the passcode first"
        if message.args != (self.passcode,):
            reply(sender, "/connect", "badpass")
            return "wrong passcode"
        self._remember(self._unlocked, sender.key, True)
        return None

    def _allowed(self, host: str) -> bool:
        return not self.allow or self.allow.allows(host)

    def _reject(self, n: int, why: str) -> None:
        self.counts.rejected += n
        self._problem(why)

    def _malformed(self, exc: Malformed, host: str) -> None:
        self.counts.malformed += 1
        self._problem(f"malformed packet from {host}: {exc}")

    def _problem(self, what: str) -> None:
        self.last_problem = (time.perf_counter(), f"{self.role} port: {what}")

    @staticmethod
    def _remember(table: OrderedDict, key, value):
        table[key] = value
        if len(table) > MAX_KNOWN:
            table.popitem(last=False)
        return value


class _Peer:
    """One TCP controller. Replies come from the frame loop while the receiver reads, hence the
    lock; a controller that stops reading its replies is cut off rather than waited for."""

    def __init__(self, conn: socket.socket):
        self.conn = conn
        self.frames = SlipFrames()
        self._lock = threading.Lock()

    def send(self, packet: bytes) -> None:
        data = slip_encode(packet)
        with self._lock:
            try:
                if self.conn.send(data) < len(data):
                    self.conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _bind(host: str, port: int, tcp: bool):
    """A UDP socket, and with `tcp` a listening TCP socket on the same port number. Port 0 picks
    a free one for both (tests run side by side)."""
    for _ in range(20 if port == 0 else 1):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind((host, port))
            if not tcp:
                return udp, None
            stream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            stream.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                stream.bind((host, udp.getsockname()[1]))
                stream.listen(MAX_TCP)
                return udp, stream
            except OSError:
                stream.close()
                raise
        except OSError:
            udp.close()
            if port != 0:
                raise
    raise OSError(f"no free port on {host} for both UDP and TCP")
