"""ISF (the Interactive Shader Format of VDMX, Resolume, Millumin), versions 1 and 2, read as
written: the JSON header at the top of a `.fs` file, its GLSL 1.x body made a fragment shader for
this engine's GL, its `.vs` (if one lies beside it) the vertex shader, its PASSES a graph
(picture/passes.py).

The body is kept line for line (the header's comment becomes blank lines), so a driver's error
names the artist's own file and line. ISF's names are this engine's uniforms under other names
(TIME is iTime, RENDERSIZE the pass's size, ...); ISF v1's `vv_` names are the same ones.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import passes
from .units import FFT_UNIT, MAX_IMAGES, WAVE_UNIT

KINDS = ("event", "bool", "long", "float", "point2D", "color", "image", "audio", "audioFFT")
GLSL = {"event": "bool", "bool": "bool", "long": "int", "float": "float", "point2D": "vec2", "color": "vec4",
        "image": "sampler2D", "audio": "sampler2D", "audioFFT": "sampler2D"}
IMAGES = ("image", "audio", "audioFFT")
TRANSITION = {"startImage", "endImage", "progress"}
_HEADER = re.compile(r"\A\s*/\*(.*?)\*/", re.S)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# what the engine calls ISF's built-ins; the prelude defines them before the body
BUILTINS = """#define TIME iTime
#define TIMEDELTA iTimeDelta
#define FRAMEINDEX iFrame
#define DATE iDate
#define RENDERSIZE iResolution.xy
#define isf_FragNormCoord (gl_FragCoord.xy / iResolution.xy)
#define vv_FragNormCoord isf_FragNormCoord
#define IMG_SIZE(img) vec2(textureSize(img, 0))
#define IMG_NORM_PIXEL(img, coord) texture(img, coord)
#define IMG_PIXEL(img, coord) texture(img, (coord) / IMG_SIZE(img))
#define IMG_THIS_NORM_PIXEL(img) texture(img, isf_FragNormCoord)
#define IMG_THIS_PIXEL(img) texture(img, isf_FragNormCoord)
#define vv_Frag IMG_PIXEL
uniform int PASSINDEX;
"""
# the vertex side of a `.vs`: the same uniforms, the quad's corner, and ISF's init function
VERTEX = """in vec2 aPos;
out vec2 _isfNormCoord;
#define isf_FragNormCoord _isfNormCoord
#define vv_FragNormCoord _isfNormCoord
#define TIME iTime
#define TIMEDELTA iTimeDelta
#define FRAMEINDEX iFrame
#define DATE iDate
#define RENDERSIZE iResolution.xy
#define IMG_SIZE(img) vec2(textureSize(img, 0))
#define IMG_NORM_PIXEL(img, coord) texture(img, coord)
#define IMG_PIXEL(img, coord) texture(img, (coord) / IMG_SIZE(img))
uniform vec3 iResolution;
uniform float iTime;
uniform float iTimeDelta;
uniform int iFrame;
uniform vec4 iDate;
uniform int PASSINDEX;
void isf_vertShaderInit() { gl_Position = vec4(aPos, 0.0, 1.0); _isfNormCoord = aPos * 0.5 + 0.5; }
#define vv_vertShaderInit isf_vertShaderInit
"""
# GLSL 1.x spellings that a core profile does not take, and what it takes instead
_FRAGMENT_WORDS = {"gl_FragColor": "_scColor", "texture2D": "texture", "texture2DRect": "texture",
                   "texture2DProj": "textureProj", "varying": "in"}
_VERTEX_WORDS = {**_FRAGMENT_WORDS, "varying": "out", "attribute": "in"}
_FRAGMENT = (_FRAGMENT_WORDS, re.compile(r"\b(" + "|".join(_FRAGMENT_WORDS) + r")\b"))
_VERTEX = (_VERTEX_WORDS, re.compile(r"\b(" + "|".join(_VERTEX_WORDS) + r")\b"))


class IsfError(Exception):
    """An ISF file this engine cannot take; the message names the file, the line and why."""


@dataclass
class Input:
    name: str
    kind: str
    default: object = None
    min: object = None
    max: object = None
    values: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    label: str = ""


@dataclass
class Document:
    path: Path
    version: str
    description: str
    credit: str
    categories: list
    inputs: list[Input]
    passes: list[dict]            # TARGET, PERSISTENT, FLOAT, WIDTH, HEIGHT, as the file gives them
    imported: dict[str, Path]     # IMPORTED images by name, beside the file
    body_lines: list[str]         # the file's lines, the header blanked
    vertex: Path | None = None    # the `.vs` beside it, if any

    @property
    def kind(self) -> str:
        names = {i.name for i in self.inputs}
        if TRANSITION <= names:
            return "transition"
        return "filter" if any(i.kind == "image" for i in self.inputs) else "generator"

    @property
    def targets(self) -> list[str]:
        return list(dict.fromkeys(p["TARGET"] for p in self.passes if p.get("TARGET")))


def read(path: Path) -> Document:
    """The header and body of an ISF file; IsfError for anything it cannot take."""
    path = Path(path)
    text = passes.read_text(path, IsfError)
    m = _HEADER.match(text)
    if not m:
        raise IsfError(f"{path}:1: an ISF file begins with its JSON header in a /* ... */ comment")
    first_line = text[:m.start(1)].count("\n") + 1
    try:
        header = json.loads(m.group(1))
    except json.JSONDecodeError as exc:
        raise IsfError(f"{path}:{first_line + exc.lineno - 1}: the JSON header does not parse: {exc.msg}") from None
    if not isinstance(header, dict):
        raise IsfError(f"{path}:{first_line}: the JSON header must be an object")
    where = f"{path}:{first_line}"
    inputs = [_input(where, i) for i in header.get("INPUTS", [])]
    blank = "\n" * m.group(0).count("\n")
    body = (blank + text[m.end():]).split("\n")
    vertex = path.with_suffix(".vs")
    doc = Document(path, str(header.get("ISFVSN", "1")), str(header.get("DESCRIPTION", "")),
                   str(header.get("CREDIT", "")), list(header.get("CATEGORIES", [])), inputs,
                   _passes(where, header, inputs), _imported(where, path, header.get("IMPORTED", {})), body,
                   vertex if vertex.is_file() else None)
    names = [i.name for i in inputs] + doc.targets + list(doc.imported)
    twice = sorted({n for n in names if names.count(n) > 1})
    images = [i for i in inputs if i.kind in IMAGES] + doc.targets + list(doc.imported)
    if len(images) > MAX_IMAGES:
        raise IsfError(f"{where}: {len(images)} images (inputs, targets, imported); this engine reads at most "
                       f"{MAX_IMAGES} in a pass")
    if twice:
        raise IsfError(f"{where}: {', '.join(twice)} named twice "
                       f"(INPUTS, PASSES' TARGETs and IMPORTED share one namespace)")
    return doc


def _input(where: str, spec) -> Input:
    if not isinstance(spec, dict) or not isinstance(spec.get("NAME"), str) or not _IDENT.fullmatch(spec["NAME"]):
        raise IsfError(f"{where}: each INPUT needs a NAME that is a GLSL identifier (got {spec!r})")
    kind = spec.get("TYPE")
    if kind not in KINDS:
        raise IsfError(f"{where}: INPUT {spec['NAME']!r} has TYPE {kind!r}; ISF's types are {', '.join(KINDS)}")
    return Input(spec["NAME"], kind, spec.get("DEFAULT"), spec.get("MIN"), spec.get("MAX"),
                 list(spec.get("VALUES", [])), list(spec.get("LABELS", [])), str(spec.get("LABEL", "")))


def _passes(where: str, header: dict, inputs: list[Input]) -> list[dict]:
    """PASSES, with ISF v1's PERSISTENT_BUFFERS folded in (their sizes and FLOAT flags)."""
    out = header.get("PASSES") or [{}]
    if not isinstance(out, list) or not all(isinstance(p, dict) for p in out):
        raise IsfError(f"{where}: PASSES must be a list of objects")
    v1 = header.get("PERSISTENT_BUFFERS") or {}
    if isinstance(v1, list):
        v1 = {name: {} for name in v1}
    if not isinstance(v1, dict):
        raise IsfError(f"{where}: PERSISTENT_BUFFERS must be a list of names or an object")
    out = [{**(v1.get(p.get("TARGET")) or {}), **p} for p in out]
    names = {i.name for i in inputs}
    for n, p in enumerate(out):
        target = p.get("TARGET")
        if target is not None and not (isinstance(target, str) and _IDENT.fullmatch(target)):
            raise IsfError(f"{where}: PASSES[{n}]: TARGET must be a GLSL identifier (got {target!r})")
        for key in ("WIDTH", "HEIGHT"):
            if key in p:
                try:
                    tree = passes.size_expression(p[key])
                except passes.SizeError as exc:
                    raise IsfError(f"{where}: PASSES[{n}] {key}: {exc}") from None
                used = {node.id[3:] for node in _names(tree) if node.id.startswith("_v_")}
                unknown = used - names - {"WIDTH", "HEIGHT"}
                if unknown:
                    raise IsfError(f"{where}: PASSES[{n}] {key}: {p[key]!r}: "
                                   f"no input named {', '.join(sorted(unknown))}")
    return out


def _names(tree):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Name)]


def _imported(where: str, path: Path, spec) -> dict[str, Path]:
    """IMPORTED: {"name": {"PATH": "file.png"}} (v2) or [{"NAME": ..., "PATH": ...}] (v1)."""
    items = spec.items() if isinstance(spec, dict) else ((s.get("NAME"), s) for s in spec if isinstance(s, dict)) \
        if isinstance(spec, list) else None
    if items is None:
        raise IsfError(f"{where}: IMPORTED must be an object of images by name")
    out = {}
    for name, entry in items:
        if not isinstance(name, str) or not _IDENT.fullmatch(name) or not isinstance(entry, dict):
            raise IsfError(f"{where}: IMPORTED {name!r} needs a name that is a GLSL identifier and a PATH")
        if entry.get("TYPE") == "cube" or isinstance(entry.get("PATH"), list):
            raise IsfError(f"{where}: IMPORTED {name!r}: cube maps are not supported (2D images are)")
        file = path.parent / str(entry.get("PATH", ""))
        if not file.is_file():
            raise IsfError(f"{where}: IMPORTED {name!r}: no image at {file}")
        out[name] = file
    return out


def declarations(doc: Document) -> list[str]:
    """The uniforms the body reads: its inputs, its passes' targets and its imported images, with
    ISF v1's per-image size names."""
    lines = [f"uniform {GLSL[i.kind]} {i.name};" for i in doc.inputs]
    images = [i.name for i in doc.inputs if i.kind in IMAGES] + doc.targets + list(doc.imported)
    lines += [f"uniform sampler2D {name};" for name in doc.targets + list(doc.imported)]
    for name in images:
        lines += [f"#define _{name}_imgSize IMG_SIZE({name})",
                  f"#define _{name}_imgRect vec4(0.0, 0.0, IMG_SIZE({name}))",
                  f"#define _{name}_flip false"]
    return lines


def graph(doc: Document) -> passes.Graph:
    reads = []
    for i in doc.inputs:
        if i.kind == "image":
            reads.append((i.name, passes.Read("image", i.name)))
        elif i.kind in ("audio", "audioFFT"):
            reads.append((i.name, passes.Read("unit", unit=WAVE_UNIT if i.kind == "audio" else FFT_UNIT)))
    reads += [(t, passes.Read("target", t)) for t in doc.targets]
    reads += [(name, passes.Read("file", str(p))) for name, p in doc.imported.items()]
    out = []
    for p in doc.passes:
        float_ = "f4" if p.get("FLOAT") else False
        out.append(passes.Pass("", p.get("TARGET") or None, float_,
                               None if "WIDTH" not in p else str(p["WIDTH"]),
                               None if "HEIGHT" not in p else str(p["HEIGHT"]), tuple(reads)))
    images = [i.name for i in doc.inputs if i.kind == "image"]
    return passes.Graph(doc.path, out, images)


def body(lines: list[str], vertex: bool = False) -> list[str]:
    """GLSL 1.x lines for a core-profile context: words replaced, `#version` dropped (the prelude
    owns it); one line out for each line in."""
    words, pattern = _VERTEX if vertex else _FRAGMENT
    return ["" if line.lstrip().startswith("#version") else pattern.sub(lambda m: words[m.group(1)], line)
            for line in lines]


def vertex_lines(doc: Document) -> list[str]:
    return passes.read_text(doc.vertex, IsfError).split("\n")


def version_line(ctx_version_code: int) -> str:
    """The highest GLSL the context takes: stock ISF files use GLSL 4 features that 3.30 refuses."""
    return f"#version {max(330, min(ctx_version_code, 460))} core"
