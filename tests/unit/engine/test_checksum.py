from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.engine.checksum import canonical_json, checksum, combine

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _reorder(value: object, rng: st.DataObject) -> object:
    if isinstance(value, dict):
        keys = rng.draw(st.permutations(list(value)))
        return {k: _reorder(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_reorder(item, rng) for item in value]
    return value


@given(json_values, st.data())
def test_key_order_does_not_change_the_checksum(value: object, data: st.DataObject) -> None:
    assert checksum(_reorder(value, data)) == checksum(value)


def test_checksum_is_algorithm_versioned_and_content_sensitive() -> None:
    assert checksum({"a": 1}).startswith("c1:sha256:")
    assert checksum({"a": 1}) != checksum({"a": 2})
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'


@given(st.lists(st.text(max_size=5), max_size=6), st.randoms(use_true_random=False))
def test_combined_checksums_ignore_order(items: list[str], rng: object) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert combine(shuffled) == combine(items)
