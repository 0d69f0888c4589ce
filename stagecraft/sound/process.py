"""The sound process: it owns the SDL audio device and renders the Synth inside SDL's callback.

Started by the render side (client.py) with multiprocessing's spawn context, it imports what it
needs and then waits, a warm standby, for ("start", -1, options). Then it opens the device
(initialising SDL's audio subsystem alone: a full pygame.init() opens the mixer, and then the
device is "already open"), and its main thread does the slow work (building a new graph) while
SDL's thread calls the callback: drain what the main thread prepared, render a block, publish
the analysis. If a block comes late the leaky-bucket model below counts an xrun; if the DSP
runs over budget the synth sheds a voice.

A block is counted late (an xrun) when its callback takes longer than a block to compute, or
when SDL's thread is woken half a block or more later than the device's own wait explains. (SDL's
dummy and disk drivers wait a whole number of milliseconds after each callback returns rather
than keeping step with a clock, so lateness is measured from the end of one callback to the start
of the next, not accumulated.) Each late block is counted under its cause (lateness.py).
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections import deque

import numpy as np
import pygame._sdl2.sdl2 as sdl2
from pygame._sdl2 import audio

from ..crossings import CAUSES, AnalysisBoard, SoundChannel
from .dsp import samples
from .analysis import voice_level
from .client import DEVICE_FAILED
from .graph import (SAMPLES, bus, compile_sound, dust, granular, noise, sampler, saw, sine, square, triangle, voices,
                    wavetable)
from .lateness import Meter, Usage, cause
from .messages import SR
from .dsp.synth import Synth

SHED_AT = 0.8          # of the block's time: beyond this the DSP is about to be late
LATE = 1.5             # blocks between one callback's end and the next one's start: late
AUDIO_RANK, MAIN_RANK = 9, 4   # real-time priorities above the minimum: SDL's thread preempts the main one
SWITCH_S = 0.0005      # the longest SDL's thread waits for the GIL the main thread holds (Python's default: 5 ms)
MCL_CURRENT, MCL_ONFAULT = 1, 4


class Callback:
    """What SDL's audio thread runs each block."""

    def __init__(self, synth: Synth, board: AnalysisBoard, inbox: deque, block: int, mic: bool):
        self.synth, self.board, self.inbox = synth, board, inbox
        self.period = block / synth.sr
        self.voice = -1.0 if mic else 0.0   # -1 until the microphone's first block
        self.blocks = 0
        self.xruns = 0
        self.causes = dict.fromkeys(CAUSES, 0)
        self.load_sum = self.load_max = 0.0
        self.ended = self.meter = self.used = None
        self.told = False

    def __call__(self, device, buffer) -> None:
        start = time.monotonic()
        if self.ended is None:
            urgent(AUDIO_RANK)
            self.meter = Meter()
        began = self.meter.read()
        if self.ended is not None and (start - self.ended) / self.period > LATE:
            self._late(max(1, int((start - self.ended) / self.period) - 1),
                       began - self.used, start - self.ended - self.period, sleeps=1)
        out = np.frombuffer(buffer, dtype=np.float32)
        try:
            while self.inbox:
                self.synth.post(self.inbox.popleft())
            out[:] = self.synth.render(len(out) // 2).ravel()
        except Exception:   # a bug must cost one silent block, not the show's sound
            out[:] = 0.0
            self.synth.master.faults += 1
            if not self.told:
                self.told = True
                traceback.print_exc()
        self.blocks += 1
        self._publish(start)
        self.ended = time.monotonic()
        self.used = self.meter.read()
        load = (self.ended - start) / self.period
        if load > SHED_AT:
            self.synth.shed_voice()
        if load > 1.0:
            self._late(1, self.used - began, self.ended - start, sleeps=0)
        self.load_sum += load
        self.load_max = max(self.load_max, load)

    def _late(self, blocks: int, used: Usage, late: float, sleeps: int) -> None:
        self.xruns += blocks
        self.causes[cause(used, late, sleeps)] += blocks

    def _publish(self, wall: float) -> None:
        s, a = self.synth, self.synth.analyser
        self.board.publish((os.getpid(), s.t, wall, self.blocks, a.level, a.peak, *a.bands, a.onsets, self.voice,
                            self.xruns, *self.causes.values(), self.load_sum / self.blocks, self.load_max, s.shed,
                            s.voices(), s.late, s.faults()), a.texture)

    def capture(self, device, buffer) -> None:
        if self.voice < 0:
            urgent(AUDIO_RANK)
        self.voice = voice_level(np.frombuffer(buffer, dtype=np.float32))


def urgent(rank: int) -> None:
    """Ask the OS to run the calling thread ahead of ordinary work, as audio software does:
    real-time round-robin `rank` steps above the lowest real-time priority where allowed, else a
    nice level as many steps above the default, else as it is. Both threads sleep most of the
    time, so this costs the rest of the machine little."""
    try:
        os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(os.sched_get_priority_min(os.SCHED_RR) + rank))
        return
    except (AttributeError, OSError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), -1 - rank)
    except (AttributeError, OSError):
        pass


def resident() -> None:
    """Keep every page the process has touched in memory (mlockall, on fault), as audio software
    does: a cold page the OS reclaims (this VM's kernel pages out cold file pages on its own) costs
    a disk read the next time a block runs that code. After the warm-up, so every code path a
    block takes has been touched. Where the memory-lock limit forbids it, as it is."""
    try:
        ctypes.CDLL(None).mlockall(MCL_CURRENT | MCL_ONFAULT)
    except (OSError, AttributeError):
        pass


def every_unit() -> dict:
    """A sound with every unit in graph.TABLE, for warm_up."""
    voice = square(unison=2, detune=5, vib_depth=10).adsr(0.001, 0.01, 0.5, 0.01).svf(800).formant(1.0)
    return {"a": voices(voice, count=2).lowpass(900).highpass(60).bandpass(500).drive(0.3)
            .delay(0.01, 0.3, 0.3, mod_depth=0.001).send("b", 0.5),
            "b": bus().reverb(1.0, 0.5).gain(0.5).pan(0.2),
            "c": sine(unison=2, detune=3), "d": saw(), "e": triangle(), "f": wavetable("organ"), "g": noise("pink"),
            "h": dust(), "i": voices(sampler("click"), count=2), "j": granular("voice")}


def warm_up(block: int, specs: list) -> None:
    """Run the DSP on a throwaway copy of the sound, and on every unit there is, notes playing,
    before the device opens: the first calls into numpy, scipy and each code path, and first
    touches of new buffers, cost milliseconds the first block of a later graph cannot spare."""
    for name in SAMPLES:     # made from code in milliseconds; a graph built while playing only looks them up
        samples.load(name, SR)
    synth = Synth()
    for spec in [*specs, compile_sound(every_unit())]:
        synth.post(("graph", -1, synth.build(spec)))
        for track in spec["notes"]:
            synth.post(("note", synth.t, track, 60, 1.0, block))
        for _ in range(8):
            synth.render(block)


def _open(name: str, capture: bool, block: int, callback):
    names = audio.get_audio_device_names(capture)
    if not names:
        raise RuntimeError(f"no audio {'capture' if capture else 'output'} device")
    device = names[0] if name == "default" else name
    if device not in names:
        raise RuntimeError(f"no audio device {device!r} (there are: {', '.join(names)})")
    dev = audio.AudioDevice(devicename=device, iscapture=capture, frequency=SR, audioformat=audio.AUDIO_F32,
                            numchannels=1 if capture else 2, chunksize=block, allowed_changes=0, callback=callback)
    dev.pause(0)
    return dev


def main(channel: SoundChannel, board_name: str) -> None:
    """The spawn target. Waits as a standby until started, then plays until told to stop."""
    parent = multiprocessing.parent_process()
    board = AnalysisBoard.attach(board_name)
    first = None
    while first is None:
        batch = channel.receive(timeout=0.1)
        if batch is None and parent is not None and not parent.is_alive():
            return
        first = batch
    if first[0][0] != "start":
        return
    _, _, options = first[0]
    warm_up(options["block"], [m[2] for m in first if m[0] == "graph"])
    # The cyclic garbage collector stops whichever thread triggers it for milliseconds at a time;
    # the DSP makes no reference cycles worth the risk, so it is off in this process.
    gc.freeze()
    gc.disable()
    # This thread holds the GIL while it builds a graph. Were it an ordinary thread, a busy machine
    # could keep it off the CPU while SDL's thread waits for the GIL; were it SDL's thread's equal,
    # SDL's thread could wait for it to use up its turn (in a soak, four blocks late at a piece's
    # entry, counted as waiting to run). And SDL's thread asking for the GIL waits out the switch
    # interval.
    urgent(MAIN_RANK)
    sys.setswitchinterval(SWITCH_S)
    resident()
    synth = Synth(seed=options["seed"])
    inbox: deque = deque()
    callback = Callback(synth, board, inbox, options["block"], options["mic"])
    try:
        sdl2.init_subsystem(sdl2.INIT_AUDIO)
        devices = [_open(options["device"], False, options["block"], callback)]
        if options["mic"]:
            devices.append(_open("default", True, options["block"], callback.capture))
    except Exception as exc:
        print(f"[stagecraft sound] cannot open the audio device: {exc}", file=sys.stderr)
        os._exit(DEVICE_FAILED)
    batch = first[1:]
    while True:
        for message in batch or ():
            if message[0] == "stop":
                for dev in devices:
                    dev.pause(1)
                    dev.close()
                return
            if message[0] == "graph":
                message = ("graph", message[1], synth.build(message[2]), *message[3:])
            inbox.append(message)
        batch = channel.receive(timeout=0.1)
        if batch is None and parent is not None and not parent.is_alive():
            return
