"""What a target holds, per integration: version, checksum and the run that last wrote it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.engine.checksum import combine
from seeding_suite.engine.seeder import Seeder

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget


def integration_states(target: ConvexTarget) -> list[dict[str, str]]:
    """One row per integration, sorted by id; the checksum equals the desired one when in sync."""
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
            }
        )
    return rows
