"""A manifest's internal references: unique ids per list, every `connection:` declared.

Pure rules over a valid model. The `references` check reports them, and the catalog's summary
asks them too: a file that fails its own checks claims no id in the catalog (DESIGN §10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.findings import FieldPath
    from seeding_suite.model import Action, Connection, Manifest, Trigger


def reference_problems(manifest: Manifest) -> list[tuple[FieldPath, str]]:
    """Every broken internal reference of `manifest`, as (field path, message)."""
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
    return problems


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
