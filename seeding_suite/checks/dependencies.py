"""::dependencies — deps exist, versions satisfy ranges, no cycles, unique ids (DESIGN §5).

Reads the catalog's one resolution (seeding_suite.resolver), computed once per process; a
cycle is printed as `a -> b -> a`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding

if TYPE_CHECKING:
    from seeding_suite.catalog import Catalog
    from seeding_suite.loading.source import ManifestSource

NAME = "dependencies"


@dataclass(frozen=True)
class DependenciesCheck:
    """This manifest's problems in the catalog-wide dependency graph."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "dependencies exist, versions satisfy ranges, no cycles"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        integration = source.manifest.id
        problems = catalog.resolution().problems.get(integration, [])
        return [
            Finding(NAME, source.display, p.message, p.path, *source.locate(p.path))
            for p in problems
        ]
