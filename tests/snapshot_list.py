"""The reference images: which piece, when, at what size. `make snapshots` rewrites them."""
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"
SIZE = (320, 180)
SEED = 7

SNAPSHOTS = {
    "calibration": ("calibration", 1.5),
    "template": ("pieces/_template.py", 1.5),
    "smile_credits": ("smile_credits", 1.5),
    "smile_bazaar": ("smile_bazaar", 1.5),
    "standby": ("standby", 1.5),
    "forum": ("forum", 1.5),
    "commodification": ("commodification", 1.5),
    "empathy_echo": ("empathy_echo", 1.5),
    "smiles_for_all": ("smiles_for_all", 1.5),
}
