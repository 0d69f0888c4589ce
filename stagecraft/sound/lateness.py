"""Why a block came late: what the audio thread did while it should have been playing.

SDL's thread sleeps between callbacks, takes the GIL and runs one. When a block is late, the
thread's own counters over the late stretch tell where the time went, read from the kernel at
each callback's start and end (three system calls, a few microseconds):

    dsp   it ran: the block's arithmetic took most of the time (CPU time)
    disk  it waited for a page read back from disk (major faults)
    cpu   it was ready to run, and other threads had the CPU (run-queue wait)
    gil   it blocked on something besides its sleep: the GIL, held by the process's main thread
          (voluntary context switches beyond the one sleep of each gap)
    stall none of these: neither running, nor ready, nor blocked, yet the time went: woken late
          by the OS's timer or, in a virtual machine, its virtual CPU not run by the host

Counting each late block under one cause, in that order, makes `--stats` say which of the
machine, the process or the DSP to look at, as a DAW's xrun log does.
"""
from __future__ import annotations

import os
import resource
import time
from typing import NamedTuple

MOSTLY = 0.5        # of the time a stretch was late by: a share that explains it


class Usage(NamedTuple):
    cpu: float          # seconds this thread ran
    waited: float       # seconds this thread was ready to run and not running
    faults: int         # major page faults (a disk read each)
    switches: int       # voluntary context switches (each sleep or block)

    def __sub__(self, other: "Usage") -> "Usage":
        return Usage(*(a - b for a, b in zip(self, other)))


class Meter:
    """The calling thread's usage. Made in the thread it measures (/proc/thread-self is per thread),
    which keeps the file open for the process's life: one read a call, no open."""

    def __init__(self):
        try:
            self._sched = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:     # no schedstat in this kernel: run-queue waits read as none
            self._sched = None

    def read(self) -> Usage:
        # CPU time from the thread's clock, not getrusage's: that one is brought up to date only at
        # a context switch or a scheduler tick (4 ms here), so it hands a block's time to the gap
        # after it.
        r = resource.getrusage(resource.RUSAGE_THREAD)
        waited = int(os.pread(self._sched, 64, 0).split()[1]) / 1e9 if self._sched is not None else 0.0
        return Usage(time.thread_time(), waited, r.ru_majflt, r.ru_nvcsw)


def cause(d: Usage, late: float, sleeps: int) -> str:
    """Which of crossings.CAUSES made a stretch of the audio thread's time `late` seconds longer
    than it should have been, given the thread's usage over the stretch; `sleeps`: the voluntary
    switches the stretch has anyway (1 for the gap between callbacks, its sleep; 0 for a block)."""
    if d.cpu > MOSTLY * late:
        return "dsp"
    if d.faults > 0:
        return "disk"
    if d.waited > MOSTLY * late:
        return "cpu"
    if d.switches > sleeps:
        return "gil"
    return "stall"
