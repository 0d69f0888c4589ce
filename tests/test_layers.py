"""The packages of stagecraft/ import one way (docs/architecture.md): a package may import its own
modules and the packages below it, never one above. Read from the source, so it fails the moment
a lower layer reaches up."""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "stagecraft"

# Lowest first. Packages on one line are one layer and do not import each other.
LAYERS = [
    ["crossings", "tempo", "venue"],
    ["audience", "camera", "picture", "sound"],
    ["piece"],
    ["safety", "projection"],
    ["osc"],
    ["phones", "midi"],
    ["show"],
    ["installation"],
    ["engine"],
    ["cluster"],
    ["output"],
    ["cli"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    """The stagecraft packages a module imports, at any depth of the file (lazy imports count)."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = package[:len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            out |= {target[0]} if target else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stagecraft."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("stagecraft.")}
    return out


def modules():
    return sorted(p for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] != "__init__.py")


def test_every_package_has_a_layer():
    assert {package_of(p) for p in modules()} == set(RANK)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_layer_above_its_own(path):
    mine = package_of(path)
    above = {p for p in imported(path) - {mine} if RANK[p] >= RANK[mine]}
    assert not above, f"{path.relative_to(ROOT)} ({mine}, layer {RANK[mine]}) imports {sorted(above)}"


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule itself: a picture module importing the show is caught."""
    fake = tmp_path / "stagecraft"
    (fake / "picture").mkdir(parents=True)
    bad = fake / "picture" / "window.py"
    bad.write_text("from ..show.program import Program\nfrom . import render\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake)
    assert imported(bad) == {"show", "picture"}
    with pytest.raises(AssertionError, match="imports"):
        test_no_module_imports_a_layer_above_its_own(bad)
