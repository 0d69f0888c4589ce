import math

import pytest

from stagecraft import Bool, Color, Event, Float, Int, Point2D, hex_color
from stagecraft.piece.params import ParamValues, ParamView, check_spec


def test_values_are_coerced_and_clamped():
    v = ParamValues({"f": Float(0.5, 0, 1), "i": Int(3, 0, 10), "b": Bool(False),
                     "c": Color(), "p": Point2D()})
    v.set("f", 7)
    v.set("i", 4.6)
    v.set("b", "on")
    v.set("c", "#FF000080")
    v.set("p", (-1, 2))
    assert v.get("f") == 1.0
    assert v.get("i") == 5
    assert v.get("b") is True
    assert v.get("c") == pytest.approx((1.0, 0.0, 0.0, 128 / 255))
    assert v.get("p") == (0.0, 1.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "abc", (1, 2, 3)])
def test_non_finite_and_malformed_values_are_refused_and_nothing_changes(bad):
    v = ParamValues({"f": Float(0.25, 0, 1), "p": Point2D()})
    with pytest.raises((ValueError, TypeError)):
        v.set("p" if isinstance(bad, tuple) else "f", bad)
    assert v.get("f") == 0.25 and v.get("p") == (0.5, 0.5)


def test_smoothing_does_not_depend_on_frame_rate():
    a = ParamValues({"f": Float(0.0, 0, 1, smooth=0.5)})
    b = ParamValues({"f": Float(0.0, 0, 1, smooth=0.5)})
    a.set("f", 1.0)
    b.set("f", 1.0)
    for _ in range(60):
        a.step(1 / 60)
    for _ in range(30):
        b.step(1 / 30)
    assert a.get("f") == pytest.approx(b.get("f"), abs=1e-9)
    assert a.get("f") == pytest.approx(1 - math.exp(-2.0), abs=1e-9)


def test_glide_follows_its_curve_and_lands_exactly():
    v = ParamValues({"f": Float(0.0, 0, 1), "c": Color((0, 0, 0, 1))})
    v.glide("f", 1.0, seconds=2.0, shape="ease")
    v.glide("c", (1, 1, 1, 1), seconds=1.0)
    v.step(1.0)
    assert v.get("f") == pytest.approx(0.5)
    assert v.get("c") == pytest.approx((1, 1, 1, 1))
    v.step(0.5)
    assert v.get("f") == pytest.approx(0.84375)
    v.step(5.0)
    assert v.get("f") == 1.0
    with pytest.raises(ValueError, match="unknown curve"):
        v.glide("f", 0.0, 1.0, shape="wobbly")


def test_events_count_within_a_frame_and_then_reset():
    v = ParamValues({"go": Event()})
    v.fire("go")
    v.set("go", None)
    assert v.get("go") == 2 and v.uniforms()["go"] is True
    v.end_frame()
    assert v.get("go") == 0 and v.uniforms()["go"] is False


def test_reload_carries_values_of_surviving_parameters():
    old = ParamValues({"a": Float(0.0, 0, 1), "b": Int(1, 0, 5), "gone": Bool()})
    old.set("a", 0.7)
    old.set("b", 4)
    new = ParamValues({"a": Float(0.1, 0, 0.5), "b": Float(0.0, 0, 9), "fresh": Bool(True)})
    new.carry_from(old)
    assert new.get("a") == 0.5           # same kind: carried, clamped to the new range
    assert new.get("b") == 0.0           # changed kind: default
    assert new.get("fresh") is True


def test_spec_problems_are_plain_sentences():
    problems = check_spec({"iTime": Float(), "2x": Float(), "f": Float(5, 0, 1), "x": 3, "step": Float()})
    text = " | ".join(problems)
    assert "'iTime' is reserved" in text
    assert "'2x' must be a letter" in text
    assert "default 5 is outside 0..1" in text
    assert "'x' must be one of" in text
    assert "'step' is a GLSL word" in text
    assert check_spec({"ok": Float(), "c": Color(), "e": Event()}) == []


def test_view_reads_but_does_not_write():
    view = ParamView(ParamValues({"f": Float(0.3)}))
    assert view.f == 0.3 and view["f"] == 0.3
    with pytest.raises(AttributeError, match="declare it in PARAMS"):
        view.nope
    with pytest.raises(AttributeError, match="stage.set"):
        view.f = 1.0


def test_hex_colour():
    assert hex_color("#0B0710") == pytest.approx((11 / 255, 7 / 255, 16 / 255, 1.0))
    with pytest.raises(ValueError):
        hex_color("#12")
