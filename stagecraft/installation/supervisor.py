"""Installation mode's supervisor: it runs the engine as a child process and keeps it running.

The child beats (a byte down a pipe, from its frame loop). Arguments that belong to the first
start of an evening only (`--fresh`: an empty audience) are given to the first child alone, so a
restart always restores what the house made. A child that exits with an error is restarted; one that stops beating for `hang_s` is hung, and is stopped and restarted. Restarts
back off when they come too often, so a piece that fails at once cannot spin the machine. The
child's output goes to a log that rotates. Under systemd, READY, WATCHDOG (only while the child
beats) and STATUS go to $NOTIFY_SOCKET, so systemd restarts the supervisor itself if it hangs.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import socket
import subprocess
import time
from collections import deque
from logging.handlers import RotatingFileHandler
from pathlib import Path

from ..crossings import Heartbeat

HANG_S = 10.0
RESTARTS = 5               # within WINDOW_S before backing off
WINDOW_S = 600.0
BACKOFF_S = (5.0, 300.0)   # first and longest pause once restarts come too often
LOG_BYTES = 2_000_000
LOG_KEEP = 5


class Systemd:
    """sd_notify without libsystemd: datagrams to the socket systemd names."""

    def __init__(self, env=os.environ):
        path = env.get("NOTIFY_SOCKET", "")
        self.address = ("\0" + path[1:]) if path.startswith("@") else path
        usec = env.get("WATCHDOG_USEC", "")
        self.watchdog_s = int(usec) / 1e6 / 2 if usec.isdigit() else None
        self._petted = 0.0

    def notify(self, message: str) -> None:
        if not self.address:
            return
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            try:
                s.sendto(message.encode(), self.address)
            except OSError:
                pass

    def pet(self, now: float) -> None:
        if self.watchdog_s is not None and now - self._petted >= self.watchdog_s:
            self._petted = now
            self.notify("WATCHDOG=1")


def rotating_log(path: Path) -> logging.Logger:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    log = logging.getLogger(f"stagecraft.install.{path}")
    log.setLevel(logging.INFO)
    log.propagate = False
    if not log.handlers:
        handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_KEEP, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
    return log


class Supervisor:
    def __init__(self, argv: list[str], log_path: Path, *, hang_s: float = HANG_S, restarts: int = RESTARTS,
                 window_s: float = WINDOW_S, backoff=BACKOFF_S, say=print, first_only: list[str] = ()):
        self.argv = argv
        self.first_only = list(first_only)
        self.log = rotating_log(log_path)
        self.hang_s, self.restarts, self.window_s, self.backoff = hang_s, restarts, window_s, backoff
        self.say = say
        self.systemd = Systemd()
        self.starts: deque[float] = deque()
        self.child: subprocess.Popen | None = None
        self._stopping = False

    def _tell(self, message: str) -> None:
        self.log.info(message)
        self.say(f"[stagecraft install] {message}")
        self.systemd.notify(f"STATUS={message}")

    def run(self) -> int:
        """Supervise until the child quits cleanly or `stop()` (the caller wires SIGTERM to it)."""
        pause = self.backoff[0]
        while not self._stopping:
            now = time.monotonic()
            while self.starts and now - self.starts[0] > self.window_s:
                self.starts.popleft()
            if len(self.starts) >= self.restarts:
                self._tell(f"{len(self.starts)} starts within {self.window_s:.0f} s: waiting {pause:.0f} s before the next")
                self._sleep(pause)
                pause = min(pause * 2, self.backoff[1])
                self.starts.clear()
                continue
            self.starts.append(now)
            code = self._run_once()
            if code == 0 or self._stopping:
                self._tell("the show ended")
                return 0
            self._tell(f"the engine stopped ({code}); restarting")
        return 0

    def stop(self) -> None:
        self._stopping = True
        if self.child and self.child.poll() is None:
            self.child.terminate()

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()))

    def _run_once(self):
        beat_r, beat_w = os.pipe()
        env = {**os.environ, Heartbeat.ENV: str(beat_w)}
        argv, self.first_only = self.argv + self.first_only, []
        self.child = subprocess.Popen(argv, env=env, pass_fds=(beat_w,), stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        os.close(beat_w)
        self._tell(f"started the engine (pid {self.child.pid})")
        last_beat, ready = time.monotonic(), False
        out = self.child.stdout.fileno()
        pending = b""
        try:
            while True:
                readable, _, _ = select.select([beat_r, out], [], [], 0.5)
                now = time.monotonic()
                if beat_r in readable and os.read(beat_r, 4096):
                    last_beat = now
                    if not ready:
                        ready = True
                        self.systemd.notify("READY=1")
                if out in readable:
                    pending = self._log_lines(pending + os.read(out, 65536))
                if self.child.poll() is not None:
                    while chunk := os.read(out, 65536):
                        pending = self._log_lines(pending + chunk)
                    self._log_lines(pending + b"\n")
                    return self.child.returncode
                if now - last_beat > self.hang_s:
                    self._tell(f"no heartbeat for {self.hang_s:.0f} s: the engine is hung; stopping it")
                    self._kill()
                    return "hung"
                if now - last_beat < self.hang_s:
                    self.systemd.pet(now)
        finally:
            os.close(beat_r)
            self.child.stdout.close()

    def _log_lines(self, data: bytes) -> bytes:
        """Log every whole line; hand back the unfinished rest."""
        *whole, rest = data.split(b"\n")
        for line in whole:
            if line.strip():
                self.log.info(line.decode("utf-8", "replace").rstrip())
        return rest

    def _kill(self) -> None:
        try:
            os.killpg(self.child.pid, signal.SIGTERM)
            self.child.wait(timeout=3.0)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(self.child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.child.wait()
