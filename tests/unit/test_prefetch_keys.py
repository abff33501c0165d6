"""Prefetch without children: every key comes back for the parent to do (no fork here)."""

from __future__ import annotations

from seeding_suite.prefetch import Prefetch


def test_without_processes_every_key_is_the_parents_in_order() -> None:
    done: list[str] = []
    ahead = Prefetch(done.append, ["a", "b", "c"], 0)
    assert ahead.processes == 0
    assert ahead.take("b") is None
    assert list(ahead.take_all()) == [("a", None), ("c", None)]  # b was taken already
    assert ahead.take("zzz") is None
    assert done == []  # no child ran the work
    assert ahead.handed == 0
