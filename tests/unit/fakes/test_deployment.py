"""FakeConvex: calls, visibility, atomicity, conflicts, faults, document rules, persistence."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.convex import (
    UNSET,
    BadRequest,
    ConvexError,
    FakeConvex,
    FunctionFailure,
    Int64,
    define_schema,
    define_table,
    is_valid_id,
    v,
)
from fakes.convex.ids import decode_id

Make = "Callable[..., FakeConvex]"


def insert(ctx: Any, args: dict[str, Any]) -> object:
    return ctx.db.insert(args["table"], args["doc"])


def count(ctx: Any, args: dict[str, Any]) -> object:
    return len(ctx.db.query(args["table"]).collect())


def with_basics(fake: FakeConvex) -> FakeConvex:
    fake.register("docs:insert", "mutation", insert)
    fake.register("docs:count", "query", count)
    return fake


# ---------------------------------------------------------------- function calls


@pytest.mark.parametrize(
    ("path", "key"),
    [("docs:count", "docs:count"), ("docs.js:count", "docs:count"), ("init", "init:default")],
)
def test_paths_normalize_like_convex(path: str, key: str) -> None:
    fake = FakeConvex()
    fake.register(key, "query", lambda ctx, args: "ok")
    assert fake.query(path, {}) == "ok"


@pytest.mark.parametrize("path", ["", "a:b:c", "docs.ts:x", "a//b:c", "a:1x", "a:__", "a:b-c"])
def test_bad_paths_are_bad_requests(path: str) -> None:
    with pytest.raises(BadRequest) as info:
        FakeConvex().call(path, {}, kind="any", admin=True)
    assert info.value.code == "BadConvexFunctionIdentifier"
    assert info.value.status == 400


def test_internal_functions_look_missing_to_non_admins() -> None:
    fake = FakeConvex()
    fake.register("seeding:run", "mutation", lambda ctx, args: 1, visibility="internal")
    assert fake.call("seeding:run", {}, kind="mutation", admin=True) == 1.0
    with pytest.raises(FunctionFailure) as info:
        fake.call("seeding:run", {}, kind="mutation", admin=False)
    assert info.value.message == "Could not find public function for 'seeding:run'."
    with pytest.raises(FunctionFailure, match="Could not find public function for 'nope:x'"):
        fake.call("nope:x", {}, kind="any", admin=True)


def test_calling_a_query_as_a_mutation_fails_with_convexs_message() -> None:
    fake = with_basics(FakeConvex())
    with pytest.raises(FunctionFailure) as info:
        fake.call("docs:count", {"table": "t"}, kind="mutation", admin=True)
    assert info.value.message == (
        "Trying to execute docs.js:count as Mutation, but it is defined as Query."
    )


def test_argument_validators_reject_plain_numbers_for_int64() -> None:
    fake = FakeConvex()
    fake.register("f:g", "query", lambda ctx, args: args["n"], args=v.object({"n": v.int64()}))
    assert fake.query("f:g", {"n": Int64(3)}) == Int64(3)
    with pytest.raises(FunctionFailure) as info:
        fake.query("f:g", {"n": 3})
    assert info.value.message.startswith("ArgumentValidationError: ")


def test_returns_validators_and_convex_error_data_reach_the_caller() -> None:
    fake = FakeConvex()
    fake.register("f:bad", "query", lambda ctx, args: 1, returns=v.string())
    with pytest.raises(FunctionFailure, match="ReturnsValidationError"):
        fake.query("f:bad", {})

    def boom(ctx: Any, args: dict[str, Any]) -> None:
        raise ConvexError({"code": "PRECONDITION_FAILED"})

    fake.register("f:boom", "mutation", boom)
    with pytest.raises(FunctionFailure) as info:
        fake.mutation("f:boom", {})
    assert info.value.message == 'Uncaught ConvexError: {"code": "PRECONDITION_FAILED"}'
    assert info.value.data == {"code": "PRECONDITION_FAILED"}


def test_arguments_over_16_mib_are_refused() -> None:
    fake = FakeConvex()
    fake.register("f:g", "query", lambda ctx, args: None)
    # size = 2 + (1 + 1 + (len + 2)): exactly 16 MiB passes, one byte more fails
    limit = (1 << 24) - 6
    assert fake.query("f:g", {"s": "x" * limit}) is None
    with pytest.raises(FunctionFailure, match="too large"):
        fake.query("f:g", {"s": "x" * (limit + 1)})


# ---------------------------------------------------------------- documents


def test_inserts_get_ids_of_their_table_and_increasing_creation_times(make_fake: Any) -> None:
    fake = with_basics(make_fake())
    first = fake.mutation("docs:insert", {"table": "items", "doc": {"a": 1}})
    second = fake.mutation("docs:insert", {"table": "other", "doc": {"a": 1}})
    third = fake.mutation("docs:insert", {"table": "items", "doc": {"a": 2}})
    assert isinstance(first, str)
    assert is_valid_id(first)
    assert len(first) == 32
    assert decode_id(first)[0] == decode_id(str(third))[0] == 10001
    assert decode_id(str(second))[0] == 10002
    assert fake.tables() == ["items", "other"]
    docs = fake.documents("items")
    assert [d["_id"] for d in docs] == [first, third]
    assert docs[0]["_creationTime"] < docs[1]["_creationTime"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("table", "doc", "message"),
    [
        ("_users", {"a": 1}, "System tables (prefixed with `_`) are read-only."),
        ("items", {"_secret": 1}, "only allowed for system fields"),
        ("items", {"_id": "x"}, "only allowed for system fields"),
        ("items", {"a": {"_b": 1}}, "not allowed for nested fields"),
        ("items", {"a": {"$b": 1}}, "reserved"),
        ("bad-name", {"a": 1}, "table name"),
    ],
)
def test_document_and_table_name_rules(table: str, doc: dict[str, object], message: str) -> None:
    fake = FakeConvex()
    fake.register("t:put", "mutation", lambda ctx, args: ctx.db.insert(table, doc))
    with pytest.raises(FunctionFailure, match="Uncaught Error") as info:
        fake.mutation("t:put")
    assert message in info.value.message
    assert fake.tables() == []


def _deep(depth: int) -> dict[str, object]:
    doc: dict[str, object] = {"leaf": 1}
    for _ in range(depth - 1):
        doc = {"x": doc}
    return doc


def test_documents_nest_at_most_16_levels() -> None:
    fake = with_basics(FakeConvex())
    fake.mutation("docs:insert", {"table": "t", "doc": _deep(16)})
    with pytest.raises(FunctionFailure, match="too nested"):
        fake.mutation("docs:insert", {"table": "t", "doc": _deep(17)})


def test_documents_are_at_most_one_mib_including_system_fields() -> None:
    fake = with_basics(FakeConvex())
    # doc = {_id: 34, _creationTime: 9, s: len+2}: 2 + (3+1+34) + (13+1+9) + (1+1+len+2)
    overhead = 2 + (3 + 1 + 34) + (13 + 1 + 9) + (1 + 1 + 2)
    fake.mutation("docs:insert", {"table": "t", "doc": {"s": "x" * ((1 << 20) - overhead)}})
    with pytest.raises(FunctionFailure, match="too large"):
        fake.mutation("docs:insert", {"table": "t", "doc": {"s": "x" * ((1 << 20) - overhead + 1)}})


def test_patch_merges_unset_removes_and_replace_keeps_system_fields(make_fake: Any) -> None:
    fake = make_fake()

    def edit(ctx: Any, args: dict[str, Any]) -> object:
        doc_id = ctx.db.insert("t", {"a": 1, "b": 2})
        ctx.db.patch(doc_id, {"b": UNSET, "c": 3})
        patched = ctx.db.get(doc_id)
        ctx.db.replace(doc_id, {"z": True})
        return [patched, ctx.db.get(doc_id)]

    fake.register("t:edit", "mutation", edit)
    patched, replaced = fake.mutation("t:edit")  # type: ignore[misc]
    assert {k: patched[k] for k in ("a", "c")} == {"a": 1.0, "c": 3.0}
    assert "b" not in patched
    assert replaced["_id"] == patched["_id"]
    assert replaced["_creationTime"] == patched["_creationTime"]
    assert set(replaced) == {"_id", "_creationTime", "z"}


@pytest.mark.parametrize(
    ("op", "verb"), [("patch", "Update"), ("replace", "Replace"), ("delete", "Delete")]
)
def test_writes_to_missing_documents_fail(op: str, verb: str) -> None:
    fake = FakeConvex()

    def run(ctx: Any, args: dict[str, Any]) -> None:
        doc_id = ctx.db.insert("t", {})
        ctx.db.delete(doc_id)
        assert ctx.db.get(doc_id) is None
        if op == "delete":
            ctx.db.delete(doc_id)
        else:
            getattr(ctx.db, op)(doc_id, {})

    fake.register("t:run", "mutation", run)
    with pytest.raises(FunctionFailure, match=f"{verb} on nonexistent document ID"):
        fake.mutation("t:run")


def test_system_fields_are_immutable() -> None:
    fake = FakeConvex()

    def run(ctx: Any, args: dict[str, Any]) -> None:
        doc_id = ctx.db.insert("t", {})
        ctx.db.patch(doc_id, {"_creationTime": 5})

    fake.register("t:run", "mutation", run)
    with pytest.raises(FunctionFailure, match="system field"):
        fake.mutation("t:run")


def test_get_of_an_unknown_table_id_is_none_and_normalize_id_checks_the_table() -> None:
    fake = with_basics(FakeConvex())
    doc_id = str(fake.mutation("docs:insert", {"table": "a", "doc": {}}))
    fake.register("q:get", "query", lambda ctx, args: ctx.db.get(args["id"]))
    fake.register(
        "q:norm", "query", lambda ctx, args: ctx.db.normalize_id(args["table"], args["id"])
    )
    from fakes.convex.ids import encode_id

    assert fake.query("q:get", {"id": encode_id(10099, bytes(16))}) is None
    assert fake.query("q:norm", {"table": "a", "id": doc_id}) == doc_id
    assert fake.query("q:norm", {"table": "b", "id": doc_id}) is None
    assert fake.query("q:norm", {"table": "a", "id": "garbage"}) is None


def test_queries_cannot_write() -> None:
    fake = FakeConvex()
    fake.register("q:w", "query", lambda ctx, args: ctx.db.insert("t", {}))
    with pytest.raises(FunctionFailure):
        fake.query("q:w")
    assert fake.tables() == []


# ---------------------------------------------------------------- schema


def test_schema_validation_applies_to_listed_tables_only() -> None:
    schema = define_schema({"users": define_table({"name": v.string()})})
    fake = with_basics(FakeConvex(schema))
    assert fake.tables() == ["users"]  # created on push, as Convex does
    fake.mutation("docs:insert", {"table": "users", "doc": {"name": "a"}})
    fake.mutation("docs:insert", {"table": "free", "doc": {"anything": 1}})
    with pytest.raises(FunctionFailure, match='table "users" because it does not match'):
        fake.mutation("docs:insert", {"table": "users", "doc": {"name": 1}})
    off = with_basics(FakeConvex(define_schema({"users": define_table({})}, False)))
    off.mutation("docs:insert", {"table": "users", "doc": {"name": 1}})


def test_schema_checks_patches_too() -> None:
    schema = define_schema({"users": define_table({"name": v.string()})})
    fake = FakeConvex(schema)

    def run(ctx: Any, args: dict[str, Any]) -> None:
        ctx.db.patch(ctx.db.insert("users", {"name": "a"}), {"age": 3})

    fake.register("u:run", "mutation", run)
    with pytest.raises(FunctionFailure, match="extra field `age`"):
        fake.mutation("u:run")
    assert fake.documents("users") == []
