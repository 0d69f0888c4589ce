"""The operator's say over what the audience puts on the big screen.

Every audience message passes here on its way in, from phones and the OSC port alike: a sender
banned for the evening is refused; an echo with a word from the filter (phones.words) never
reaches the stage; and in hold mode echoes wait, oldest first, until the operator approves or
drops each one (console keys H, A, D and X to ban the sender of the one waiting; or OSC
/moderation/...). Names are filtered where a phone chooses one (the gateway).
"""
from __future__ import annotations

from collections import deque

from ..phones.words import Words

HELD_ADDRESSES = frozenset({"/audience/echo"})
HELD_MAX = 200              # a held queue longer than this drops its oldest (the operator is told)


class Moderation:
    def __init__(self, tell=print):
        self.tell = tell
        self.words = Words()
        self.holding = False
        self.held: deque = deque()
        self.banned: set[str] = set()
        self.filtered = 0

    def admit(self, delivery, message) -> str | None:
        """None to let an audience message through now; else why not ("held" when it waits)."""
        if delivery.sender.id in self.banned:
            return "banned for the evening"
        if message.address not in HELD_ADDRESSES:
            return None
        if not all(self.words.allows(a) for a in message.args if isinstance(a, str)):
            self.filtered += 1
            return "a word that does not go on stage"
        if not self.holding:
            return None
        if len(self.held) == HELD_MAX:
            self.held.popleft()
            self.tell(f"moderation: more than {HELD_MAX} echoes waiting; the oldest went unseen", key="mod:full")
        self.held.append((delivery, message))
        return "held"

    def hold(self, on: bool) -> str:
        self.holding = bool(on)
        self.tell(f"moderation: echoes {'wait for approval' if on else 'go straight to the stage'}"
                  + (f" ({len(self.held)} waiting)" if self.held else ""))
        return "holding" if on else "open"

    def take(self):
        """The oldest waiting echo, out of the queue (to apply on approval), or None."""
        return self.held.popleft() if self.held else None

    def ban(self, sender: str) -> int:
        """Ban a sender for the evening; its waiting echoes go too. How many went."""
        self.banned.add(sender)
        before = len(self.held)
        self.held = deque(h for h in self.held if h[0].sender.id != sender)
        return before - len(self.held)

    def oldest(self) -> tuple[str, str] | None:
        """(sender, text) of the echo waiting longest, for the console."""
        if not self.held:
            return None
        delivery, message = self.held[0]
        return delivery.sender.id, str(message.args[0]) if message.args else ""
