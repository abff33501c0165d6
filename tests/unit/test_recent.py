"""The small LRU map the catalog and the runner keep their working files in."""

from __future__ import annotations

from seeding_suite.recent import Recent


def test_get_makes_once_and_forgets_the_least_recently_used() -> None:
    recent: Recent[str, int] = Recent(2)
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(made)

    assert recent.get("a", lambda: make("a")) == 1
    assert recent.get("b", lambda: make("b")) == 2
    assert recent.get("a", lambda: make("a")) == 1  # remembered; now the most recent
    recent.get("c", lambda: make("c"))  # forgets b, the least recently used
    assert made == ["a", "b", "c"]
    assert recent.peek("b") is None
    assert recent.peek("a") == 1


def test_put_replaces_and_counts_as_a_use() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("a", 3)  # replaced, and now the most recent
    recent.put("c", 4)  # forgets b
    assert (recent.peek("a"), recent.peek("b"), recent.peek("c")) == (3, None, 4)
