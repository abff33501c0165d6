"""SARIF 2.1.0: every finding of a run, as GitHub code scanning and other SARIF readers take it.

One run, one tool (`seeding-suite`), a rule per security sub-rule and per other check, results
with levels (`error`, `warning`, `note`) and physical locations relative to the project root
(`uriBaseId` %SRCROOT%), the field path as a logical location. A finding a reviewed exemption
covers is a result with an accepted external suppression: its justification is the exemption's
reason, its location the exemption's line.
"""

from __future__ import annotations

import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite.findings import format_path
from seeding_suite.security.scan import CHECK, STALE
from seeding_suite.security.settings import all_kinds

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from seeding_suite.findings import Exempted, Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _version() -> str:
    try:
        return metadata.version("seeding-suite")
    except metadata.PackageNotFoundError:
        return "0"


def rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: the security sub-rule, or the check's name."""
    return finding.rule if finding.check == CHECK and finding.rule else finding.check


def rules(checks: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every rule a run can report: each check by name, each security sub-rule by id."""
    out = [
        _rule(name, description, "error") for name, description in checks.items() if name != CHECK
    ]
    for kind in (*all_kinds(), STALE):
        level = kind.official or kind.community
        out.append(_rule(kind.id, kind.description, level, security=True))
    return out


def _rule(identifier: str, description: str, level: str, security: bool = False) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": identifier,
        "name": identifier.replace(".", "/"),
        "shortDescription": {"text": description},
        "defaultConfiguration": {"level": LEVELS[level]},
    }
    if security:
        rule["properties"] = {"tags": ["security"]}
    return rule


def result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {}
    if finding.line is not None:
        region["startLine"] = finding.line
        if finding.column is not None:
            region["startColumn"] = finding.column
    physical: dict[str, Any] = {"artifactLocation": {"uri": finding.file, "uriBaseId": "%SRCROOT%"}}
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    field = format_path(finding.path)
    if field:
        location["logicalLocations"] = [{"fullyQualifiedName": field, "kind": "member"}]
    identifier = rule_id(finding)
    out: dict[str, Any] = {
        "ruleId": identifier,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
    }
    if identifier in index:
        out["ruleIndex"] = index[identifier]
    if finding.exempted is not None:
        out["suppressions"] = [suppression(finding.exempted)]
    return out


def suppression(exempted: Exempted) -> dict[str, Any]:
    """A reviewed exemption as SARIF's external, accepted suppression, located in its file."""
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": exempted.file, "uriBaseId": "%SRCROOT%"}
    }
    if exempted.line is not None:
        physical["region"] = {"startLine": exempted.line}
    out: dict[str, Any] = {
        "kind": "external",
        "status": "accepted",
        "justification": exempted.reason,
        "location": {"physicalLocation": physical},
    }
    if exempted.approved_by:
        out["properties"] = {"approvedBy": exempted.approved_by}
    return out


def sarif_log(findings: Iterable[Finding], checks: Mapping[str, str]) -> dict[str, Any]:
    """The SARIF document of a run's findings; `checks` maps check names to descriptions."""
    described = rules(checks)
    index = {rule["id"]: number for number, rule in enumerate(described)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "seeding-suite",
                        "version": _version(),
                        "rules": described,
                    }
                },
                "results": [result(f, index) for f in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def write_sarif(path: Path, findings: Iterable[Finding], checks: Mapping[str, str]) -> None:
    """Write the SARIF file atomically (a reader never sees half of it). Raises OSError."""
    text = json.dumps(sarif_log(findings, checks), indent=2, ensure_ascii=False) + "\n"
    path = Path(path)
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
