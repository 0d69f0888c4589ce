"""Recording what the frame loop took from OSC, and replaying it into an offline render.

The file is JSON lines: a header, then one line per message with the show time of the frame
that applied it. A replay hands each message to the same drain step in the first frame at or
after its time, so a render of a rehearsal is the same every time it is made.
"""
from __future__ import annotations

import json
from pathlib import Path

from .receive import Delivery, Sender
from .wire import Message

FORMAT = 1


def encode_args(tags: str, args: tuple) -> list:
    return [a.hex() if t == "b" else a for t, a in zip(tags, args)]


def decode_args(tags: str, args: list) -> tuple:
    return tuple(bytes.fromhex(a) if t == "b" else a for t, a in zip(tags, args))


class Recorder:
    def __init__(self, path: Path, piece: str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "w", encoding="utf-8")
        self._lines = [json.dumps({"stagecraft_osc": FORMAT, "piece": piece}) + "\n"]

    def add(self, t: float, delivery: Delivery, message: Message) -> None:
        self._lines.append(json.dumps({"t": t, "port": delivery.role, "sender": delivery.sender.id,
                                       "address": message.address, "tags": message.tags,
                                       "args": encode_args(message.tags, message.args)}) + "\n")

    def flush(self) -> None:
        """Once a frame, so a crash keeps everything up to the last frame."""
        if self._lines:
            self._file.write("".join(self._lines))
            self._file.flush()
            self._lines.clear()

    def close(self) -> None:
        self.flush()
        self._file.close()


class Replay:
    def __init__(self, path: Path):
        self.items: list[tuple[float, Delivery]] = []
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the OSC recording {path}: {exc}") from None
        try:
            if json.loads(lines[0]).get("stagecraft_osc") != FORMAT:
                raise ValueError("not a recording from `--record-osc`")
            for line in filter(None, lines[1:]):
                d = json.loads(line)
                if d["port"] not in ("control", "audience"):
                    raise ValueError(f"unknown port {d['port']!r}")
                sender = Sender(str(d["sender"]), ("replay", d["sender"]), None)
                message = Message(str(d["address"]), str(d["tags"]), decode_args(d["tags"], d["args"]))
                self.items.append((float(d["t"]), Delivery(d["port"], sender, 0.0, ((None, message),))))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ValueError(f"the OSC recording {path} is damaged ({exc})") from None
        self._next = 0

    def feed(self, inbox, until: float) -> None:
        """Queue every message recorded at or before `until` seconds of show time."""
        while self._next < len(self.items) and self.items[self._next][0] <= until:
            inbox.put(self.items[self._next][1], 1)
            self._next += 1
