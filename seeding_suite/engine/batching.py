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


MAX_DOCUMENT_BYTES = 1 << 20
"""Convex's limit on one stored document (its size, system fields included)."""
LEDGER_ROW_BYTES = 1024
"""What a ledger row adds around the pre-image it carries (its own fields), with room."""


class IntegrationTooLarge(SeedError):
    """One integration's documents do not fit in one Convex transaction, or one document
    does not fit Convex's document limit; `largest` names the fields that weigh most."""

    def __init__(self, message: str, largest: list[FieldSize]) -> None:
        super().__init__(message)
        self.largest = largest


@dataclass(frozen=True)
class FieldSize:
    """One payload field of one document to write, and its bytes (JSON, as sent)."""

    table: str
    natural_key: str
    field: str
    bytes: int

    def __str__(self) -> str:
        return f"{self.table} {self.natural_key} field {self.field} ({self.bytes:,} bytes)"


def largest_fields(ops: Sequence[Op], count: int = 3) -> list[FieldSize]:
    """The `count` largest payload fields the ops write, largest first (failures only)."""
    found = [
        FieldSize(op["table"], op["naturalKey"], name, _json_size(value))
        for op in ops
        if op["kind"] != "delete" and op["doc"] is not None
        for name, value in op["doc"].items()
    ]
    return sorted(found, key=lambda f: -f.bytes)[:count]


@dataclass
class Batch:
    """Ops of whole integrations, applied as one atomic mutation."""

    integrations: list[str] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    size: int = 0


def op_size(op: Op) -> int:
    """Bytes the op adds to the mutation's arguments (JSON length: close to Convex's size)."""
    return len(json.dumps(op, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _json_size(value: object) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_fits(plan: IntegrationPlan, limits: BatchLimits) -> int:
    """The plan's size in bytes; raises IntegrationTooLarge naming the limit it breaks.

    Each document must fit Convex's 1 MiB, and so must the ledger row that will one day carry
    it as a pre-image (its canonical JSON, which an op's JSON bounds): a document that fits
    only the first could be created but never updated, deleted or rolled back.
    """
    size = plan.size
    if len(plan.ops) > limits.hard_max_ops:
        raise IntegrationTooLarge(
            f"{plan.id}: {len(plan.ops)} documents to write exceed one transaction's budget of "
            f"{limits.hard_max_ops} (Convex: 4,096 index ranges / 16,000 writes per transaction)",
            [],
        )
    biggest = max(plan.op_sizes, default=0)
    if biggest + LEDGER_ROW_BYTES > MAX_DOCUMENT_BYTES:
        op = plan.ops[plan.op_sizes.index(biggest)]
        field = largest_fields([op], 1)
        raise IntegrationTooLarge(
            f"{plan.id}: {op['table']} {op['naturalKey']} is {biggest:,} bytes with its ledger "
            f"copy, over Convex's limit of {MAX_DOCUMENT_BYTES:,} bytes (1 MiB) per document; "
            f"the largest field: {field[0] if field else 'none'}",
            field,
        )
    if size > limits.hard_max_bytes:
        largest = largest_fields(plan.ops)
        raise IntegrationTooLarge(
            f"{plan.id}: {size / MIB:.1f} MiB to write exceed one transaction's budget of "
            f"{limits.hard_max_bytes / MIB:.0f} MiB (Convex: 16 MiB written per transaction); "
            f"the largest fields: {', '.join(map(str, largest))}",
            largest,
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
