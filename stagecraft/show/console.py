"""The operator's console on the terminal: never on the audience's picture.

On a terminal it is a full screen (curses): the cue on standby and the one that fired with their
notes, elapsed and remaining time, frame times, sound, OSC, the audience, and the last problems;
Space, the arrows, B, Esc (panic), R (reset), T (tap tempo), [ and ] (select a parameter), L (MIDI
learn it) and Q (twice) work there as in the window. Without a
terminal (a service, a log file) it writes a plain status line every few seconds instead.

It only reads the snapshot the engine gives it and hands back the keys pressed.
"""
from __future__ import annotations

import curses
import math
import os
import sys
import time
from collections import deque
from collections.abc import Callable

REFRESH_S = 0.25
PLAIN_EVERY_S = 10.0
KEYS = {ord(" "): "go", curses.KEY_UP: "up", curses.KEY_DOWN: "down", 27: "panic",
        **{ord(c): command for letter, command in (("b", "blackout"), ("r", "reset"), ("q", "quit"), ("h", "hold"),
                                                  ("a", "approve"), ("d", "drop"), ("x", "ban"), ("c", "code"),
                                                  ("t", "tap"), ("l", "learn"))
           for c in (letter, letter.upper())}, ord("["): "previous", ord("]"): "next"}


def open_console(stream=None):
    """Full screen on a terminal that curses understands; plain lines anywhere else."""
    stream = stream or sys.stdout
    if stream.isatty() and os.environ.get("TERM", "dumb") != "dumb":
        try:
            return ScreenConsole()
        except curses.error:
            pass
    return PlainConsole(stream)


def bar(value: float, width: int = 10) -> str:
    value = min(max(value, 0.0), 1.0)
    filled = round(value * width)
    return "#" * filled + "." * (width - filled)


def lines(s: dict) -> list[tuple[str, str]]:
    """The console's text, as (style, line) pairs, from an engine snapshot."""
    out = [("title", f"{s['program']}  |  {s['piece_title']} ({s['piece']})  |  "
                     f"{_clock(s['piece_elapsed'])}" + (f" of {_clock(s['piece_length'])}" if s.get("piece_length") else "")
                     + ("  |  PANIC" if s["panic"] else "  |  BLACKOUT" if s["blackout"] else ""))]
    if s.get("transition"):
        out.append(("warn", f"transition {s['transition']}"))
    out.append(("", f"fired    {s['cue'] or '-'}"))
    out.append(("dim", f"         {s['cue_note']}"))
    out.append(("go", f"STANDBY  {s['standby'] or '(end of show)'}"))
    out.append(("dim", f"         {s['standby_note']}"))
    if s.get("auto"):
        out.append(("", f"next by itself in {s['auto'][0]:.1f} s: {s['auto'][1]}"))
    for label, beats in s.get("armed", []):
        out.append(("go", f"ARMED    {label}: fires in {math.ceil(beats)} (on the beat)"))
    beat = s.get("beat")
    if beat:
        out.append(("", f"tempo    {beat['tempo']:6.1f} bpm   bar {bar(beat['phase'] / 4, 4)}   "
                        + (f"Link, {beat['peers']} peers" if beat["link"] else "internal (T taps)")))
    if s.get("selected"):
        out.append(("", f"selected {s['selected']}   (L: MIDI learn it)"))
    out.append(("", ""))
    out.append(("", f"picture  {s['fps']:5.1f} fps   frame p50 {s['p50']:5.1f} ms   p99 {s['p99']:5.1f} ms   "
                    f"{s['size']}"))
    if s.get("sound") is not None:
        snd = s["sound"]
        out.append(("", f"sound    load {bar(snd['load'])} {snd['load']:4.0%}   xruns {snd['xruns']}   "
                        f"restarts {snd['restarts']}   level {bar(snd['level'])}"))
    else:
        out.append(("dim", f"sound    {s.get('sound_state', 'off')}"))
    phones = s.get("phones")
    if phones is not None:
        out.append(("", f"phones   {phones['connected']} connected   {phones.get('url') or 'starting'}"))
    mod = s.get("moderation") or {}
    if mod.get("holding") or mod.get("waiting"):
        oldest = mod.get("oldest")
        out.append(("warn", f"echoes   {'HOLDING' if mod['holding'] else 'open'}   {mod['waiting']} waiting"
                            + (f"   next from {oldest[0]}: \"{oldest[1][:60]}\"" if oldest else "")))
    osc = s["osc"]
    out.append(("", f"osc      {osc['rate']:6.0f} msg/s   received {osc['received']}   rejected {osc['rejected']}   "
                    f"limited {osc['rate_limited']}   malformed {osc['malformed']}"))
    a = s["audience"]
    out.append(("", f"audience excitement {bar(a['excitement'])}   polarity {a['polarity']:+.2f}   "
                    f"divided {a['spread']:.2f}   voters {a['voters']}   echoes {a['echoes']}   smiles {a['made']}"))
    out.append(("", ""))
    out.append(("warn" if s["errors"] else "", f"errors   {s['errors']}"))
    out += [("dim", f"  {m}") for m in s["recent"][-5:]]
    return out


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:d}:{seconds % 60:02d}"


class PlainConsole:
    """A status line every few seconds, for logs; the operator's messages print as they come."""

    def __init__(self, stream):
        self.stream = stream
        self._at = None

    def show(self, snapshot: Callable[[], dict], now: float) -> None:
        """`snapshot` makes the engine's state, only when a line is due."""
        if self._at is not None and now - self._at < PLAIN_EVERY_S:
            return
        self._at = now
        s = snapshot()
        self.stream.write(f"[stagecraft] {s['piece']} | fired {s['cue'] or '-'} | standby {s['standby'] or 'end'} | "
                          f"{s['fps']:.1f} fps p99 {s['p99']:.1f} ms | osc {s['osc']['received']} | "
                          f"errors {s['errors']}\n")
        self.stream.flush()

    def keys(self) -> list[str]:
        return []

    def close(self) -> None:
        pass


class ScreenConsole:
    """Curses, full screen. The operator's messages go into its own pane, not over it."""

    def __init__(self):
        self.screen = curses.initscr()
        try:
            curses.noecho()
            curses.cbreak()
            self.screen.keypad(True)
            self.screen.nodelay(True)
            if hasattr(curses, "set_escdelay"):
                curses.set_escdelay(25)      # Esc is panic: it must not wait for a sequence
            try:
                curses.curs_set(0)
            except curses.error:
                pass
            self.styles = {"": curses.A_NORMAL, "dim": curses.A_DIM, "title": curses.A_BOLD | curses.A_REVERSE,
                           "go": curses.A_BOLD, "warn": curses.A_BOLD}
            if curses.has_colors():
                curses.start_color()
                curses.use_default_colors()
                curses.init_pair(1, curses.COLOR_CYAN, -1)
                curses.init_pair(2, curses.COLOR_RED, -1)
                self.styles["go"] |= curses.color_pair(1)
                self.styles["warn"] |= curses.color_pair(2)
        except curses.error:
            self.close()
            raise
        self._at = 0.0
        self._quit_at = -1e9
        self.messages: deque[str] = deque(maxlen=6)

    def write(self, text: str) -> None:
        """The operator's stream: messages land in the pane below the status."""
        for line in text.splitlines():
            if line.strip():
                self.messages.append(line.strip())

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def show(self, snapshot: Callable[[], dict], now: float) -> None:
        if now - self._at < REFRESH_S:
            return
        self._at = now
        h, w = self.screen.getmaxyx()
        self.screen.erase()
        rows = lines(snapshot()) + [("", "")] + [("dim", m) for m in self.messages]
        rows.append(("dim", "Space GO   Up/Down standby   B blackout   Esc panic   R reset   Q Q quit"))
        rows.append(("dim", "H hold echoes   A approve   D drop   X ban its sender   C the phones' QR on stage"))
        rows.append(("dim", "T tap tempo   [ ] select a parameter   L MIDI learn it"))
        for y, (style, text) in enumerate(rows[:h]):
            try:
                self.screen.addnstr(y, 0, text, max(w - 1, 1), self.styles.get(style, curses.A_NORMAL))
            except curses.error:
                pass
        self.screen.refresh()

    def keys(self) -> list[str]:
        out = []
        while (k := self.screen.getch()) != -1:
            command = KEYS.get(k)
            if command == "quit":
                now = time.monotonic()
                if now - self._quit_at > 2.0:        # a stray Q does not end a show
                    self._quit_at = now
                    self.messages.append("press Q again within two seconds to quit")
                    continue
            if command:
                out.append(command)
        return out

    def close(self) -> None:
        try:
            self.screen.keypad(False)
            curses.nocbreak()
            curses.echo()
            curses.endwin()
        except curses.error:
            pass
