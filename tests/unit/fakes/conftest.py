"""Fixtures for the fake Convex tests: a deployment over each kind of store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from fakes.convex import FakeConvex, ManualClock, MemoryStorage, SqliteStorage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from fakes.convex import Schema, Storage


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Storage]:
    """A factory of stores; for SQLite each call reopens the same file."""
    memory = MemoryStorage()

    def make() -> Storage:
        if request.param == "memory":
            return memory
        return SqliteStorage(tmp_path / "state" / "db.sqlite3")

    return make


@pytest.fixture
def make_fake(make_store: Callable[[], Storage]) -> Iterator[Callable[..., FakeConvex]]:
    opened: list[FakeConvex] = []

    def make(schema: Schema | None = None, start_ms: float = 1_700_000_000_000.0) -> FakeConvex:
        fake = FakeConvex(schema, make_store(), ManualClock(start_ms, 1.0), seed=1)
        opened.append(fake)
        return fake

    yield make
    for fake in opened:
        fake.close()
