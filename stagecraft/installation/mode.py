"""Installation mode, the engine's side: a gallery runs the show for weeks with nobody watching.

    opening hours   outside them, the picture fades to black and the sound to silence
    attract mode    after a while without the audience, an invitation on the picture, and the
                    show going on by itself (a GO every so often) until someone joins in
    resume          which piece is playing, written whenever one comes on, so the supervisor's
                    restart (stagecraft/installation/supervisor.py) comes back at the same piece

The supervisor is the other side: it runs this engine as a child and restarts it.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from .hours import Hours

CLOSING_FADE_S = 4.0        # the room dims, the sound goes quiet: no one is startled at closing
CHECK_HOURS_S = 5.0
ATTRACT_GO_S = 45.0         # in attract mode, the show moves on by itself this often
INVITATION = "send us a smile: /audience/join to this room's address, port {port}"


class Installation:
    def __init__(self, engine, *, hours: Hours | None = None, attract_s: float | None = None,
                 resume: Path | None = None, invitation: str = INVITATION, wall=None):
        """`wall`: the time of day the hours are judged by; by default the frame's date (iDate),
        which a cluster's actors take from their director, so every machine closes at one frame."""
        self.engine = engine
        self.hours = hours or Hours.always()
        self.attract_s = attract_s
        self.resume = Path(resume) if resume else None
        self.invitation = invitation
        self.wall = wall or (lambda: frame_date(engine.date))
        self.open = True
        self.attracting = False
        self._checked = -1e9
        self._heard = 0.0            # when the audience last did anything (engine clock)
        self._seen_made = engine.audience.made
        self._last_go = 0.0
        self._piece = None

    def step(self, now: float) -> None:
        """Once a frame, on the engine clock."""
        if now - self._checked >= CHECK_HOURS_S:
            self._checked = now
            self._hours()
        self._attract(now)
        if self.resume is not None and self.engine.player.name != self._piece:
            self._piece = self.engine.player.name
            self._save_resume()

    # opening hours -------------------------------------------------------------------------
    def _hours(self) -> None:
        now_open = self.hours.open_at(self.wall())
        if now_open == self.open:
            return
        self.open = now_open
        e = self.engine
        e.fade.blackout = not now_open
        e.sound.set_master_volume(e.master_volume if now_open else 0.0, CLOSING_FADE_S)
        e.operator.tell("opening hours: open; picture and sound come up" if now_open else
                        "opening hours: closed; picture and sound fade out until opening")

    # attract mode --------------------------------------------------------------------------
    def _attract(self, now: float) -> None:
        if self.attract_s is None:
            return
        a = self.engine.audience
        if a.made != self._seen_made or any(a.new(kind) for kind in ("cheer", "vote", "echo", "touch")):
            self._seen_made = a.made
            self._heard = now
            if self.attracting:
                self.attracting = False
                self.engine.operator.tell("attract mode off: the audience is here")
        elif not self.attracting and now - self._heard >= self.attract_s and self.open:
            self.attracting = True
            self._last_go = now
            self.engine.operator.tell(f"attract mode: no audience for {self.attract_s / 60:g} min; inviting: {self.invitation}")
        if self.attracting and now - self._last_go >= ATTRACT_GO_S:
            self._last_go = now
            self.engine.go()

    def settings(self) -> dict:
        """What a cluster's actors run the same installation from (cluster.frames' start)."""
        return {"hours": self.hours.spec, "attract_s": self.attract_s, "invitation": self.invitation}

    @classmethod
    def following(cls, engine, settings: dict, resume: Path | None = None) -> "Installation":
        """An actor's: its director's hours, attract mode and invitation (the director's port in it)."""
        return cls(engine, hours=Hours.parse(settings["hours"]) if settings["hours"] else None,
                   attract_s=settings["attract_s"], invitation=settings["invitation"], resume=resume)

    def caption(self) -> str | None:
        """What the engine writes over the picture in attract mode."""
        return self.invitation if self.attracting and self.open else None

    # resume --------------------------------------------------------------------------------
    def _save_resume(self) -> None:
        tmp = self.resume.with_name(self.resume.name + ".tmp")
        try:
            self.resume.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"piece": self._piece}))
            os.replace(tmp, self.resume)
        except OSError as exc:
            self.engine.operator.tell(f"cannot write {self.resume} ({exc.strerror or exc}); "
                                      f"a restart would begin the program from the top", key="resume")


def frame_date(date: tuple) -> datetime:
    """Shadertoy's iDate as a datetime."""
    year, month, day, seconds = date
    return datetime(int(year), int(month) + 1, int(day)) + timedelta(seconds=float(seconds))


def resumed_piece(path: Path | None) -> str | None:
    """The piece a restarted engine should come back at, if a resume file says."""
    try:
        return str(json.loads(Path(path).read_text())["piece"]) if path else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
