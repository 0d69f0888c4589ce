"""Freed heap pages go back to the OS when a piece leaves (glibc's malloc_trim)."""
import sys

import pytest

from stagecraft.installation import heap


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator is the one that keeps pages")
def test_trim_returns_freed_pages_that_the_allocator_kept():
    # 64 KiB blocks come from the heap (below glibc's mmap threshold); freeing every other one
    # leaves holes the allocator keeps until trimmed.
    blocks = [bytearray(b"x" * (64 * 1024)) for _ in range(1600)]
    del blocks[::2]
    before = _rss_kib()
    assert heap.trim()
    after = _rss_kib()
    assert before - after > 25 * 1024, (before, after)
    assert len(blocks) == 800

