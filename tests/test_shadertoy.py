"""Shadertoy shaders played as pieces, unchanged: a plain `.glsl` mainImage, and the site's JSON
export with Common code, buffers A-D drawn in order (each reading its own last frame), textures
beside the file, the keyboard and the audio texture; what the venue cannot have is stood in for
and told once, and what cannot be taken is refused naming the file. The files in tests/shadertoy/
were written for these tests."""
import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from stagecraft.output.offline import frames
from stagecraft.piece.module import PieceError, load, resolve
from stagecraft.picture.shaders import ShaderError

HERE = Path(__file__).parent / "shadertoy"


def _frame(e, n=1):
    return [f.copy() for f in frames(e, n)][-1].astype(int)


def test_a_plain_glsl_file_plays_even_with_names_glsl_4_reserves(engines):
    """`float sample(vec2)` is a name GLSL 4 reserves; the file compiles at 3.30 instead."""
    piece = load(resolve(str(HERE / "plain.glsl")))
    assert piece.title == "Plain" and [p.part for p in piece.graph.passes] == ["Image"]
    e = engines(str(HERE / "plain.glsl"), (160, 90))
    a, b = _frame(e), _frame(e, 10)
    assert a.std() > 30 and np.abs(a - b).mean() > 5          # rings, moving with iTime


def test_an_export_runs_its_buffers_with_feedback_and_common_code(engines, operator):
    piece = load(resolve(str(HERE / "comet.json")))
    assert (piece.title, [p.part for p in piece.graph.passes]) == ("Comet Trails", ["Buffer A", "Image"])
    assert "By stagecraft on Shadertoy" in piece.note
    e = engines(str(HERE / "comet.json"), (160, 90))
    lit = (_frame(e, 40) > 60).any(axis=2)
    assert lit.sum() > 2.5 * np.pi * (0.06 * 90) ** 2          # a trail, far more than the spot alone
    assert e.player.canvas.targets["BufferA"].float_ == "f4"
    told = "".join(operator.stream.lines)
    assert "iChannel2's texture 0c7bf5fe" in told and "noise stands in" in told


def test_a_chain_of_four_buffers_textures_beside_the_file_and_the_keyboard(engines, operator):
    e = engines(str(HERE / "chain.json"), (160, 90))
    f = _frame(e, 4)
    gold = (f[:, :, 0] > 100) & (f[:, :, 1] > 70) & (f[:, :, 2] < 60)
    dark = f.max(axis=2) < 40
    assert gold.mean() > 0.3 and dark.mean() > 0.1             # coin.png, tiled through buffers B, C and D
    told = "".join(operator.stream.lines)
    for note in ("sound pass is not played", "cubemap is Shadertoy's own media", "volume is Shadertoy's own media"):
        assert note in told
    held = engines(str(HERE / "chain.json"), (160, 90), flash_limit=False)
    plain = engines(str(HERE / "chain.json"), (160, 90), flash_limit=False)
    _frame(held, 2), _frame(plain, 2)
    held.controls.keyboard.down(pygame.K_SPACE)                # toggled: the image pass halves itself
    held.controls.keyboard.up(pygame.K_SPACE)
    assert 0.45 < _frame(held, 2).mean() / _frame(plain, 2).mean() < 0.55


def _export(tmp_path, passes, name="bad.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"Shader": {"info": {"name": "Bad"}, "renderpass": passes}}))
    return str(path)


IMAGE = {"type": "image", "name": "Image", "inputs": [], "outputs": [],
         "code": "void mainImage(out vec4 o, in vec2 f) { o = vec4(1.0); }"}


@pytest.mark.parametrize("passes, expected", [
    ([{**IMAGE, "type": "buffer", "name": "Buffer A"}], r"no image pass"),
    ([{**IMAGE, "type": "cubemap", "name": "Cube A"}, IMAGE], r"Cube A\): cube map passes are not supported"),
    ([{**IMAGE, "inputs": [{"channel": 0, "ctype": "buffer", "id": 999}]}], r"iChannel0 reads a buffer the file does not"),
    ([{**IMAGE, "inputs": [{"channel": 0, "ctype": "hologram"}]}], r"ctype 'hologram', which is not supported"),
    ([{**IMAGE, "inputs": [{"channel": 7, "ctype": "texture"}]}], r"each input needs a channel 0 to 3"),
    ([{**IMAGE, "type": "vertex"}], r"type 'vertex'; Shadertoy's are"),
])
def test_what_cannot_be_taken_is_refused_plainly(tmp_path, passes, expected):
    with pytest.raises(PieceError, match=expected):
        load(resolve(_export(tmp_path, passes)))


def test_files_that_are_not_shadertoy_are_refused(tmp_path):
    (tmp_path / "x.json").write_text('{"renderpass": ')
    with pytest.raises(PieceError, match=r"x\.json:1: the JSON does not parse"):
        load(resolve(str(tmp_path / "x.json")))
    (tmp_path / "y.json").write_text('{"title": "not a shader"}')
    with pytest.raises(PieceError, match=r"not a Shadertoy export"):
        load(resolve(str(tmp_path / "y.json")))
    (tmp_path / "z.glsl").write_text("void main() {}")
    with pytest.raises(PieceError, match=r"defines void mainImage"):
        load(resolve(str(tmp_path / "z.glsl")))


def test_a_compile_error_names_the_file_the_pass_and_the_line(engines, tmp_path):
    broken = {**IMAGE, "code": "void mainImage(out vec4 o, in vec2 f) {\n    o = vec4(nope);\n}"}
    common = {"type": "common", "name": "Common", "inputs": [], "outputs": [], "code": "// shared\n"}
    with pytest.raises(ShaderError, match=r"bad\.json \[Image\]:2:\d+: error: `nope' undeclared"):
        engines(_export(tmp_path, [common, broken]), (64, 36), strict=True)


def test_every_test_shader_renders_a_frame_that_is_not_blank(engines):
    """What the held-out corpus asks of every file: it compiles, and shows something."""
    files = sorted(HERE.glob("*.json")) + sorted(HERE.glob("*.glsl")) + sorted((HERE.parent / "isf").glob("*.fs"))
    assert len(files) >= 10
    for path in files:
        f = _frame(engines(str(path), (96, 54), strict=True), 3)
        assert f.std() > 3 or f.mean() > 20, path.name
