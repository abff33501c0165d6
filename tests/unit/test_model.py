"""The manifest model: strict types, normalization, and its exported JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import ValidationError

from seeding_suite.model import DependencySpec, Manifest
from seeding_suite.schema_export import manifest_json_schema, manifest_json_schema_text

COMMITTED = Path(__file__).parents[2] / "seeding_suite" / "manifest.schema.json"


def minimal(**fields: Any) -> dict[str, Any]:
    return {"manifest_version": 1, "id": "stripe", "name": "Stripe", "version": "2.3.0", **fields}


def error_types(data: dict[str, Any]) -> dict[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as caught:
        Manifest.model_validate(data)
    return {tuple(e["loc"]): e["type"] for e in caught.value.errors()}


def test_it_accepts_a_minimal_manifest_with_defaults() -> None:
    manifest = Manifest.model_validate(minimal())
    assert manifest.channel == "stable"
    assert manifest.environments is None
    assert (manifest.dependencies, manifest.connections, manifest.actions) == ([], [], [])


def test_it_normalizes_bare_and_ranged_dependencies() -> None:
    manifest = Manifest.model_validate(
        minimal(dependencies=["webhooks-core", {"id": "http-core", "version": ">=1.2.0 <2.0.0"}])
    )
    assert [(d.id, d.range) for d in manifest.dependencies] == [
        ("webhooks-core", "*"),
        ("http-core", ">=1.2.0 <2.0.0"),
    ]
    assert all(isinstance(d, DependencySpec) for d in manifest.dependencies)


@pytest.mark.parametrize("version", [True, 1.0, "1", 2])
def test_it_rejects_a_manifest_version_that_is_not_the_integer_1(version: object) -> None:
    assert ("manifest_version",) in error_types(minimal(manifest_version=version))


@pytest.mark.parametrize("version", ["1.2", "v1.2.3", "01.2.3", 2.3, "1.2.3 "])
def test_it_rejects_versions_that_are_not_semver(version: object) -> None:
    assert ("version",) in error_types(minimal(version=version))


def test_it_keeps_the_version_string_as_written() -> None:
    assert Manifest.model_validate(minimal(version="1.0.0-rc.1+build.5")).version == (
        "1.0.0-rc.1+build.5"
    )


@pytest.mark.parametrize("slug", ["Stripe", "s", "1stripe", "stripe_pay", "a" * 64])
def test_it_rejects_ids_that_are_not_slugs(slug: str) -> None:
    assert error_types(minimal(id=slug)) == {("id",): "string_pattern_mismatch"}


def test_it_rejects_unknown_keys_at_every_level() -> None:
    data = minimal(chanel="beta", actions=[{"id": "a", "name": "A", "conection": "x"}])
    found = error_types(data)
    assert found[("chanel",)] == "extra_forbidden"
    assert found[("actions", 0, "conection")] == "extra_forbidden"


def test_it_does_not_coerce_strings_to_booleans() -> None:
    connection = {
        "id": "c",
        "name": "C",
        "auth": "none",
        "fields": [{"name": "k", "secret": "yes"}],
    }
    assert error_types(minimal(connections=[connection])) == {
        ("connections", 0, "fields", 0, "secret"): "bool_type"
    }


def test_a_field_label_defaults_to_its_name() -> None:
    connection = {"id": "c", "name": "C", "auth": "none", "fields": [{"name": "api_key"}]}
    manifest = Manifest.model_validate(minimal(connections=[connection]))
    assert manifest.connections[0].fields[0].label == "api_key"


def test_it_rejects_a_bad_dependency_range_and_a_range_key() -> None:
    found = error_types(
        minimal(dependencies=[{"id": "ab", "version": ">= banana"}, {"id": "cd", "range": "*"}])
    )
    assert found == {
        ("dependencies", 0, "version"): "version_range",
        ("dependencies", 1, "range"): "extra_forbidden",
    }


def test_it_rejects_repeated_environments_and_an_empty_list() -> None:
    assert error_types(minimal(environments=["dev", "dev"])) == {("environments",): "unique"}
    assert error_types(minimal(environments=[])) == {("environments",): "too_short"}


def test_it_accepts_boolean_schemas_and_rejects_lists() -> None:
    Manifest.model_validate(minimal(actions=[{"id": "a", "name": "A", "input_schema": True}]))
    found = error_types(minimal(actions=[{"id": "a", "name": "A", "input_schema": [1]}]))
    assert found == {("actions", 0, "input_schema"): "json_schema_type"}


def test_the_model_is_frozen() -> None:
    manifest = Manifest.model_validate(minimal())
    with pytest.raises(ValidationError):
        manifest.name = "Other"  # type: ignore[misc]  # the point: assignment is refused


def test_the_committed_json_schema_is_the_generated_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == manifest_json_schema_text()


def test_the_json_schema_is_a_valid_draft_2020_12_schema_that_forbids_unknown_keys() -> None:
    schema = manifest_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema_rs.meta.validate(schema)
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid(minimal(dependencies=["ab", {"id": "cd", "version": "^1"}]))
    assert not validator.is_valid(minimal(chanel="beta"))
    assert not validator.is_valid(minimal(version="1.2"))
    assert not validator.is_valid(minimal(actions=[{"id": "a", "name": "A", "conection": "x"}]))


def test_the_json_schema_accepts_the_shipped_manifests() -> None:
    import yaml

    validator = jsonschema_rs.validator_for(manifest_json_schema())
    shipped = sorted((Path(__file__).parents[1] / "fixtures" / "catalog").glob("*.yaml"))
    assert shipped
    for path in shipped:
        assert validator.is_valid(yaml.safe_load(path.read_text(encoding="utf-8"))), path.name
    assert json.loads(manifest_json_schema_text()) == manifest_json_schema()
