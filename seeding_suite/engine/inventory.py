"""What a target holds, per integration: version, checksum and the run that last wrote it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.engine.checksum import combine
from seeding_suite.engine.seeder import Seeder

if TYPE_CHECKING:
    from seeding_suite.engine.duplicates import DuplicateKey
    from seeding_suite.targets.base import ConvexTarget


def integration_states(target: ConvexTarget) -> list[dict[str, str]]:
    """One row per integration, sorted by id; the checksum equals the desired one when in sync."""
    return inventory(target)[0]


def inventory(target: ConvexTarget) -> tuple[list[dict[str, str]], list[DuplicateKey]]:
    """The rows of `integration_states`, and the natural keys the target holds twice.

    A row's `duplicateKeys` counts its integration's keys held by more than one document.
    """
    state = Seeder(target).read_state()
    rows = []
    for integration, docs in sorted(state.by_integration().items()):
        rows.append(
            {
                "integration": integration,
                "version": state.versions.get(integration, ""),
                "checksum": combine(d.checksum for d in docs),
                "runId": max(d.run_id for d in docs),
                "documents": str(len(docs)),
                "duplicateKeys": str(len(state.duplicates.of(integration))),
            }
        )
    return rows, state.duplicates.all()
