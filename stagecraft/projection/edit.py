"""Editing the mapping by hand in the operator window, as in Resolume's output editor: M starts
and ends editing; Tab goes to the next output; 1 to 4 pick a corner, or a click picks the nearest
handle (a corner, or a warp grid's point) and a drag moves it; the arrows nudge it one output
pixel, with Shift a tenth of one; Ctrl+Z undoes, step by step. Every change shows in the next
frame and is saved once it rests (the output stage's autosave)."""
from __future__ import annotations

from collections import deque

from .mapping import Output

UNDO = 64
GRAB_PX = 40                # a click this near a handle takes it


def handles(o: Output) -> list[tuple[float, float]]:
    """The corners (top-left, top-right, bottom-right, bottom-left), then the warp grid's points,
    row by row, each where it shows: its place on the grid moved by its offset."""
    w = o.warp
    return list(o.corners) + ([w.at(c, r) for r in range(w.rows + 1) for c in range(w.cols + 1)] if w else [])


class Editor:
    def __init__(self, projection, tell):
        self.projection = projection
        self.tell = tell
        self.active = False
        self.output = 0
        self.handle = 0
        self._undo: deque[tuple[int, Output]] = deque(maxlen=UNDO)
        self._grab: tuple[float, float] | None = None   # the handle's offset from the pointer, while dragging
        self._dragged = False

    @property
    def outputs(self) -> list[Output]:
        return self.projection.mapping.outputs

    def toggle(self) -> None:
        self.active = not self.active
        self._grab = None
        if self.active:
            self.tell(f"editing the mapping: output {self.outputs[self.output].name} (Tab the next, 1-4 a corner, "
                      "drag a handle, arrows nudge, Shift finer, Ctrl+Z undo, M done)", key="mapping editing")

    def next_output(self) -> None:
        self.output = (self.output + 1) % len(self.outputs)
        self.handle = 0

    def select(self, handle: int) -> None:
        self.handle = handle
        self._clamped()

    def _clamped(self) -> Output:
        """The output edited, its selected handle one it has (an undo or a grid removed over OSC
        may have taken the one selected away)."""
        o = self.outputs[self.output]
        self.handle = min(self.handle, len(handles(o)) - 1)
        return o

    def nudge(self, dx_px: float, dy_px: float, now: float) -> None:
        o = self._clamped()
        x, y = handles(o)[self.handle]
        self._move((x + dx_px / o.size[0], y + dy_px / o.size[1]), now, keep=True)

    def press(self, window_xy, window_size, now: float) -> None:
        """A click: the nearest handle of the output under the pointer, if near enough."""
        for i, viewport in enumerate(self.projection.placement.viewports):
            q = _inside(viewport, window_xy, window_size)
            if q is None:
                continue
            o = self.outputs[i]
            near = [((hx - q[0]) * o.size[0]) ** 2 + ((hy - q[1]) * o.size[1]) ** 2 for hx, hy in handles(o)]
            best = min(range(len(near)), key=near.__getitem__)
            if near[best] <= GRAB_PX ** 2:
                self.output, self.handle = i, best
                hx, hy = handles(o)[best]
                self._grab = (hx - q[0], hy - q[1])
                self._dragged = False        # a drag is one step to undo, kept when it first moves
            return

    def drag(self, window_xy, window_size, now: float) -> None:
        viewport = self.projection.placement.viewports[self.output]
        if self._grab is None or viewport is None:
            return
        q = _local(viewport, window_xy, window_size)
        self._dragged |= self._move((q[0] + self._grab[0], q[1] + self._grab[1]), now, keep=not self._dragged)

    def let_go(self) -> None:
        self._grab = None

    def undo(self, now: float) -> None:
        if not self._undo:
            self.tell("nothing to undo in the mapping", key="mapping undo empty")
            return
        i, previous = self._undo.pop()
        self.outputs[i] = previous
        self.output = i
        self._clamped()
        self.projection.touched(now)

    def _move(self, where: tuple[float, float], now: float, keep: bool) -> bool:
        """Through the output stage's own edit, as OSC's are: the same checks, the same autosave.
        `keep`: the output as it was becomes a step to undo, if the move is taken."""
        o = self._clamped()
        try:
            if self.handle < 4:
                self.projection.edit(o.name, "corner", self.handle + 1, *where, now=now)
            else:
                w = o.warp
                col, row = (self.handle - 4) % (w.cols + 1), (self.handle - 4) // (w.cols + 1)
                offset = (min(max(v - base, -0.5), 0.5) for v, base in zip(where, (col / w.cols, row / w.rows)))
                self.projection.edit(o.name, "point", col, row, *offset, now=now)
        except ValueError as exc:
            self.tell(f"{o.name}: {exc}", key=f"mapping refused {o.name}")
            return False
        if keep:
            self._undo.append((self.output, o))
        return True

def _local(viewport, window_xy, window_size) -> tuple[float, float]:
    """Where a window pixel (y down) falls in an output: 0..1 inside it, y down."""
    x, y, w, h = viewport
    return (window_xy[0] - x) / w, (window_xy[1] - (window_size[1] - y - h)) / h


def _inside(viewport, window_xy, window_size) -> tuple[float, float] | None:
    if viewport is None:
        return None
    q = _local(viewport, window_xy, window_size)
    return q if 0.0 <= q[0] <= 1.0 and 0.0 <= q[1] <= 1.0 else None
