"""::references — ids unique within the manifest; every `connection:` is declared (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.findings import FieldPath, Finding

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.catalog import Catalog
    from seeding_suite.loading.source import ManifestSource
    from seeding_suite.model import Action, Connection, Trigger

NAME = "references"


@dataclass(frozen=True)
class ReferencesCheck:
    """Connection, action and trigger ids are unique; references name declared connections."""

    name: str = NAME
    requires: tuple[str, ...] = ("schema",)
    description: str = "ids are unique; every connection reference names a declared connection"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        manifest = source.manifest
        problems: list[tuple[FieldPath, str]] = []
        for kind, items in (
            ("connections", manifest.connections),
            ("actions", manifest.actions),
            ("triggers", manifest.triggers),
        ):
            problems.extend(_duplicate_ids(kind, items))
        declared = [c.id for c in manifest.connections]
        listing = ", ".join(declared) if declared else "none"
        users: list[tuple[str, Sequence[Action | Trigger]]] = [
            ("actions", manifest.actions),
            ("triggers", manifest.triggers),
        ]
        for kind, group in users:
            for index, item in enumerate(group):
                if item.connection is not None and item.connection not in declared:
                    problems.append(
                        (
                            (kind, index, "connection"),
                            f"{item.connection!r} is not a connection of this manifest "
                            f"(declared: {listing})",
                        )
                    )
        return sorted(
            (
                Finding(NAME, source.display, message, path, *source.locate(path))
                for path, message in problems
            ),
            key=lambda f: (f.line or 0, f.column or 0),
        )


def _duplicate_ids(
    kind: str, items: Sequence[Connection | Action | Trigger]
) -> list[tuple[FieldPath, str]]:
    first: dict[str, int] = {}
    problems: list[tuple[FieldPath, str]] = []
    for index, item in enumerate(items):
        if item.id in first:
            problems.append(
                (
                    (kind, index, "id"),
                    f"{item.id!r} is already the id of {kind}[{first[item.id]}]; "
                    f"ids must be unique within {kind}",
                )
            )
        else:
            first[item.id] = index
    return problems
