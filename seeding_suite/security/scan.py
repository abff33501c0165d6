"""Runs every rule over one document and turns hits into findings: severity, exemptions, place.

A hit's severity is its sub-rule's level for the document's trust (settings); a sub-rule that is
`off` reports nothing; an exempted hit becomes an exempted finding (it fails nothing and is
only written to SARIF, as a suppressed result) and its exemption counts as used; an exemption
of this integration that nothing used is reported itself.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding
from seeding_suite.security.gates import GateSet, gate_set
from seeding_suite.security.model import Kind
from seeding_suite.security.rules import RULES

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from seeding_suite.findings import FieldPath
    from seeding_suite.security.exemptions import Exemption, Exemptions
    from seeding_suite.security.model import Context, Document
    from seeding_suite.security.settings import SecuritySettings

CHECK = "security"
STALE = Kind("exemptions.stale", "an exemption that matches no finding", "warning", "warning")
ORDER = {"error": 0, "warning": 1, "info": 2}


class Place:
    """Where a manifest's findings are: its path for messages, and its position lookups."""

    def __init__(
        self,
        display: str,
        locate: Callable[[FieldPath], tuple[int | None, int | None]],
        path_at: Callable[[int, int], FieldPath],
    ) -> None:
        self.display = display
        self.locate = locate
        self.path_at = path_at


@lru_cache(maxsize=8)
def _gates(context: Context) -> GateSet:
    gates = {name: pattern for rule in RULES for name, pattern in rule.gates(context).items()}
    return gate_set(tuple(gates.items()))


def scan(document: Document, settings: SecuritySettings, place: Place) -> list[Finding]:
    """The document's security findings, errors first, then by line."""
    if not document.decoded:
        document.open_gates = _gates(settings.context).open(document.text)
    exemptions = settings.exemptions.for_id(document.integration_id)
    used: set[int] = set()
    findings: list[Finding] = []
    for rule in RULES:
        for hit in rule.scan(document, settings.context):
            level = settings.level(document.trust, hit.kind)
            if level is None:
                continue
            path, line, column = hit.path, hit.line, hit.column
            if line is None:
                line, column = place.locate(path)
            elif hit.in_value and column is not None:
                path = place.path_at(line, column)
                hit = replace(hit, path=path)
            covering = next(
                (i for i, e in enumerate(exemptions) if e.covers(document.integration_id, hit)),
                None,
            )
            exempted = None
            if covering is not None:
                used.add(covering)
                exempted = exemptions[covering].exempted(settings.exemptions.file)
            findings.append(
                Finding(
                    CHECK,
                    place.display,
                    hit.message,
                    path,
                    line,
                    column,
                    level,
                    hit.kind,
                    exempted,
                )
            )
    for index, exemption in enumerate(exemptions):
        if index not in used:
            findings.append(stale_finding(exemption, settings.exemptions.file))
    findings.sort(key=lambda f: (ORDER[f.severity], f.file, f.line or 0, f.column or 0))
    return findings


def unknown_ids(exemptions: Exemptions, known: Collection[str]) -> list[Finding]:
    """Exemptions of integrations the catalog does not hold: stale as well."""
    return [stale_finding(e, exemptions.file) for e in exemptions.entries if e.id not in known]


def stale_finding(exemption: Exemption, file: str) -> Finding:
    """An exemption that matched nothing: reported at its place in the exemptions file."""
    return Finding(
        CHECK,
        file,
        f"{exemption.describe()} matches no finding: remove it (or fix its id, rule or field)",
        (),
        exemption.line,
        None,
        "warning",
        STALE.id,
    )
