"""What the engine says back, as QLab does: `/reply/<address>` with a small JSON status, and state
pushed a few times a second to the clients that sent `/updates 1`.

Only the control port answers. The audience port never does: a reply to a forged sender address
would make the show a reflector for floods.
"""
from __future__ import annotations

import json

from pythonosc.osc_message_builder import OscMessageBuilder

PUSH_EVERY_S = 0.25
SUBSCRIPTION_S = 60.0      # a subscriber not heard from (any message, /thump will do) for this long is dropped
MAX_SUBSCRIBERS = 16


def packet(address: str, *args) -> bytes:
    builder = OscMessageBuilder(address)
    for a in args:
        builder.add_arg(a)
    return builder.build().dgram


def reply(sender, address: str, status: str, data=None) -> None:
    """Answer one message; a sender that cannot be answered (a replay, a closed socket) is skipped."""
    if sender.reply is None:
        return
    body = {"address": address, "status": status}
    if data is not None:
        body["data"] = data
    sender.reply(packet("/reply" + address, json.dumps(body, separators=(",", ":"))))


class Subscribers:
    def __init__(self):
        self._by_key: dict = {}    # key -> [sender, last heard]
        self._pushed_at = -PUSH_EVERY_S

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def set(self, sender, on: bool, now: float) -> bool:
        """Subscribe or unsubscribe; False when MAX_SUBSCRIBERS others are subscribed already."""
        if not on:
            self._by_key.pop(sender.key, None)
        elif sender.key in self._by_key or len(self._by_key) < MAX_SUBSCRIBERS:
            self._by_key[sender.key] = [sender, now]
        else:
            return False
        return True

    def heard(self, sender, now: float) -> None:
        entry = self._by_key.get(sender.key)
        if entry is not None:
            entry[1] = now

    def due(self, now: float) -> bool:
        return bool(self._by_key) and now - self._pushed_at >= PUSH_EVERY_S

    def push(self, state: dict, now: float) -> None:
        self._pushed_at = now
        data = packet("/update", json.dumps(state, separators=(",", ":")))
        for key, (sender, heard) in list(self._by_key.items()):
            if now - heard > SUBSCRIPTION_S:
                del self._by_key[key]
            else:
                sender.reply(data)
