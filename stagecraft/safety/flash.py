"""Flashes as WCAG 2.3.1 defines them, counted per region of the frame over a sliding second:
the checker (`run.py check-flash`) and the definitions the limiter holds the picture to.

A general flash is a pair of opposing changes in relative luminance of at least 0.10 where the
darker state is below 0.80; a red flash, a pair of opposing changes of more than 20 in
max(0, R - G - B) x 320 where one state is saturated red (R / (R + G + B) >= 0.8). Three flashes
are six opposing changes; content may have no more than that in any one second.

The frame is cut into a grid of regions (their mean colour in linear light, cut at whole pixels
by `bounds`); each region keeps the extreme it last turned at, and a change is counted when the
region moves the step or more the other way from it. The limiter (stagecraft.safety.hold) holds the
picture to a stricter count than this one, so that what it lets through passes here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GRID = (16, 9)
WEIGHTS = np.array([0.2126, 0.7152, 0.0722])
GENERAL_STEP = 0.10
DARK_BELOW = 0.80
RED_RATIO = 0.8
RED_STEP = 20.0
MAX_CHANGES = 6          # three flashes
WINDOW_S = 1.0
HISTORY = 128            # change times kept per region: enough to report a 60 Hz strobe


def linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB values in 0..1 to linear light."""
    c = np.asarray(srgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def cell_means(frame: np.ndarray, grid=GRID) -> np.ndarray:
    """A frame (rows, columns, RGB bytes or 0..1) as the mean linear colour of each region,
    shape (grid rows, grid columns, 3), row 0 at the top."""
    f = np.asarray(frame)
    f = linear(f / 255.0 if f.dtype == np.uint8 else f)
    gx, gy = grid
    h, w = f.shape[:2]
    ys, xs = bounds(h, gy), bounds(w, gx)
    rows = np.add.reduceat(f, ys[:-1], axis=0) / np.diff(ys)[:, None, None]
    return np.add.reduceat(rows, xs[:-1], axis=1) / np.diff(xs)[None, :, None]


def bounds(length: int, parts: int) -> np.ndarray:
    """Where each of `parts` regions starts along `length` pixels (and the end), in integers, so
    that the limiter's shaders cut the frame exactly where the checker does."""
    return np.arange(parts + 1) * length // parts


def luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ WEIGHTS


def red_measure(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max(0, R - G - B) x 320, whether the state is saturated red)."""
    total = rgb.sum(axis=-1)
    red = rgb[..., 0] / np.maximum(total, 1e-9) >= RED_RATIO
    return np.maximum(0.0, rgb[..., 0] - rgb[..., 1] - rgb[..., 2]) * 320.0, red & (total > 0)


@dataclass
class _Changes:
    """One measure's opposing changes per region: where it last turned, which way, and when."""
    shape: tuple
    step: float
    strict: bool = False                 # the change must be more than the step, not at least it
    extreme: np.ndarray = None
    state_ok: np.ndarray = None          # the extreme's state may take part (dark enough, or red)
    direction: np.ndarray = None         # +1 rose to the extreme, -1 fell to it, 0 not yet moved
    times: np.ndarray = None             # the last HISTORY change times, newest last

    def __post_init__(self):
        self.extreme = np.full(self.shape, np.nan)
        self.state_ok = np.zeros(self.shape, bool)
        self.direction = np.zeros(self.shape, int)
        self.times = np.full(self.shape + (HISTORY,), -np.inf)

    def would_change(self, value: np.ndarray, ok: np.ndarray, qualifies) -> np.ndarray:
        """Which regions would register an opposing change if `value` were shown now."""
        first = np.isnan(self.extreme)
        delta = value - np.where(first, value, self.extreme)
        big = np.abs(delta) > self.step if self.strict else np.abs(delta) >= self.step
        opposing = (self.direction == 0) | (np.sign(delta) != self.direction)
        return ~first & big & opposing & qualifies(self.extreme, value, self.state_ok, ok)

    def count(self, now: float) -> np.ndarray:
        """Changes in the second up to now; a change exactly a second old has left the window."""
        return (self.times > now - WINDOW_S + 1e-6).sum(axis=-1)

    def record(self, value: np.ndarray, ok: np.ndarray, changed: np.ndarray, now: float) -> None:
        """Take a shown frame: a counted change turns the region there; a value going further the
        same way moves its extreme on (a peak is where it stops rising)."""
        first = np.isnan(self.extreme)
        last = np.where(first, value, self.extreme)
        further = ((self.direction > 0) & (value > last)) | ((self.direction < 0) & (value < last))
        take = first | changed | further
        self.direction = np.where(changed, np.sign(value - last), self.direction).astype(int)
        self.extreme = np.where(take, value, self.extreme)
        self.state_ok = np.where(take, ok, self.state_ok)
        self.times[changed] = np.roll(self.times[changed], -1, axis=-1)
        self.times[changed, -1] = now


def _general_qualifies(extreme, value, extreme_ok, ok):
    return np.minimum(extreme, value) < DARK_BELOW


def _red_qualifies(extreme, value, extreme_ok, ok):
    return extreme_ok | ok


@dataclass
class FlashCounter:
    grid: tuple = GRID
    general: _Changes = field(init=False)
    red: _Changes = field(init=False)

    def __post_init__(self):
        shape = (self.grid[1], self.grid[0])
        self.general = _Changes(shape, GENERAL_STEP)
        self.red = _Changes(shape, RED_STEP, strict=True)

    def add(self, cells: np.ndarray, now: float) -> None:
        """A frame that was shown: count its changes."""
        lum = luminance(cells)
        red, is_red = red_measure(cells)
        g = self.general.would_change(lum, lum < DARK_BELOW, _general_qualifies)
        r = self.red.would_change(red, is_red, _red_qualifies)
        self.general.record(lum, lum < DARK_BELOW, g, now)
        self.red.record(red, is_red, r, now)

    def counts(self, now: float) -> tuple[np.ndarray, np.ndarray]:
        """Changes per region within the last second: general, red."""
        return self.general.count(now), self.red.count(now)


def check(frames, fps: float, grid=GRID, area: float = 0.0) -> list[dict]:
    """The offline checker: per second of content, the most general and red flashes any region
    had within a one-second window ending in it, and whether that second passes."""
    counter = FlashCounter(grid)
    seconds: dict[int, dict] = {}
    for i, frame in enumerate(frames):
        now = i / fps
        counter.add(cell_means(frame, grid), now)
        g, r = counter.counts(now)
        over = (g > MAX_CHANGES) | (r > MAX_CHANGES)
        s = seconds.setdefault(int(now), {"second": int(now), "general": 0, "red": 0, "area": 0.0})
        s["general"] = max(s["general"], int(g.max()) // 2)
        s["red"] = max(s["red"], int(r.max()) // 2)
        s["area"] = max(s["area"], float(over.mean()))
    for s in seconds.values():
        s["pass"] = not (s["area"] > 0 and s["area"] >= area)
    return [seconds[k] for k in sorted(seconds)]
