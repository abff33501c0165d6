"""The manifest document's text: each embedded schema encoded once, the plain dump's bytes."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from seeding_suite.engine.checksum import canonical_json
from seeding_suite.engine.desired import MANIFEST_PART_BYTES, desired_integration, manifest_parts
from seeding_suite.environments import EnvironmentPolicy
from seeding_suite.model import Manifest

SLOT_LOOKALIKE = "\x00schema\x000"

# JSON-shaped data, as the loader admits it: string keys, finite numbers.
json_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | st.just(SLOT_LOOKALIKE),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=10,
)
schemas = st.none() | st.booleans() | st.dictionaries(st.text(max_size=4), json_data, max_size=3)


def _manifest(actions: list[tuple[Any, Any]], triggers: list[Any], text: str) -> Manifest:
    return Manifest.model_validate(
        {
            "manifest_version": 1,
            "id": "demo",
            "name": "Demo",
            "version": "1.0.0",
            "description": text,
            "actions": [
                {"id": f"a{i}", "name": "A", "input_schema": given_in, "output_schema": given_out}
                for i, (given_in, given_out) in enumerate(actions)
            ],
            "triggers": [
                {"id": f"t{i}", "name": "T", "kind": "webhook", "output_schema": out}
                for i, out in enumerate(triggers)
            ],
        }
    )


def _manifest_json(manifest: Manifest) -> object:
    docs = desired_integration(manifest).docs
    return next(doc.payload["manifestJson"] for doc in docs if doc.table == "manifests")


@example(actions=[({"a": SLOT_LOOKALIKE}, None)], triggers=[True], text="")
@example(actions=[({"type": "object"}, None)], triggers=[], text=SLOT_LOOKALIKE)
@given(
    st.lists(st.tuples(schemas, schemas), max_size=3),
    st.lists(schemas, max_size=2),
    st.text(max_size=8) | st.just(SLOT_LOOKALIKE),
)
def test_the_manifest_text_is_the_canonical_json_of_the_whole_dump(
    actions: list[tuple[Any, Any]], triggers: list[Any], text: str
) -> None:
    manifest = _manifest(actions, triggers, text)
    assert _manifest_json(manifest) == canonical_json(manifest.model_dump(mode="json"))


def test_a_schema_that_is_not_json_fails_only_where_it_is_seeded() -> None:
    """As before the splice: the manifest text is the dump's, and only a seeded action encodes
    its own schema (a flag that is off leaves it out)."""
    manifest = Manifest.model_validate(
        {
            "manifest_version": 1,
            "id": "demo",
            "name": "Demo",
            "version": "1.0.0",
            "actions": [{"id": "a", "name": "A", "input_schema": {"x": math.inf}, "flag": "f"}],
        }
    )
    off = EnvironmentPolicy("staging", flags={"f": False})
    docs = desired_integration(manifest, off).docs
    text = next(doc.payload["manifestJson"] for doc in docs if doc.table == "manifests")
    assert text == canonical_json(manifest.model_dump(mode="json"))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300), part_bytes=st.integers(4, 64))
def test_manifest_parts_join_to_the_text_each_within_its_bytes(text: str, part_bytes: int) -> None:
    """The manifest cache's parts: in key order they are the text; none passes its budget."""
    parts = manifest_parts("stripe", text, part_bytes)
    assert "".join(part for _, part in parts) == text
    assert all(len(part.encode("utf-8")) <= part_bytes for _, part in parts)
    keys = [key for key, _ in parts]
    assert keys[0] == "stripe" and keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(part for _, part in parts) or text == ""


def test_a_manifest_over_the_part_size_is_split_and_each_part_is_a_document() -> None:
    big = {"type": "object", "description": "é" * (MANIFEST_PART_BYTES // 2 + 10)}
    manifest = Manifest.model_validate(
        {
            "manifest_version": 1,
            "id": "demo",
            "name": "Demo",
            "version": "1.0.0",
            "actions": [{"id": "a", "name": "A", "input_schema": big}],
        }
    )
    docs = desired_integration(manifest).docs
    parts = [doc for doc in docs if doc.table == "manifests"]
    assert [d.natural_key for d in parts] == ["demo", "demo/part-0002"]
    text = "".join(str(d.payload["manifestJson"]) for d in parts)
    assert text == canonical_json(manifest.model_dump(mode="json"))
    assert len({d.checksum for d in parts}) == 2
