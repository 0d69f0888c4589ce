"""Rate limits and the operators' allowlist, on a clock the test turns by hand."""
import pytest

from stagecraft.osc.limits import MAX_SENDERS, Allowlist, RateLimits

from .test_clock import FakeTime as Clock


def test_one_sender_is_cut_to_its_rate_after_its_burst():
    clock = Clock()
    limits = RateLimits(rate=10, burst=20, clock=clock)
    assert sum(limits.allow("10.0.0.5") for _ in range(100)) == 20
    clock.now += 1.0
    assert sum(limits.allow("10.0.0.5") for _ in range(100)) == 10
    assert limits.allow("10.0.0.6"), "another phone is not punished for the flood"


def test_a_bundle_costs_one_token_per_message():
    limits = RateLimits(rate=1, burst=10, clock=Clock())
    assert limits.allow("a", 8)
    assert not limits.allow("a", 8)
    assert limits.allow("a", 2)


def test_the_port_as_a_whole_is_bounded_too():
    limits = RateLimits(rate=100, burst=100, port_rate=50, port_burst=50, clock=Clock())
    allowed = sum(limits.allow(f"10.0.{i // 250}.{i % 250}") for i in range(200))
    assert allowed == 50


def test_remembered_senders_are_bounded():
    limits = RateLimits(clock=Clock())
    for i in range(MAX_SENDERS + 100):
        limits.allow(f"h{i}")
    assert len(limits._senders) == MAX_SENDERS


def test_the_allowlist_admits_its_networks_and_loopback_only():
    allow = Allowlist("192.168.1.0/24, 10.0.0.7")
    assert allow.allows("192.168.1.200") and allow.allows("10.0.0.7") and allow.allows("127.0.0.1")
    assert not allow.allows("192.168.2.1") and not allow.allows("10.0.0.8") and not allow.allows("nonsense")
    assert not Allowlist("")


def test_a_bad_network_is_one_plain_sentence():
    with pytest.raises(ValueError, match="'10.0.0.300' is not an address or network"):
        Allowlist("10.0.0.300")
