"""Shadertoy shaders read as written: a plain `.glsl` holding `mainImage`, or the site's JSON export
(its API format: a `renderpass` list of image, buffer A-D, common, sound and cubemap passes, each
input's channel, ctype, id and sampler). The passes become a graph (picture/passes.py): buffers
A to D draw in order into float targets, each reading its own last frame, then the image.

What a file names but this engine cannot have is told and stood in for: Shadertoy's own media
library (its textures, cube maps, volumes and videos) by seeded noise unless the file lies beside
the export; a `sound` pass is not played (the piece's SOUND is the engine's sound).
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import passes
from .units import AUDIO_UNIT, KEYBOARD_UNIT

BUFFERS = ("Buffer A", "Buffer B", "Buffer C", "Buffer D")
# the site's fixed output ids of the buffers (older exports name inputs by these, not by name)
BUFFER_IDS = {"4dXGR8": "Buffer A", "XsXGR8": "Buffer B", "4sXGR8": "Buffer C", "XdfGR8": "Buffer D",
              "257": "Buffer A", "258": "Buffer B", "259": "Buffer C", "260": "Buffer D"}
_MEDIA_BUFFER = re.compile(r"buffer0?([0-3])\.png$")
SAMPLERS = {"cubemap": "samplerCube", "volume": "sampler3D"}
PRELUDE = """uniform float iSampleRate;
#define iChannelTime float[4](iTime, iTime, iTime, iTime)
out vec4 _scColor;
"""


class ShadertoyError(Exception):
    """A Shadertoy file this engine cannot take; the message names the file and why."""


@dataclass
class Pass:
    name: str                   # "Image", "Buffer A", ...
    code: list[str]
    reads: dict[int, passes.Read] = field(default_factory=dict)     # channel -> what it reads
    samplers: dict[int, str] = field(default_factory=dict)          # channel -> GLSL sampler type

    @property
    def target(self) -> str | None:
        return None if self.name == "Image" else self.name.replace(" ", "")


@dataclass
class Document:
    path: Path
    title: str
    description: str
    author: str
    passes: list[Pass]          # buffers in order, the image last
    common: list[str]
    notes: list[str]            # what was stood in for or left out, told to the operator once

    def part(self, name: str) -> Pass:
        return next(p for p in self.passes if p.name == name)


def read(path: Path) -> Document:
    path = Path(path)
    text = passes.read_text(path, ShadertoyError)
    if path.suffix == ".glsl":
        if not re.search(r"\bvoid\s+mainImage\s*\(", text):
            raise ShadertoyError(f"{path}: a Shadertoy .glsl file defines void mainImage(out vec4, in vec2)")
        return Document(path, _title(path), "", "", [Pass("Image", text.split("\n"))], [], [])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShadertoyError(f"{path}:{exc.lineno}: the JSON does not parse: {exc.msg}") from None
    shader = data[0] if isinstance(data, list) and data else data
    shader = shader.get("Shader", shader) if isinstance(shader, dict) else None
    if not isinstance(shader, dict) or not isinstance(shader.get("renderpass"), list):
        raise ShadertoyError(f"{path}: not a Shadertoy export (it needs a 'renderpass' list, as the site's API gives)")
    info = shader.get("info") or {}
    return _document(path, info, shader["renderpass"])


def _title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().title()


def _document(path: Path, info: dict, renderpass: list) -> Document:
    notes, common, found, ids = [], [], {}, {}
    for n, rp in enumerate(renderpass):
        if not isinstance(rp, dict) or not isinstance(rp.get("code", ""), str):
            raise ShadertoyError(f"{path}: renderpass[{n}] must be an object with its code")
        kind, name = rp.get("type", "image"), rp.get("name") or ""
        if kind == "common":
            common = rp.get("code", "").split("\n")
        elif kind == "sound":
            notes.append("its sound pass is not played (a piece's sound is the engine's own)")
        elif kind == "cubemap":
            raise ShadertoyError(f"{path}: renderpass[{n}] ({name or 'Cube A'}): cube map passes are not supported "
                                 f"(image, buffer A-D, common and sound passes are)")
        elif kind in ("image", "buffer"):
            name = "Image" if kind == "image" else _buffer_name(path, n, rp, name)
            if name in found:
                raise ShadertoyError(f"{path}: renderpass[{n}]: two passes named {name!r}")
            found[name] = rp
            for out in rp.get("outputs") or []:
                if isinstance(out, dict) and "id" in out:
                    ids[str(out["id"])] = name
        else:
            raise ShadertoyError(f"{path}: renderpass[{n}] has type {kind!r}; Shadertoy's are image, buffer, "
                                 f"common, sound and cubemap")
    if "Image" not in found:
        raise ShadertoyError(f"{path}: no image pass (the pass whose type is 'image')")
    order = [b for b in BUFFERS if b in found] + ["Image"]
    out = []
    for name in order:
        p = Pass(name, found[name].get("code", "").split("\n"))
        for inp in found[name].get("inputs") or []:
            _channel(path, p, inp, ids, notes)
        out.append(p)
    return Document(path, str(info.get("name") or _title(path)), str(info.get("description", "")),
                    str(info.get("username", "")), out, common, notes)


def _buffer_name(path: Path, n: int, rp: dict, name: str) -> str:
    if name in BUFFERS:
        return name
    for out in rp.get("outputs") or []:
        if isinstance(out, dict) and str(out.get("id")) in BUFFER_IDS:
            return BUFFER_IDS[str(out["id"])]
    raise ShadertoyError(f"{path}: renderpass[{n}]: a buffer pass must be named Buffer A to D (got {name!r})")


def _flag(value, default: bool) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return default if value is None else bool(value)


def _channel(path: Path, p: Pass, inp, ids: dict, notes: list) -> None:
    if not isinstance(inp, dict) or inp.get("channel") not in (0, 1, 2, 3):
        raise ShadertoyError(f"{path}: {p.name}: each input needs a channel 0 to 3 (got {inp!r})")
    ch, ctype = inp["channel"], inp.get("ctype") or inp.get("type")
    sampler = inp.get("sampler") or {}
    filter_ = sampler.get("filter", "mipmap" if ctype == "texture" else "linear")
    filter_ = filter_ if filter_ in ("nearest", "linear", "mipmap") else "linear"
    repeat = sampler.get("wrap", "clamp" if ctype == "buffer" else "repeat") == "repeat"
    media = str(inp.get("filepath") or inp.get("src") or "")
    seed = zlib.crc32(f"{p.name}:{ch}:{media}".encode())
    if ctype == "buffer":
        target = ids.get(str(inp.get("id")))
        m = _MEDIA_BUFFER.search(media)
        target = target or (BUFFERS[int(m.group(1))] if m else None)
        if target is None:
            raise ShadertoyError(f"{path}: {p.name}: iChannel{ch} reads a buffer the file does not have "
                                 f"({inp.get('id')!r})")
        p.reads[ch] = passes.Read("target", target.replace(" ", ""), filter=filter_, repeat=repeat)
    elif ctype == "keyboard":
        p.reads[ch] = passes.Read("unit", unit=KEYBOARD_UNIT)
    elif ctype in ("music", "musicstream", "mic"):
        p.reads[ch] = passes.Read("unit", unit=AUDIO_UNIT)
    elif ctype == "texture":
        beside = path.parent / Path(media).name
        if media and beside.is_file():
            p.reads[ch] = passes.Read("file", str(beside), filter=filter_, repeat=repeat,
                                      vflip=_flag(sampler.get("vflip"), True))
        else:
            notes.append(f"{p.name}: iChannel{ch}'s texture {Path(media).name or '(none)'} is not beside the file; "
                         f"noise stands in for it")
            p.reads[ch] = passes.Read("noise", str(seed), filter=filter_, repeat=repeat)
    elif ctype in ("cubemap", "volume"):
        notes.append(f"{p.name}: iChannel{ch}'s {ctype} is Shadertoy's own media; a stand-in takes its place")
        p.reads[ch] = passes.Read(ctype, str(seed), filter=filter_, repeat=repeat)
        p.samplers[ch] = SAMPLERS[ctype]
    elif ctype in ("video", "webcam"):
        notes.append(f"{p.name}: iChannel{ch}'s {ctype} is not played; noise stands in for it")
        p.reads[ch] = passes.Read("noise", str(seed), filter=filter_, repeat=repeat)
    else:
        raise ShadertoyError(f"{path}: {p.name}: iChannel{ch} has ctype {ctype!r}, which is not supported "
                             f"(buffer, texture, cubemap, volume, keyboard, music, mic, video, webcam are)")


def graph(doc: Document) -> passes.Graph:
    out = []
    for p in doc.passes:
        reads = tuple((f"iChannel{ch}", p.reads.get(ch, passes.Read("blank"))) for ch in range(4))
        out.append(passes.Pass(p.name, p.target, "f4" if p.target else False, reads=reads))
    return passes.Graph(doc.path, out)


def prelude(doc: Document, name: str) -> list[str]:
    """The pass's declarations after the engine's uniforms: its channels, typed as they are read."""
    p = doc.part(name)
    lines = PRELUDE.splitlines()
    lines += [f"uniform {p.samplers.get(ch, 'sampler2D')} iChannel{ch};" for ch in range(4)]
    return lines + ["uniform vec3 iChannelResolution[4];"]


def epilogue(name: str) -> str:
    """Shadertoy shows the image pass opaque whatever alpha it writes; buffers keep theirs."""
    alpha = " _scColor.a = 1.0;" if name == "Image" else ""
    return f"void main() {{ mainImage(_scColor, gl_FragCoord.xy);{alpha} }}"
