"""Plans -> batches, each one Convex mutation, sized well inside Convex's transaction limits.

An integration's ops are never split across batches: a batch is atomic, so an integration is
either fully written or not at all. Small integrations share a batch; an integration too large
for one transaction is refused before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seeding_suite.errors import SeedError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.engine.plan import IntegrationPlan
    from seeding_suite.remote import Op

MIB = 1 << 20


@dataclass(frozen=True)
class BatchLimits:
    """Soft targets for packing, and hard caps one integration must fit.

    Convex allows 16,000 writes, 16 MiB written, 16 MiB of arguments and 4,096 index ranges per
    transaction; `applyBatch` reads one index range per op plus its batch record, and every
    write also stores the document's previous version in the ledger (so a batch writes up to
    twice its size): the hard caps stay below those limits with room to spare.
    """

    max_ops: int = 500
    max_bytes: int = 3 * MIB
    hard_max_ops: int = 4000
    hard_max_bytes: int = 7 * MIB


class IntegrationTooLarge(SeedError):
    """One integration's documents do not fit in one Convex transaction."""


@dataclass
class Batch:
    """Ops of whole integrations, applied as one atomic mutation."""

    integrations: list[str] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    size: int = 0


def op_size(op: Op) -> int:
    """Bytes the op adds to the mutation's arguments (JSON length: close to Convex's size)."""
    return len(json.dumps(op, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_fits(plan: IntegrationPlan, limits: BatchLimits) -> int:
    """The plan's size in bytes; raises IntegrationTooLarge naming the limit it breaks."""
    size = plan.size
    if len(plan.ops) > limits.hard_max_ops:
        raise IntegrationTooLarge(
            f"{plan.id}: {len(plan.ops)} documents to write exceed one transaction's budget of "
            f"{limits.hard_max_ops} (Convex: 4,096 index ranges / 16,000 writes per transaction)"
        )
    if size > limits.hard_max_bytes:
        raise IntegrationTooLarge(
            f"{plan.id}: {size / MIB:.1f} MiB to write exceed one transaction's budget of "
            f"{limits.hard_max_bytes / MIB:.0f} MiB (Convex: 16 MiB written per transaction)"
        )
    return size


def make_batches(plans: Sequence[IntegrationPlan], limits: BatchLimits) -> list[Batch]:
    """Pack plans with ops, in order, into batches; call `check_fits` on each plan first."""
    batches: list[Batch] = []
    current = Batch()
    for plan in plans:
        if not plan.ops:
            continue
        size = check_fits(plan, limits)
        over = (
            len(current.ops) + len(plan.ops) > limits.max_ops
            or current.size + size > limits.max_bytes
        )
        if current.ops and over:
            batches.append(current)
            current = Batch()
        current.integrations.append(plan.id)
        current.ops.extend(plan.ops)
        current.size += size
    if current.ops:
        batches.append(current)
    return batches
