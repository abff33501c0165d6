"""What a run saw of every manifest, for the target's manifest statuses (issue 18).

The stage knows each manifest's fate before the engine (checks failed, excluded, not
selected); the engine settles the candidates' from its results: seeded, or why not. Written in
`Seeder.finish`, before the run record, so the record counts these calls too. Rows equal to
the stored ones are not rewritten (integrations/manifests.ts), so an unchanged catalog writes
none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from seeding_suite import remote

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.targets.base import ConvexTarget

SEEDED_ACTIONS = frozenset({"created", "updated", "unchanged", "reseeded"})
RANK = {"seeded": 3, "error": 2, "validated": 1, "discovered": 0}
"""Two files giving one id make one row: the one the target holds, else the one in error."""


@dataclass(frozen=True)
class ManifestStatus:
    """One manifest as the run saw it (`reason`: why it is not seeded, or what failed)."""

    integration: str
    file: str
    version: str | None
    checksum: str | None
    status: remote.ManifestState
    reason: str | None = None
    candidate: bool = False  # handed to the engine: its result settles the status

    def settled(self, action: str | None, message: str | None) -> ManifestStatus:
        """A candidate's status once the engine says what it did (None: nothing)."""
        if not self.candidate:
            return self
        if action in SEEDED_ACTIONS:
            return replace(self, status="seeded", reason=None)
        if action == "failed":
            return replace(self, status="error", reason=message)
        if action == "skipped":
            return replace(self, status="validated", reason=message)
        return self

    def seen(self) -> remote.SeenManifest:
        return {
            "integration": self.integration,
            "file": self.file,
            "version": self.version,
            "checksum": self.checksum,
            "status": self.status,
            "reason": self.reason,
        }


def one_per_integration(statuses: Sequence[ManifestStatus]) -> list[ManifestStatus]:
    """The status each integration's row gets, by id (see RANK)."""
    kept: dict[str, ManifestStatus] = {}
    for status in statuses:
        held = kept.get(status.integration)
        if held is None or RANK[status.status] > RANK[held.status]:
            kept[status.integration] = status
    return [kept[integration] for integration in sorted(kept)]


def record_statuses(
    target: ConvexTarget, environment: str, run_id: str, statuses: Sequence[ManifestStatus]
) -> int:
    """Write the statuses in calls of MAX_MANIFEST_STATUSES; the number of rows written."""
    rows = [status.seen() for status in one_per_integration(statuses)]
    written = 0
    for start in range(0, len(rows), remote.MAX_MANIFEST_STATUSES):
        chunk = rows[start : start + remote.MAX_MANIFEST_STATUSES]
        args = {"environment": environment, "runId": run_id, "statuses": chunk}
        written += int(target.mutation(remote.RECORD_MANIFEST_STATUSES, args)["written"])
    return written
