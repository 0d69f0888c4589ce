"""GLSL programs: `#include` expansion, Shadertoy-style preludes (and ISF files, picture/isf.py),
errors mapped to real files, reload.

Drivers report errors by line of the string they were given and ignore `#line` source numbers
(Mesa prints `0:LINE(COL)` whatever it was told), so we keep our own map from assembled line to
(file, line) and rewrite the driver's log through it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import moderngl

from . import isf, shadertoy

ROOT = Path(__file__).resolve().parent.parent.parent
SHADER_DIR = ROOT / "shaders"
VERTEX = "lib/quad.vert"
MAX_DATA = 7  # vec4s of per-instance data after the rect; the vertex shader forwards them all

_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"\s*(//.*)?$')
_HAS_MAIN = re.compile(r"\bvoid\s+main\s*\(")
_LOG_LINE = re.compile(r"^(?:ERROR:\s*)?\d+(?::(\d+)(?:\((\d+)\))?|\((\d+)\))\s*:?\s*(.*)$")

UNIFORMS = """uniform vec3 iResolution;
uniform float iTime;
uniform float iTimeDelta;
uniform int iFrame;
uniform float iFrameRate;
uniform vec4 iMouse;
uniform vec4 iDate;
uniform sampler2D iAudio;
uniform float iAudioLevel;
uniform float iAudioPeak;
uniform vec3 iAudioBands;
uniform float iAudioOnset;
uniform float iBeat;
uniform float iPhase;
uniform float iTempo;
uniform float iCameraMotion;
uniform float iCameraPresence;
"""
CHANNELS = """uniform sampler2D iChannel0;
uniform sampler2D iChannel1;
uniform sampler2D iChannel2;
uniform sampler2D iChannel3;
uniform vec3 iChannelResolution[4];
"""
BUILTINS = f"""#version 330 core
{UNIFORMS}{CHANNELS}in vec2 vUV;
flat in vec4 vData[{MAX_DATA}];
flat in int vInstance;
out vec4 _scColor;
"""
EPILOGUE = "void main() { mainImage(_scColor, gl_FragCoord.xy); }\n"


class ShaderError(Exception):
    """A shader that cannot be read or compiled; the message names real files and lines."""


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass
class Source:
    text: str
    where: list[tuple[str, int]]
    files: list[Path] = field(default_factory=list)

    def locate(self, line: int) -> tuple[str, int]:
        if 1 <= line <= len(self.where):
            return self.where[line - 1]
        return ("<engine>", line)


def find(name: str, dirs: list[Path]) -> Path:
    for d in dirs:
        p = (d / name)
        if p.is_file():
            return p.resolve()
    raise ShaderError(f"shader {name!r} not found (looked in {', '.join(display(d) for d in dirs)})")


def assemble(path: Path, prelude: str = "", epilogue: str = "") -> Source:
    src = Source("", [])
    lines: list[str] = []
    for i, text in enumerate(prelude.splitlines(), 1):
        lines.append(text)
        src.where.append(("<prelude>", i))
    _expand(path.resolve(), lines, src, seen=set(), site=None)
    body = "\n".join(lines[len(prelude.splitlines()):])
    if epilogue and not _HAS_MAIN.search(body):
        for text in epilogue.splitlines():
            lines.append(text)
            src.where.append(("<engine>", 0))
    src.text = "\n".join(lines) + "\n"
    return src


def _lines(src: Source, lines: list[str], where: str) -> None:
    src.text += "".join(line + "\n" for line in lines)
    src.where += [(where, n) for n in range(1, len(lines) + 1)]


def assemble_isf(path: Path, version: str) -> tuple[Source | None, Source]:
    """An ISF file's body (and its .vs, if any) after the engine's uniforms, at `version`."""
    try:
        doc = isf.read(path)
        vertex = isf.vertex_lines(doc) if doc.vertex else None
    except isf.IsfError as exc:
        raise ShaderError(str(exc)) from None
    frag = Source("", [], [path.resolve()])
    _lines(frag, [version, *UNIFORMS.splitlines(), "out vec4 _scColor;", *isf.BUILTINS.splitlines(),
                  *isf.declarations(doc)], "<prelude>")
    _lines(frag, isf.body(doc.body_lines), display(path))
    if vertex is None:
        return None, frag
    vert = Source("", [], [doc.vertex.resolve()])
    _lines(vert, [version, *isf.VERTEX.splitlines(), *isf.declarations(doc)], "<prelude>")
    _lines(vert, isf.body(vertex, vertex=True), display(doc.vertex))
    return vert, frag


def assemble_shadertoy(path: Path, part: str, version: str) -> Source:
    """One pass of a Shadertoy file: the engine's uniforms, the pass's channels, Common, its code."""
    try:
        doc = shadertoy.read(path)
    except shadertoy.ShadertoyError as exc:
        raise ShaderError(str(exc)) from None
    src = Source("", [], [path.resolve()])
    _lines(src, [version, *UNIFORMS.splitlines(), *shadertoy.prelude(doc, part)], "<prelude>")
    name = display(path)
    _lines(src, doc.common, f"{name} [Common]")
    code = doc.part(part).code
    _lines(src, code, name if path.suffix == ".glsl" else f"{name} [{part}]")
    if not _HAS_MAIN.search("\n".join(code)):
        _lines(src, [shadertoy.epilogue(part)], "<engine>")
    return src


def _expand(path: Path, lines: list[str], src: Source, seen: set, site: str | None) -> None:
    if path in seen:
        return
    seen.add(path)
    src.files.append(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ShaderError(f"{site}: include {display(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ShaderError(f"{display(path)}: cannot read ({exc})") from None
    name = display(path)
    for n, line in enumerate(text.splitlines(), 1):
        m = _INCLUDE.match(line)
        if m:
            target = (path.parent / m.group(1))
            if not target.is_file():
                target = SHADER_DIR / m.group(1)
            _expand(target.resolve(), lines, src, seen, site=f"{name}:{n}")
        elif line.lstrip().startswith("#version"):
            continue  # the prelude owns the version line
        else:
            lines.append(line)
            src.where.append((name, n))


def map_log(log: str, src: Source) -> str:
    out = []
    for raw in log.strip().splitlines():
        m = _LOG_LINE.match(raw.strip())
        if not m:
            if raw.strip():
                out.append(raw.strip())
            continue
        line = int(m.group(1) or m.group(3))
        col = m.group(2)
        f, n = src.locate(line)
        out.append(f"{f}:{n}{':' + col if col else ''}: {m.group(4)}")
    return "\n".join(out)


def prelude(params: dict, defines: tuple[str, ...] = ()) -> str:
    """A piece's parameters as uniforms (its effects' own, `fx/<n>/...`, are the effects' inputs);
    `defines` switch on the parts of an engine shader a use needs (llvmpipe runs every branch's
    loops over uniform arrays, taken or not: the output stage's full shader costs ten plain ones)."""
    decl = "".join(f"uniform {p.glsl} {name};\n" for name, p in params.items() if "/" not in name)
    version, rest = BUILTINS.split("\n", 1)
    return version + "\n" + "".join(f"#define {d}\n" for d in defines) + rest + decl


def _driver_log(exc: Exception) -> str:
    """moderngl prefixes the driver's log with a title and a row of '='; keep the log."""
    parts = re.split(r"\n=+\n", str(exc), maxsplit=1)
    return parts[-1]


IMPORTED = (".fs", ".json", ".glsl")    # files written for other tools, declaring their own uniforms


@dataclass
class _Entry:
    path: Path
    prelude: str
    part: str = ""
    program: moderngl.Program | None = None
    mtimes: dict = field(default_factory=dict)
    error: str | None = None


class Shaders:
    """Compiled programs by (file, prelude), each reloaded when any file it includes changes."""

    def __init__(self, ctx: moderngl.Context, on_release=None):
        self.ctx = ctx
        self._entries: dict[tuple, _Entry] = {}
        self._vertex: Source | None = None
        self._on_release = on_release or (lambda prog: None)

    def _vertex_source(self) -> Source:
        if self._vertex is None:
            self._vertex = assemble(SHADER_DIR / VERTEX, "#version 330 core")
        return self._vertex

    def program(self, path: Path, params: dict, part: str = "", defines: tuple[str, ...] = ()) -> moderngl.Program:
        """The program for a fragment shader (or one pass of a Shadertoy file); compiles on first
        use and raises ShaderError then. An ISF or Shadertoy file declares its own uniforms."""
        key = (path, prelude(params, defines) if path.suffix not in IMPORTED else "", part)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(path, key[1], part)
            try:
                self._build(entry)
            except ShaderError:
                del self._entries[key]
                raise
        return entry.program

    def _sources(self, entry: _Entry, version: str) -> tuple[Source, Source]:
        if entry.path.suffix == ".fs":
            vert, frag = assemble_isf(entry.path, version)
        elif entry.path.suffix in IMPORTED:
            vert, frag = None, assemble_shadertoy(entry.path, entry.part or "Image", version)
        else:
            vert, frag = None, assemble(entry.path, entry.prelude, EPILOGUE)
        return vert or self._vertex_source(), frag

    def _build(self, entry: _Entry) -> None:
        """Artists' files compile at the context's highest GLSL, else at 3.30 (4.x reserves words
        such as `sample` that older shaders use as names); the first error is the one told."""
        versions = [isf.version_line(self.ctx.version_code)]
        if entry.path.suffix in IMPORTED and versions[0] != "#version 330 core":
            versions.append("#version 330 core")
        first = None
        for version in versions:
            vert, frag = self._sources(entry, version)
            entry.mtimes = {p: _mtime(p) for p in frag.files + vert.files}
            try:
                program = self.ctx.program(vertex_shader=vert.text, fragment_shader=frag.text)
                break
            except moderngl.Error as exc:
                which = vert if "vertex_shader" in str(exc) else frag
                first = first or ShaderError(f"{display(entry.path)}{f' [{entry.part}]' if entry.part else ''} "
                                             f"does not compile:\n{map_log(_driver_log(exc), which)}")
        else:
            raise first
        if entry.program is not None:
            self._on_release(entry.program)
            entry.program.release()
        entry.program = program

    def reload_changed(self) -> list[tuple[Path, str | None]]:
        """Recompile programs whose files changed. Returns (path, error or None) for each tried.

        A program that no longer compiles keeps running its last good version.
        """
        results = []
        for entry in self._entries.values():
            if all(_mtime(p) == t for p, t in entry.mtimes.items()):
                continue
            if self._vertex is not None and any(p in self._vertex.files for p in entry.mtimes):
                self._vertex = None
            try:
                self._build(entry)
                entry.error = None
            except ShaderError as exc:
                entry.mtimes = {p: _mtime(p) for p in entry.mtimes}
                entry.error = str(exc)
            results.append((entry.path, entry.error))
        return results

    def files(self, path: Path) -> set[Path]:
        """Every file the programs made from `path` read (its includes too)."""
        return {f for e in self._entries.values() if e.path == path for f in e.mtimes}

    def errors(self) -> list[str]:
        return [e.error for e in self._entries.values() if e.error]

    def release(self) -> None:
        for entry in self._entries.values():
            if entry.program is not None:
                self._on_release(entry.program)
                entry.program.release()
        self._entries.clear()


def _mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except OSError:
        return -1
