"""What the fuzz tests (tests/test_fuzz_*.py) share: seeded Hypothesis settings, the
one-sentence check, and a bound on the memory a test's generated inputs may cost.

Every fuzz test is seeded (derandomize: the same cases on every run and machine, so a failure
in CI is the same failure here), keeps no example database, and is in the slow tier; the
regression tests beside them are plain tests, in every run."""
from __future__ import annotations

import contextlib
import re
import resource
import sys

import pytest
from hypothesis import HealthCheck, settings


def fuzz(max_examples: int, deadline_ms: int | None = 5000):
    """A fuzz test: max_examples seeded cases, in the slow tier; a case that takes over
    deadline_ms fails (a hang is a bug). Goes above @given."""
    def mark(test):
        return pytest.mark.slow(settings(max_examples=max_examples, derandomize=True, database=None,
                                         deadline=deadline_ms, suppress_health_check=list(HealthCheck),
                                         print_blob=True)(test))
    return mark


def assert_one_sentence(message: str) -> None:
    """One line, one full stop at its end (a file name's dot is followed by no space; a
    quoted value, as config.shown() quotes it, and a path such as DIR/.. may hold anything)."""
    assert message and "\n" not in message and message.endswith(".") and len(message) < 500, message
    unquoted = re.sub(r"'[^']*'|\"[^\"]*\"|\S*/\S*", "", message)
    assert not re.search(r"\.\s", unquoted), f"more than one sentence: {message}"


def peak_rss_mib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 2**20 if sys.platform == "darwin" else kib / 1024  # bytes on macOS, KiB on Linux


@contextlib.contextmanager
def memory_bound(mib: float):
    """Fails when the process's peak memory grew by more than mib inside the block."""
    before = peak_rss_mib()
    yield
    grown = peak_rss_mib() - before
    assert grown <= mib, f"peak memory grew by {grown:.0f} MiB, over the {mib:.0f} MiB bound"
