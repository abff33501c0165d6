"""::dependencies — deps exist, versions satisfy ranges, no cycles, unique ids (DESIGN §5).

Reads the catalog's one resolution (seeding_suite.discovery.resolver), computed once per process; a
cycle is printed as `a -> b -> a`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.loading.source import ManifestSource

NAME = "dependencies"


@dataclass(frozen=True)
class DependenciesCheck:
    """This manifest's problems in the catalog-wide dependency graph."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "dependencies exist, versions satisfy ranges, no cycles"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        manifest = source.manifest
        problems = catalog.resolution().problems.get(manifest.id, [])
        findings = [
            Finding(NAME, source.display, p.message, p.path, *source.locate(p.path))
            for p in problems
            if p.concerns(source.display)
        ]
        own = catalog.entry(source.path)
        if own is None or catalog.excluded(own) is not None:
            return findings  # not seeded in this environment: its dependencies do not matter
        for index, dependency in enumerate(manifest.dependencies):
            entry = catalog.by_id().get(dependency.id)
            reason = None if entry is None else catalog.excluded(entry)
            if reason is not None:
                path = ("dependencies", index)
                message = f"dependency {dependency.id} is filtered out: {reason}"
                findings.append(Finding(NAME, source.display, message, path, *source.locate(path)))
        return findings
