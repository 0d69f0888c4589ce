"""The project installs as `make` installs it, quietly and whole: a fresh editable install says
nothing (setuptools warned about undeclared package data), and a built wheel carries every
package and the fonts, so a subpackage added later cannot be missed."""
import subprocess
import sys
import venv
import zipfile

from .conftest import ROOT


def _pip(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _said(r) -> list[str]:
    """What a pip run printed, less this machine's own index configuration."""
    return [line for line in (r.stdout + r.stderr).splitlines()
            if line.strip() and not line.startswith("WARNING: Location 'file:")]


def test_a_fresh_editable_install_says_nothing(tmp_path):
    venv.create(tmp_path / "env", with_pip=False)
    r = _pip("--python", str(tmp_path / "env" / "bin" / "python"), "install", "--quiet", "--no-deps", "-e", ".")
    assert r.returncode == 0, r.stderr
    assert _said(r) == []


def test_the_wheel_holds_every_package_and_the_fonts(tmp_path):
    r = _pip("wheel", "--quiet", "--no-deps", "-w", str(tmp_path), ".")
    assert r.returncode == 0, r.stderr
    assert _said(r) == []
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "stagecraft").rglob("__init__.py")}
    assert packages <= {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    assert "stagecraft/picture/fonts/DejaVuSansMono.ttf" in names
    assert not [n for n in names if "__pycache__" in n]
