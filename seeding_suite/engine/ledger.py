"""Reading the target's run ledger: what each run changed and what was there before.

The ledger is written by applyBatch itself, in the same transaction as the data (remote.py,
"Ledger"); this module only reads it and turns entries into the restore ops that undo them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from seeding_suite import remote
from seeding_suite.engine.seeder import Seeder

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget

PAGE = 1000

Stamps = dict[tuple[str, str], "remote.Stamp"]


def read_ledger(target: ConvexTarget, run_id: str) -> list[remote.LedgerEntry]:
    """Every ledger entry of `run_id`, in write order."""
    entries: list[remote.LedgerEntry] = []
    after: float | None = None
    while True:
        args = {"runId": run_id, "after": after, "limit": PAGE}
        page = cast("remote.ReadLedgerResult", target.query(remote.READ_LEDGER, args))
        entries.extend(page["entries"])
        after = page["next"]
        if after is None:
            return entries


def read_stamps(target: ConvexTarget) -> tuple[Stamps, dict[tuple[str, str], int]]:
    """The stamp {checksum, runId} and the size of every seeded document, by (table, key)."""
    docs = Seeder(target).read_state().docs
    stamps: Stamps = {
        key: {"checksum": doc.checksum, "runId": doc.run_id} for key, doc in docs.items()
    }
    return stamps, {key: doc.size for key, doc in docs.items()}


def undo_op(entry: remote.LedgerEntry, *, force: bool) -> remote.RestoreOp:
    """The restore op that puts back what `entry` says was there before its write."""
    before = None if entry["before"] is None else json.loads(entry["before"])
    return {
        "kind": "restore",
        "table": entry["table"],
        "naturalKey": entry["naturalKey"],
        "expected": entry["after"],
        "force": force,
        "doc": before,
    }


def op_stamp(op: remote.RestoreOp) -> remote.Stamp | None:
    doc = op["doc"]
    if doc is None:
        return None
    return {"checksum": str(doc["checksum"]), "runId": str(doc["runId"])}
