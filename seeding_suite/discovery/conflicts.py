"""Ids the catalog gives more than once, as the seeding conflicts a run records (issue 18).

The resolver settles or fails them (discovery.resolver, `on_conflict`); this only describes
them for the target's `seedingConflicts`, the PRD's seeding_conflicts: a file that lost to the
one `on_conflict` chose is skipped (resolution "skip"), and files no rule could choose between
all block (resolution "blocked"). `currentVersion` is the kept (or first) file's version,
`newVersion` the other's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.engine.conflicts import Conflict

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.discovery.entry import CatalogEntry
    from seeding_suite.discovery.resolver import Resolution


def duplicate_conflicts(entries: Sequence[CatalogEntry], resolution: Resolution) -> list[Conflict]:
    """One conflict per valid file beside the one kept (or the first, when none is), by id."""
    given: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        if entry.valid:
            given.setdefault(entry.id, []).append(entry)
    found = []
    for integration, files in sorted(given.items()):
        if len(files) < 2:
            continue
        files.sort(key=lambda e: e.display)
        claimed = resolution.claims.get(integration, [])
        kept = claimed[0] if len(claimed) == 1 else files[0]
        for other in files:
            if other is kept:
                continue
            shadowed = resolution.shadowed.get(other.display)
            detail = shadowed or _blocked_detail(integration, other, resolution)
            found.append(
                Conflict(
                    integration,
                    "duplicate",
                    kept.version,
                    other.version,
                    None,
                    None,
                    "skip" if shadowed else "blocked",
                    detail,
                )
            )
    return found


def _blocked_detail(integration: str, entry: CatalogEntry, resolution: Resolution) -> str:
    """The resolver's own words for a duplicate it could not settle (its problem on `id`)."""
    for problem in resolution.problems.get(integration, ()):
        if problem.concerns(entry.display) and problem.path == ("id",):
            return problem.message
    return f"id {integration!r} is given by more than one file"
