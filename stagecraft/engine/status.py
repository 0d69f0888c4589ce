"""Part of the engine (stagecraft.engine.loop): what the operator sees. One snapshot of everything
the console shows, the overlay's status lines, shader errors, and the counters `--stats` adds."""
from __future__ import annotations

import math

from ..tempo.beat import Internal


class Status:
    """Mixed into Engine: read only; it changes nothing."""

    def snapshot(self) -> dict:
        """Everything the console shows, in one place."""
        r = self.stats.recent()
        s, p, a = self.show, self.player, self.audience
        piece = self.program.pieces[s.piece]
        auto = s.next_timer
        counters = self.counters()
        return {"program": self.program.title, "piece": p.name, "piece_title": p.piece.title,
                "piece_elapsed": p.stage.time, "piece_length": piece.follow,
                "cue": s.current.label if s.current else "", "cue_note": s.current.note if s.current else "",
                "standby": s.standby.label if s.standby else "", "standby_note": s.standby.note if s.standby else "",
                "auto": (auto[0] - self.clock.time, auto[1]) if auto else None,
                "armed": s.counting_in, "selected": self.selected_address(),
                "beat": {"tempo": self.beat.tempo, "phase": self.beat.phase, "peers": self.beat.peers,
                         "link": not isinstance(self.tempo, Internal)},
                "transition": self.crossing.label if self.crossing else "",
                "fps": r["fps"], "p50": r["p50"], "p99": r["p99"], "size": "x".join(map(str, self.canvas_size)),
                "sound": {"load": counters["audio_dsp_load"]["mean"], "xruns": counters["audio_xruns"],
                          "restarts": counters["audio_restarts"], "level": self.audio.level}
                if self.sound.playing else None,
                "sound_state": self.sound.state,
                "phones": {"connected": self.phones.connected, "url": self.phones.url} if self.phones else None,
                "moderation": {"holding": self.moderation.holding, "waiting": len(self.moderation.held),
                               "oldest": self.moderation.oldest()},
                "osc": {"rate": self.osc.rate(), **{k[4:]: v for k, v in counters.items() if k.startswith("osc_")}},
                "audience": {"excitement": a.excitement, "polarity": a.polarity, "spread": a.spread,
                             "voters": a.voters, "echoes": len(a.echoes), "made": a.made},
                "errors": self.operator.errors, "recent": list(self.operator.recent),
                "panic": self.fade.panicked, "blackout": self.fade.blackout}

    def status_lines(self) -> list[str]:
        s = self.snapshot()
        lines = [f"{s['piece']} | fired {s['cue'] or '-'} | standby {s['standby'] or 'end'} | {s['fps']:5.1f} fps  "
                 f"p50 {s['p50']:5.1f} ms  p99 {s['p99']:5.1f} ms | errors {s['errors']}"
                 + (" | PANIC" if s["panic"] else " | BLACKOUT" if s["blackout"] else ""),
                 f"{s['piece_title']} at {s['size']}, frame {self.clock.frame}"
                 + (f", transition {s['transition']}" if s["transition"] else "")
                 + f" | {s['beat']['tempo']:.1f} bpm"
                 + (f", Link {s['beat']['peers']} peers" if s["beat"]["link"] else "")]
        lines += [f"ARMED {label}: fires in {math.ceil(beats)}" for label, beats in s["armed"]]
        return lines + (self.midi.waiting() if self.midi else []) + s["recent"][-4:]

    def shader_errors(self) -> list[str]:
        out = []
        for err in self.gfx.shaders.errors():
            out += err.splitlines()[:6]
        return out

    def counters(self) -> dict:
        show = self.show
        return {"errors": self.operator.errors, "pieces_entered": list(self.entered),
                "flash_limited_frames": self.limiter.limited_frames if self.limiter.limit else None,
                "flash_guarded_frames": self.limiter.guarded_frames if self.limiter.limit else None,
                "transitions": self.crossings_done, "fired": show.current.label if show.current else None,
                "standby": show.standby.label if show.standby else None,
                **self.osc.counters(), **self.sound.counters(),
                **(self.phones.counters() if self.phones else {"phones_peak": 0, "phones_received": 0,
                                                               "phones_rejected": 0}),
                **(self.midi.counters() if self.midi else {"midi_received": 0, "midi_devices": []}),
                **self.inputs.counters(), "link_peers": self.tempo.most_peers, "link_tempo": round(self.tempo.tempo, 3)}
