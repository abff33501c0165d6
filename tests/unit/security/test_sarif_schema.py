"""The schema the SARIF tests validate against is the OASIS file, and it does reject bad SARIF:
without this, a schema that accepted anything would let every SARIF test pass."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from seeding_suite.findings import Finding
from seeding_suite.security.sarif import sarif_log
from tests.support.sarif_schema import SCHEMA_ID, sarif_errors, schema


def _log() -> dict[str, Any]:
    finding = Finding("security", "manifests/a.yaml", "m", ("id",), 2, 5, "warning", "urls.http")
    return sarif_log([finding], {"parse": "the file parses"})


def test_the_schema_is_the_oasis_errata_01_file() -> None:
    document = schema()
    assert document["id"] == SCHEMA_ID
    assert document["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert document["properties"]["version"]["enum"] == ["2.1.0"]


def test_a_log_of_the_suite_validates() -> None:
    assert sarif_errors(_log()) == []


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda d: d.__setitem__("version", "2.0.0"), "'2.1.0'"),
        (
            lambda d: d["runs"][0]["results"][0].__setitem__("level", "fatal"),
            "'fatal' is not one of",
        ),
        (
            lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
                "region"
            ].__setitem__("startLine", 0),
            "less than the minimum",
        ),
        (lambda d: d["runs"][0]["results"][0].pop("message"), "'message' is a required property"),
        (
            lambda d: d["runs"][0]["tool"]["driver"].__setitem__("colour", "red"),
            "Additional properties are not allowed",
        ),
    ],
    ids=["version", "level", "start-line", "message", "unknown-property"],
)
def test_broken_logs_are_rejected(break_it: Any, expected: str) -> None:
    document = copy.deepcopy(_log())
    break_it(document)
    errors = sarif_errors(document)
    assert errors, "the schema accepted a broken SARIF log"
    assert any(expected in error for error in errors), errors
