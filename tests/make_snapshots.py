"""Rewrite tests/snapshots/*.png from the pieces as they are now. Look at every one before committing."""
from stagecraft.output.offline import snapshot
from stagecraft.picture.shaders import ROOT

from .snapshot_list import SEED, SIZE, SNAPSHOT_DIR, SNAPSHOTS

if __name__ == "__main__":
    for name, (piece, at) in SNAPSHOTS.items():
        piece = str(ROOT / piece) if piece.endswith(".py") else piece
        print(snapshot(piece, SNAPSHOT_DIR / f"{name}.png", at=at, size=SIZE, seed=SEED, strict=True))
