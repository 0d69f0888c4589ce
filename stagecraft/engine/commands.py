"""Part of the engine (stagecraft.engine.loop): the operator's commands, the same from a key, the
console and OSC: GO (with its double-GO guard), firing a cue, moving the standby, blackout, panic
and reset, the master volume, and the performer's sensors."""
from __future__ import annotations

from dataclasses import replace

from ..piece.cues import GO_GUARD_S
from ..safety.fade import DEFAULT_PANIC_S
from ..show.program import ShowCue
from ..projection.stage import IDENTIFY_S

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
        if bool(on) != self.fade.blackout:
            self.show.told.append(("ALL_OFF" if on else "RESTORE", None))
        self.fade.blackout = bool(on)

    def stop(self) -> None:
        """Hold every parameter where it is now."""
        self.show.told.append(("STOP", None))
        self._hold()

    def _hold(self) -> None:
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
        self._hold()
        self.show.told.append(("RESET", None))
        self.show.rewind()

    def set_master_volume(self, volume: float) -> None:
        self.master_volume = min(max(float(volume), 0.0), 1.0)
        self.sound.set_master_volume(self.master_volume)

    # the tempo --------------------------------------------------------------------------------
    def set_tempo(self, bpm: float) -> dict:
        """The operator's tempo (never the audience's): with Link, every peer's too."""
        self.tempo.set_tempo(bpm, self.clock.time)
        return {"tempo": round(float(bpm), 3)}

    def tap(self) -> dict:
        bpm = self.tempo.tap(self.clock.time)
        if bpm is not None:
            self.operator.tell(f"tap tempo: {bpm:.1f} bpm")
        return {"tempo": None if bpm is None else round(bpm, 3)}

    # the projectors (--mapping) ---------------------------------------------------------------
    def edit_mapping(self, output: str, what: str, *values) -> None:
        """One output's corner (index 1..4, x, y), a soft edge (side, width, curve, gamma), gain
        (brightness, r, g, b), warp grid (cols, rows) or warp point (col, row, dx, dy): shown from
        the next frame, saved a moment after the last change."""
        if self.projection is None:
            raise ValueError("no mapping (run with --mapping FILE)")
        self.projection.edit(output, what, *values, now=self.clock.time)

    def save_mapping(self) -> None:
        if self.projection is None:
            raise ValueError("no mapping (run with --mapping FILE)")
        self.projection.save()

    def identify_outputs(self, seconds: float = IDENTIFY_S) -> None:
        """Every output shows its calibration card, its name large, for a few seconds."""
        if self.projection is None:
            raise ValueError("no mapping (run with --mapping FILE)")
        self.projection.identify(self.clock.time, seconds)

    # a parameter to learn ---------------------------------------------------------------------
    def select(self, step: int) -> None:
        """The console's selected parameter of the piece playing: the next or previous one."""
        names = list(self.player.params.spec)
        if names:
            self.selected = (self.selected + step) % len(names) if self.selected is not None else \
                (0 if step > 0 else len(names) - 1)

    def selected_address(self) -> str | None:
        names = list(self.player.params.spec)
        return f"/current/{names[self.selected % len(names)]}" if names and self.selected is not None else None

    def learn_selected(self) -> None:
        """MIDI learn for the selected parameter: the next control moved is bound to it."""
        address = self.selected_address()
        if self.midi is None or address is None:
            self.operator.tell("MIDI learn needs a controller (--midi FILE) and a parameter selected ([ and ])")
            return
        self.midi.learn(address)

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
