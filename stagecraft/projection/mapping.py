"""The mapping file (TOML, `--mapping FILE`), separate from the show: one [[output]] per projector.

    [[output]]
    name = "left"                     # how the operator and OSC name it: /mapping/left/...
    display = "virtual"               # a display's name, or "virtual" (rendered, shown nowhere)
    size = [1920, 1080]               # its pixels
    source = [0.0, 0.0, 0.575, 1.0]   # the canvas rectangle it shows: x, y, w, h, 0..1, y down
    corners = [[0, 0], [1, 0], [1, 1], [0, 1]]   # where that rectangle's top-left, top-right,
                                      # bottom-right, bottom-left land, 0..1 of the output, y down
    blend = { right = { width = 0.26, curve = 2.0, gamma = 2.2 }, uplift = 0.0 }
    mask = [{ points = [[0.8, 0.6], [0.95, 0.6], [0.95, 1.0], [0.8, 1.0]], feather = 0.01 }]
    gain = { brightness = 1.0, rgb = [1.0, 1.0, 1.0] }
    warp = { cols = 2, rows = 1, points = [[0, 0], [0, 0.01], [0, 0], [0, 0], [0, -0.01], [0, 0]] }

Soft edges (`blend`, per side: left, right, top, bottom) are widths of the output; `curve` is the
edge's shape (1 straight, 2 an S), `gamma` the projector's, so two overlapping edges sum to one
in light; `uplift` raises black outside the edges to the overlap's doubled black. A mask's
polygon is painted black, its edge feathered. A `warp` grid (bilinear, after the pin) moves the
picture at each of its (cols + 1) x (rows + 1) points, row by row from the top-left, by an offset
in output units, for a curved or uneven wall (a cell folded over itself is refused). Saving writes the file atomically and keeps the
last BACKUPS versions beside it (`FILE.1` the newest).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import venue
from .homography import UNIT, homography

KEYS = {"output"}
OUTPUT_KEYS = {"name", "display", "size", "source", "corners", "blend", "mask", "gain", "warp"}
SIDES = ("left", "right", "top", "bottom")
EDGE_KEYS = {"width", "curve", "gamma"}
MAX_MASKS, MAX_POINTS = 4, 16
MAX_CELLS = 8               # a warp grid's columns and rows each
BACKUPS = 5


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the output and the key."""


@dataclass(frozen=True)
class Edge:
    width: float = 0.0
    curve: float = 2.0
    gamma: float = 2.2


@dataclass(frozen=True)
class Mask:
    points: tuple[tuple[float, float], ...]
    feather: float = 0.0


@dataclass(frozen=True)
class Warp:
    cols: int
    rows: int
    points: tuple[tuple[float, float], ...]     # offsets, (rows + 1) x (cols + 1), row by row from the top

    def __post_init__(self):
        """A cell whose corners, moved, no longer go round it in order folds the picture over
        itself: no pixel can be traced back there (it would show black), so it is refused. A
        bilinear cell is one-to-one exactly when its four corners turn the same way."""
        for r in range(self.rows):
            for c in range(self.cols):
                quad = [self.at(c, r), self.at(c + 1, r), self.at(c + 1, r + 1), self.at(c, r + 1)]
                edges = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(quad, quad[1:] + quad[:1])]
                if any(a[0] * b[1] - a[1] * b[0] <= 0.0 for a, b in zip(edges, edges[1:] + edges[:1])):
                    raise MappingError(f"warp cell {c} {r} folds over itself (its corners must keep their order "
                                       f"around it)")

    def at(self, col: int, row: int) -> tuple[float, float]:
        """Where grid point (col, row) lands, 0..1 across the output."""
        dx, dy = self.points[row * (self.cols + 1) + col]
        return col / self.cols + dx, row / self.rows + dy

    @classmethod
    def flat(cls, cols: int, rows: int) -> "Warp":
        return cls(cols, rows, ((0.0, 0.0),) * ((cols + 1) * (rows + 1)))

    def moved(self, col: int, row: int, offset: tuple[float, float]) -> "Warp":
        if not (0 <= col <= self.cols and 0 <= row <= self.rows):
            raise MappingError(f"warp point {col} {row} is outside the {self.cols} x {self.rows} grid")
        points = list(self.points)
        points[row * (self.cols + 1) + col] = offset
        return replace(self, points=tuple(points))


@dataclass(frozen=True)
class Output:
    name: str
    display: str = "virtual"
    size: tuple[int, int] = (1920, 1080)
    source: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    corners: tuple[tuple[float, float], ...] = UNIT
    edges: dict = field(default_factory=dict)          # side -> Edge
    uplift: float = 0.0
    masks: tuple[Mask, ...] = ()
    brightness: float = 1.0
    rgb: tuple[float, float, float] = (1.0, 1.0, 1.0)
    warp: Warp | None = None


@dataclass
class Mapping:
    path: Path | None
    outputs: list[Output]

    @property
    def size(self) -> tuple[int, int]:
        """The spanning framebuffer: the outputs side by side, left to right in file order."""
        return sum(o.size[0] for o in self.outputs), max(o.size[1] for o in self.outputs)

    def viewports(self) -> list[tuple[int, int, int, int]]:
        """Each output's place in the spanning framebuffer (GL's, from the bottom-left)."""
        out, x, height = [], 0, self.size[1]
        for o in self.outputs:
            out.append((x, height - o.size[1], *o.size))
            x += o.size[0]
        return out

    def find(self, name: str) -> int:
        for i, o in enumerate(self.outputs):
            if o.name == name:
                return i
        raise KeyError(f"no output {name!r} (outputs: {', '.join(o.name for o in self.outputs)})")

    def change(self, name: str, **fields) -> Output:
        """One output changed (checked as the file is); the mapping is otherwise as it was."""
        i = self.find(name)
        changed = replace(self.outputs[i], **fields)
        _check_corners(changed.corners, name)
        self.outputs[i] = changed
        return changed


def load(path: Path) -> Mapping:
    path = Path(path)
    data = venue.read(path, MappingError)
    _known(data, KEYS, str(path))
    tables = data.get("output")
    if not isinstance(tables, list) or not tables:
        raise MappingError(f"{path}: needs at least one [[output]] table")
    outputs = [_output(t, f"{path}: output {n}") for n, t in enumerate(tables, 1)]
    names = [o.name for o in outputs]
    if len(set(names)) != len(names):
        raise MappingError(f"{path}: two outputs share a name ({', '.join(names)})")
    return Mapping(path, outputs)


def save(mapping: Mapping) -> None:
    write(mapping.path, dumps(mapping))


def write(path: Path, text: str) -> None:
    """Atomically, keeping the last BACKUPS versions (FILE.1 the newest)."""
    for n in range(BACKUPS - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
    if path.exists():
        path.with_name(f"{path.name}.1").write_bytes(path.read_bytes())    # a copy: the file is never absent
    venue.write(path, text)


def dumps(mapping: Mapping) -> str:
    lines = []
    for o in mapping.outputs:
        lines += ["[[output]]", f"name = {venue.quote(o.name)}", f"display = {venue.quote(o.display)}",
                  f"size = [{o.size[0]}, {o.size[1]}]", f"source = [{', '.join(map(repr, o.source))}]",
                  "corners = [" + ", ".join(f"[{x!r}, {y!r}]" for x, y in o.corners) + "]"]
        edges = [f"{side} = {{ width = {e.width!r}, curve = {e.curve!r}, gamma = {e.gamma!r} }}"
                 for side, e in o.edges.items()]
        if edges or o.uplift:
            lines.append("blend = { " + ", ".join(edges + [f"uplift = {o.uplift!r}"]) + " }")
        if o.masks:
            lines.append("mask = [" + ", ".join(
                "{ points = [" + ", ".join(f"[{x!r}, {y!r}]" for x, y in m.points) + f"], feather = {m.feather!r} }}"
                for m in o.masks) + "]")
        if o.brightness != 1.0 or o.rgb != (1.0, 1.0, 1.0):
            lines.append(f"gain = {{ brightness = {o.brightness!r}, rgb = [{', '.join(map(repr, o.rgb))}] }}")
        if o.warp:
            lines.append(f"warp = {{ cols = {o.warp.cols}, rows = {o.warp.rows}, points = ["
                         + ", ".join(f"[{x!r}, {y!r}]" for x, y in o.warp.points) + "] }")
        lines.append("")
    return "\n".join(lines)


def _known(table: dict, keys: set, where: str) -> None:
    venue.known(table, keys, where, MappingError)


def _numbers(value, n: int, where: str, lo=-10.0, hi=10.0) -> tuple[float, ...]:
    if not (isinstance(value, list) and len(value) == n and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and lo <= x <= hi for x in value)):
        raise MappingError(f"{where} must be {n} numbers from {lo:g} to {hi:g}, not {value!r}")
    return tuple(float(x) for x in value)


def _check_corners(corners, where: str) -> None:
    try:
        homography(UNIT, corners)
    except ValueError as exc:
        raise MappingError(f"{where}: {exc}") from None


def _output(t, where: str) -> Output:
    if not isinstance(t, dict):
        raise MappingError(f"{where}: an output is a table")
    _known(t, OUTPUT_KEYS, where)
    name = t.get("name")
    if not isinstance(name, str) or not name.strip() or "/" in name or " " in name:
        raise MappingError(f"{where}: name = \"NAME\" (no spaces or slashes: OSC addresses carry it)")
    display = t.get("display", "virtual")
    if not isinstance(display, str) or not display.strip():
        raise MappingError(f"{where} ({name}): display is a display's name or \"virtual\"")
    size = _numbers(t.get("size", [1920, 1080]), 2, f"{where} ({name}) size", 16, 16384)
    if any(x != int(x) for x in size):
        raise MappingError(f"{where} ({name}) size must be whole pixels")
    source = _numbers(t.get("source", [0.0, 0.0, 1.0, 1.0]), 4, f"{where} ({name}) source", 0.0, 1.0)
    if source[2] <= 0 or source[3] <= 0 or source[0] + source[2] > 1 + 1e-9 or source[1] + source[3] > 1 + 1e-9:
        raise MappingError(f"{where} ({name}) source must be a rectangle inside the canvas, x y w h")
    corners_ = t.get("corners", [list(c) for c in UNIT])
    if not isinstance(corners_, list) or len(corners_) != 4:
        raise MappingError(f"{where} ({name}) corners are four [x, y] pairs: top-left, top-right, "
                           "bottom-right, bottom-left")
    corners = tuple(_numbers(c, 2, f"{where} ({name}) corner {i + 1}") for i, c in enumerate(corners_))
    _check_corners(corners, f"{where} ({name})")
    edges, uplift = _blend(t.get("blend", {}), f"{where} ({name}) blend")
    masks = _masks(t.get("mask", []), f"{where} ({name}) mask")
    gain = t.get("gain", {})
    if not isinstance(gain, dict):
        raise MappingError(f"{where} ({name}) gain is {{ brightness = 1.0, rgb = [1, 1, 1] }}")
    _known(gain, {"brightness", "rgb"}, f"{where} ({name}) gain")
    brightness = _numbers([gain.get("brightness", 1.0)], 1, f"{where} ({name}) gain brightness", 0.0, 4.0)[0]
    rgb = _numbers(gain.get("rgb", [1.0, 1.0, 1.0]), 3, f"{where} ({name}) gain rgb", 0.0, 4.0)
    warp = _warp(t["warp"], f"{where} ({name}) warp") if "warp" in t else None
    return Output(name, display, (int(size[0]), int(size[1])), source, corners, edges, uplift, masks, brightness, rgb,
                  warp)


def _warp(w, where: str) -> Warp:
    if not isinstance(w, dict):
        raise MappingError(f"{where} is {{ cols = C, rows = R, points = [[dx, dy], ...] }}")
    _known(w, {"cols", "rows", "points"}, where)
    cols, rows = (_numbers([w.get(k, 1)], 1, f"{where} {k}", 1, MAX_CELLS)[0] for k in ("cols", "rows"))
    if cols != int(cols) or rows != int(rows):
        raise MappingError(f"{where}: cols and rows are whole numbers")
    n = (int(cols) + 1) * (int(rows) + 1)
    points = w.get("points", [[0.0, 0.0]] * n)
    if not isinstance(points, list) or len(points) != n:
        raise MappingError(f"{where}: points are {n} [dx, dy] offsets ((cols + 1) x (rows + 1), row by row)")
    try:
        return Warp(int(cols), int(rows), tuple(_numbers(p, 2, f"{where} point", -0.5, 0.5) for p in points))
    except MappingError as exc:
        raise MappingError(f"{where}: {exc}") from None


def _blend(b, where: str) -> tuple[dict, float]:
    if not isinstance(b, dict):
        raise MappingError(f"{where} is a table: {{ left = {{ width = 0.2, curve = 2, gamma = 2.2 }}, uplift = 0 }}")
    _known(b, set(SIDES) | {"uplift"}, where)
    edges = {}
    for side in SIDES:
        if side in b:
            e = b[side]
            if not isinstance(e, dict):
                raise MappingError(f"{where} {side} is {{ width = W, curve = C, gamma = G }}")
            _known(e, EDGE_KEYS, f"{where} {side}")
            edges[side] = Edge(_numbers([e.get("width", 0.0)], 1, f"{where} {side} width", 0.0, 0.5)[0],
                               _numbers([e.get("curve", 2.0)], 1, f"{where} {side} curve", 0.5, 8.0)[0],
                               _numbers([e.get("gamma", 2.2)], 1, f"{where} {side} gamma", 1.0, 3.0)[0])
    uplift = _numbers([b.get("uplift", 0.0)], 1, f"{where} uplift", 0.0, 0.5)[0]
    return edges, uplift


def _masks(m, where: str) -> tuple[Mask, ...]:
    if not isinstance(m, list) or len(m) > MAX_MASKS:
        raise MappingError(f"{where} is a list of at most {MAX_MASKS} {{ points = [[x, y], ...], feather = F }}")
    out = []
    for i, table in enumerate(m, 1):
        if not isinstance(table, dict):
            raise MappingError(f"{where} {i} is {{ points = [[x, y], ...], feather = F }}")
        _known(table, {"points", "feather"}, f"{where} {i}")
        points = table.get("points")
        if not isinstance(points, list) or not 3 <= len(points) <= MAX_POINTS:
            raise MappingError(f"{where} {i}: points are 3 to {MAX_POINTS} [x, y] pairs")
        out.append(Mask(tuple(_numbers(p, 2, f"{where} {i} point") for p in points),
                        _numbers([table.get("feather", 0.0)], 1, f"{where} {i} feather", 0.0, 0.5)[0]))
    return tuple(out)
