"""Where a frame's inputs come from, besides its clock and beat: the window's events and the
console's keys, the sound's analysis, the date, OSC, and when saved edits are looked for. Live,
each is this machine's own. The one seam lockstep needs: a cluster's director records what these
gave (cluster.director), and an actor hands its engine the director's instead (cluster.actor), so
the same frame index gives the same picture."""
from __future__ import annotations

import time

OFFLINE_DATE = (2145.0, 0.0, 1.0)  # the story's year; offline frames never read the wall clock
WATCH_EVERY_S = 0.25


class LocalInputs:
    _watch_at = 0.0

    def controls(self, engine) -> tuple:
        """The window's events and the console's commands, for engine.controls.handle."""
        return engine.surface.events(), engine.console.keys() if engine.console else ()

    def audio(self, engine):
        """What the picture hears: the sound's latest analysis (never waiting)."""
        return engine.sound.poll()

    def date(self, engine) -> tuple:
        """Shadertoy's iDate: the wall clock live; offline, the story's year and show time."""
        if not engine.live:
            return (*OFFLINE_DATE, engine.clock.time)
        t = time.localtime()
        return (t.tm_year, t.tm_mon - 1, t.tm_mday, t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec)

    def osc(self, engine) -> None:
        """Apply what OSC (and the phones and controllers with it) brought since the last frame."""
        if engine.phones:
            engine.phones.drain(engine.osc.inbox)   # gestures join the OSC audience messages, one path in
            engine.room.url = engine.phones.url
        if engine.midi:
            engine.midi.drain(engine.osc.inbox)     # a controller's moves join the OSC messages, one path in
        engine.osc.drain()

    def reload(self, engine) -> list | None:
        """Live, every WATCH_EVERY_S: saved edits picked up (engine.reload_changed says what was
        tried); None when not looked for (offline renders never look)."""
        now = time.perf_counter()
        if not engine.live or now - self._watch_at < WATCH_EVERY_S:
            return None
        self._watch_at = now
        return engine.reload_changed()

    def shown(self, engine) -> None:
        """The frame is on its way to the screen."""

    def close(self) -> None:
        """The engine is closing."""

    def counters(self) -> dict:
        return {"cluster_role": None, "cluster_frames_behind_max": 0, "cluster_resyncs": 0}
