"""Validators and schema/index definition rules."""

from __future__ import annotations

import pytest

from fakes.convex import Int64, SchemaDefinitionError, define_schema, define_table, v
from fakes.convex.values import normalize_value

NOTHING = object()


def no_tables(name: str) -> int | None:
    return None


def check(validator: object, value: object) -> str | None:
    return validator.check(normalize_value(value), "", no_tables)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (v.string(), "x", 1),
        (v.number(), 1, Int64(1)),
        (v.float64(), 1.5, "1.5"),
        (v.int64(), Int64(1), 1),
        (v.boolean(), False, 0),
        (v.null(), None, False),
        (v.bytes(), b"x", "x"),
        (v.literal("a"), "a", "b"),
        (v.literal(True), True, 1),
        (v.array(v.string()), ["a"], ["a", 1]),
        (v.object({"a": v.string(), "b": v.optional(v.number())}), {"a": "x"}, {"b": 1}),
        (v.object({"a": v.string()}), {"a": "x"}, {"a": "x", "extra": 1}),
        (v.record(v.string(), v.number()), {"k": 1}, {"k": "x"}),
        (v.union(v.string(), v.null()), None, 1),
        (v.nullable(v.string()), "x", 2),
        (v.any(), {"anything": [1]}, NOTHING),
    ],
)
def test_validators_accept_and_reject_like_convex(
    validator: object, good: object, bad: object
) -> None:
    assert check(validator, good) is None
    if bad is not NOTHING:
        assert check(validator, bad) is not None


def test_missing_required_fields_are_named_in_the_message() -> None:
    problem = check(v.object({"body": v.string()}), {})
    assert problem is not None
    assert "missing the required field `body`" in problem


def test_mismatch_messages_carry_the_path() -> None:
    problem = check(v.object({"a": v.array(v.string())}), {"a": ["x", 1]})
    assert problem is not None
    assert "Path: .a[1]" in problem
    assert "v.string()" in problem


def test_id_validators_need_an_id_of_that_table() -> None:
    from fakes.convex.ids import encode_id

    doc_id = encode_id(10001, bytes(16))
    validator = v.id("users")
    assert validator.check(doc_id, "", lambda name: 10001 if name == "users" else None) is None
    assert validator.check(doc_id, "", lambda name: 10002) is not None
    assert validator.check("nope", "", lambda name: 10001) is not None


def test_optional_is_only_for_object_fields() -> None:
    with pytest.raises(SchemaDefinitionError):
        v.array(v.optional(v.string()))


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("by_id", ["a"]),
        ("by_creation_time", ["a"]),
        ("x" * 65, ["a"]),
        ("by_a", []),
        ("by_a", ["_creationTime"]),
        ("by_a", ["a", "a"]),
        ("by_a", ["$a"]),
        ("by_a", [f"f{i}" for i in range(16)]),
        ("1bad", ["a"]),
    ],
)
def test_index_definitions_follow_convex_rules(name: str, fields: list[str]) -> None:
    with pytest.raises(SchemaDefinitionError):
        define_table({}).index(name, fields)


def test_index_limits_are_exact() -> None:
    define_table({}).index("x" * 64, [f"f{i}" for i in range(15)])
    table = define_table({})
    for i in range(32):
        table.index(f"i{i}", ["a"])
    with pytest.raises(SchemaDefinitionError, match="Too many indexes"):
        table.index("one_more", ["a"])
    with pytest.raises(SchemaDefinitionError, match="Duplicate"):
        define_table({}).index("by_a", ["a"]).index("by_a", ["b"])


def test_system_tables_and_bad_table_names_are_refused() -> None:
    with pytest.raises(SchemaDefinitionError, match="System tables"):
        define_schema({"_users": define_table({})})
    with pytest.raises(SchemaDefinitionError):
        define_schema({"bad-name": define_table({})})


def test_schema_to_json_describes_tables_fields_and_indexes() -> None:
    schema = define_schema(
        {
            "users": define_table({"email": v.string(), "age": v.optional(v.int64())}).index(
                "by_email", ["email"]
            )
        }
    )
    assert schema.to_json() == {
        "schemaValidation": True,
        "tables": [
            {
                "tableName": "users",
                "indexes": [{"indexDescriptor": "by_email", "fields": ["email"]}],
                "documentType": {
                    "type": "object",
                    "value": {
                        "email": {"fieldType": {"type": "string"}, "optional": False},
                        "age": {"fieldType": {"type": "bigint"}, "optional": True},
                    },
                },
            }
        ],
    }


def test_a_copied_table_keeps_its_rules_and_shares_no_index_list() -> None:
    table = define_table({"a": v.string()}).index("by_a", ["a"])
    copied = table.copy()
    copied.index("by_a_too", ["a"])
    assert list(table.indexes) == ["by_a"]
    assert list(copied.indexes) == ["by_a", "by_a_too"]
    assert copied.document is table.document  # validators are shared: they hold no state
    with pytest.raises(SchemaDefinitionError, match="Duplicate index name"):
        table.copy().index("by_a", ["b"])
