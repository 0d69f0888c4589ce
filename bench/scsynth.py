"""Stagecraft's sound engine beside SuperCollider's scsynth, on the same patches, notes and voice
stealing, in one sitting.

    python bench/scsynth.py [--seconds 20] [--runs 3] [--block 256] [--only warm_chords,pings,...]
                            [--json FILE] [--keep DIR]

Needs scsynth (SuperCollider 3.13 here) on the PATH and `pip install supriya` (SynthDefs are built
from Python: no sclang is needed). Run by hand on a quiet machine.

What is measured, per patch, `--runs` times with the engines alternated (run 1 Stagecraft then
scsynth, run 2 scsynth then Stagecraft, ...), so a machine that warms up or slows down over the
sitting shows in both columns alike:

- Stagecraft: bench/audio.py's `cost`, flat out (blocks back to back, `--block` frames each), the
  rendering thread's CPU time over the audio's duration, the first 20 blocks left out as warm-up.
  The notes are bench/audio.py's `stress`: a note every NOTE_EVERY_S (125 ms) on every track that
  takes notes, pitches climbing the pentatonic from A3, velocity 0.8, half a second long.
- scsynth: the same patch rebuilt unit for unit as SynthDefs (below), the same notes written into
  a non-real-time score, rendered with
  `scsynth -z BLOCK -i 0 -o 2 -D 0 -N score.osc _ out.wav 48000 WAV float`;
  the child process's CPU time (user + system, getrusage(RUSAGE_CHILDREN)) over the audio's
  duration, less scsynth's start-up: the median CPU of a score that loads the same SynthDefs and
  renders nothing (plugins loaded, SynthDefs read, no audio), timed in the same run. What remains
  includes writing the WAV file and running an idle engine, which Stagecraft's figure does not
  have (about 0.0013 of real time here, measured with an empty 20 s score): it favours Stagecraft
  slightly.

The table shows each engine's median of the runs (and every run), their ratio, and the rendered
audio's peak and RMS level from both engines (full file, both channels): the comparison only
means something if the two make about the same sound, so a level more than LEVEL_TOLERANCE_DB
apart is flagged. `--json FILE` writes every figure, keyed by patch.

Voice stealing. Stagecraft's voices(count=N) steals the oldest playing voice when N are playing,
fading it out over polyphony.FADE_S (5 ms), and counts a voice as playing until its envelope ends
plus polyphony.TAIL_S. The score is written by replaying exactly that rule in Python on the same
note list, so the same notes are stolen at the same samples; a steal is `/n_set node gate -1.005`
(EnvGen's forced release: a 5 ms linear fade, then the node frees itself; it works on a note
already letting go too), a note's end is `/n_set node gate 0`, and a node frees itself when its
envelope is done (doneAction 2). With more fading voices than polyphony.SPARE rows Stagecraft cuts
the oldest short; the score does so with `/n_free` (it never happens at a note every 125 ms).

The last column of the cost table is the share of Stagecraft's CPU that its master bus and its
analysis for the picture take (timed in one more render, not among those in the table): the part
the scsynth side mirrors least closely (see the table below).

Patch mapping (Stagecraft unit -> scsynth, built from the compiled patch itself, so a changed
patch is mirrored as it changes):

| Stagecraft                                   | scsynth SynthDef                                      |
|----------------------------------------------|-------------------------------------------------------|
| voices(chain, count=N): a row per voice      | one node per note from a voice SynthDef, head of a    |
|                                              | "voices" group, Out.ar to the track's private bus;    |
|                                              | stealing as above                                     |
| sine / saw / triangle, unison u, detune c    | u x SinOsc.ar / Saw.ar / LFTri.ar at freq *           |
| (copies at -c..+c cents, summed, / sqrt(u),  | 2**(linspace(-1,1,u) * c/1200) (kr), summed,          |
| x amp; start phases golden-ratio spread)     | x amp / sqrt(u) (Saw.ar also x 2: its wave spans      |
|                                              | +-0.5); SinOsc and LFTri start at the same golden-    |
|                                              | ratio phases (LFTri's 0..4 shifted so its cycle       |
|                                              | starts at the trough, as Stagecraft's does); Saw.ar   |
|                                              | has no phase input                                    |
| vibrato (vib_depth 0 in these patches)       | none: with depth 0 Stagecraft computes none either    |
| lowpass / highpass (RBJ biquad, cutoff, q)   | BLowPass.ar / BHiPass.ar (RBJ biquads), rq = 1/q      |
| adsr(a, d, s, r), curve k                    | EnvGen.ar(Env([0,1,s,0],[a,d,r], -k, releaseNode 2)); |
|                                              | with s = 0, Env([0,1,0],[a,d], -k): the voice ends    |
|                                              | after the decay, as Stagecraft's does. SC's curve -k  |
|                                              | is Stagecraft's bend k exactly: (1-e^(-kx))/(1-e^-k)  |
| note velocity (applied when voices are mixed)| x vel on the voice's Out.ar                           |
| track: the voices' sum, then its effects     | a track node (after the voices group): In.ar from the |
|                                              | private bus, the effects, then the fader              |
| gain(amount)                                 | x amount (a control)                                  |
| pan(pos) of mono (equal power)               | Pan2.ar(x, pos) (the same sin/cos law)                |
| send(to, amount): mono is copied to both     | Out.ar(bus, x * amount [* sqrt(0.5) if mono, to both  |
| sides x sqrt(0.5); stereo as it is           | channels]); the signal passes on                      |
| bus(): what was sent this block              | In.ar(bus, 2) (tracks run before the buses they feed) |
| reverb(decay, mix, size, damp): 8-line FDN,  | the same FDN: LocalIn.ar(8) -> 8 x DelayN.ar (length  |
| lines of LINES_48K x size samples, each      | less one block: LocalIn/LocalOut add a block) ->      |
| through a one-pole lowpass at damp, x        | OnePole.ar(coef e^(-2 pi damp/sr)) -> x 10^(-3 len /  |
| 10^(-3 len/(decay sr)), even lines summed to | (decay sr)) (kr); even/odd lines x 0.5 to L/R; the    |
| L and odd to R (x 0.5), mixed by a Hadamard  | 8x8 Hadamard as the same 24 butterfly sums and        |
| 8x8 (butterflies) / sqrt(8), the input mixed | differences, / sqrt(8), + the input x +-1/sqrt(8) ->  |
| in at +-1/sqrt(8); out dry(1-mix) + wet mix  | LocalOut.ar; out dry (1-mix) + wet mix                |
| the track's fader: level, pan (mono: equal   | Pan2.ar(x, pan, level) for mono; for stereo           |
| power; stereo: balance, unity at centre)     | [L min(1,1-pan), R min(1,1+pan)] x level              |
| master: NaN guard, DC blocker (10 Hz),       | a master node at the tail: Sanitize.ar, LeakDC.ar     |
| volume, 4x oversampled true-peak look-ahead  | (coef e^(-2 pi 10/sr)), x volume, Limiter.ar (level   |
| limiter (64 samples) to -1 dBTP, hard clip   | -1.3 dB, 64 samples' look-ahead: sample peak, not     |
|                                              | true peak), clip2 at -1 dB, ReplaceOut.ar             |
| analysis for the picture: 2048-point FFT     | FFT.kr(LocalBuf 2048, hop 0.5, Hann: SC has no        |
| every 1024 samples (Blackman), level and     | Blackman window), level as RunningSum.ar of the       |
| peak of the last 1024 samples, bands, onsets | squares over 1024, peak by Peak over 1024-sample      |
|                                              | windows, to control buses. Stagecraft's smoothing,    |
|                                              | three bands and onset test (numpy, once a hop) have   |
|                                              | no counterpart                                        |

Compromises, besides those in the table: Saw.ar is a BLIT-style band-limited saw (Stagecraft's is
polyBLEP) and its copies start in phase; LFTri.ar is a plain (aliasing) triangle, where
Stagecraft's is band-limited by polyBLAMP (scsynth's core has no band-limited triangle); notes
start on a block boundary in scsynth (Stagecraft starts them on their exact sample); SC runs in
32-bit floats, Stagecraft in 64-bit. A patch using another unit (a sampler, noise, formant ...)
is refused by name.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from scipy.io import wavfile  # noqa: E402

try:
    from supriya import SynthDef, SynthDefBuilder  # noqa: E402
    from supriya.osc import OscBundle, OscMessage  # noqa: E402
    from supriya import ugens as U  # noqa: E402
    from supriya.ugens import Envelope, compile_synthdefs  # noqa: E402
except ImportError:  # pragma: no cover - a hint, not a feature
    sys.exit("bench/scsynth.py needs supriya: .venv/bin/pip install supriya")

from audio import NOTE_EVERY_S, cost, stress  # noqa: E402  (bench/audio.py: the same notes, the same timing)
from stagecraft.sound import patches  # noqa: E402
from stagecraft.sound.dsp.effects import LINES_48K  # noqa: E402
from stagecraft.sound.dsp.master import CEILING_DBTP, DC_HZ, LOOKAHEAD, MARGIN_DB  # noqa: E402
from stagecraft.sound.dsp.oscillators import GOLDEN  # noqa: E402
from stagecraft.sound.dsp.polyphony import FADE_S, SPARE, TAIL_S  # noqa: E402
from stagecraft.sound.dsp.synth import Synth  # noqa: E402
from stagecraft.sound.dsp.ugen import midi_to_hz  # noqa: E402
from stagecraft.sound.graph import compile_sound  # noqa: E402
from stagecraft.sound.messages import SR  # noqa: E402

PATCHES = ("warm_chords", "pings", "harmonic_fields")
LEVEL_TOLERANCE_DB = 3.0
SCSYNTH = shutil.which("scsynth") or "/usr/bin/scsynth"
FIRST_BUS = 16                       # private audio buses start here, clear of the 2 outputs
VOICES_GROUP, TRACKS_GROUP, MASTER_NODE, FIRST_VOICE = 1000, 1001, 1002, 2000
HALF_SQRT2 = math.sqrt(0.5)
SAW_SCALE = 2.0   # Saw.ar's wave spans +-0.5 (its RMS is 6.0 dB under a +-1 saw's, measured): doubled


# ---------------------------------------------------------------------------------------------
# SynthDefs: each compiled patch's tracks rebuilt from their units (the mapping in the docstring)
# ---------------------------------------------------------------------------------------------

def _controls(label: str, params: dict) -> dict:
    """A unit's live parameters as SynthDef controls, named label_param so units never clash."""
    return {f"{label}_{k}": float(v) for k, v in params.items()}


def _source(step: dict, b, freq) -> list:
    """sine / saw / triangle with unison copies spread over +-detune cents: one channel."""
    unit, label, opts = step["unit"], step["label"], step["options"]
    copies = int(opts.get("unison", 1))
    spread = np.linspace(-1.0, 1.0, copies) if copies > 1 else np.zeros(1)
    detune = b[f"{label}_detune"]
    sig = 0
    for k, s in enumerate(spread):
        f = freq * (2.0 ** (detune * (float(s) / 1200.0))) if s else freq   # kr: per note, not per sample
        phase = (k * GOLDEN) % 1.0                                            # Stagecraft's start phases
        if unit == "sine":
            osc = U.SinOsc.ar(frequency=f, phase=2.0 * math.pi * phase)
        elif unit == "saw":
            osc = U.Saw.ar(frequency=f)    # no phase input; +-0.5, where Stagecraft's is +-1: see below
        elif unit == "triangle":
            # LFTri's phase runs 0..4 from 0 rising; Stagecraft's cycle 0 is the trough (-1)
            osc = U.LFTri.ar(frequency=f, initial_phase=(4.0 * phase + 3.0) % 4.0)
        else:
            raise ValueError(f"no scsynth mapping for source {unit!r}")
        sig = osc if k == 0 else sig + osc
    scale = SAW_SCALE if unit == "saw" else 1.0
    return [sig * (b[f"{label}_amp"] * (scale / math.sqrt(copies)))]


def _adsr(step: dict, b):
    """EnvGen.ar with Stagecraft's shape; s = 0 has no sustain node, so the voice ends after the
    decay as Stagecraft's does (rather than idling at 0 until its note lets go)."""
    label, curve = step["label"], -float(step["options"].get("curve", 3.0))
    a, d, s, r = (b[f"{label}_{k}"] for k in ("attack", "decay", "sustain", "release"))
    if step["params"]["sustain"] == 0.0:
        env = Envelope(amplitudes=[0, 1, 0], durations=[a, d], curves=[curve])
    else:
        env = Envelope(amplitudes=[0, 1, s, 0], durations=[a, d, r], curves=[curve], release_node=2)
    return U.EnvGen.ar(envelope=env, gate=b["gate"], done_action=2)


def _reverb(step: dict, b, x: list) -> list:
    """Stagecraft's 8-line FDN (effects.Reverb, kernels.reverb), unit for unit."""
    label, opts = step["label"], step["options"]
    lengths = np.round(LINES_48K * opts.get("size", 1.0) * SR / 48000).astype(int)
    pole = math.exp(-2.0 * math.pi * opts.get("damp", 5000.0) / SR)
    feed = x[0] if len(x) == 1 else (x[0] + x[1]) * 0.5
    back = U.LocalIn.ar(channel_count=8)
    decay, mix = b[f"{label}_decay"], b[f"{label}_mix"]
    lines = []
    for i, n in enumerate(lengths):
        # LocalOut -> LocalIn is one block late, so each DelayN is a block shorter (and half a
        # sample more, so the float seconds never round down a sample).
        delayed = U.DelayN.ar(source=back[i], maximum_delay_time=float(n) / SR,
                              delay_time=(float(n) + 0.5) / SR - U.ControlDur.ir())
        damped = U.OnePole.ar(source=delayed, coefficient=pole)
        lines.append(damped * (10.0 ** (-3.0 * float(n) / (decay * SR))))      # gain per line, kr
    wet = [(lines[0] + lines[2] + lines[4] + lines[6]) * 0.5, (lines[1] + lines[3] + lines[5] + lines[7]) * 0.5]
    h = 4
    while h >= 1:                                                          # the Hadamard, as butterflies
        for g in range(0, 8, 2 * h):
            for i in range(g, g + h):
                lines[i], lines[i + h] = lines[i] + lines[i + h], lines[i] - lines[i + h]
        h //= 2
    norm = 1.0 / math.sqrt(8.0)
    U.LocalOut.ar(source=[lines[i] * norm + feed * (norm if i % 2 == 0 else -norm) for i in range(8)])
    dry = x if len(x) == 2 else [x[0] * HALF_SQRT2, x[0] * HALF_SQRT2]
    return [dry[c] * (1.0 - mix) + wet[c] * mix for c in range(2)]


def _effects(steps: list, b, x: list, sends: dict) -> list:
    """The effects of a chain, in order, on a list of one or two channels."""
    for step in steps:
        unit, label = step["unit"], step["label"]
        if unit in ("lowpass", "highpass"):
            ugen = U.BLowPass if unit == "lowpass" else U.BHiPass
            x = [ugen.ar(source=c, frequency=b[f"{label}_cutoff"], reciprocal_of_q=1.0 / b[f"{label}_q"]) for c in x]
        elif unit == "adsr":
            env = _adsr(step, b)
            x = [c * env for c in x]
        elif unit == "gain":
            x = [c * b[f"{label}_amount"] for c in x]
        elif unit == "pan":
            pos = b[f"{label}_pos"]
            if len(x) == 1:
                x = list(U.Pan2.ar(source=x[0], position=pos))
            else:
                x = [x[0] * (1.0 - pos).min(1.0), x[1] * (1.0 + pos).min(1.0)]
        elif unit == "send":
            amount = b[f"{label}_amount"]
            part = [x[0] * amount * HALF_SQRT2] * 2 if len(x) == 1 else [c * amount for c in x]
            U.Out.ar(bus=sends[step["options"]["to"]], source=part)
        elif unit == "reverb":
            x = _reverb(step, b, x)
        else:
            raise ValueError(f"no scsynth mapping for effect {unit!r}")
    return x


def voice_def(name: str, voice: list) -> SynthDef:
    """One note of a voices(...) track: source, effects, x velocity, to the track's bus."""
    params = {"freq": 440.0, "vel": 1.0, "gate": 1.0, "out": 0.0}
    for s in voice:
        params.update(_controls(s["label"], s["params"]))
    with SynthDefBuilder(**params) as b:
        x = _source(voice[0], b, b["freq"])
        x = _effects(voice[1:], b, x, {})
        U.Out.ar(bus=b["out"], source=[c * b["vel"] for c in x])
    return b.build(name=name)


def track_def(name: str, steps: list, source_bus: int, channels: int, sends: dict) -> SynthDef:
    """A track after its source (the voices' sum or a bus): its effects, then its fader."""
    params = {"level": 1.0, "pan": 0.0}
    for s in steps[1:]:
        params.update(_controls(s["label"], s["params"]))
    with SynthDefBuilder(**params) as b:
        x = list(U.In.ar(bus=source_bus, channel_count=channels)) if channels == 2 \
            else [U.In.ar(bus=source_bus, channel_count=1)]
        x = _effects(steps[1:], b, x, sends)
        if len(x) == 1:
            out = list(U.Pan2.ar(source=x[0], position=b["pan"], level=b["level"]))
        else:
            out = [x[0] * (1.0 - b["pan"]).min(1.0) * b["level"], x[1] * (1.0 + b["pan"]).min(1.0) * b["level"]]
        U.Out.ar(bus=0, source=out)
    return b.build(name=name)


def master_def() -> SynthDef:
    """stagecraft/sound/dsp/master.py and analysis.py, as near as scsynth's core comes."""
    with SynthDefBuilder(volume=1.0) as b:
        x = list(U.In.ar(bus=0, channel_count=2))
        x = [U.Sanitize.ar(source=c) for c in x]
        x = [U.LeakDC.ar(source=c, coefficient=math.exp(-2.0 * math.pi * DC_HZ / SR)) * b["volume"] for c in x]
        target = 10.0 ** ((CEILING_DBTP - MARGIN_DB) / 20.0)
        x = U.Limiter.ar(source=x, level=target, duration=LOOKAHEAD / SR)
        ceiling = 10.0 ** (CEILING_DBTP / 20.0)
        x = [c.clip2(ceiling) for c in x]
        U.ReplaceOut.ar(bus=0, source=x)
        # the analysis the picture reads: a spectrum every 1024 samples, level and peak
        U.FFT.kr(buffer_id=U.LocalBuf.ir(frame_count=2048), source=(x[0] + x[1]) * 0.5, hop=0.5, window_type=1)
        level = (U.RunningSum.ar(source=x[0].squared() + x[1].squared(), sample_count=1024) / 2048.0).sqrt()
        peak = U.Peak.ar(source=abs(x[0]).max(abs(x[1])), trigger=U.Impulse.ar(frequency=SR / 1024.0))
        U.Out.kr(bus=0, source=[U.A2K.kr(source=level), U.A2K.kr(source=peak)])
    return b.build(name="sc_master")


# ---------------------------------------------------------------------------------------------
# The score: the same notes, with Stagecraft's voice stealing replayed
# ---------------------------------------------------------------------------------------------

@dataclass
class Voice:
    node: int
    on: int                 # sample the note starts
    stop: int               # Stagecraft: busy until here (envelope end + TAIL_S, or a steal's fade)
    sc_end: int             # scsynth: the node frees itself here
    release_at: int | None  # when `/n_set gate 0` is due (None: none needed)
    stolen_at: int | None = None


class Plan:
    """The patch laid out for scsynth: buses, SynthDefs, nodes."""

    def __init__(self, name: str, spec: dict):
        self.name, self.spec = name, spec
        self.defs: list[SynthDef] = []
        self.voice_defs: dict[str, tuple[str, dict, int, int]] = {}   # track: (def, adsr params, count, bus)
        self.track_nodes: list[tuple[str, int]] = []
        bus = FIRST_BUS
        buses, voice_buses = {}, {}
        for track in spec["order"]:                  # a stereo bus for each bus() track
            steps = spec["tracks"][track]
            if steps[0]["unit"] == "bus":
                buses[track], bus = bus, bus + 2
            elif steps[0]["unit"] == "voices":
                voice = steps[0]["options"]["voice"]
                mono = not any(s["unit"] == "pan" for s in voice)
                voice_buses[track], bus = (bus, 1 if mono else 2), bus + (1 if mono else 2)
            else:
                raise ValueError(f"{name}: track {track!r} starts with {steps[0]['unit']}(); only voices() "
                                 f"and bus() tracks are mapped")
        for i, track in enumerate(spec["order"]):
            steps = spec["tracks"][track]
            if track in voice_buses:
                voice = steps[0]["options"]["voice"]
                vdef = f"sc_{name}_{track}_voice"
                self.defs.append(voice_def(vdef, voice))
                adsr = next(s["params"] for s in voice if s["unit"] == "adsr")
                self.voice_defs[track] = (vdef, adsr, steps[0]["options"]["count"], voice_buses[track][0])
                src, ch = voice_buses[track]
            else:
                src, ch = buses[track], 2
            tdef = f"sc_{name}_{track}"
            self.defs.append(track_def(tdef, steps, src, ch, buses))
            self.track_nodes.append((tdef, 100 + i))
        self.defs.append(master_def())

    def score(self, messages: list, seconds: float) -> tuple[bytes, dict]:
        """The binary NRT score (length-prefixed OSC bundles) and what the stealing did."""
        at: dict[int, list[OscMessage]] = defaultdict(list)
        at[0] = [OscMessage("/d_recv", compile_synthdefs(*self.defs)),
                 OscMessage("/g_new", VOICES_GROUP, 0, 0),               # voices first ...
                 OscMessage("/g_new", TRACKS_GROUP, 3, VOICES_GROUP),    # ... then the tracks, in order
                 *(OscMessage("/s_new", d, node, 1, TRACKS_GROUP) for d, node in self.track_nodes),
                 OscMessage("/s_new", "sc_master", MASTER_NODE, 1, 0)]   # the master bus last
        pools: dict[str, list[Voice]] = defaultdict(list)    # per track, the voices still busy
        started: list[Voice] = []
        node, stats = FIRST_VOICE, {"notes": 0, "stolen": 0, "cut": 0, "most_nodes": 0}
        fade, tail = round(FADE_S * SR), round(TAIL_S * SR)
        end = round(seconds * SR)
        for m in sorted((m for m in messages if m[0] == "note"), key=lambda m: m[1]):
            _, t, track, pitch, velocity, dur = m
            if t >= end:
                continue
            vdef, env, count, bus = self.voice_defs[track]
            pool = pools[track] = [v for v in pools[track] if v.stop > t]     # busy voices
            playing = [v for v in pool if v.stolen_at is None]
            if len(playing) >= count:                                         # polyphony.Voices.note
                old = min(playing, key=lambda v: v.on)
                old.stolen_at, old.stop = t, min(old.stop, t + fade)
                stats["stolen"] += 1
                if old.sc_end > t:
                    at[t].append(OscMessage("/n_set", old.node, "gate", -1.0 - FADE_S))
            if len(pool) >= count + SPARE:        # no spare row: the oldest fading one is cut short
                old = min((v for v in pool if v.stolen_at is not None), key=lambda v: v.on)
                pool.remove(old)
                stats["cut"] += 1
                if old.sc_end > t:
                    at[t].append(OscMessage("/n_free", old.node))
            a, d, r = (round(env[k] * SR) for k in ("attack", "decay", "release"))
            s, top, off = env["sustain"], t + a + d, t + dur
            released_end = off + r
            stage_end = released_end if (s != 0.0 or off < top) else top      # envelopes.ADSR.end
            sc_end = released_end if s != 0.0 else top                       # no sustain node when s = 0
            voice = Voice(node, t, stage_end + tail, sc_end, off if (s != 0.0 and off < sc_end) else None)
            pool.append(voice)
            started.append(voice)
            at[t].append(OscMessage("/s_new", vdef, node, 0, VOICES_GROUP, "freq", float(midi_to_hz(pitch)),
                                    "vel", float(velocity), "out", bus))
            node += 1
            stats["notes"] += 1
            stats["most_nodes"] = max(stats["most_nodes"], sum(v.sc_end > t for v in pool))
        for v in started:      # a note's end, unless it was stolen first (its node has gone)
            if v.release_at is not None and v.release_at < end and (v.stolen_at is None or v.stolen_at > v.release_at):
                at[v.release_at].append(OscMessage("/n_set", v.node, "gate", 0.0))
        at[end].append(OscMessage("/c_set", 1, 0))                   # the score's end: NRT stops here
        return _datagrams(at), stats

    def startup(self) -> bytes:
        """Loads the same SynthDefs and renders nothing: scsynth's start-up, to subtract."""
        return _datagrams({0: [OscMessage("/d_recv", compile_synthdefs(*self.defs)), OscMessage("/c_set", 1, 0)]})


def _datagrams(at: dict[int, list[OscMessage]]) -> bytes:
    """scsynth's NRT score file: each bundle as a big-endian length and the bundle, in time order."""
    out = []
    for t in sorted(at):
        datagram = OscBundle(timestamp=t / SR, contents=at[t]).to_datagram(realtime=False)
        out += [struct.pack(">i", len(datagram)), datagram]
    return b"".join(out)


# ---------------------------------------------------------------------------------------------
# Rendering and measuring
# ---------------------------------------------------------------------------------------------

def scsynth(score: Path, out: Path, block: int) -> tuple[float, str]:
    """Render a score non-real-time; the child's CPU seconds (user + system) and its log."""
    # -i 0 -o 2: a stereo file, no input; -D 0: no SynthDefs from disk (the score brings its own)
    cmd = [SCSYNTH, "-z", str(block), "-i", "0", "-o", "2", "-D", "0",
           "-N", str(score), "_", str(out), str(SR), "WAV", "float"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"scsynth failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-3000:]}")
    if "FAILURE" in done.stdout or "ERROR" in done.stdout:
        raise RuntimeError(f"scsynth complained rendering {score}:\n{done.stdout[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.stdout


def stagecraft_audio(messages: list, seconds: float, block: int) -> tuple[np.ndarray, dict]:
    """Stagecraft's output for the level check (not timed for the table), and the share of its
    CPU the master bus and the analysis take (which scsynth mirrors only in part)."""
    synth = Synth(SR)
    for m in messages:
        synth.post(("graph", m[1], synth.build(m[2]), *m[3:]) if m[0] == "graph" else m)
    spent = {"master": 0.0, "analysis": 0.0}

    def timed(key, fn):
        def run(*args):
            t0 = time.thread_time()
            try:
                return fn(*args)
            finally:
                spent[key] += time.thread_time() - t0
        return run

    synth.master.process = timed("master", synth.master.process)
    synth.analyser.update = timed("analysis", synth.analyser.update)
    t0 = time.thread_time()
    out = np.concatenate([synth.render(block) for _ in range(round(seconds * SR / block))])
    total = time.thread_time() - t0
    return out, {k: v / total for k, v in spent.items()}


def levels(x: np.ndarray) -> dict:
    """Peak and RMS (dBFS, both channels together) and each channel's RMS."""
    x = np.asarray(x, dtype=float)
    db = lambda v: 20.0 * math.log10(max(float(v), 1e-12))  # noqa: E731
    return {"peak_db": db(np.abs(x).max()), "rms_db": db(np.sqrt(np.mean(x * x))),
            "rms_l_db": db(np.sqrt(np.mean(x[:, 0] ** 2))), "rms_r_db": db(np.sqrt(np.mean(x[:, 1] ** 2)))}


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):.4f} ({', '.join(f'{x:.4f}' for x in xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="audio rendered per patch and run")
    ap.add_argument("--runs", type=int, default=3, help="runs of each engine, alternated")
    ap.add_argument("--block", type=int, default=256, help="frames a block, both engines")
    ap.add_argument("--only", type=lambda s: s.split(","), default=list(PATCHES), metavar="NAME,...",
                    help=f"patches (default {','.join(PATCHES)})")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="every figure, by patch")
    ap.add_argument("--keep", type=Path, default=None, metavar="DIR",
                    help="keep the scores and scsynth's WAV files here (default: a temporary folder)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="stagecraft-scsynth-"))
    folder.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([SCSYNTH, "-v"], capture_output=True, text=True).stdout.strip()

    jobs = {}
    for name in args.only:
        spec = compile_sound(patches.ALL[name]())
        messages = stress(spec, args.seconds)
        plan = Plan(name, spec)
        data, stats = plan.score(messages, args.seconds)
        (folder / f"{name}.osc").write_bytes(data)
        (folder / f"{name}-startup.osc").write_bytes(plan.startup())
        jobs[name] = {"messages": messages, "stats": stats, "stagecraft": [], "scsynth": [], "startup": []}
        print(f"{name}: {stats['notes']} notes, {stats['stolen']} stolen, at most {stats['most_nodes']} voice "
              f"nodes at once; score {folder / (name + '.osc')}", flush=True)

    print(f"\n{len(jobs)} patches x {args.runs} runs, {args.seconds:g} s of audio each, {args.block}-frame blocks "
          f"at {SR} Hz, a note every {NOTE_EVERY_S * 1000:g} ms per track; {version}\n", flush=True)
    for run in range(args.runs):
        for name, job in jobs.items():
            engines = ("stagecraft", "scsynth") if run % 2 == 0 else ("scsynth", "stagecraft")
            for engine in engines:
                if engine == "stagecraft":
                    job["stagecraft"].append(float(cost(job["messages"], args.seconds, args.block, False)["mean"]))
                else:
                    startup, _ = scsynth(folder / f"{name}-startup.osc", folder / f"{name}-startup.wav", args.block)
                    cpu, _ = scsynth(folder / f"{name}.osc", folder / f"{name}.wav", args.block)
                    job["startup"].append(startup)
                    job["scsynth"].append(cpu)
            print(f"run {run + 1}: {name}: stagecraft {job['stagecraft'][-1]:.4f}, scsynth "
                  f"{(job['scsynth'][-1] - job['startup'][-1]) / args.seconds:.4f} of real time "
                  f"(less this run's start-up, {job['startup'][-1]:.3f} s CPU)", flush=True)

    table = {}
    for name, job in jobs.items():
        startup = statistics.median(job["startup"])
        sc = [max(cpu - startup, 0.0) / args.seconds for cpu in job["scsynth"]]
        ours, share = stagecraft_audio(job["messages"], args.seconds, args.block)
        with warnings.catch_warnings():    # scsynth's WAV has a PEAK chunk scipy does not read
            warnings.simplefilter("ignore", wavfile.WavFileWarning)
            _, theirs = wavfile.read(folder / f"{name}.wav")
        table[name] = {"stagecraft": job["stagecraft"], "scsynth": sc,
                       "stagecraft_median": statistics.median(job["stagecraft"]),
                       "scsynth_median": statistics.median(sc),
                       "ratio": statistics.median(job["stagecraft"]) / max(statistics.median(sc), 1e-9),
                       "scsynth_cpu_s": job["scsynth"], "scsynth_startup_cpu_s": job["startup"],
                       "stagecraft_master_share": share["master"], "stagecraft_analysis_share": share["analysis"],
                       "levels": {"stagecraft": levels(ours), "scsynth": levels(theirs)}, **job["stats"]}

    print(f"\nDSP cost as a fraction of real time (CPU seconds per second of audio), median of {args.runs} "
          f"(every run), {args.block}-frame blocks\n")
    print("| patch | Stagecraft | scsynth | ratio | Stagecraft's master + analysis |")
    print("|---|---|---|---|---|")
    for name, r in table.items():
        print(f"| {name} | {_fmt(r['stagecraft'])} | {_fmt(r['scsynth'])} | {r['ratio']:.1f}x | "
              f"{r['stagecraft_master_share'] + r['stagecraft_analysis_share']:.0%} |")
    print("\nThe sound itself (whole file, both channels), so the comparison is like for like\n")
    print("| patch | engine | peak dBFS | RMS dBFS | RMS L | RMS R |")
    print("|---|---|---|---|---|---|")
    apart = []
    for name, r in table.items():
        for engine in ("stagecraft", "scsynth"):
            lv = r["levels"][engine]
            print(f"| {name} | {engine} | {lv['peak_db']:.1f} | {lv['rms_db']:.1f} | {lv['rms_l_db']:.1f} | "
                  f"{lv['rms_r_db']:.1f} |")
        gap = max(abs(r["levels"]["stagecraft"][k] - r["levels"]["scsynth"][k]) for k in ("peak_db", "rms_db"))
        if gap > LEVEL_TOLERANCE_DB:
            apart.append(f"{name} ({gap:.1f} dB)")
    if apart:
        print(f"\nWARNING: levels more than {LEVEL_TOLERANCE_DB:g} dB apart: {', '.join(apart)}")
    if args.json:
        args.json.write_text(json.dumps({"seconds": args.seconds, "block": args.block, "runs": args.runs,
                                         "scsynth": version, "patches": table}, indent=2))
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
