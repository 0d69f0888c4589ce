"""Who may send, and how much: token buckets per sender for the audience, an allowlist for operators.

Used on the receiver threads, before anything reaches the frame loop.
"""
from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict

# A phone dragging a finger sends about 60 touches a second; a crowd of a few hundred phones
# stays under the port's total. One sender looping as fast as it can is cut to its own rate.
SENDER_RATE, SENDER_BURST = 60.0, 120.0
PORT_RATE, PORT_BURST = 10_000.0, 20_000.0
MAX_SENDERS = 4096


class TokenBucket:
    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, now

    def take(self, n: int, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < n:
            return False
        self.tokens -= n
        return True


class RateLimits:
    """A bucket per sender (the least recently heard forgotten past MAX_SENDERS, which only
    forgives it) and one for the whole port, so many senders together are bounded as well."""

    def __init__(self, rate=SENDER_RATE, burst=SENDER_BURST, port_rate=PORT_RATE, port_burst=PORT_BURST,
                 clock=time.monotonic):
        self.rate, self.burst = rate, burst
        self.clock = clock
        self._port = TokenBucket(port_rate, port_burst, clock())
        self._senders: OrderedDict[str, TokenBucket] = OrderedDict()

    def allow(self, sender: str, n: int = 1) -> bool:
        now = self.clock()
        bucket = self._senders.get(sender)
        if bucket is None:
            bucket = self._senders[sender] = TokenBucket(self.rate, self.burst, now)
            if len(self._senders) > MAX_SENDERS:
                self._senders.popitem(last=False)
        else:
            self._senders.move_to_end(sender)
        return bucket.take(n, now) and self._port.take(n, now)


class Allowlist:
    """Operator networks, from `--operator-allow 10.0.0.0/24,192.168.1.7`. Loopback always passes."""

    def __init__(self, text: str = ""):
        self.networks = []
        for item in filter(None, (s.strip() for s in text.split(","))):
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an address or network like 192.168.1.0/24") from None

    def __bool__(self) -> bool:
        return bool(self.networks)

    def allows(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return ip.is_loopback or any(ip in net for net in self.networks)
