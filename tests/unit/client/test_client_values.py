"""The client's Convex-JSON codec: golden vectors from convex-protocol.md §1.3 and round trips."""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.client import Int64
from seeding_suite.client._values import decode_value, encode_value


def test_it_encodes_an_int64_as_little_endian_base64() -> None:
    assert encode_value(Int64(5)) == {"$integer": "BQAAAAAAAAA="}
    assert encode_value(Int64(-1)) == {"$integer": "//////////8="}


def test_it_encodes_bytes_as_base64() -> None:
    assert encode_value(b"\x00\xffhi") == {"$bytes": "AP9oaQ=="}
    assert encode_value(bytearray(b"hi")) == {"$bytes": "aGk="}


@pytest.mark.parametrize("special", [math.nan, math.inf, -math.inf, -0.0])
def test_it_encodes_special_floats_as_dollar_float(special: float) -> None:
    encoded = encode_value(special)
    assert isinstance(encoded, dict)
    raw = struct.pack("<d", special)
    assert encoded == {"$float": base64.b64encode(raw).decode()}


def test_it_sends_ordinary_numbers_and_plain_values_unchanged() -> None:
    value = {"a": 1, "b": 0.0, "c": 2.5, "d": [True, None, "x"], "e": (1, 2)}
    assert encode_value(value) == {"a": 1, "b": 0.0, "c": 2.5, "d": [True, None, "x"], "e": [1, 2]}


def test_it_accepts_ints_up_to_two_to_the_53() -> None:
    assert encode_value(2**53) == 2**53
    assert encode_value(-(2**53)) == -(2**53)


def test_it_rejects_ints_that_a_float64_cannot_hold_and_names_the_spot() -> None:
    with pytest.raises(ValueError, match=r"args\.ops\[1\]\.n: .*Int64"):
        encode_value({"ops": [{}, {"n": 2**53 + 1}]}, "args")


def test_it_rejects_an_int64_outside_the_signed_range() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        Int64(2**63)
    assert Int64(-(2**63)) == -(2**63)


@pytest.mark.parametrize(
    ("mapping", "error", "pattern"),
    [
        ({1: "x"}, TypeError, "field names must be str"),
        ({"$id": "x"}, ValueError, "starts with '\\$'"),
        ({"caf\u00e9": 1}, ValueError, "printable ASCII"),
        ({"x" * 1025: 1}, ValueError, "longer than 1024"),
    ],
)
def test_it_rejects_field_names_convex_refuses(
    mapping: dict[Any, Any], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        encode_value(mapping)


def test_it_rejects_values_that_are_not_convex_values() -> None:
    with pytest.raises(TypeError, match="set is not a Convex value"):
        encode_value({"tags": {"a"}})
    with pytest.raises(ValueError, match="unpaired surrogate"):
        encode_value("\ud800")


def test_it_decodes_json_numbers_as_floats_and_integers_as_int64() -> None:
    decoded = decode_value({"n": 5, "i": {"$integer": "BQAAAAAAAAA="}})
    assert decoded == {"n": 5.0, "i": 5}
    assert type(decoded["n"]) is float
    assert type(decoded["i"]) is Int64


def test_it_decodes_bytes_and_special_floats() -> None:
    assert decode_value({"$bytes": "AP9oaQ=="}) == b"\x00\xffhi"
    assert decode_value({"$float": "AAAAAAAA8H8="}) == math.inf
    assert math.isnan(decode_value({"$float": "AAAAAAAA+H8="}))


@pytest.mark.parametrize(
    "bad",
    [
        {"$id": "x"},
        {"$integer": "BQAA"},
        {"$integer": "not base64!"},
        {"$bytes": 5},
        {"a": 1, "$integer": "BQAAAAAAAAA="},
    ],
)
def test_it_rejects_malformed_encoded_values(bad: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (each case has its own message)
        decode_value(bad)


field_names = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12
).filter(lambda name: not name.startswith("$"))
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1).map(Int64)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.binary()
)
convex_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(field_names, inner, max_size=4),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equality that also tells NaN, -0.0, Int64 and float apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    return bool(a == b)


@given(convex_values)
def test_every_convex_value_survives_a_round_trip_through_json_text(value: Any) -> None:
    text = json.dumps(encode_value(value), allow_nan=False)
    assert same(decode_value(json.loads(text)), value)


@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_a_plain_int_arrives_as_the_equal_float64(number: int) -> None:
    decoded = decode_value(json.loads(json.dumps(encode_value(number))))
    assert type(decoded) is float
    assert decoded == number
