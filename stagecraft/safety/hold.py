"""How the flash limiter holds the picture: each frame, per region of the grid, how far to blend
what the piece drew toward what was shown there the frame before (k = 0: the piece's picture as
it is; k = 1: last frame's picture again). Planned on the CPU from each region's mean colour in
linear light; stagecraft.safety.limiter measures those means and applies the plan on the GPU. A blend
in linear light moves a region's mean exactly in proportion, so the plan knows what it showed.

The rule it keeps is stricter than the checker's (stagecraft.safety.flash), so that what it lets through
passes the checker even after 8-bit rounding and a video codec have moved it a little:
- It counts swings in a window, not changes since the start: within any WINDOW_S a region makes
  at most MAX_SWINGS alternating moves of at least its step (the most such moves the window holds,
  found greedily by `swings`). A checker that counted seven changes within a second would need
  six swings inside that second, so no more than six changes (three flashes) get through.
- Its steps are WCAG's less twice the error allowed between a region's mean as planned here and
  as a checker reads it back from a file, rounded to bytes and through a codec (MARGIN: for
  luminance and for max(0, R-G-B) x 320).
- General flashes are counted on luminance capped at LUMA_CAP, without the "darker state below
  0.8" test: any change the checker counts moves the capped luminance by at least the step here.
  Red flashes are counted on max(0, R-G-B) x 320 without the saturation test. Both only add swings.

Two layers choose k:
- The ease: a region whose content swings faster than the rule allows becomes a long exposure: k
  rises until the region moves a third of a step a frame at most, and falls back over RELEASE_S
  once the content calms down. Neighbours follow part of the way (HALO), so the audience sees a
  soft-edged easing where the flashing was, never a block.
- The guarantee: where the next frame would make a region's sixth swing, k rises to the least
  value that does not. Last frame's picture adds no swing, and each measure moves monotonically
  with k, so the least such k is found by bisection. Nothing the piece draws gets past this.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .flash import GENERAL_STEP, GRID, RED_STEP, WEIGHTS, WINDOW_S as RULE_S

MAX_SWINGS = 5
CALM_SWINGS = 3                 # a region's content is eased until it swings no more than this
WINDOW_S = RULE_S + 1 / 60      # a second and a refresh: frames shown a little late still count
LUMA_CAP = 0.90
MARGIN = np.array([0.015, 3.0])                 # luminance; red measure
STEP = np.array([GENERAL_STEP, RED_STEP]) - 2 * MARGIN
EASE = 1 / 3                    # of a step per frame, at most, in an eased region
EASE_FPS = 30.0                 # the rate EASE is reckoned at; other rates take the same time
EASE_MAX = 0.99
RELEASE_S = 1.0
HALO = 0.85
BISECTIONS = 16


def measures(rgb: np.ndarray) -> np.ndarray:
    """Linear colours (..., 3) as the two measures the rule counts, shape (2, ...)."""
    rgb = np.asarray(rgb, dtype=float)
    luma = np.minimum(rgb @ WEIGHTS, LUMA_CAP)
    red = 320.0 * np.maximum(0.0, rgb[..., 0] - rgb[..., 1] - rgb[..., 2])
    return np.stack([luma, red])


@dataclass
class Swings:
    """Per series: the most alternating swings found, the way the last one went (+1, -1, 0 for
    none yet), the extreme reached since it, and the lowest and highest values (before any)."""
    count: np.ndarray
    way: np.ndarray
    extreme: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def turns(self, value: np.ndarray, step) -> tuple[np.ndarray, np.ndarray]:
        """Where `value` next would make a swing: upward, downward."""
        idle = self.way == 0
        rise = np.where(idle, value - self.low, np.where(self.way < 0, value - self.extreme, -np.inf)) >= step
        fall = np.where(idle, self.high - value, np.where(self.way > 0, self.extreme - value, -np.inf)) >= step
        return rise, fall

    def add(self, value: np.ndarray, step) -> None:
        rise, fall = self.turns(value, step)
        turn = rise | fall
        self.count += turn
        self.way = np.where(rise, 1, np.where(fall, -1, self.way))
        further = ((self.way > 0) & (value > self.extreme)) | ((self.way < 0) & (value < self.extreme))
        self.extreme = np.where(turn | further, value, self.extreme)
        self.low = np.minimum(self.low, value)
        self.high = np.maximum(self.high, value)


def swings(values: np.ndarray, step) -> Swings:
    """The swings of at least `step` in each column of `values` (oldest row first). Taking each
    turn as soon as it is a step from the extreme finds the most alternating swings there are.
    Columns that never move a step (most, in calm content) are not walked through; in those that
    do, the first turn is found at once from the running extremes, and after it a swing is a move
    of a step against the way it goes (`way` x (extreme - value)), so a row costs a few array
    operations: this runs twice a frame over a second of rows."""
    values = np.asarray(values, dtype=float)
    step = np.broadcast_to(step, values.shape[1:])
    low, high = values.min(axis=0), values.max(axis=0)
    state = Swings(np.zeros(low.shape, int), np.zeros(low.shape, int), values[0].copy(), low, high)
    moving = high - low >= step
    if moving.any():
        walk, s = values[:, moving], step[moving]
        rise = walk - np.minimum.accumulate(walk, axis=0) >= s
        first = np.argmax(rise | (np.maximum.accumulate(walk, axis=0) - walk >= s), axis=0)
        columns = np.arange(walk.shape[1])
        heading = np.where(rise[first, columns], 1, -1)
        count, way, extreme = np.zeros(len(columns), int), np.zeros(len(columns), int), walk[0].copy()
        starts = {int(t): columns[first == t] for t in np.unique(first)}
        for t in range(int(first.min()), len(walk)):
            v = walk[t]
            if t in starts:
                c = starts[t]
                way[c], extreme[c], count[c] = heading[c], v[c], 1
            against = way * (extreme - v)
            turn = against >= s
            np.copyto(extreme, v, where=turn | (against < 0))
            way = np.where(turn, -way, way)
            count += turn
        for name, value in (("count", count), ("way", way), ("extreme", extreme)):
            getattr(state, name)[moving] = value
    return state


def _most_near(a: np.ndarray) -> np.ndarray:
    """Each region's largest value among itself and its eight neighbours."""
    p = np.pad(a, 1)
    return np.max([p[dy:dy + a.shape[0], dx:dx + a.shape[1]] for dy in range(3) for dx in range(3)], axis=0)


def _spread(ease: np.ndarray, hostile: np.ndarray, grid) -> np.ndarray:
    """The ease over a flashing area evened out to its strongest (regions that ease alike look
    alike), then reaching HALO of it into two rings of neighbours."""
    a = ease.reshape(grid[1], grid[0])
    inside = hostile.reshape(a.shape)
    for _ in range(2):
        a = np.where(inside, np.maximum(a, _most_near(np.where(inside, a, 0.0))), a)
    for _ in range(2):
        a = np.maximum(a, HALO * _most_near(a))
    return a.ravel()


@dataclass
class Plan:
    k: np.ndarray           # per region, how far toward last frame's picture
    guarded: int            # regions the guarantee had to hold further than the ease did


class Hold:
    """The plan, frame by frame. `area`: flashing that stays within less than this fraction of
    the frame is let through (WCAG's small-area rule; by default any one region is too much)."""

    def __init__(self, grid=GRID, area: float = 0.0):
        self.grid = grid
        self.area = area
        self.history: deque[tuple[float, np.ndarray, np.ndarray]] = deque()  # time, shown, seen
        regions = grid[0] * grid[1]
        self.ease = np.zeros(regions)
        self.hostile = np.zeros(regions, bool)
        self.free_until = np.full(regions, -np.inf)
        self.steps = np.repeat(STEP, regions)
        self.last: np.ndarray | None = None       # what was shown, as planned (to 8 bits' rounding)
        self.last_time: float | None = None

    def plan(self, seen: np.ndarray, now: float, shown: np.ndarray | None = None) -> Plan:
        """`seen`: each region's mean colour in linear light as the piece drew it now, (regions, 3).
        `shown`: the same, measured on the frame shown last, where it may differ from the plan's
        record (a blend rounded to bytes); it then replaces that record, in what the next frame
        blends toward and in the swings counted."""
        if shown is not None and self.history:
            self.last = shown
            self.history[-1] = (self.history[-1][0], measures(shown).ravel(), self.history[-1][2])
        dt = 0.0 if self.last_time is None else max(0.0, now - self.last_time)
        self.last_time = now
        last = seen if self.last is None else self.last
        while self.history and self.history[0][0] <= now - WINDOW_S:
            self.history.popleft()
        now_seen = measures(seen).ravel()
        k = self._ease(now_seen, dt)
        k, guarded = self._guarantee(seen, last, k)
        k = self._small_area(k, now)
        self.last = seen + (last - seen) * k[:, None]
        self.history.append((now, measures(self.last).ravel(), now_seen))
        return Plan(k, guarded)

    def _ease(self, now_seen: np.ndarray, dt: float) -> np.ndarray:
        seen = np.array([h[2] for h in self.history] + [now_seen])
        content = swings(seen, self.steps)
        most = content.count.reshape(2, -1).max(axis=0)
        self.hostile = (most >= MAX_SWINGS) | (self.hostile & (most > CALM_SWINGS))
        amplitude = (seen.max(axis=0) - seen.min(axis=0)).reshape(2, -1)
        per_frame = 1.0 - EASE * STEP[:, None] / np.maximum(amplitude, 1e-9)
        need = np.clip(per_frame.max(axis=0), 0.0, EASE_MAX) ** (dt * EASE_FPS)
        released = np.maximum(0.0, self.ease - dt / RELEASE_S)
        self.ease = np.where(self.hostile, np.maximum(need, released), released)
        return _spread(self.ease, self.hostile, self.grid)

    def _guarantee(self, seen, last, k) -> tuple[np.ndarray, int]:
        if not self.history:
            return k, 0
        shown = swings(np.array([h[1] for h in self.history]), self.steps)
        full = shown.count >= MAX_SWINGS
        if not full.any():
            return k, 0

        def allowed(k):
            rise, fall = shown.turns(measures(seen + (last - seen) * k[:, None]).ravel(), self.steps)
            return ~((rise | fall) & full).reshape(2, -1).any(axis=0)

        bad = ~allowed(k)
        if not bad.any():
            return k, 0
        low, high = k.copy(), np.where(bad, 1.0, k)
        for _ in range(BISECTIONS):
            mid = np.where(bad, 0.5 * (low + high), k)
            ok = allowed(mid)
            high = np.where(bad & ok, mid, high)
            low = np.where(bad & ~ok, mid, low)
        return high, int(bad.sum())

    def _small_area(self, k: np.ndarray, now: float) -> np.ndarray:
        """Let flashing through where, with what already flashed freely within a second, it covers
        less than `area` of the frame; otherwise hold all of it."""
        need = k > 0
        flashing = need | (self.free_until > now)
        if not need.any() or flashing.mean() >= self.area:
            return k
        self.free_until[need] = now + WINDOW_S
        return np.zeros_like(k)
