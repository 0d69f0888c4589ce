"""Part of the engine (stagecraft.engine.loop): the operator's commands, the same from a key, the
console and OSC: GO (with its double-GO guard), firing a cue, moving the standby, blackout, panic
and reset, the master volume, and the performer's sensors."""
from __future__ import annotations

from dataclasses import replace

from ..piece.cues import GO_GUARD_S
from ..safety.fade import DEFAULT_PANIC_S
from ..show.program import ShowCue

SOUND_PANIC_S = 0.02        # the sound goes quiet fast, never with a click


class Commands:
    """Mixed into Engine: the commands, on the engine's own fields (show, fade, sound, clock)."""

    def go(self, cue: int | None = None) -> ShowCue | None:
        """Fire the cue on standby (or stand by on cue index `cue` first) and move on. A GO within
        GO_GUARD_S of the last one, from a key, the console or OSC alike, is ignored."""
        now = self.clock.time
        if self._last_go is not None and now - self._last_go < GO_GUARD_S:
            return None
        self.surface.make_current()  # a cue may upload a texture
        if cue is not None:
            self.show.stand_by(cue)
        fired = self.show.go()
        if fired is not None:
            self._last_go = now
            self.show.tick(now)      # a cue with no pre-wait acts in this frame
        return fired

    def fire(self, cue: int) -> ShowCue:
        """Fire a cue without moving the playhead (QLab's /cue/N/start)."""
        fired = self.show.fire(cue)
        self.show.tick(self.clock.time)
        return fired

    def move_playhead(self, step: int) -> None:
        self.show.move(step)

    def set_blackout(self, on: bool) -> None:
        self.fade.blackout = bool(on)

    def stop(self) -> None:
        """Hold every parameter where it is now."""
        for p in self._playing():
            p.params.stop()

    def panic(self, seconds: float | None = None) -> None:
        """Fade the picture to black (over DEFAULT_PANIC_S) and the sound to silence (in 20 ms),
        or both over `seconds` (/panicInTime), and hold them there until reset."""
        self.fade.panic(DEFAULT_PANIC_S if seconds is None else seconds)
        self.sound.panic(SOUND_PANIC_S if seconds is None else max(seconds, SOUND_PANIC_S))

    def reset(self) -> None:
        """Clear a panic, hold the parameters, and stand by on the first cue of this piece."""
        self.fade.reset()
        self.sound.reset()
        self.stop()
        self.show.rewind()

    def set_master_volume(self, volume: float) -> None:
        self.master_volume = min(max(float(volume), 0.0), 1.0)
        self.sound.set_master_volume(self.master_volume)

    def set_performer(self, **sensors) -> None:
        """The performer's sensors (/performer/voice, /performer/hand). The voice also reaches the
        sound, which hands it back as the audio's voice (the microphone's level under --mic)."""
        self.performer = replace(self.performer, **sensors)
        if "voice" in sensors:
            self.sound.set_voice(sensors["voice"])

    # moderation and the phones ----------------------------------------------------------------
    def hold_echoes(self, on: bool | None = None) -> str:
        """Echoes wait for the operator (on), or go straight to the stage; None toggles."""
        return self.moderation.hold(not self.moderation.holding if on is None else on)

    def approve(self) -> str:
        """The echo waiting longest goes to the stage."""
        waiting = self.moderation.take()
        if waiting is None:
            return "nothing waiting"
        self.osc.apply_now(*waiting)
        return "approved"

    def drop(self) -> str:
        return "dropped" if self.moderation.take() is not None else "nothing waiting"

    def ban(self, sender: str | None = None) -> str:
        """Ban a sender for the evening (by default, the one whose echo waits longest): its
        waiting echoes go, a phone is disconnected and cannot come back as itself."""
        if sender is None:
            oldest = self.moderation.oldest()
            if oldest is None:
                return "nothing waiting"
            sender = oldest[0]
        gone = self.moderation.ban(sender)
        if self.phones:
            self.phones.ban(sender)
        self.operator.tell(f"moderation: {sender} banned for the evening" + (f" ({gone} echoes dropped)" if gone else ""))
        return "banned"

    def show_qr(self, seconds: float | None = None) -> None:
        """The way in for phones, on stage for a while."""
        self.room.show_qr(self.clock.time, *(() if seconds is None else (seconds,)))
