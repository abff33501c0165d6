"""The fake's fast paths agree with its reference rules, and never share state with callers."""

from __future__ import annotations

import base64
import contextlib
import json
import math
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fakes.convex import FakeConvex, Int64, InvalidValue, ManualClock, SqliteStorage, measured, v
from fakes.convex.ids import ALPHABET, _fletcher16, base32_encode
from fakes.convex.measured import normalize_measured
from fakes.convex.values import (
    UNSET,
    copy_value,
    decode_convex_json,
    encode_value,
    is_plain_field_name,
    nesting,
    normalize_value,
    sort_key,
    value_size,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from fakes.convex import Schema

names = st.sampled_from(["a", "b", "_c", "$d", "", "é", "x\n", "k" * 1025, "ok name"])
leaves = (
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(2**54), max_value=2**54)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1).map(Int64)
    | st.binary(max_size=8)
    | st.text(max_size=8)
    | st.just("\ud800")
    | st.just(UNSET)
    | st.just(object())
)
raw_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=24,
)
document_values = st.recursive(  # what a document may hold: -0.0, NaN, Int64 and bytes included
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1).map(Int64)
    | st.binary(max_size=8)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "ok name"]), inner, max_size=3)
    ),
    max_leaves=12,
)


def _has_nested_underscore(value: object, top: bool = True) -> bool:
    if isinstance(value, list):
        return any(_has_nested_underscore(item, False) for item in value)
    if isinstance(value, dict):
        here = not top and any(name.startswith("_") for name in value)
        return here or any(_has_nested_underscore(item, False) for item in value.values())
    return False


@given(raw_values)
def test_the_one_pass_walk_agrees_with_the_reference_rules(value: object) -> None:
    message: str | None = None
    try:
        expected = normalize_value(value)
    except InvalidValue as exc:
        message = str(exc)
    if message is not None:
        with pytest.raises(InvalidValue) as raised:
            normalize_measured(value)
        assert str(raised.value) == message
        return
    measured = normalize_measured(value)
    assert sort_key(measured.value) == sort_key(expected)
    assert measured.size == value_size(expected)
    assert measured.nesting == nesting(expected)
    if _has_nested_underscore(expected):
        assert measured.nested_underscore


def test_the_one_pass_walk_refuses_depth_beyond_convexs_limit() -> None:
    deep: object = "leaf"
    for _ in range(64):
        deep = [deep]
    assert normalize_measured(deep).nesting == 64
    with pytest.raises(InvalidValue, match="too nested"):
        normalize_measured([deep])


validators = [
    v.object({"a": v.string(), "b": v.optional(v.number())}),
    v.union(v.literal("x"), v.literal(1.0), v.null()),
    v.array(v.union(v.boolean(), v.int64())),
    v.record(v.string(), v.bytes()),
    v.object({"n": v.object({"deep": v.array(v.any())}), "k": v.literal("k")}),
    # Type tests (answered by isinstance), alone and inside containers:
    v.union(v.string(), v.null()),
    v.array(v.union(v.number(), v.boolean())),
    v.object({"a": v.string(), "b": v.optional(v.union(v.int64(), v.bytes()))}),
    v.object({"a": v.union(v.object({"b": v.literal("k")}), v.null()), "b": v.optional(v.any())}),
    v.union(v.any(), v.string()),
]


def _reference_matches(described: Any, value: object) -> bool:
    """The plain reading of a validator's JSON description: the oracle of `matches`."""
    kind = described["type"]
    scalars = {"string": str, "number": float, "bigint": Int64, "boolean": bool, "bytes": bytes}
    if kind in scalars:
        return isinstance(value, scalars[kind])
    if kind == "literal":
        return sort_key(value) == sort_key(decode_convex_json(described["value"]))
    if kind == "array":
        return isinstance(value, list) and all(
            _reference_matches(described["value"], item) for item in value
        )
    if kind == "object":
        fields = described["value"]
        return (
            isinstance(value, dict)
            and set(value) <= set(fields)
            and all(
                _reference_matches(field["fieldType"], value[name])
                if name in value
                else field["optional"]
                for name, field in fields.items()
            )
        )
    if kind == "record":
        return isinstance(value, dict) and all(
            _reference_matches(described["keys"], key)
            and _reference_matches(described["values"]["fieldType"], item)
            for key, item in value.items()
        )
    if kind == "union":
        return any(_reference_matches(member, value) for member in described["value"])
    return kind == "any" or (kind == "null" and value is None)


@settings(max_examples=300)
@given(st.sampled_from(validators), raw_values)
def test_a_validators_fast_answer_matches_its_explanation_and_its_plain_reading(
    validator: Any, raw: object
) -> None:
    try:
        value = normalize_value(raw)
    except InvalidValue:
        return
    problem = validator.check(value, "", lambda name: None)
    assert validator.matches(value, lambda name: None) is (problem is None)
    assert validator.matches(value, lambda name: None) is _reference_matches(
        validator.to_json(), value
    )
    if problem is not None:
        assert problem == validator._explain(value, "", lambda name: None)


@settings(max_examples=40, deadline=None)
@example(value={"a": -0.0, "b": [math.nan, -math.inf, Int64(-1), b"\x00"]})
@example(value={"a": "-0.0 in a string", "b": 'a "$quote" and {"$x": 1} in a string'})
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), document_values, max_size=3))
def test_sqlite_stores_the_reference_encoding_and_loads_it_back(
    tmp_path_factory: pytest.TempPathFactory, value: dict[str, object]
) -> None:
    path = tmp_path_factory.mktemp("db") / "db.sqlite3"
    fake = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(), seed=1)
    fake.register("t:put", "mutation", lambda ctx, args: ctx.db.insert("t", args["doc"]))
    fake.mutation("t:put", {"doc": value})
    stored = fake.documents("t")
    fake.close()
    with sqlite3.connect(path) as conn:
        (body,) = conn.execute("SELECT body FROM documents").fetchone()
    reference = encode_value(stored[0], "convex_encoded_json")
    assert body == json.dumps(reference, separators=(",", ":"))
    reopened = FakeConvex(storage=SqliteStorage(path), clock=ManualClock(), seed=1)
    assert sort_key(reopened.documents("t")[0]) == sort_key(stored[0])
    reopened.close()


# ------------------------------------------------------------ no shared state with callers


def _isolation_fake(make_fake: Callable[..., FakeConvex], schema: Schema | None = None) -> Any:
    fake = make_fake(schema)

    def put(ctx: Any, args: dict[str, Any]) -> str:
        doc = args["doc"]
        doc_id: str = ctx.db.insert("t", doc)
        doc["tags"].append("changed after insert")  # the handler's own copy
        return doc_id

    def read(ctx: Any, args: dict[str, Any]) -> Any:
        got = ctx.db.get(args["id"])
        got["tags"].append("changed by a reader")
        listed = ctx.db.query("t").collect()
        listed[0]["tags"].append("changed by a reader")
        return got

    fake.register("t:put", "mutation", put)
    fake.register("t:read", "mutation", read)
    return fake


def test_callers_cannot_change_stored_documents_through_any_copy(
    make_fake: Callable[..., FakeConvex],
) -> None:
    fake = _isolation_fake(make_fake)
    args = {"doc": {"tags": ["a"]}}
    doc_id = fake.mutation("t:put", args)
    assert args == {"doc": {"tags": ["a"]}}  # the caller's arguments are never touched
    returned = fake.mutation("t:read", {"id": doc_id})
    assert isinstance(returned, dict)
    returned["tags"].append("changed by the caller")
    fake.documents("t")[0]["tags"].append("changed by the caller")
    assert fake.documents("t")[0]["tags"] == ["a"]


def test_every_conflict_retry_sees_the_callers_arguments_unchanged(
    make_fake: Callable[..., FakeConvex],
) -> None:
    fake = make_fake()
    seen: list[list[object]] = []

    def grow(ctx: Any, args: dict[str, Any]) -> None:
        seen.append(list(args["items"]))
        args["items"].append("mutated by the attempt")

    fake.register("t:grow", "mutation", grow)
    fake.inject_conflicts(2)
    fake.mutation("t:grow", {"items": ["x"]})
    assert seen == [["x"], ["x"], ["x"]]


def test_a_nested_underscore_field_is_still_refused_after_a_replace(
    make_fake: Callable[..., FakeConvex],
) -> None:
    fake = make_fake()

    def edit(ctx: Any, args: dict[str, Any]) -> None:
        doc_id = ctx.db.insert("t", {"a": {"ok": 1}})
        ctx.db.replace(doc_id, {"a": [{"_bad": 1}]})

    fake.register("t:edit", "mutation", edit)
    with pytest.raises(Exception, match="'_bad' starts with an underscore"):
        fake.mutation("t:edit")
    assert fake.documents("t") == []


# ------------------------------------------------------------ the process-wide name cache


class _LooksLikeAName:
    """Not a string, yet hashes and compares equal to one (the cache must not be fooled)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return other == self.name


@given(st.lists(st.sampled_from(["a", "b", "_c", "$d", "", "é", "x\n", "k" * 1025, "ok name"])))
def test_the_name_cache_holds_only_legal_names(names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(InvalidValue):
            normalize_measured({name: 1})
    assert all(is_plain_field_name(name) for name in measured._known_names)


def test_a_cached_name_admits_no_lookalike_that_the_reference_refuses() -> None:
    normalize_measured({"cached": 1})
    assert "cached" in measured._known_names
    lookalike = _LooksLikeAName("cached")
    with pytest.raises(InvalidValue, match="is not a string"):
        normalize_value({lookalike: 1})
    with pytest.raises(InvalidValue, match="is not a string"):
        normalize_measured({lookalike: 1})


def test_a_full_name_cache_stops_growing_and_still_checks_every_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(measured, "_known_names", set())
    monkeypatch.setattr(measured, "MAX_KNOWN_NAMES", 2)
    assert normalize_measured({"a": 1, "b": 2, "c": 3}).size == value_size({"a": 1, "b": 2, "c": 3})
    assert measured._known_names == {"a", "b"}
    with pytest.raises(InvalidValue, match="starts with '\\$'"):
        normalize_measured({"$d": 1})
    assert measured._known_names == {"a", "b"}


# ------------------------------------------------------------ ids, validators and copies


@given(st.binary(max_size=40))
def test_base32_matches_the_standard_librarys_encoding_in_this_alphabet(data: bytes) -> None:
    standard = base64.b32encode(data).decode("ascii").rstrip("=")
    assert base32_encode(data) == standard.translate(
        str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)
    )


@given(st.binary(max_size=40))
def test_fletcher16_matches_the_running_sums_it_is_defined_by(data: bytes) -> None:
    low = high = 0
    for byte in data:
        low = (low + byte) & 0xFF
        high = (high + low) & 0xFF
    assert _fletcher16(data) == (high << 8) | low


def _containers(value: object) -> list[object]:
    if isinstance(value, list):
        return [value, *(c for item in value for c in _containers(item))]
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in _containers(item))]
    return []


@given(document_values)
def test_a_copy_is_equal_and_shares_no_container(value: Any) -> None:
    copied = copy_value(value)
    assert sort_key(copied) == sort_key(value)
    assert not {id(c) for c in _containers(copied)} & {id(c) for c in _containers(value)}
