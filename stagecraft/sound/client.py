"""The render side's handle on the sound process: start it, talk to it, read it, keep it alive.

Every call returns at once; the picture never waits for the sound. Each frame the engine hands
over the piece's messages (`send`) and takes the latest analysis (`poll`), which also supervises:
a sound process that has died is replaced at once, one that stopped publishing for STALE_S is
killed and replaced. The replacement is a warm standby (spawned, imports done, waiting), because
a cold start spends about a second importing numpy and scipy; it is sent the current graph,
parameter values, master volume and panic state, so it carries on where the last one stopped.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import deque

from ..crossings import CAUSES, XRUN_FIELDS, AnalysisBoard, Reading, SoundChannel
from .analysis import Audio, Bands
from ..tempo.beat import Beat
from .messages import SR, Timeline, heard, stamp

STALE_S = 0.5        # no block published for this long: hung
STARTUP_S = 10.0     # a cold start may take this long before its first block
STANDBY_AFTER_S = 2.0  # the standby is spawned once the active process has played this long,
                       # so the two do not import numpy and scipy on the same cores at once
LATENCY_S = 0.03     # events are dated this far ahead of where the device is playing
GIVE_UP = 5          # restarts within GIVE_UP_S: stop restarting, run silent
GIVE_UP_S = 10.0
DEVICE_FAILED = 3    # the sound process's exit status when it has no device: restarting would not help


def _run(channel: SoundChannel, board_name: str) -> None:
    """The child's entry: the DSP is imported there, never in the render process."""
    from .process import main
    main(channel, board_name)


class _Process:
    def __init__(self, ctx, board: AnalysisBoard):
        self.channel = SoundChannel(ctx)
        self.process = ctx.Process(target=_run, args=(self.channel, board.name), daemon=True,
                                   name="stagecraft-sound")
        self.process.start()
        self.started = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def end(self, stop: bool) -> None:
        if stop and self.process.is_alive():
            self.channel.send([("stop", -1)])
            self.process.join(2.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.channel.close()


class Silent:
    """No sound (`--audio none`): the same calls, nothing happens."""
    voice = 0.0   # the performer's voice level, as given from outside (OSC) when no microphone is
    playing = False
    state = "off"     # what the operator's console says of the sound when it is not playing

    def set_voice(self, level: float) -> None:
        self.voice = min(max(float(level), 0.0), 1.0)

    def send(self, messages: list, beat: Beat | None = None, at: float = 0.0) -> None:
        pass

    def poll(self) -> Audio:
        return Audio(voice=self.voice)

    def set_master_volume(self, value: float, seconds: float = 0.0) -> None:
        pass

    def panic(self, seconds: float = 0.02) -> None:
        pass

    def reset(self) -> None:
        pass

    def counters(self) -> dict:
        return {"audio_xruns": 0, "audio_xrun_causes": dict.fromkeys(CAUSES, 0),
                "audio_dsp_load": {"mean": 0.0, "max": 0.0}, "audio_voices_shed": 0, "audio_restarts": 0}

    def close(self) -> None:
        pass


class SoundClient(Silent):
    def __init__(self, *, device: str = "default", block: int = 256, mic: bool = False, seed: int = 0,
                 tell=None):
        self.ctx = multiprocessing.get_context("spawn")
        self.tell = tell or (lambda message, **kw: print(message))
        self.options = {"device": device, "block": int(block), "mic": bool(mic), "seed": int(seed)}
        self.board = AnalysisBoard.create()
        self.graphs: dict[int, dict] = {}       # each sounding piece's layer: its SOUND
        self.gains: dict[int, float] = {}
        self.values: dict[str, float] = {}
        self.volume = 1.0
        self.panicked: float | None = None
        self.reading: Reading | None = None
        self.onsets = 0
        self.restarts = 0
        self.recent: deque = deque(maxlen=GIVE_UP)
        self.past = {"xruns": 0, "shed": 0, "blocks": 0, "load": 0.0, "load_max": 0.0,
                     **dict.fromkeys(XRUN_FIELDS.values(), 0)}
        self.standby: _Process | None = None
        self.active: _Process | None = self._start(_Process(self.ctx, self.board))

    # the state a new process is given ------------------------------------------------------
    def _start(self, proc: _Process) -> _Process:
        proc.started = time.monotonic()
        state = [("start", -1, self.options), ("volume", -1, self.volume)]
        state += [("graph", -1, spec, layer) for layer, spec in self.graphs.items()]
        state += [("fade", -1, layer, gain, 0) for layer, gain in self.gains.items()]
        state += [("set", -1, path, value, 0) for path, value in self.values.items()]
        if self.panicked is not None:
            state.append(("panic", -1, self.panicked))
        proc.channel.send(state)
        return proc

    def _post(self, messages: list) -> None:
        if self.active is not None:
            self.active.channel.send(messages)

    # what the engine calls ------------------------------------------------------------------
    def send(self, messages: list, beat: Beat | None = None, at: float = 0.0) -> None:
        """The frame's messages, dated on the sound's clock; a beat falling at monotonic time `at`
        places the notes that wait for a beat (the sound process stamps each buffer with the
        moment it rendered it, so the two clocks meet here)."""
        now = self._now()
        timeline = self._timeline(beat, at)
        out = []
        for m in messages:
            if m[0] == "graph":
                self._forget(m[2])
                self.graphs[m[2]] = m[1]
            elif m[0] == "fade":
                if m[2] <= 0.0:
                    self._forget(m[1])           # a layer fading out is leaving: a new process need not know it
                else:
                    self.gains[m[1]] = m[2]
            elif m[0] == "set":
                self.values[m[1]] = m[2]
            out.append(stamp(m, now, SR, timeline))
        self._post(out)

    def _timeline(self, beat: Beat | None, at: float) -> Timeline | None:
        r = self.reading
        if beat is None or not self.playing:
            return None
        return heard(r.sample + (at - r.wall) * SR, beat.beat, beat.tempo, SR)

    def _forget(self, layer: int) -> None:
        self.graphs.pop(layer, None)
        self.gains.pop(layer, None)
        prefix = f"{layer}:"
        self.values = {p: v for p, v in self.values.items()
                       if not (p.startswith(prefix) or (layer == 0 and ":" not in p))}

    def set_master_volume(self, value: float, seconds: float = 0.0) -> None:
        self.volume = min(max(float(value), 0.0), 1.0)
        self._post([("volume", -1, self.volume, float(seconds))])

    def panic(self, seconds: float = 0.02) -> None:
        self.panicked = max(float(seconds), 0.001)
        self._post([("panic", -1, self.panicked)])

    def reset(self) -> None:
        self.panicked = None
        self._post([("reset", -1)])

    def poll(self) -> Audio:
        now = time.monotonic()
        r = self.board.read()
        if r is not None and self.active is not None and int(r.pid) == self.active.pid:
            if self.reading is None:
                self.onsets = int(r.onsets)
            self.reading = r
        self._supervise(now)
        r = self.reading
        if r is None:
            return Audio(voice=self.voice)
        onset, self.onsets = r.onsets > self.onsets, int(r.onsets)
        voice = max(r.voice, 0.0) if self.options["mic"] else self.voice
        return Audio(r.level, r.peak, Bands(r.low, r.mid, r.high), onset, voice, r.texture)

    @property
    def playing(self) -> bool:
        """The active process has published a block since it started."""
        return self.reading is not None and self.active is not None and int(self.reading.pid) == self.active.pid

    @property
    def state(self) -> str:
        return "playing" if self.playing else "starting" if self.active is not None else "silent (gave up)"

    def _now(self) -> int:
        r = self.reading
        if not self.playing:
            return -1
        return int(r.sample + (time.monotonic() - r.wall + LATENCY_S) * SR)

    # supervision ----------------------------------------------------------------------------
    def _supervise(self, now: float) -> None:
        a = self.active
        if a is None:
            return
        if not a.process.is_alive():
            if a.process.exitcode == DEVICE_FAILED:
                self.tell("sound: no audio device could be opened; running silent", error=True)
                self._retire(stop=False)
                return
            self._restart(now, f"the sound process stopped (exit {a.process.exitcode})")
        elif self.playing and now - self.reading.wall > STALE_S:
            self._restart(now, f"the sound process hung (no audio for {now - self.reading.wall:.1f} s)")
        elif not self.playing and now - a.started > STARTUP_S:
            self._restart(now, "the sound process did not start")
        elif self.playing and self.standby is None and now - a.started > STANDBY_AFTER_S:
            self.standby = _Process(self.ctx, self.board)

    def _retire(self, stop: bool) -> None:
        r = self.reading
        if self.playing:
            for field in ("xruns", *XRUN_FIELDS.values()):
                self.past[field] += int(getattr(r, field))
            self.past["shed"] += int(r.shed)
            self.past["blocks"] += int(r.blocks)
            self.past["load"] += r.load_mean * r.blocks
            self.past["load_max"] = max(self.past["load_max"], r.load_max)
        self.active.end(stop)
        self.active, self.reading = None, None

    def _restart(self, now: float, why: str) -> None:
        self._retire(stop=False)
        self.restarts += 1
        self.recent.append(now)
        if len(self.recent) == GIVE_UP and now - self.recent[0] < GIVE_UP_S:
            self.tell(f"sound: {why}, {GIVE_UP} times in {GIVE_UP_S:.0f} s; running silent", error=True)
            return
        self.tell(f"sound: {why}; restarted it", key="sound:restart")
        spare = self.standby if self.standby is not None and self.standby.process.is_alive() else None
        self.standby = None
        self.active = self._start(spare or _Process(self.ctx, self.board))

    def counters(self) -> dict:
        r = self.reading if self.playing else None
        blocks = self.past["blocks"] + (int(r.blocks) if r else 0)
        load = self.past["load"] + (r.load_mean * r.blocks if r else 0.0)
        return {"audio_xruns": self.past["xruns"] + (int(r.xruns) if r else 0),
                "audio_xrun_causes": {c: self.past[f] + (int(getattr(r, f)) if r else 0)
                                      for c, f in XRUN_FIELDS.items()},
                "audio_dsp_load": {"mean": round(load / blocks, 4) if blocks else 0.0,
                                   "max": round(max(self.past["load_max"], r.load_max if r else 0.0), 4)},
                "audio_voices_shed": self.past["shed"] + (int(r.shed) if r else 0),
                "audio_restarts": self.restarts}

    def close(self) -> None:
        if self.active is not None:
            self._retire(stop=self.playing)     # one still starting up has nothing to fade: no wait
        if self.standby is not None:
            self.standby.end(stop=False)
        self.board.close()
