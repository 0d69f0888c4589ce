"""Shaders: every one compiles, errors point at the real file and line through includes, and a
broken save keeps the last good program running."""
import os
import time

import pytest

from stagecraft import Float
from stagecraft.piece.module import load, resolve
from stagecraft.picture.shaders import BUILTINS, SHADER_DIR, ShaderError, Shaders, assemble, prelude
from stagecraft.picture.window import Offscreen

from .conftest import piece_names

ENGINE_SHADERS = {"output.frag", "lib/blit.frag", "lib/flash_rows.frag", "lib/flash_cells.frag",
                  "lib/projector.frag", "lib/projector_map.frag", "lib/card.frag"} | {
    str(p.relative_to(SHADER_DIR)) for p in (SHADER_DIR / "transitions").glob("*.frag")}


@pytest.fixture
def ctx():
    surface = Offscreen((64, 64))
    yield surface.ctx
    error = surface.ctx.error
    surface.close()
    assert error == "GL_NO_ERROR"


def test_every_shader_file_compiles_where_it_is_used(ctx):
    shaders = Shaders(ctx)
    used = set()
    for name in piece_names():
        piece = load(resolve(name))
        for s in piece.all_shaders():
            path = next(d / s for d in piece.shader_dirs() if (d / s).is_file())
            shaders.program(path, piece.params)
            used.add(str(path.resolve().relative_to(SHADER_DIR)))
    for s in ENGINE_SHADERS:
        shaders.program(SHADER_DIR / s, {})
        used.add(s)
    on_disk = {str(p.relative_to(SHADER_DIR)) for p in SHADER_DIR.rglob("*.frag")}
    assert on_disk <= used, f"shaders no piece uses (so no test compiles them): {on_disk - used}"
    shaders.release()


@pytest.mark.parametrize("shader, parts", [("lib/projector_map.frag", ("EDGES", "MASKS 4", "WARP")),
                                           ("lib/projector.frag", ("CARD", "HANDLES"))])
def test_every_part_of_the_output_stage_compiles_alone_and_together(ctx, shader, parts):
    import itertools
    shaders = Shaders(ctx)
    for n in range(len(parts) + 1):
        for defines in itertools.combinations(parts, n):
            shaders.program(SHADER_DIR / shader, {}, defines=defines)
    shaders.release()


def _write(path, text):
    path.write_text(text)
    # make sure a rewrite within the same clock tick still reads as a change
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000 * (1 + int(time.time()) % 7)))


def test_an_error_in_an_included_file_names_that_file_and_line(ctx, tmp_path):
    (tmp_path / "lib").mkdir()
    _write(tmp_path / "lib" / "helpers.glsl", "// helpers\nfloat twice(float x) {\n    return x * undefinedThing;\n}\n")
    _write(tmp_path / "piece.frag",
           '#include "lib/helpers.glsl"\n#include "lib/common.glsl"\n\n'
           "void mainImage(out vec4 c, in vec2 p) {\n    c = vec4(twice(gain));\n}\n")
    with pytest.raises(ShaderError) as err:
        Shaders(ctx).program(tmp_path / "piece.frag", {"gain": Float()})
    text = str(err.value)
    assert "lib/helpers.glsl:3" in text, text
    assert "undefinedThing" in text


def test_an_error_in_the_shader_itself_after_includes_has_its_own_line(ctx, tmp_path):
    _write(tmp_path / "piece.frag",
           '#include "lib/common.glsl"\n\nvoid mainImage(out vec4 c, in vec2 p) {\n'
           "    c = vec4(NIGHT, 1.0)\n}\n")
    with pytest.raises(ShaderError) as err:
        Shaders(ctx).program(tmp_path / "piece.frag", {})
    assert "piece.frag:5" in str(err.value), str(err.value)


def test_a_missing_include_names_the_line_that_asked_for_it(ctx, tmp_path):
    _write(tmp_path / "piece.frag", '// x\n#include "lib/nowhere.glsl"\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(1); }\n')
    with pytest.raises(ShaderError, match=r"piece.frag:2: include .*nowhere.glsl.* not found"):
        Shaders(ctx).program(tmp_path / "piece.frag", {})


def test_includes_are_expanded_once_and_parameters_declared():
    src = assemble(SHADER_DIR / "calibration.frag", prelude({"gain": Float()}))
    assert src.text.count("const vec3 NIGHT") == 1
    assert "uniform float gain;" in src.text
    line = src.text.splitlines().index("uniform float gain;") + 1
    assert src.locate(line) == ("<prelude>", len(BUILTINS.splitlines()) + 1)
    first_own = src.where.index(("shaders/calibration.frag", 1)) + 1
    assert src.text.splitlines()[first_own - 1].startswith("// Projector setup card")


def test_hot_reload_keeps_the_last_good_program_and_recovers(ctx, tmp_path):
    frag = tmp_path / "live.frag"
    _write(frag, "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0, 0.0, 0.0, 1.0); }\n")
    released = []
    shaders = Shaders(ctx, on_release=released.append)
    good = shaders.program(frag, {})
    _write(frag, "void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0, 0.0, 0.0 1.0); }\n")
    (path, error), = shaders.reload_changed()
    assert path == frag and "live.frag:1" in error
    assert shaders.program(frag, {}) is good and not released
    assert shaders.errors() == [error]
    assert shaders.reload_changed() == []              # an unchanged broken file is not retried
    _write(frag, "void mainImage(out vec4 c, in vec2 p) { c = vec4(0.0, 1.0, 0.0, 1.0); }\n")
    assert shaders.reload_changed() == [(frag, None)]
    assert shaders.program(frag, {}) is not good and released == [good]
    assert shaders.errors() == []
    shaders.release()


def test_an_included_file_change_reloads_the_shader_that_includes_it(ctx, tmp_path):
    _write(tmp_path / "inc.glsl", "vec3 tone() { return vec3(0.1); }\n")
    _write(tmp_path / "main.frag", '#include "inc.glsl"\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(tone(), 1); }\n')
    shaders = Shaders(ctx)
    shaders.program(tmp_path / "main.frag", {})
    _write(tmp_path / "inc.glsl", "vec3 tone() { return vec3(0.9); }\n")
    assert shaders.reload_changed() == [(tmp_path / "main.frag", None)]
    shaders.release()
