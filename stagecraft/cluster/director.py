"""The director: the show runs here as it would alone, and each frame's inputs are published for
the actors as the frame goes to the screen (cluster.frames says what a frame carries)."""
from __future__ import annotations

import os
import secrets
import socket
import time

from ..engine.inputs import LocalInputs
from .frames import END, audio_fields, batch_fields, encode, key, stream, subject


FLUSH_S = 5.0       # at the end, how long frames still waiting for the broker may take to be stored


class Director(LocalInputs):
    def __init__(self, link, show: str, run: str | None = None, after: str | None = None, settings=()):
        """`link`: a crossings.NatsLink; `show`: the show's name (its subject and stream). A new
        show (`run` None) empties the stream; an understudy taking over continues the run, `after`
        the frame it last saw (its key: the server refuses its frames if another came since).
        `settings`: the first piece's `--set` values, which an actor starts with too."""
        self.link, self.subject = link, subject(show)
        self.settings = [list(s) for s in settings]
        link.open_stream(stream(show), self.subject, fresh=run is None)
        self.run = run or secrets.token_hex(6)
        if after is not None:
            link.last = after
        self.told = False
        self.told_aged = False
        self.by = f"{socket.gethostname()}:{os.getpid()}"
        self.published = 0
        self.spent = 0.0                  # CPU seconds of the frame loop's thread publishing took, in all
        self._console, self._osc, self._names = [], [], []
        self._audio = self._date = self._reloaded = self._start = None

    def controls(self, engine) -> tuple:
        events, console = super().controls(engine)
        self._console = list(console)
        return events, self._console

    def audio(self, engine):
        self._audio = super().audio(engine)
        return self._audio

    def date(self, engine) -> tuple:
        self._date = super().date(engine)
        return self._date

    def reload(self, engine) -> list | None:
        found = super().reload(engine)
        self._reloaded = found or None      # only what was picked up: an actor looks then alone
        return found

    def osc(self, engine) -> None:
        if engine.clock.frame == 0:     # an actor starts from the audience before frame 0's inputs, then applies them
            self._start = engine.audience.dump()
        super().osc(engine)

    def applied(self, batch: list, moderated: bool) -> None:
        """engine.osc's journal: a batch of messages about to be applied, in order."""
        self._osc.append(batch_fields(moderated, batch))

    def naming(self, apply):
        """What a phone naming itself does (outside OSC: the gateway's own message), recorded."""
        def named(sender: str, name: str) -> None:
            self._names.append([sender, name])
            apply(sender, name)
        return named

    def shown(self, engine) -> None:
        keys, console, osc, names = engine.controls.keys, self._console, self._osc, self._names
        self._console, self._osc, self._names = [], [], []
        if self.link.superseded:
            if not self.told:
                self.told = True
                engine.operator.tell(f"cluster: another machine directs this show now ({self.link.superseded}): "
                                     "this one stands down; its picture is no longer the show's", error=True)
            return
        if self.link.aged_out and not self.told_aged:
            self.told_aged = True
            engine.operator.tell("cluster: the server no longer keeps this show's first frames (it keeps so many "
                                 "hours and bytes of a show): a machine started from now on cannot join it; those "
                                 "following carry on", error=True)
        start, cpu = time.perf_counter(), time.thread_time()
        c, b = engine.clock, engine.beat
        record = {"frame": c.frame, "time": c.time, "dt": c.dt,
                  "wall": time.time() + (engine.shown_at - start) if engine.live else c.time,
                  "date": list(self._date), "beat": [b.beat, b.tempo, b.span, b.peers],
                  "audio": audio_fields(self._audio), "mouse": list(engine.controls.mouse),
                  "keys": keys, "console": console, "osc": osc, "names": names, "qr": engine.room.url,
                  "reloaded": self._reloaded, "piece": engine.player.name,
                  "cue": engine.show.current.label if engine.show.current else None,
                  "by": self.by}
        if c.frame == 0:        # where an actor starts from: the evening's audience as the director loaded it
            record["start"] = {"audience": self._start, "size": list(engine.canvas_size),
                               "seed": engine.seed, "set": self.settings, "program": engine.program.title,
                               "installation": engine.installation.settings() if engine.installation else None,
                               "run": self.run}
        self.link.publish(self.subject, encode(record), key(self.run, self.by, c.frame))
        self.published += 1
        self.spent += time.thread_time() - cpu

    def close(self) -> None:
        """The show is over: actors are told, then the connection closes."""
        self.link.publish(self.subject, END, key(self.run, self.by, "end"))
        self.link.flush(FLUSH_S)
        self.link.close()

    def counters(self) -> dict:
        return {"cluster_role": "director", "cluster_frames_behind_max": 0, "cluster_resyncs": self.link.lost,
                "cluster_publish_ms": round(1000.0 * self.spent / max(self.published, 1), 4),
                "cluster_dropped": self.link.dropped, "cluster_superseded": bool(self.link.superseded)}
