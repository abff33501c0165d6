"""::parse — the file is one YAML mapping of plain data (DESIGN §5, §10).

A parse failure is a failing item, never a collection error: broken YAML, duplicate keys,
non-UTF-8 bytes, huge or deeply nested files and alias bombs all end up here as findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import Finding
    from seeding_suite.loading.source import ManifestSource


@dataclass(frozen=True)
class ParseCheck:
    """The YAML parses, within the loading limits, to one mapping."""

    name: str = "parse"
    requires: tuple[str, ...] = ()
    description: str = "the manifest's YAML parses"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        return list(source.parsed().findings)
