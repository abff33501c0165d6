"""The plan: desired state against the target's state -> create / update / unchanged / delete.

Pure: no I/O. Each integration's ops are exact, so applying them (in one atomic batch) moves the
target from the state the plan saw to the desired state, or fails on a precondition when the
target moved in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from seeding_suite.engine.batching import op_size

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.state import StoredDoc, TargetState
    from seeding_suite.remote import DeleteOp, Op, UpsertOp

Action = Literal["created", "updated", "unchanged", "reseeded", "deleted"]


@dataclass
class DocCounts:
    """Documents an integration's plan creates, updates, deletes and leaves alone."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class IntegrationPlan:
    """What seeding one integration does to the target."""

    id: str
    action: Action
    ops: list[Op] = field(default_factory=list)
    counts: DocCounts = field(default_factory=DocCounts)
    version: str | None = None
    previous_version: str | None = None
    replaced_bytes: int = 0  # stored documents the ops replace or delete (StoredDoc.size)

    @cached_property
    def op_sizes(self) -> list[int]:
        """Bytes each op adds to a mutation's arguments (measured once; ops are final)."""
        return [op_size(op) for op in self.ops]

    @cached_property
    def size(self) -> int:
        """What the ops cost a transaction: their arguments (the documents written), plus the
        documents they replace or delete, which applyBatch reads and copies into the ledger
        (a prune's deletes are tiny ops over documents of any size)."""
        return sum(self.op_sizes) + self.replaced_bytes


def _upsert(
    doc_table: str, key: str, expected: str | None, force: bool, doc: dict[str, object]
) -> UpsertOp:
    return {
        "kind": "upsert",
        "table": doc_table,
        "naturalKey": key,
        "expected": expected,
        "force": force,
        "doc": doc,
    }


def _delete(table: str, key: str, expected: str) -> DeleteOp:
    return {"kind": "delete", "table": table, "naturalKey": key, "expected": expected}


def plan_integration(
    desired: DesiredIntegration, state: TargetState, *, reseed: bool = False
) -> IntegrationPlan:
    """Ops that make the target hold exactly `desired`'s documents for this integration."""
    plan = IntegrationPlan(
        desired.id,
        "unchanged",
        version=desired.version,
        previous_version=state.versions.get(desired.id),
    )
    if not reseed and state.holds_exactly(desired.id, desired.checksum):
        # The common re-run: nothing to write, and the documents need not even be loaded.
        plan.counts.unchanged = len(state.by_integration().get(desired.id, []))
        return plan
    wanted = {(d.table, d.natural_key) for d in desired.docs}
    for doc in desired.docs:
        stored = state.get(doc.table, doc.natural_key)
        current = None if stored is None else stored.checksum
        drifted = stored is not None and stored.drifted
        if current == doc.checksum and not reseed and not drifted:
            plan.counts.unchanged += 1
            continue
        # A row edited by hand keeps its old checksum: only `force` rewrites it.
        force = reseed or drifted
        plan.ops.append(_upsert(doc.table, doc.natural_key, current, force, doc.document()))
        if stored is None:
            plan.counts.created += 1
        else:
            plan.counts.updated += 1
            plan.replaced_bytes += stored.size
    for stored in sorted(state.by_integration().get(desired.id, []), key=_doc_order):
        if (stored.table, stored.natural_key) not in wanted:
            plan.ops.append(_delete(stored.table, stored.natural_key, stored.checksum))
            plan.counts.deleted += 1
            plan.replaced_bytes += stored.size
    if state.get("integrations", desired.id) is None:
        plan.action = "created"
    elif reseed:
        plan.action = "reseeded"
    elif plan.ops:
        plan.action = "updated"
    return plan


def plan_removal(integration: str, state: TargetState) -> IntegrationPlan:
    """Ops that delete every document of an integration the catalog no longer has (prune)."""
    plan = IntegrationPlan(integration, "deleted", previous_version=state.versions.get(integration))
    for stored in sorted(state.by_integration().get(integration, []), key=_doc_order):
        plan.ops.append(_delete(stored.table, stored.natural_key, stored.checksum))
        plan.counts.deleted += 1
        plan.replaced_bytes += stored.size
    return plan


def plan_all(
    desired: Sequence[DesiredIntegration],
    state: TargetState,
    *,
    reseed: Iterable[str] = (),
    prune: Iterable[str] = (),
) -> list[IntegrationPlan]:
    """Plans in the given (dependency) order, then removals."""
    forced = set(reseed)
    plans = [plan_integration(d, state, reseed=d.id in forced) for d in desired]
    plans.extend(plan_removal(i, state) for i in sorted(prune))
    return plans


def _doc_order(doc: StoredDoc) -> tuple[str, str]:
    return (doc.table, doc.natural_key)
