"""A house of phones as an OSC recording: every phone sends the piece's gestures (and cheers) at
its own pace, as the gateway would hand them on, for `render --replay`. Seeded: the same house
each time."""
from __future__ import annotations

import json
import random
from pathlib import Path

from stagecraft.piece.gestures import CHEER


def value(g, rng: random.Random):
    """Something a phone might send for gesture g."""
    if g.kind == "slider":
        return rng.uniform(g.low, g.high)
    if g.kind == "pad":
        return [rng.random(), rng.random()]
    if g.kind == "text":
        return rng.choice(("we see you", "who owns your smile?", "gaps welcome", "not for sale 🙂"))
    if g.kind == "choice":
        return rng.sample(range(len(g.options)), g.pick) if g.pick > 1 else rng.randrange(len(g.options))
    return None


TAGS = {str: "s", float: "f", int: "i"}


def write(path: Path, piece: str, gestures, *, phones: int = 1000, rate: float = 2.0, seconds: float = 8.0,
          seed: int = 1) -> int:
    """The recording; returns how many messages it holds."""
    rng = random.Random(seed)
    offered = list(gestures) + [CHEER]
    lines = [json.dumps({"stagecraft_osc": 1, "piece": piece})]
    events = []
    for k in range(phones):
        t = rng.uniform(0.0, 1.0 / rate)
        while t < seconds:
            g = rng.choice(offered)
            address, args = g.message(value(g, rng), f"phone {k}")
            events.append((t, f"phone:p{k:05d}", address, args))
            t += rng.expovariate(rate)
    events.sort(key=lambda e: e[0])
    for t, sender, address, args in events:
        lines.append(json.dumps({"t": round(t, 4), "port": "audience", "sender": sender, "address": address,
                                 "tags": "".join(TAGS[type(a)] for a in args), "args": list(args)}))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(events)
