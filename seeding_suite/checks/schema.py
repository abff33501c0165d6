"""::schema — the manifest matches format version 1 (DESIGN §4, §5).

The model (types, required and unknown keys, slugs, SemVer, ranges), every embedded JSON
Schema being a valid Draft 2020-12 schema, and the file stem equal to the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import Finding
    from seeding_suite.loading.source import ManifestSource


@dataclass(frozen=True)
class SchemaCheck:
    """Format version 1, valid embedded schemas, file named after the id."""

    name: str = "schema"
    requires: tuple[str, ...] = ("parse",)
    description: str = "the manifest matches format version 1; embedded JSON Schemas are valid"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        return list(source.validated().findings)
