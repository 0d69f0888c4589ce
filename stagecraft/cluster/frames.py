"""One frame's inputs as they travel from the director to its actors: JSON, one message a frame.

    {"frame": N, "time": s, "dt": s, "wall": unix seconds of its presentation, "date": iDate,
     "beat": [beat, tempo, span, peers], "audio": [level, peak, [bands], onset, voice, texture],
     "mouse": iMouse, "keys": [[down, key, mod, local], ...], "console": [command, ...],
     "osc": [[moderated, [[port, sender, address, tags, args], ...]], ...],
     "names": [[sender, name], ...] (phones naming themselves), "qr": the phones' page or null,
     "reloaded": null, or [[file, digest, took], ...]: the saved edits picked up in this frame,
     "piece": name, "cue": label or null, "by": the director, host:pid}

Frame 0 also carries "start": what an actor must begin from. That is the evening's audience as
the director loaded it (before frame 0's inputs), the canvas size and seed, the first piece's
`--set` values as [[name, value], ...], the installation as {"hours": spec or null, "attract_s": s
or null, "invitation": text} or null, and the program, which must match its own. When the
director stops it sends END. An actor looks for saved edits in the frames where the director
picked one up, so a piece or shader edited on every machine's copy (a shared folder, a sync) is
picked up at the same frame everywhere; "reloaded" tells it when its copy is not the director's.
A key marked local is one the director kept to itself (the overlay, fullscreen, quitting, the
mapping editor's, as judged when it was handled): an actor's keyboard texture sees it, nothing
else does.

The texture (Shadertoy's 512x2 sound texture, float32) travels as base64 of its bytes. An OSC
blob argument travels as hex, as `--record-osc` writes it. "piece", "cue" and "by" are not inputs:
an actor compares the piece with its own to notice that it has drifted, and tells its operator
when another machine (an understudy) directs.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import numpy as np

from ..osc.receive import Delivery, Sender
from ..osc.record import decode_args, encode_args
from ..osc.wire import Message
from ..sound.analysis import BINS, Audio, Bands
from ..tempo.beat import Beat

SUBJECT = "stagecraft.{show}.frames"
END = b'{"end":true}'


def _token(show: str) -> str:
    """A show's name with what NATS would read as a separator or wildcard replaced."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in show) or "show"


def subject(show: str) -> str:
    return SUBJECT.format(show=_token(show))


def stream(show: str) -> str:
    """The JetStream stream the server keeps a show's frames in."""
    return f"STAGECRAFT_{_token(show)}"


def key(run: str, by: str, index: int | str) -> str:
    """A frame's id in the stream: the server keeps one of each (a retry after a lost acknowledgement
    is not stored twice), and takes a director's next frame only after its own last."""
    return f"{run}:{by}:{index}"


def audio_fields(audio: Audio) -> list:
    return [audio.level, audio.peak, list(audio.bands), audio.onset, audio.voice,
            base64.b64encode(np.ascontiguousarray(audio.texture, np.float32).tobytes()).decode()]


def batch_fields(moderated: bool, batch: list) -> list:
    return [moderated, [[d.role, d.sender.id, m.address, m.tags, encode_args(m.tags, m.args)] for d, m in batch]]


def encode(record: dict) -> bytes:
    return json.dumps(record, separators=(",", ":")).encode()


@dataclass
class Frame:
    """A frame's inputs, decoded for an actor's engine."""
    index: int
    time: float
    dt: float
    wall: float
    date: tuple
    beat: Beat
    audio: Audio
    mouse: list
    keys: list
    console: list
    osc: list
    names: list
    qr: str | None
    reloaded: list | None
    piece: str
    cue: str | None
    start: dict | None
    by: str


def decode(data: bytes) -> Frame:
    """A frame from the stream; ValueError, naming what is wrong, for anything else."""
    try:
        r = json.loads(data)
        level, peak, bands, onset, voice, texture = r["audio"]
        tex = np.frombuffer(base64.b64decode(texture), np.float32).reshape(2, BINS).copy()
        osc = [(bool(moderated), [(Delivery(port, Sender(str(sender), ("director", sender), None), 0.0, ()),
                                   Message(str(address), str(tags), decode_args(tags, args)))
                                  for port, sender, address, tags, args in batch])
               for moderated, batch in r["osc"]]
        keys = [(bool(down), int(k), int(mod), bool(local)) for down, k, mod, local in r["keys"]]
        reloaded = None if r["reloaded"] is None else [(str(f), str(d), bool(ok)) for f, d, ok in r["reloaded"]]
        return Frame(int(r["frame"]), float(r["time"]), float(r["dt"]), float(r["wall"]), tuple(r["date"]),
                     Beat(*map(float, r["beat"][:3]), int(r["beat"][3])),
                     Audio(float(level), float(peak), Bands(*map(float, bands)), bool(onset), float(voice), tex),
                     [float(v) for v in r["mouse"]], keys, [str(c) for c in r["console"]],
                     osc, [(str(a), str(b)) for a, b in r["names"]], r["qr"], reloaded, str(r["piece"]), r["cue"],
                     r.get("start"), str(r["by"]))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"not a frame of a Stagecraft director ({exc})") from None
