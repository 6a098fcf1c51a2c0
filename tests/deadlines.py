"""How long a call bounded by a deadline may take in a test: the deadline, a fifth more and a
fifth of a second. Generous on purpose (these machines are shared and loaded): the tests check
that a probe stops at its deadline, not how fast it is (that is for ``bench/``)."""

from __future__ import annotations


def longest(deadline: float) -> float:
    """The bound a test asserts for something given ``deadline`` seconds."""
    return deadline * 1.2 + 0.2
