"""ISF (the Interactive Shader Format of VDMX, Resolume, Millumin) read as written: the JSON header
at the top of a `.fs` file, and its GLSL 1.x body made a fragment shader for this engine's GL.

The body is kept line for line (the header's comment becomes blank lines), so a driver's error
names the artist's own file and line. ISF's names are this engine's uniforms under other names
(TIME is iTime, RENDERSIZE the target's size, ...); ISF v1's `vv_` names are the same ones.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("event", "bool", "long", "float", "point2D", "color", "image", "audio", "audioFFT")
NOT_YET = {"image": "image inputs", "audio": "audio inputs", "audioFFT": "audioFFT inputs"}
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
# GLSL 1.x spellings that a core profile does not take, and what it takes instead
_WORDS = {"gl_FragColor": "_scColor", "texture2D": "texture", "texture2DRect": "texture",
          "texture2DProj": "textureProj", "varying": "in"}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b")


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
    passes: list[dict]
    body_lines: list[str]     # the file's lines, the header blanked

    @property
    def kind(self) -> str:
        names = {i.name for i in self.inputs}
        if {"startImage", "endImage", "progress"} <= names:
            return "transition"
        return "filter" if "inputImage" in names else "generator"


def read(path: Path) -> Document:
    """The header and body of an ISF file; IsfError for anything it cannot take."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IsfError(f"{path}: cannot read ({exc})") from None
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
    passes = header.get("PASSES") or [{}]
    if not isinstance(passes, list) or not all(isinstance(p, dict) for p in passes):
        raise IsfError(f"{where}: PASSES must be a list of objects")
    blank = "\n" * m.group(0).count("\n")
    body = (blank + text[m.end():]).split("\n")
    doc = Document(path, str(header.get("ISFVSN", "1")), str(header.get("DESCRIPTION", "")),
                   str(header.get("CREDIT", "")), list(header.get("CATEGORIES", [])), inputs, passes, body)
    _check_supported(doc, where)
    return doc


def _input(where: str, spec) -> Input:
    if not isinstance(spec, dict) or not isinstance(spec.get("NAME"), str) or not _IDENT.fullmatch(spec["NAME"]):
        raise IsfError(f"{where}: each INPUT needs a NAME that is a GLSL identifier (got {spec!r})")
    kind = spec.get("TYPE")
    if kind not in KINDS:
        raise IsfError(f"{where}: INPUT {spec['NAME']!r} has TYPE {kind!r}; ISF's types are {', '.join(KINDS)}")
    return Input(spec["NAME"], kind, spec.get("DEFAULT"), spec.get("MIN"), spec.get("MAX"),
                 list(spec.get("VALUES", [])), list(spec.get("LABELS", [])), str(spec.get("LABEL", "")))


def _check_supported(doc: Document, where: str) -> None:
    for i in doc.inputs:
        if i.kind in NOT_YET:
            raise IsfError(f"{where}: INPUT {i.name!r}: {NOT_YET[i.kind]} are not supported yet "
                           f"(generators with event, bool, long, float, point2D and color inputs are)")
    if len(doc.passes) > 1 or any(doc.passes[0].get(k) for k in ("TARGET", "PERSISTENT", "FLOAT", "WIDTH", "HEIGHT")):
        raise IsfError(f"{where}: PASSES (multipass, persistent, float and sized targets) are not supported yet")
    if doc.path.with_suffix(".vs").is_file():
        raise IsfError(f"{doc.path.with_suffix('.vs')}: ISF vertex shaders (.vs) are not supported yet")
    if doc.kind != "generator":
        raise IsfError(f"{where}: ISF {doc.kind}s are not supported yet (generators are)")


def body(doc: Document) -> list[str]:
    """The body's lines for a core-profile context: GLSL 1.x words replaced, `#version` dropped
    (the prelude owns it); one line out for each line in."""
    out = []
    for line in doc.body_lines:
        if line.lstrip().startswith("#version"):
            out.append("")
        else:
            out.append(_WORD.sub(lambda m: _WORDS[m.group(1)], line))
    return out


def version_line(ctx_version_code: int) -> str:
    """The highest GLSL the context takes: stock ISF files use GLSL 4 features that 3.30 refuses."""
    return f"#version {max(330, min(ctx_version_code, 460))} core"
