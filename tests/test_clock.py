import pytest

from stagecraft.engine.clock import MAX_DT, Clock, FrameClock


class FakeTime:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_injected_time_source_drives_the_clock_frame_by_frame():
    t = FakeTime()
    c = Clock(time_source=t)
    assert c.tick() == 0.0 and c.time == 0.0 and c.frame == 0
    t.now += 0.016
    assert c.tick() == pytest.approx(0.016)
    t.now += 0.020
    c.tick()
    assert c.time == pytest.approx(0.036) and c.frame == 2


def test_a_stall_does_not_throw_animation_forward_but_time_stays_true():
    t = FakeTime()
    c = Clock(time_source=t)
    c.tick()
    t.now += 3.0
    assert c.tick() == MAX_DT
    assert c.time == pytest.approx(3.0)


def test_a_clock_going_backwards_gives_zero_dt():
    t = FakeTime()
    c = Clock(time_source=t)
    c.tick()
    t.now -= 1.0
    assert c.tick() == 0.0


def test_frame_clock_is_exact_with_no_accumulated_error():
    c = FrameClock(30)
    for _ in range(30001):
        c.tick()
    assert c.frame == 30000 and c.time == 1000.0 and c.dt == pytest.approx(1 / 30)
