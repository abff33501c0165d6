"""::schema: the model's findings, reworded and located; embedded schemas; the file stem."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from manifest_texts import catalog_of, manifest_text

from seeding_suite.checks import check_named

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA = check_named("schema")


def run(tmp_path: Path, body: str, integration: str = "aa") -> list[str]:
    catalog = catalog_of(tmp_path, {f"{integration}.yaml": manifest_text(integration, body=body)})
    return [f.render() for f in SCHEMA.run(catalog.source(catalog.files()[0]), catalog)]


def test_it_passes_a_valid_manifest_with_valid_embedded_schemas(tmp_path: Path) -> None:
    body = "actions:\n  - id: go\n    name: Go\n    input_schema: {type: object}\n"
    assert run(tmp_path, body) == []


def test_it_explains_a_wrong_type_with_a_quoting_hint(tmp_path: Path) -> None:
    assert run(tmp_path, "description: 12\n") == [
        "manifests/aa.yaml:5:14: description: expected a string, got the number 12 "
        "(YAML reads it as a number; quote it)"
    ]


def test_it_names_a_missing_required_field_at_its_parent(tmp_path: Path) -> None:
    assert run(tmp_path, "triggers:\n  - id: go\n    kind: webhook\n") == [
        "manifests/aa.yaml:6:5: triggers[0].name: required, but missing"
    ]


def test_it_locates_an_invalid_embedded_schema_inside_the_schema(tmp_path: Path) -> None:
    body = (
        "actions:\n  - id: go\n    name: Go\n    output_schema:\n"
        "      type: object\n      required: id\n"
    )
    assert run(tmp_path, body) == [
        "manifests/aa.yaml:10:17: actions[0].output_schema.required: not a valid JSON Schema: "
        "'id' is not of type 'array'"
    ]


def test_it_refuses_other_dialects_without_fetching_them(tmp_path: Path) -> None:
    body = (
        "actions:\n  - id: go\n    name: Go\n    input_schema: {$schema: 'https://example.com/s'}\n"
    )
    [message] = run(tmp_path, body)
    assert "actions[0].input_schema.$schema: expected the Draft 2020-12 dialect" in message


def test_it_wants_literal_values_from_the_allowed_set(tmp_path: Path) -> None:
    assert run(tmp_path, "channel: stabel\n") == [
        "manifests/aa.yaml:5:10: channel: expected 'stable', 'beta' or 'experimental', "
        "got the string 'stabel'"
    ]


def schema_body(schema: str) -> str:
    return f"actions:\n  - id: go\n    name: Go\n    input_schema:\n{schema}"


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-z0-9_-]{1,64}$",
        r"^\p{L}+$",  # unicode property escapes (unicode mode)
        r"(?<year>\d{4})-\k<year>",  # named groups and back-references
        r"(?<=\$)\d+(?=\.)",  # lookbehind and lookahead
        r"^\cA$",
    ],
)
def test_an_ecma_262_pattern_passes(tmp_path: Path, pattern: str) -> None:
    body = schema_body(f"      properties:\n        x: {{type: string, pattern: '{pattern}'}}\n")
    assert run(tmp_path, body) == []


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(?i)abc", "invalid group modifier"),  # Python/PCRE inline flags
        ("(?P<x>a)", "invalid group modifier"),  # Python's named group
        ("a{2,1}", "invalid quantifier"),
        ("[z-a]", "range values reversed"),
        (r"\Z", "invalid character escape"),  # no identity escapes in unicode mode
    ],
)
def test_a_pattern_that_is_not_ecma_262_fails_with_its_path(
    tmp_path: Path, pattern: str, why: str
) -> None:
    body = schema_body(f"      properties:\n        x: {{type: string, pattern: '{pattern}'}}\n")
    [message] = run(tmp_path, body)
    assert message.startswith(
        f"manifests/aa.yaml:10:36: actions[0].input_schema.properties.x.pattern: {pattern!r} "
        f"is not a valid ECMA-262 regular expression ({why}"
    )


def test_a_patternproperties_key_that_is_not_ecma_262_fails_at_the_key(tmp_path: Path) -> None:
    body = schema_body("      patternProperties:\n        '^ok$': {}\n        '(': {}\n")
    assert run(tmp_path, body) == [
        "manifests/aa.yaml:11:9: actions[0].input_schema.patternProperties.(: '(' is not a "
        "valid ECMA-262 regular expression (unbalanced parenthesis); a key of "
        "patternProperties in a JSON Schema must be one (JavaScript syntax)"
    ]


def test_a_property_named_pattern_and_pattern_like_data_are_not_patterns(tmp_path: Path) -> None:
    body = schema_body(
        "      properties:\n        pattern: {type: string}\n"
        "      examples: [{pattern: '('}]\n      default: {pattern: '['}\n"
    )
    assert run(tmp_path, body) == []
