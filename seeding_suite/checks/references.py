"""::references — ids unique within the manifest; every `connection:` is declared (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding
from seeding_suite.loading.references import reference_problems

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.loading.source import ManifestSource

NAME = "references"


@dataclass(frozen=True)
class ReferencesCheck:
    """Connection, action and trigger ids are unique; references name declared connections."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "ids are unique; every connection reference names a declared connection"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        return sorted(
            (
                Finding(NAME, source.display, message, path, *source.locate(path))
                for path, message in reference_problems(source.manifest)
            ),
            key=lambda f: (f.line or 0, f.column or 0),
        )
