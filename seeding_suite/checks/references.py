"""::references — ids unique within the manifest; every `connection:` is declared (DESIGN §5);
a rollout's `environments` are environments the project defines (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import Finding
from seeding_suite.loading.references import reference_problems

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import FieldPath
    from seeding_suite.loading.source import ManifestSource
    from seeding_suite.model import Manifest

NAME = "references"


@dataclass(frozen=True)
class ReferencesCheck:
    """Connection, action and trigger ids are unique; references name declared connections."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "ids are unique; every connection reference names a declared connection"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        problems = reference_problems(source.manifest)
        problems += unknown_rollout_environments(source.manifest, catalog.environment_names())
        return sorted(
            (
                Finding(NAME, source.display, message, path, *source.locate(path))
                for path, message in problems
            ),
            key=lambda f: (f.line or 0, f.column or 0),
        )


def unknown_rollout_environments(
    manifest: Manifest, known: tuple[str, ...]
) -> list[tuple[FieldPath, str]]:
    """A rollout limited to an environment the project does not define would never start."""
    rollout = manifest.rollout
    return [
        (
            ("rollout", "environments", index),
            f"{name!r} is not an environment of this project (known: {', '.join(known)})",
        )
        for index, name in enumerate(() if rollout is None else rollout.environments or ())
        if name not in known
    ]
