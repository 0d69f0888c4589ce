"""The reference images: which piece, when, at what size. `make snapshots` rewrites them."""
from pathlib import Path

from stagecraft.picture.shaders import ROOT

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
    "showroom": ("showroom", 3.0),
    "isf_filter_passes": ("tests/isf/filter_passes.fs", 1.5),
    "isf_wipe": ("tests/isf/wipe.fs", 1.0),
    "shadertoy_chain": ("tests/shadertoy/chain.json", 1.5),
}


def piece_arg(piece: str) -> str:
    """A piece's name as is; a file (it has a folder) from the project's root."""
    return str(ROOT / piece) if "/" in piece else piece
