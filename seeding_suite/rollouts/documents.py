"""The target's rollout documents: one per integration and environment, in the seeded table
`rollouts` (remote.py), so seeding, the ledger, `rollback`, drift and pruning treat them like
every other document.

Its `state` is live: the rollout commands move it, and it is left out of the document's
checksum (remote.LIVE_FIELDS). Seeding the same block again is then "unchanged" and keeps the
rollout where it is; a changed block or a new version is a new checksum, and the seeder's
write starts the rollout again at its first step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, cast

if TYPE_CHECKING:
    from seeding_suite.model import Manifest

ROLLOUTS_TABLE: Final = "rollouts"
Status = Literal["active", "paused", "completed", "rolled_back"]
STATUSES: Final = ("active", "paused", "completed", "rolled_back")


def natural_key(integration: str, environment: str) -> str:
    """`stripe/rollout:production`: under the integration, so it is pruned and undone with it."""
    return f"{integration}/rollout:{environment}"


def initial_state() -> dict[str, object]:
    """Step 1, active; `since` null: the hold counts from the run that wrote the document."""
    return {"status": "active", "step": 0, "since": None, "reason": None}


def rollout_payload(manifest: Manifest, environment: str) -> dict[str, object] | None:
    """The payload of the manifest's rollout document in `environment`, or None (no rollout)."""
    block = manifest.rollout
    if block is None or not block.applies_to(environment):
        return None
    gates = block.gates
    return {
        "environment": environment,
        "version": manifest.version,
        "stickiness": block.stickiness,
        "group": block.group or manifest.id,
        "steps": [float(step) for step in block.steps],
        "holdSeconds": float(block.hold_seconds),
        "gates": None
        if gates is None
        else {
            "maxErrorRate": float(gates.max_error_rate),
            "minRequests": float(gates.min_requests),
        },
        "variants": [{"name": v.name, "weight": float(v.weight)} for v in block.variants or ()],
        "state": initial_state(),
    }


@dataclass(frozen=True)
class Rollout:
    """A rollout document as read from the target (its fields, `runId` included)."""

    integration: str
    fields: dict[str, Any]

    @property
    def environment(self) -> str:
        return str(self.fields["environment"])

    @property
    def key(self) -> str:
        return natural_key(self.integration, self.environment)

    @property
    def id(self) -> str:
        """What the CLI calls it: the integration id (one rollout per integration here)."""
        return self.integration

    @property
    def group(self) -> str:
        return str(self.fields["group"])

    @property
    def steps(self) -> list[int]:
        return [int(s) for s in self.fields["steps"]]

    @property
    def hold_seconds(self) -> float:
        return float(self.fields["holdSeconds"])

    @property
    def variants(self) -> list[tuple[str, int]]:
        return [(str(v["name"]), int(v["weight"])) for v in self.fields["variants"]]

    @property
    def gates(self) -> tuple[float, int] | None:
        gates = self.fields["gates"]
        return None if gates is None else (float(gates["maxErrorRate"]), int(gates["minRequests"]))

    @property
    def state(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self.fields["state"])

    @property
    def status(self) -> Status:
        return cast("Status", self.state["status"])

    @property
    def step(self) -> int:
        return int(self.state["step"])

    @property
    def percent(self) -> int:
        """What the rollout serves now: 0 once rolled back, else its step's percent."""
        return 0 if self.status == "rolled_back" else self.steps[self.step]

    def with_state(self, **changes: object) -> dict[str, Any]:
        """The whole document (upsert `doc`: no runId) with its state changed."""
        doc = {k: v for k, v in self.fields.items() if k != "runId"}
        doc["state"] = {**self.state, **changes}
        return doc
