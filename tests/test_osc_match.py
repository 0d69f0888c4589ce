"""Address patterns: OSC 1.0 and 1.1 semantics, checked against a regular-expression reference
on small inputs, and the pattern that makes backtracking matchers take seconds."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stagecraft.osc.match import BadPattern, Pattern, is_pattern


@pytest.mark.parametrize("pattern, address, hit", [
    ("/a/b", "/a/b", True),
    ("/a/?", "/a/b", True),
    ("/a/?", "/a/bc", False),
    ("/a/*", "/a/anything", True),
    ("/a/*", "/a/b/c", False),           # * stays within one part
    ("/*/b", "/a/b", True),
    ("/a/b*", "/a/b", True),
    ("/a/*c*", "/a/xxcyy", True),
    ("/a/[a-c]x", "/a/bx", True),
    ("/a/[a-c]x", "/a/dx", False),
    ("/a/[!a-c]x", "/a/dx", True),
    ("/a/[!a-c]x", "/a/ax", False),
    ("/a/[-z]", "/a/-", True),
    ("/a/{foo,bar}", "/a/bar", True),
    ("/a/{foo,bar}", "/a/baz", False),
    ("/a/{foo,}x", "/a/x", True),
    ("/a/x{1,2}*", "/a/x2yz", True),
    ("//c", "/a/b/c", True),             # OSC 1.1: // spans any number of parts
    ("//c", "/c", True),
    ("/a//c", "/a/c", True),
    ("/a//c", "/a/b/b/c", True),
    ("/a//c", "/b/c", False),
    ("//b/*", "/a/b/c", True),
])
def test_patterns_match_as_the_spec_says(pattern, address, hit):
    assert Pattern(pattern).matches(address) is hit


@pytest.mark.parametrize("bad", ["a/b", "/a/", "/a/[bc", "/a/{b,c", "/a/{b*,c}", "/a/]", "/a/[z-a]", "/a///b", "/a/[]"])
def test_bad_patterns_say_so(bad):
    with pytest.raises(BadPattern):
        Pattern(bad)


def test_literal_addresses_are_not_patterns():
    assert not is_pattern("/calibration/sweep_speed")
    assert all(is_pattern(p) for p in ("/a/*", "/a/?", "/a/[b]", "/a/{b,c}", "//b"))


def test_the_pattern_that_stalls_backtracking_matchers_is_answered():
    """python-osc's regular expression takes seconds here; states never number more than the
    pattern's tokens, so this is a few thousand steps."""
    pattern = Pattern("/x/" + "*a" * 40 + "*b")
    assert not pattern.matches("/x/" + "a" * 200)
    assert pattern.matches("/x/" + "a" * 200 + "b")


def _reference(pattern: str) -> re.Pattern:
    out = ""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            close = pattern.index("]", i)
            body = pattern[i + 1:close]
            out += "[^/" + re.escape(body[1:]).replace("\\-", "-") + "]" if body.startswith("!") else \
                "[" + re.escape(body).replace("\\-", "-") + "]"
            i = close
        elif c == "{":
            close = pattern.index("}", i)
            out += "(?:" + "|".join(map(re.escape, pattern[i + 1:close].split(","))) + ")"
            i = close
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out)


part = st.lists(st.sampled_from(["a", "b", "c", "*", "?", "[a-b]", "[!a]", "{a,bc}", "{,c}"]),
                min_size=1, max_size=5).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(part, min_size=1, max_size=3), st.lists(st.text("abc", min_size=1, max_size=6), min_size=1,
                                                          max_size=3))
def test_matching_agrees_with_a_regular_expression_reference(parts, words):
    pattern, address = "/" + "/".join(parts), "/" + "/".join(words)
    assert Pattern(pattern).matches(address) == bool(_reference(pattern).fullmatch(address))
