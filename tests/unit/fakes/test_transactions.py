"""Atomic mutations, conflict retries, fault hooks, transaction limits and persistence."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest

from fakes.convex import (
    ConvexError,
    FakeConvex,
    FunctionFailure,
    InjectedFault,
    ManualClock,
    OccFailure,
    SqliteStorage,
    TransactionLimitError,
    define_schema,
    define_table,
    v,
)
from fakes.convex.ids import encode_id


def test_any_exception_discards_every_write_of_the_mutation(make_fake: Any) -> None:
    fake = make_fake()

    def half(ctx: Any, args: dict[str, Any]) -> None:
        keep = ctx.db.insert("t", {"n": 0})
        ctx.db.patch(keep, {"n": 1})
        assert ctx.db.get(keep)["n"] == 1  # reads see the mutation's own writes
        ctx.db.insert("fresh", {"n": 1})
        raise ConvexError("nope")

    fake.register("t:seed", "mutation", lambda ctx, args: ctx.db.insert("t", {"n": 0}))
    fake.register("t:half", "mutation", half)
    fake.mutation("t:seed")
    before = fake.documents("t")
    with pytest.raises(FunctionFailure, match="Uncaught ConvexError: nope"):
        fake.mutation("t:half")
    assert fake.documents("t") == before
    assert fake.tables() == ["t"]
    reopened = make_fake()
    assert reopened.documents("t") == before
    assert reopened.tables() == ["t"]


def test_a_rolled_back_delete_restores_the_document_and_its_index_entry() -> None:
    schema = define_schema({"t": define_table({"k": v.string()}).index("by_k", ["k"])})
    fake = FakeConvex(schema)
    fake.register("t:add", "mutation", lambda ctx, args: ctx.db.insert("t", {"k": "a"}))

    def drop_then_fail(ctx: Any, args: dict[str, Any]) -> None:
        for doc in ctx.db.query("t").collect():
            ctx.db.delete(doc["_id"])
        raise RuntimeError("crash")

    fake.register("t:drop", "mutation", drop_then_fail)
    fake.register(
        "t:find",
        "query",
        lambda ctx, args: ctx.db.query("t").with_index("by_k", lambda q: q.eq("k", "a")).unique(),
    )
    doc_id = fake.mutation("t:add")
    with pytest.raises(FunctionFailure, match="Uncaught RuntimeError: crash"):
        fake.mutation("t:drop")
    found = fake.query("t:find")
    assert isinstance(found, dict)
    assert found["_id"] == doc_id


def test_conflicts_rerun_the_mutation_then_give_up_after_four_retries() -> None:
    fake = FakeConvex()
    runs: list[int] = []

    def counted(ctx: Any, args: dict[str, Any]) -> object:
        runs.append(1)
        return ctx.db.insert("t", {})

    fake.register("t:add", "mutation", counted)
    fake.inject_conflicts(4)
    fake.mutation("t:add")
    assert len(runs) == 5
    assert len(fake.documents("t")) == 1
    runs.clear()
    fake.inject_conflicts(5)
    with pytest.raises(OccFailure):
        fake.mutation("t:add")
    assert len(runs) == 5
    assert len(fake.documents("t")) == 1


def test_fault_hooks_fire_before_and_after_a_durable_commit(make_fake: Any) -> None:
    fake = make_fake()
    fake.register("t:add", "mutation", lambda ctx, args: ctx.db.insert("t", {}))
    seen: list[tuple[str, str]] = []

    def hook(path: str, phase: str) -> None:
        seen.append((path, phase))
        if phase == "after_commit":
            raise InjectedFault("connection lost")

    fake.set_fault_hook(hook)
    with pytest.raises(InjectedFault):
        fake.mutation("t:add")
    assert seen == [("t:add", "before"), ("t:add", "after_commit")]
    assert len(make_fake().documents("t")) == 1  # durable although the caller never learned

    def refuse(path: str, phase: str) -> None:
        raise InjectedFault("crash before")

    fake.set_fault_hook(refuse)
    with pytest.raises(InjectedFault):
        fake.mutation("t:add")
    assert len(fake.documents("t")) == 1


def test_16000_writes_pass_and_one_more_fails() -> None:
    fake = FakeConvex()

    def many(ctx: Any, args: dict[str, Any]) -> None:
        for _ in range(int(args["n"])):
            ctx.db.insert("t", {})

    fake.register("t:many", "mutation", many)
    fake.mutation("t:many", {"n": 16_000})
    with pytest.raises(FunctionFailure) as info:
        fake.mutation("t:many", {"n": 16_001})
    assert info.value.message == "Too many writes in a single function execution (limit: 16000)"
    assert len(fake.documents("t")) == 16_000


def test_a_caught_limit_error_still_fails_the_call() -> None:
    fake = FakeConvex()

    def sneaky(ctx: Any, args: dict[str, Any]) -> str:
        try:
            for _ in range(16_001):
                ctx.db.insert("t", {})
        except TransactionLimitError:
            return "swallowed"
        return "done"

    fake.register("t:sneaky", "mutation", sneaky)
    with pytest.raises(FunctionFailure, match="Too many writes"):
        fake.mutation("t:sneaky")
    assert fake.documents("t") == []


def test_bytes_written_are_capped_at_16_mib() -> None:
    fake = FakeConvex()

    def big(ctx: Any, args: dict[str, Any]) -> None:
        for _ in range(17):
            ctx.db.insert("t", {"s": "x" * 1_000_000})

    fake.register("t:big", "mutation", big)
    with pytest.raises(FunctionFailure, match="Too many bytes written"):
        fake.mutation("t:big")


def test_reads_are_capped_at_32000_documents_counting_filtered_ones() -> None:
    fake = FakeConvex()
    fake.register(
        "t:fill", "mutation", lambda ctx, args: len([ctx.db.insert("t", {}) for _ in range(16_000)])
    )
    fake.mutation("t:fill")
    fake.mutation("t:fill")

    def scan(ctx: Any, args: dict[str, Any]) -> int:
        return len(ctx.db.query("t").filter(lambda doc: False).collect()) + len(
            ctx.db.query("t").take(int(args["extra"]))
        )

    fake.register("t:scan", "query", scan)
    assert fake.query("t:scan", {"extra": 0}) == 0
    with pytest.raises(FunctionFailure, match=r"Too many documents read .*limit: 32000"):
        fake.query("t:scan", {"extra": 1})


def test_index_ranges_are_capped_at_4096_per_transaction() -> None:
    fake = FakeConvex()
    ids = [encode_id(10001, i.to_bytes(16, "big")) for i in range(4097)]

    def lookups(ctx: Any, args: dict[str, Any]) -> int:
        for doc_id in ids[: int(args["n"])]:
            ctx.db.get(doc_id)
            ctx.db.get(doc_id)  # the same range again is free, as in Convex's interval set
        return 0

    fake.register("t:look", "query", lookups)
    assert fake.query("t:look", {"n": 4096}) == 0
    with pytest.raises(FunctionFailure, match=r"Too many reads .*limit: 4096"):
        fake.query("t:look", {"n": 4097})


def test_creation_times_keep_increasing_across_a_sqlite_reopen(tmp_path: Any) -> None:
    path = tmp_path / "nested" / "db.sqlite3"
    first = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(5_000.0, 1.0))
    first.register("t:add", "mutation", lambda ctx, args: ctx.db.insert("t", {}))
    for _ in range(3):
        first.mutation("t:add")
    last = first.documents("t")[-1]["_creationTime"]
    first.close()
    # a clock that went backwards still cannot produce an older creation time
    second = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(1.0, 1.0))
    second.register("t:add", "mutation", lambda ctx, args: ctx.db.insert("t", {}))
    second.mutation("t:add")
    stamps = [doc["_creationTime"] for doc in second.documents("t")]
    assert len(stamps) == 4
    assert stamps[2] == last
    assert all(a < b for a, b in itertools.pairwise(stamps))  # type: ignore[operator]
    second.close()


def test_concurrent_mutations_serialize(make_fake: Any) -> None:
    fake = make_fake()

    def bump(ctx: Any, args: dict[str, Any]) -> None:
        doc = ctx.db.query("counter").first()
        if doc is None:
            ctx.db.insert("counter", {"n": 1})
        else:
            ctx.db.patch(doc["_id"], {"n": doc["n"] + 1})

    fake.register("c:bump", "mutation", bump)
    threads = [
        threading.Thread(target=lambda: [fake.mutation("c:bump") for _ in range(25)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [doc["n"] for doc in fake.documents("counter")] == [100.0]


def test_bytes_read_are_charged_at_convex_document_size_system_fields_included() -> None:
    """Convex charges `doc.size()` of every document loaded: `_id` and `_creationTime` count.

    Sixteen documents of exactly 1 MiB each read exactly 16 MiB (allowed); one more document,
    however small, breaks the limit. A fake that left out the system fields would accept it.
    """
    fake = FakeConvex()
    fake.register("t:put", "mutation", lambda ctx, args: ctx.db.insert("t", {"s": args["s"]}))
    probe = fake.mutation("t:put", {"s": ""})
    # {"s": ""} with _id and _creationTime: 2 + (1+1+2) + (3+1+len(id)+2) + (13+1+9)
    empty = 2 + 4 + (6 + len(probe)) + 23
    fake.register("t:drop", "mutation", lambda ctx, args: ctx.db.delete(args["id"]))
    fake.mutation("t:drop", {"id": probe})
    for _ in range(16):
        fake.mutation("t:put", {"s": "x" * ((1 << 20) - empty)})
    fake.register("t:all", "query", lambda ctx, args: len(ctx.db.query("t").collect()))
    assert fake.query("t:all") == 16
    fake.mutation("t:put", {"s": ""})
    with pytest.raises(FunctionFailure, match=r"Too many bytes read .*limit: 16777216 bytes"):
        fake.query("t:all")
