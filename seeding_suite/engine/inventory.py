"""What a target holds, per integration: version, checksum and the run that last wrote it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from seeding_suite.engine.checksum import combine
from seeding_suite.engine.seeder import Seeder

if TYPE_CHECKING:
    from seeding_suite.engine.duplicates import DuplicateKey
    from seeding_suite.targets.base import ConvexTarget


class IntegrationRow(TypedDict):
    """What `state` prints (and `state --json` writes): counts are numbers, not text."""

    integration: str
    version: str
    checksum: str
    runId: str
    documents: int
    duplicateKeys: int


def integration_states(target: ConvexTarget) -> list[IntegrationRow]:
    """One row per integration, sorted by id; the checksum equals the desired one when in sync."""
    return inventory(target)[0]


def inventory(target: ConvexTarget) -> tuple[list[IntegrationRow], list[DuplicateKey]]:
    """The rows of `integration_states`, and the natural keys the target holds twice.

    A row's `duplicateKeys` counts its integration's keys held by more than one document.
    """
    state = Seeder(target).read_state()
    rows: list[IntegrationRow] = []
    for integration, docs in sorted(state.by_integration().items()):
        rows.append(
            IntegrationRow(
                integration=integration,
                version=state.versions.get(integration, ""),
                checksum=combine(d.checksum for d in docs),
                runId=max(d.run_id for d in docs),
                documents=len(docs),
                duplicateKeys=len(state.duplicates.of(integration)),
            )
        )
    return rows, state.duplicates.all()
