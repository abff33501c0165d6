"""A reopened store loads each table on first touch and each index on first read.

Whatever is touched first, and in whatever order, the deployment must answer exactly as the
one that wrote the store: same ids, documents, index orders, creation times and rollbacks.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from fakes.convex import (
    ConvexError,
    FakeConvex,
    FunctionFailure,
    ManualClock,
    SqliteStorage,
    define_schema,
    define_table,
    v,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fakes.convex import Storage
    from fakes.convex.storage import CommitRecord, StoredState

SCHEMA = define_schema(
    {
        "a": define_table({"k": v.any(), "n": v.optional(v.any())}).index("by_k", ["k", "n"]),
        "b": define_table({"k": v.any(), "n": v.optional(v.any())}).index("by_k", ["k", "n"]),
    },
    schema_validation=False,
)


def _register(fake: FakeConvex) -> FakeConvex:
    fake.register("t:add", "mutation", lambda ctx, args: ctx.db.insert(args["t"], args["doc"]))
    fake.register("t:patch", "mutation", lambda ctx, args: ctx.db.patch(args["id"], args["doc"]))
    fake.register("t:delete", "mutation", lambda ctx, args: ctx.db.delete(args["id"]))
    fake.register("t:get", "query", lambda ctx, args: ctx.db.get(args["id"]))
    fake.register(
        "t:by_k",
        "query",
        lambda ctx, args: ctx.db.query(args["t"]).with_index("by_k").order(args["order"]).collect(),
    )
    fake.register(
        "t:by_id", "query", lambda ctx, args: ctx.db.query(args["t"]).with_index("by_id").collect()
    )
    return fake


Reopen = Callable[..., FakeConvex]


@pytest.fixture
def reopen(make_store: Callable[[], Storage]) -> Iterator[Reopen]:
    """`reopen(store=None)`: the store reopened, its clock behind the stored times.

    Another seed than the writer's: a generator replaying the writer's seed would hand out
    the writer's ids again (a limit of seeded ids, not of loading).
    """
    opened: list[FakeConvex] = []

    def make(store: Storage | None = None) -> FakeConvex:
        storage = store if store is not None else make_store()
        fake = FakeConvex(SCHEMA, storage, ManualClock(1_700_000_000_000.0, 1.0), seed=2)
        opened.append(fake)
        return _register(fake)

    yield make
    for fake in opened:
        fake.close()


def _written(make_fake: Callable[..., FakeConvex]) -> FakeConvex:
    """A deployment with inserts, patches (moving index entries) and deletes in two tables."""
    fake = _register(make_fake(SCHEMA))
    ids = [
        fake.mutation("t:add", {"t": table, "doc": {"k": k, "n": n}})
        for table, k, n in itertools.product("ab", ["y", "x", 3], [2, 1])
    ]
    fake.mutation("t:patch", {"id": ids[0], "doc": {"k": "a-moved"}})
    fake.mutation("t:patch", {"id": ids[7], "doc": {"n": 0}})
    fake.mutation("t:delete", {"id": ids[3]})
    fake.mutation("t:delete", {"id": ids[10]})
    return fake


def _view(fake: FakeConvex) -> dict[str, object]:
    """Everything observable about tables a and b, through the function API and introspection."""
    view: dict[str, object] = {"tables": fake.tables()}
    for table in "ab":
        docs = fake.documents(table)
        view[table] = docs
        view[f"{table} gets"] = [fake.query("t:get", {"id": d["_id"]}) for d in docs]
        for order in ("asc", "desc"):
            view[f"{table} {order}"] = fake.query("t:by_k", {"t": table, "order": order})
        view[f"{table} by_id"] = fake.query("t:by_id", {"t": table})
    return view


def _first_id(fake: FakeConvex, table: str) -> str:
    doc_id = fake.documents(table)[0]["_id"]
    assert isinstance(doc_id, str)
    return doc_id


# What a reopened deployment does first (before any index of the table was read).
TOUCH_FIRST: dict[str, Callable[[FakeConvex, str], object]] = {
    "an index query": lambda fake, doc_id: fake.query("t:by_k", {"t": "b", "order": "desc"}),
    "a get by id": lambda fake, doc_id: fake.query("t:get", {"id": doc_id}),
    "a patch moving an index entry": lambda fake, doc_id: fake.mutation(
        "t:patch", {"id": doc_id, "doc": {"k": 0.5}}
    ),
    "a delete": lambda fake, doc_id: fake.mutation("t:delete", {"id": doc_id}),
    "nothing": lambda fake, doc_id: None,
}


@pytest.mark.parametrize("first", TOUCH_FIRST)
def test_a_reopened_store_answers_as_the_deployment_that_wrote_it(
    make_fake: Callable[..., FakeConvex], reopen: Reopen, first: str
) -> None:
    written = _written(make_fake)
    doc_id = _first_id(written, "a")
    reopened = reopen()
    for fake in (written, reopened):
        TOUCH_FIRST[first](fake, doc_id)
    assert _view(reopened) == _view(written)


def test_an_insert_before_any_read_lands_in_index_order(
    make_fake: Callable[..., FakeConvex], reopen: Reopen
) -> None:
    written = _written(make_fake)
    reopened = reopen()
    for fake in (written, reopened):
        fake.mutation("t:add", {"t": "b", "doc": {"k": "x", "n": 1.5}})

    def keys(fake: FakeConvex, order: str) -> list[tuple[object, object]]:
        docs: Any = fake.query("t:by_k", {"t": "b", "order": order})
        return [(d["k"], d["n"]) for d in docs]  # unique pairs: they fix the order

    for order in ("asc", "desc"):
        assert keys(reopened, order) == keys(written, order)
    assert [d["k"] for d in reopened.documents("b")] == [d["k"] for d in written.documents("b")]


def _undone_writes(ctx: Any, args: dict[str, Any]) -> None:
    """Touch both tables and every kind of index update, then fail: nothing may remain."""
    a_docs = ctx.db.query("a").collect()
    ctx.db.insert("a", {"k": "new", "n": 0})
    ctx.db.patch(a_docs[0]["_id"], {"k": 0})
    b_first = ctx.db.query("b").first()
    ctx.db.replace(b_first["_id"], {"k": "replaced"})
    ctx.db.delete(a_docs[-1]["_id"])
    raise ConvexError("undo all")


@pytest.mark.parametrize("read_first", [False, True])
def test_rolled_back_writes_leave_lazily_loaded_tables_as_they_were(
    make_fake: Callable[..., FakeConvex], reopen: Reopen, read_first: bool
) -> None:
    before = _view(_written(make_fake))
    reopened = reopen()
    if read_first:  # the indexes are built before the writes, else after the rollback
        _view(reopened)
    reopened.register("t:undo", "mutation", _undone_writes)
    with pytest.raises(FunctionFailure, match="undo all"):
        reopened.mutation("t:undo", {})
    assert _view(reopened) == before
    assert _view(reopen()) == before  # and nothing of it was stored


def test_new_creation_times_pass_documents_of_tables_not_loaded_yet(
    make_fake: Callable[..., FakeConvex], reopen: Reopen
) -> None:
    written = _written(make_fake)
    stamps: list[Any] = [d["_creationTime"] for t in "ab" for d in written.documents(t)]
    newest = max(stamps)
    reopened = reopen()
    reopened.mutation("t:add", {"t": "c", "doc": {}})
    [created] = reopened.documents("c")
    assert created["_creationTime"] > newest


def test_the_high_water_mark_covers_stored_documents_even_without_its_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    first = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(5_000.0, 1.0))
    first.register("t:add", "mutation", lambda ctx, args: ctx.db.insert(args["t"], {}))
    first.mutation("t:add", {"t": "old"})
    [old] = first.documents("old")
    first.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta")
    second = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(1.0, 1.0))
    second.register("t:add", "mutation", lambda ctx, args: ctx.db.insert(args["t"], {}))
    second.mutation("t:add", {"t": "new"})
    [new] = second.documents("new")
    assert new["_creationTime"] > old["_creationTime"]  # type: ignore[operator]
    second.close()


class _CountingStore:
    """A store whose tables say when they are loaded."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.loaded: list[str] = []

    def load(self) -> StoredState:
        state = self.inner.load()
        for table, load in state.documents.items():
            state.documents[table] = self._counted(table, load)
        return state

    def _counted(self, table: str, load: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
        def counted() -> list[Any]:
            self.loaded.append(table)
            return load()

        return counted

    def commit(self, record: CommitRecord) -> None:
        self.inner.commit(record)

    def close(self) -> None:
        self.inner.close()


def test_only_touched_tables_are_loaded_and_each_once(
    make_fake: Callable[..., FakeConvex], make_store: Callable[[], Storage], reopen: Reopen
) -> None:
    _written(make_fake)
    store = _CountingStore(make_store())
    fake = reopen(store)
    assert fake.tables() == ["a", "b"]
    assert store.loaded == []
    fake.query("t:by_k", {"t": "a", "order": "asc"})
    fake.mutation("t:add", {"t": "a", "doc": {"k": 1}})
    fake.documents("a")
    assert store.loaded == ["a"]


def test_a_store_opened_twice_shows_each_deployment_the_state_at_its_open(
    make_fake: Callable[..., FakeConvex], reopen: Reopen
) -> None:
    first = _written(make_fake)
    second = reopen()
    first.mutation("t:add", {"t": "a", "doc": {"k": "after the second opened"}})
    assert len(second.documents("a")) == len(first.documents("a")) - 1


def test_a_reopened_store_with_the_same_seed_never_reissues_a_live_id(tmp_path: Path) -> None:
    """Convex never reuses an id; a seeded id source replays its sequence after a reopen."""
    ids = []
    for _ in range(2):
        fake = _register(FakeConvex(SCHEMA, SqliteStorage(tmp_path / "s.sqlite3"), seed=7))
        ids.append(fake.call("t:add", {"t": "a", "doc": {"k": len(ids)}}, admin=True))
        fake.close()
    reopened = _register(FakeConvex(SCHEMA, SqliteStorage(tmp_path / "s.sqlite3"), seed=7))
    assert ids[0] != ids[1]
    assert reopened.call("t:get", {"id": ids[0]}, admin=True)["k"] == 0
    assert reopened.call("t:get", {"id": ids[1]}, admin=True)["k"] == 1
