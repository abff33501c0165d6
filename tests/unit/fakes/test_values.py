"""The Convex value model: codec, validation, size, nesting and order."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes.convex import Int64, InvalidValue, compare_values, decode_convex_json, encode_value
from fakes.convex.values import (
    UNSET,
    check_field_name,
    nesting,
    normalize_value,
    sort_key,
    value_size,
)

field_names = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8
).filter(lambda s: not s.startswith("$"))
scalars = (
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1).map(Int64)
    | st.binary(max_size=16)
    | st.text(max_size=16)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(field_names, inner, max_size=4),
    max_leaves=20,
)


def same(a: object, b: object) -> bool:
    """Type-exact equality (True != 1.0, NaN == NaN, -0.0 != 0.0)."""
    return sort_key(a) == sort_key(b)  # type: ignore[arg-type]


@given(values)
def test_convex_encoded_json_round_trips_every_value(value: object) -> None:
    encoded = encode_value(value, "convex_encoded_json")  # type: ignore[arg-type]
    assert same(decode_convex_json(encoded), value)


def test_it_encodes_int64_as_little_endian_base64() -> None:
    assert encode_value(Int64(5), "convex_encoded_json") == {"$integer": "BQAAAAAAAAA="}
    assert decode_convex_json({"$integer": "BQAAAAAAAAA="}) == Int64(5)


def test_every_json_number_decodes_as_float64() -> None:
    decoded = decode_convex_json({"n": 5})
    assert isinstance(decoded, dict)
    assert type(decoded["n"]) is float


def test_it_uses_float_encoding_only_for_special_floats() -> None:
    minus_zero = encode_value(-0.0, "convex_encoded_json")
    assert isinstance(minus_zero, dict)
    assert same(decode_convex_json(minus_zero), -0.0)
    assert isinstance(encode_value(math.inf, "convex_encoded_json"), dict)
    assert encode_value(1.5, "convex_encoded_json") == 1.5
    finite = {"$float": "AAAAAAAA+D8="}  # 1.5 as LE double
    assert struct.unpack("<d", b"\x00" * 6 + b"\xf8\x3f")[0] == 1.5
    with pytest.raises(InvalidValue, match="should be encoded as a number"):
        decode_convex_json(finite)


@pytest.mark.parametrize(
    "obj",
    [
        {"$foo": 1},
        {"$integer": "BQAAAAAAAAA=", "x": 1},
        {"$integer": "BQAA"},
        {"$bytes": "not base64!"},
        {"a": {"$set": []}},
        float("nan"),
    ],
)
def test_it_rejects_malformed_convex_json(obj: object) -> None:
    with pytest.raises(InvalidValue):
        decode_convex_json(obj)


def test_the_json_format_is_lossy_and_readable() -> None:
    value = {"i": Int64(-7), "b": b"\x01\x02", "n": math.nan, "p": math.inf, "m": -math.inf}
    assert encode_value(value, "json") == {
        "i": "-7",
        "b": "AQI=",
        "n": "NaN",
        "p": "Infinity",
        "m": "-Infinity",
    }


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("a", True),
        ("_x", True),
        ("a b~", True),
        ("$a", False),
        ("", False),
        ("é", False),
        ("a\n", False),
        ("x" * 1024, True),
        ("x" * 1025, False),
    ],
)
def test_field_name_rules(name: str, ok: bool) -> None:
    if ok:
        assert check_field_name(name) == name
    else:
        with pytest.raises(InvalidValue):
            check_field_name(name)


def test_it_rejects_lone_surrogates_in_strings_and_keys() -> None:
    with pytest.raises(InvalidValue, match="surrogate"):
        normalize_value("a\ud800")
    with pytest.raises(InvalidValue, match="surrogate"):
        decode_convex_json(["\udfff"])


def test_array_and_object_limits_are_exact() -> None:
    normalize_value([0] * 8192)
    with pytest.raises(InvalidValue, match="8192"):
        normalize_value([0] * 8193)
    normalize_value({f"f{i}": 0 for i in range(1024)})
    with pytest.raises(InvalidValue, match="1024"):
        normalize_value({f"f{i}": 0 for i in range(1025)})


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_any_value_may_nest_64_levels_but_not_65() -> None:
    assert nesting(normalize_value(_nested(64))) == 64
    with pytest.raises(InvalidValue, match="nested"):
        normalize_value(_nested(65))
    with pytest.raises(InvalidValue, match="nested"):
        decode_convex_json(_nested(65))


def test_ints_become_floats_and_unsafe_ints_are_refused() -> None:
    assert type(normalize_value(3)) is float
    with pytest.raises(InvalidValue):
        normalize_value(2**53 + 1)
    with pytest.raises(InvalidValue):
        Int64(2**63)


def test_undefined_is_dropped_from_objects_and_refused_in_arrays() -> None:
    assert normalize_value({"a": UNSET, "b": 1}) == {"b": 1.0}
    with pytest.raises(InvalidValue):
        normalize_value([UNSET])


def test_value_size_follows_the_convex_formula() -> None:
    assert value_size(None) == 1
    assert value_size(True) == 1
    assert value_size(1.0) == 9
    assert value_size(Int64(1)) == 9
    assert value_size("héllo") == 6 + 2
    assert value_size(b"abc") == 5
    assert value_size([1.0, None]) == 2 + 9 + 1
    assert value_size({"ab": 1.0}) == 2 + (2 + 1 + 9)
    assert nesting({}) == 1
    assert nesting({"a": [1.0]}) == 2


def test_values_order_by_type_then_within_type() -> None:
    ordered = [
        UNSET,
        None,
        Int64(-1),
        Int64(3),
        -math.inf,
        -1.0,
        -0.0,
        0.0,
        2.0,
        math.inf,
        math.nan,
        False,
        True,
        "",
        "B",
        "a",
        "é",
        b"",
        b"\x00",
        [],
        [0.0],
        [0.0, 0.0],
        {},
        {"a": 1.0},
    ]
    for i, a in enumerate(ordered):
        for j, b in enumerate(ordered):
            expected = (i > j) - (i < j)
            assert compare_values(a, b) == expected, (a, b)  # type: ignore[arg-type]


@given(values, values)
def test_compare_values_is_antisymmetric(a: object, b: object) -> None:
    assert compare_values(a, b) == -compare_values(b, a)  # type: ignore[arg-type]
