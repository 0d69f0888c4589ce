"""Corner pin as a homography: the projective map taking four points to four points, evaluated per
fragment (two affine triangles instead bend straight lines at the diagonal)."""
from __future__ import annotations

import numpy as np

UNIT = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def convex(points) -> bool:
    """Whether four points in order make a convex quadrilateral, no three of them in a line (a
    folded or flattened pin is a mistake, not a picture)."""
    p = np.asarray(points, float)
    edges = np.roll(p, -1, axis=0) - p
    turns = edges[:, 0] * np.roll(edges, -1, axis=0)[:, 1] - edges[:, 1] * np.roll(edges, -1, axis=0)[:, 0]
    return bool(np.all(turns > 1e-6) or np.all(turns < -1e-6))


def homography(src, dst) -> np.ndarray:
    """The 3x3 H with H @ (x, y, 1) ~ (u, v, 1) for each of four point pairs, both convex."""
    if not (convex(src) and convex(dst)):
        raise ValueError("the corners must make a convex quadrilateral, in order, no three in a line")
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    try:
        h = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    except np.linalg.LinAlgError:
        raise ValueError("the corners must make a convex quadrilateral, in order, no three in a line") from None
    return np.append(h, 1.0).reshape(3, 3)


def apply(h: np.ndarray, points) -> np.ndarray:
    p = np.c_[np.asarray(points, float), np.ones(len(points))] @ h.T
    return p[:, :2] / p[:, 2:3]


def pinned(corners) -> np.ndarray:
    """From an output's own coordinates (0..1, y down) to its source rectangle's (0..1, y down):
    the inverse of the map that pins the rectangle's corners to `corners`."""
    return np.linalg.inv(homography(UNIT, corners))
