"""The sound process for real: through SDL's disk driver (the file holds what was played), a
microphone read from a file, and a process killed or frozen mid-run coming back while the engine
keeps drawing. These are the only tests that open an audio device."""
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from stagecraft.crossings import BOARD_FIELDS, AnalysisBoard
from stagecraft.engine.loop import Engine
from stagecraft.sound.client import SoundClient
from stagecraft.sound.graph import compile_sound, sine
from stagecraft.sound.dsp.master import CEILING
from stagecraft.sound.messages import graph
from stagecraft.picture.window import Window

from .audio import SR, db, peak_hz
from .conftest import close_all

TONE = {"tone": sine(440, 0.1).pan(-1)}
PATIENCE = 60 * 20          # frames (paced at 60 fps) to wait for anything: a hang detector, not a speed


def _wait(condition, seconds: float, step=lambda: time.sleep(0.01)) -> bool:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        step()
    return condition()


def _scribble(name: str, stop) -> None:
    """Another process writing the board as fast as it can, every field and texel the same."""
    board = AnalysisBoard.attach(name)
    k = 0
    while not stop.is_set():
        k += 1
        board.publish([float(k)] * len(BOARD_FIELDS), np.full((2, 512), k, np.float32))
    board.close()


def test_the_board_never_hands_out_a_half_written_reading():
    board = AnalysisBoard.create()
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    writer = ctx.Process(target=_scribble, args=(board.name, stop))
    writer.start()
    try:
        assert _wait(lambda: (r := board.read()) is not None and r.pid > 0, 30)
        seen = 0
        for _ in range(20000):
            r = board.read()
            if r is not None:
                values = set(r[:-1]) | set(np.unique(r.texture).tolist())
                assert len(values) == 1, values
                seen += 1
        assert seen > 1000
    finally:
        stop.set()
        writer.join(10)
        board.close()


def test_a_writer_killed_mid_write_leaves_the_board_to_the_next_one():
    """A hung sound process is killed wherever it is, mid-write too; its successor must be read
    (it was not: the engine then took the new process for one that never started, until silence)."""
    board = AnalysisBoard.create()
    ctx = multiprocessing.get_context("spawn")
    try:
        for _ in range(20):           # until a kill lands mid-write: the scribbler mostly writes
            last = board.read()
            stop = ctx.Event()       # kept: the child opens it after start() returns
            writer = ctx.Process(target=_scribble, args=(board.name, stop))
            writer.start()
            wrote = _wait(lambda: ((r := board.read()) is not None and r.pid > 0 and (last is None or r.pid != last.pid))
                          or not writer.is_alive(), 30)
            if not writer.is_alive():       # a spawned child that died before writing is not the board's fault
                writer.join()
                continue
            os.kill(writer.pid, signal.SIGKILL)
            if not wrote:                   # a reader starved by a writer that never pauses (two busy cores)
                writer.join(10)
                continue
            writer.join(10)
            if board.read() is None:
                break
        else:
            pytest.fail("no kill landed mid-write in 20 tries")
        successor = AnalysisBoard.attach(board.name)
        successor.publish([-7.0] * len(BOARD_FIELDS), np.full((2, 512), -7.0, np.float32))
        successor.close()
        reading = board.read()
        assert reading is not None and reading.pid == -7.0
    finally:
        board.close()


def test_sound_reaches_the_device_and_the_microphone_is_heard(tmp_path, monkeypatch, operator):
    played, heard = tmp_path / "out.raw", tmp_path / "in.raw"
    t = np.arange(3 * SR) / SR
    (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32).tofile(heard)
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(played))
    monkeypatch.setenv("SDL_DISKAUDIOFILEIN", str(heard))
    client = SoundClient(mic=True, tell=operator.tell)
    try:
        client.send([graph(compile_sound(TONE))])
        assert _wait(lambda: client.playing and client.reading.blocks > SR // 256, 20, client.poll)
        voice = client.poll().voice
        level = client.poll().level
    finally:
        client.close()
    out = np.fromfile(played, np.float32).reshape(-1, 2)
    steady = out[np.argmax(np.abs(out[:, 0]) > 0.05) + SR // 10:][:SR // 2]
    assert len(steady) == SR // 2, "half a second of the tone at least"
    left, right = steady[:, 0], steady[:, 1]
    assert abs(db(np.abs(left).max()) - -20.0) < 0.05, "-20 dBFS"
    assert abs(peak_hz(left) - 440.0) < 1.0
    assert np.abs(right).max() < 1e-6 and np.abs(out).max() <= CEILING
    assert 0.7 < voice < 0.85, "a -13.5 dBFS RMS voice is 0.78 on the 60 dB scale"
    assert abs(level - 0.05) < 0.005, "the output's RMS over both channels"


@pytest.fixture
def live_sound(monkeypatch, operator):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    made = []

    def make():
        sound = SoundClient(tell=operator.tell)
        engine = Engine(Window((160, 90), headless=True), "calibration", operator=operator, fps_cap=60,
                        sound=sound)
        made.append(engine)
        return engine, sound
    yield make
    close_all(made)


def _frames(engine, condition, limit) -> int:
    """Engine frames (paced at 60 fps) until the condition holds; how many it took."""
    for n in range(limit):
        if condition():
            return n
        engine.frame()
        engine._pace()
    return limit


def _ready_standby(engine, sound):
    assert _frames(engine, lambda: sound.playing and sound.standby is not None, PATIENCE) < PATIENCE
    _frames(engine, lambda: False, 60 * 3)   # the standby imports numpy and scipy meanwhile


def _back(engine, sound, old: int) -> int:
    return _frames(engine, lambda: sound.playing and sound.active.pid != old, PATIENCE)


def test_a_killed_sound_process_is_replaced_by_its_warm_standby(live_sound):
    """What makes it quick (how quick is bench/soak.py's to say): the standby, its imports done,
    takes over; no process starts from cold."""
    engine, sound = live_sound()
    _ready_standby(engine, sound)
    old, spare = sound.active.pid, sound.standby.pid
    os.kill(old, signal.SIGKILL)
    assert _back(engine, sound, old) < PATIENCE
    assert sound.active.pid == spare
    blocks = sound.reading.blocks
    _frames(engine, lambda: False, 10)
    assert sound.reading.blocks > blocks, "and it goes on producing"
    assert engine.counters()["audio_restarts"] == 1
    assert "restarted it" in engine.operator.stream.text


def _allowed(probe: str) -> bool:
    """Whether this machine lets a process do what `probe` does (run in a throwaway one)."""
    return subprocess.run([sys.executable, "-c", probe], stderr=subprocess.DEVNULL).returncode == 0


def test_the_playing_sound_process_keeps_its_pages_in_memory(live_sound):
    """Its pages are locked once warm, so reclaim cannot make a block read code back from disk."""
    if not _allowed("import ctypes; import sys; sys.exit(ctypes.CDLL(None).mlockall(1 | 4) != 0)"):
        pytest.skip("this machine's memory-lock limit forbids mlockall (the process then runs as it is)")
    engine, sound = live_sound()
    assert _frames(engine, lambda: sound.playing, PATIENCE) < PATIENCE
    status = dict(line.split(":", 1) for line in open(f"/proc/{sound.active.pid}/status"))
    assert int(status["VmLck"].split()[0]) > 0


def _scheduling(pid: int) -> dict:
    """Each thread's name: (policy, real-time priority), from /proc (fields 41 and 40 of stat)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        fields = stat[stat.rindex(")") + 2:].split()
        name = "main" if int(tid) == pid else open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        out[name] = (int(fields[38]), int(fields[37]))
    return out


def test_sdls_thread_runs_ahead_of_the_sound_process_main_thread(live_sound):
    """Both real-time, SDL's above: the main thread building a graph never keeps it waiting its turn."""
    if not _allowed("import os; os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))"):
        pytest.skip("this machine forbids real-time scheduling (the threads then get nice levels)")
    engine, sound = live_sound()
    assert _frames(engine, lambda: sound.playing, PATIENCE) < PATIENCE
    threads = _scheduling(sound.active.pid)
    sdl = next(v for k, v in threads.items() if k.startswith("SDLAudioP"))
    assert sdl[0] == threads["main"][0] == os.SCHED_RR, threads
    assert sdl[1] > threads["main"][1] > 0, threads


def test_a_frozen_sound_process_is_replaced(live_sound):
    engine, sound = live_sound()
    _ready_standby(engine, sound)
    frozen, spare = sound.active.process, sound.standby.pid
    os.kill(frozen.pid, signal.SIGSTOP)
    assert _back(engine, sound, frozen.pid) < PATIENCE
    assert sound.active.pid == spare
    frozen.join(2.0)
    assert not frozen.is_alive(), "the frozen one is killed, not left behind"
    assert engine.counters()["audio_restarts"] == 1


def test_the_warm_up_plays_every_unit_there_is():
    """Whatever a later graph uses has run once before the device opened (a unit added to the
    table and not to the warm-up would pay its first calls inside a live block)."""
    from stagecraft.sound.graph import TABLE, _units
    from stagecraft.sound.process import every_unit

    spec = compile_sound(every_unit())
    used = {step["unit"] for steps in spec["tracks"].values() for step in _units(steps)}
    assert used == set(TABLE)
    assert {"a", "i"} <= set(spec["notes"])


def test_the_warm_up_makes_every_library_sample_so_no_graph_build_holds_the_gil_to_make_one():
    from stagecraft.sound.dsp import samples
    from stagecraft.sound.graph import SAMPLES
    from stagecraft.sound.process import warm_up

    samples.load.cache_clear()
    warm_up(64, [])
    made = samples.load.cache_info().currsize
    assert made >= len(SAMPLES)
    for name in SAMPLES:
        samples.load(name, SR)
    assert samples.load.cache_info().currsize == made, "a library sample was made after the warm-up"


def test_the_console_shows_the_sound_while_the_process_plays(live_sound):
    """The operator's console: 'starting' until the sound process plays, then its load, xruns,
    restarts and level (it said 'sound off' whatever the process did)."""
    from stagecraft.show.console import lines
    engine, sound = live_sound()
    first = [text for _, text in lines(engine.snapshot()) if text.startswith("sound")]
    assert first == ["sound    starting"]
    assert _frames(engine, lambda: sound.playing, PATIENCE) < PATIENCE
    engine.frame()
    shown = [text for _, text in lines(engine.snapshot()) if text.startswith("sound")]
    assert len(shown) == 1 and "load" in shown[0] and "xruns" in shown[0] and "restarts" in shown[0], shown
