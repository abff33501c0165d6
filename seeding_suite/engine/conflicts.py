"""Conflicts a run meets, as the target records them (pure).

Version conflicts, between the catalog and what a target holds: a lower version than the
seeded one is a downgrade; the same version with a different checksum is a release changed
without a version bump. Both are conflicts, not updates: they block the integration unless an
explicit flag resolves them (`--allow-downgrade`, `--force`). The PRD's seeding_conflicts also
counts a dependency the target cannot satisfy (the integration is skipped) and an id the
catalog gives twice (discovery.conflicts); those are recorded with what the run saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import semantic_version

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.state import TargetState

ConflictType = Literal["downgrade", "same_version_changed", "dependency", "duplicate"]
Resolution = Literal["blocked", "allow_downgrade", "force", "skip"]


@dataclass(frozen=True)
class Conflict:
    """One integration the run could not simply seed: its version does not follow the seeded
    one, a dependency is missing, or the catalog gives its id twice (`detail` says how)."""

    integration: str
    type: ConflictType
    current_version: str | None
    new_version: str | None
    current_checksum: str | None
    new_checksum: str | None
    resolution: Resolution
    detail: str | None = None

    @property
    def blocked(self) -> bool:
        return self.resolution == "blocked"

    def message(self) -> str:
        if self.type in ("dependency", "duplicate"):
            return f"{self.type} conflict: {self.integration}: {self.detail}"
        if self.type == "downgrade":
            problem = (
                f"{self.new_version} is older than the seeded {self.current_version} (a downgrade)"
            )
            remedy = "pass --allow-downgrade (or --force) to seed it"
        else:
            problem = f"{self.new_version} changed without a version bump (seeded checksum differs)"
            remedy = "bump the version, or pass --force to overwrite"
        verdict = remedy if self.blocked else f"resolved by {self.resolution}"
        return f"version conflict: {self.integration} {problem}; {verdict}"

    def record(self, run_id: str, now_ms: float) -> dict[str, object]:
        """The `seedingConflicts` row (seeding_suite.remote); resolved now unless blocked."""
        return {
            "runId": run_id,
            "integration": self.integration,
            "type": self.type,
            "currentVersion": self.current_version,
            "newVersion": self.new_version,
            "currentChecksum": self.current_checksum,
            "newChecksum": self.new_checksum,
            "resolution": self.resolution,
            "resolvedAt": None if self.blocked else now_ms,
            "detail": self.detail,
        }


def dependency_conflict(
    integration: DesiredIntegration, state: TargetState, reason: str
) -> Conflict:
    """An integration held back because the target cannot satisfy a dependency: skipped."""
    held = state.versions.get(integration.id)
    return Conflict(
        integration.id,
        "dependency",
        held,
        integration.version,
        None if held is None else state.checksum_of(integration.id),
        integration.checksum,
        "skip",
        reason,
    )


def find_conflicts(
    desired: Sequence[DesiredIntegration],
    state: TargetState,
    *,
    allow_downgrade: bool = False,
    force: bool = False,
) -> dict[str, Conflict]:
    """Conflicts by integration id; an integration the target does not hold has none."""
    found: dict[str, Conflict] = {}
    for integration in desired:
        current = state.versions.get(integration.id)
        if current is None:
            continue
        stored = state.checksum_of(integration.id)
        kind = _kind(current, integration.version, stored, integration.checksum)
        if kind is None:
            continue
        resolution: Resolution = "blocked"
        if force:
            resolution = "force"
        elif kind == "downgrade" and allow_downgrade:
            resolution = "allow_downgrade"
        found[integration.id] = Conflict(
            integration.id,
            kind,
            current,
            integration.version,
            stored,
            integration.checksum,
            resolution,
        )
    return found


def _kind(current: str, new: str, stored: str, wanted: str) -> ConflictType | None:
    try:
        old_v, new_v = semantic_version.Version(current), semantic_version.Version(new)
    except ValueError:
        return None  # a hand-made version the seeder did not write: plain update
    if new_v < old_v:
        return "downgrade"
    if new_v == old_v and stored != wanted:
        return "same_version_changed"
    return None
