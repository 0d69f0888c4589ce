"""Why a block came late: each cause provoked for real in a thread of this process, measured by
the audio thread's own meter, and the callback counting its late blocks under them."""
import os
import subprocess
import sys
import threading
import time
from collections import deque

import numpy as np
import pytest

from stagecraft.crossings import XRUN_FIELDS, AnalysisBoard
from stagecraft.sound.lateness import Meter, Usage, cause
from stagecraft.sound.process import Callback
from stagecraft.sound.dsp.synth import Synth

BLOCK = 256


def _in_thread(work):
    """Run work(meter) in a fresh thread, as SDL's audio thread would run the callback."""
    out = {}

    def run():
        out["result"] = work(Meter())
    t = threading.Thread(target=run)
    t.start()
    t.join(10)
    return out["result"]


def _stretch(meter: Meter, action) -> tuple[Usage, float]:
    before, start = meter.read(), time.monotonic()
    action()
    return meter.read() - before, time.monotonic() - start


def test_the_rules_in_their_order():
    late = 0.010
    assert cause(Usage(0.008, 0.0, 0, 0), late, 0) == "dsp"
    assert cause(Usage(0.008, 0.0, 3, 2), late, 0) == "dsp", "mostly running beats a fault"
    assert cause(Usage(0.001, 0.009, 1, 1), late, 1) == "disk"
    assert cause(Usage(0.001, 0.008, 0, 3), late, 1) == "cpu"
    assert cause(Usage(0.001, 0.001, 0, 2), late, 1) == "gil"
    assert cause(Usage(0.001, 0.001, 0, 1), late, 1) == "stall", "one sleep is the gap's own"
    assert cause(Usage(0.001, 0.001, 0, 1), late, 0) == "gil", "a block has no sleep of its own"


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_arithmetic_is_dsp():
    used, seconds = _in_thread(lambda m: _stretch(m, lambda: _spin(0.03)))
    assert cause(used, seconds, 0) == "dsp", used


def test_a_sleep_past_its_time_is_a_stall():
    """What a late timer looks like from inside: one sleep, no CPU, no wait, yet the time went."""
    used, seconds = _in_thread(lambda m: _stretch(m, lambda: time.sleep(0.03)))
    assert used.switches >= 1 and used.cpu < 0.005, used
    assert cause(used, seconds - 0.005, 1) == "stall", used


def test_waiting_for_the_gil_is_gil():
    """A C call that holds the GIL (sum over a range never checks for a request to drop it) while
    the thread wakes from its sleep and wants to run Python."""
    sleeping = threading.Event()

    def work(meter):
        return _stretch(meter, lambda: (sleeping.set(), time.sleep(0.05)))

    out = []
    t = threading.Thread(target=lambda: out.append(work(Meter())))
    t.start()
    sleeping.wait()
    time.sleep(0.01)
    sum(range(20_000_000))
    t.join(10)
    used, seconds = out[0]
    assert seconds > 0.1, "the GIL was held past the sleep"
    assert cause(used, seconds - 0.05, 1) == "gil", used


def test_waiting_for_the_cpu_is_cpu():
    """The thread ready to run on one CPU that a busy process holds, at a lower priority than it."""
    cpu = sorted(os.sched_getaffinity(0))[0]
    hog = subprocess.Popen([sys.executable, "-c", f"import os; os.sched_setaffinity(0, {{{cpu}}})\nwhile 1: pass"])
    try:
        time.sleep(0.3)

        def work(meter):
            os.sched_setaffinity(threading.get_native_id(), {cpu})
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
            return _stretch(meter, lambda: _spin(0.1))
        used, seconds = _in_thread(work)
    finally:
        hog.kill()
        hog.wait()
    assert used.waited > 0.05, used
    assert cause(used, seconds, 0) == "cpu", used


def test_a_page_read_from_disk_is_disk(tmp_path):
    path = tmp_path / "cold"
    path.write_bytes(os.urandom(1 << 20))
    with open(path, "rb") as f:
        os.fsync(f.fileno())
        os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        pages = np.memmap(f, dtype=np.uint8, mode="r")
        used, seconds = _in_thread(lambda m: _stretch(m, lambda: int(pages[::4096].sum())))
    if used.faults == 0:
        pytest.skip("the file stayed in memory (a filesystem in RAM); no page to read back from disk")
    assert cause(used, max(seconds, used.cpu * 3), 0) == "disk", used


def test_the_callback_counts_each_late_block_under_its_cause_and_publishes_them():
    board = AnalysisBoard.create()
    try:
        callback = Callback(Synth(), board, deque(), BLOCK, mic=False)
        buffer = bytearray(BLOCK * 2 * 4)

        def play(meter):
            callback(None, buffer)
            time.sleep(0.03)                      # a wake five blocks late: four lost
            callback(None, buffer)
            render = callback.synth.render
            callback.synth.render = lambda n: (_spin(0.012), render(n))[1]   # a block twice its time
            callback(None, buffer)
            callback.synth.render = render
            callback(None, buffer)                # publishes what the last one counted
        _in_thread(play)
        reading = board.read()
    finally:
        board.close()
    causes = {c: int(getattr(reading, f)) for c, f in XRUN_FIELDS.items()}
    assert causes["stall"] >= 4 and causes["dsp"] == 1, causes
    assert sum(causes.values()) == reading.xruns == callback.xruns
