"""Document ids (v6 format) and strictly increasing creation times."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes.convex import InvalidValue, ManualClock, decode_id, is_valid_id
from fakes.convex.ids import CreationTimes, IdGenerator, encode_id


def test_it_matches_the_backends_stability_vector() -> None:
    internal = [251]
    for _ in range(15):
        internal.append(internal[-1] * 251 % 256)
    assert encode_id(1017, bytes(internal)) == "z43zp6c3e75gkmz1kfwj6mbbx5sw281h"


def test_user_table_ids_are_32_lowercase_crockford_chars() -> None:
    doc_id = IdGenerator(random.Random(0)).new_id(10001, 1.7e12)
    assert len(doc_id) == 32
    assert set(doc_id) <= set("0123456789abcdefghjkmnpqrstvwxyz")
    assert decode_id(doc_id)[0] == 10001
    assert len(encode_id(1, bytes(16))) == 31


def test_the_internal_id_ends_with_the_big_endian_day_number() -> None:
    now_ms = 20_000 * 86_400_000 + 5.0
    _, internal = decode_id(IdGenerator(random.Random(0)).new_id(10001, now_ms))
    assert int.from_bytes(internal[14:], "big") == 20_000


def test_a_seeded_generator_reproduces_its_ids() -> None:
    first = [IdGenerator(random.Random(7)).new_id(10002, 1.0) for _ in range(2)]
    assert first[0] == first[1]


@given(st.integers(min_value=1, max_value=2**32 - 1), st.binary(min_size=16, max_size=16))
def test_ids_round_trip(table: int, internal: bytes) -> None:
    assert decode_id(encode_id(table, internal)) == (table, internal)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "j57dh936291p3wedm348xz3m1s7205t",  # too short for its table number
        "J57DH936291P3WEDM348XZ3M1S7205TP",  # uppercase is not canonical
        "j57dh936291p3wedm348xz3m1s7205tq",  # footer mismatch
        "j57dh936291p3wedm348xz3m1s7205tu",  # 'u' is not in the alphabet
        "0000000000000000000000000000000",  # table number 0
    ],
)
def test_decoding_is_strict(bad: str) -> None:
    assert is_valid_id("j57dh936291p3wedm348xz3m1s7205tp")
    assert not is_valid_id(bad)
    with pytest.raises(InvalidValue, match="Unable to decode ID"):
        decode_id(bad)


def test_creation_times_strictly_increase_even_when_the_clock_stalls() -> None:
    times = CreationTimes(ManualClock(start_ms=1000.0, step_ms=0.0))
    stamps = [times.next() for _ in range(5)]
    assert stamps[0] == 1000.0
    assert all(a < b for a, b in itertools.pairwise(stamps))
    backwards = CreationTimes(ManualClock(start_ms=10.0), high_water_ms=500.0)
    assert backwards.next() > 500.0
