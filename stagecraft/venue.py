"""Venue data files (a controller's mapping, the projectors' mapping): TOML read with errors that
name the file, unknown keys refused by name (a misspelt key is a setting that silently does
nothing on the night), strings quoted for writing back, and writes that a crash cannot leave
half done."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path


def read(path: Path, error: type[Exception]) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from None


def known(table: dict, keys: set, where: str, error: type[Exception]) -> None:
    extra = sorted(set(table) - keys)
    if extra:
        raise error(f"{where}: unknown key {extra[0]!r} (the keys are {', '.join(sorted(keys))})")


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path: Path, text: str) -> None:
    """Atomically: a crash mid-write leaves the old file, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
