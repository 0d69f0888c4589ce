"""Rewrite tests/snapshots/*.png from the pieces as they are now. Look at every one before committing."""
import sys

from stagecraft.output.offline import snapshot

from .snapshot_list import SEED, SIZE, SNAPSHOT_DIR, SNAPSHOTS, piece_arg

if __name__ == "__main__":
    names = sys.argv[1:] or list(SNAPSHOTS)      # only those named, when some are
    for name in names:
        piece, at = SNAPSHOTS[name]
        print(snapshot(piece_arg(piece), SNAPSHOT_DIR / f"{name}.png", at=at, size=SIZE, seed=SEED, strict=True))
