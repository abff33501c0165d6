"""The run history as it really is: a run that died keeps its `running` record, so read it right.

A live run holds the target's lease while its record says `running` (it records itself under
the lease, and writes its final record before releasing it). A `running` record whose run no
longer holds an unexpired lease was therefore abandoned: killed, or cut off from the target.
Its record cannot say what it wrote, but its ledger can (every write has its ledger row, in the
same transaction), so an abandoned run is shown with the counts its ledger holds.

This is computed when the history is read, not recorded by a later run: it holds from the
moment the lease expires, needs no run to come after, and leaves the contract's functions as
they are. Expiry is judged on this machine's clock against the lease's server-time expiry; a
clock that runs behind shows a dead run as `running` for that much longer.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, cast

from seeding_suite import remote
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.engine.lock import LOCK_NAME

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget

ABANDONED = "abandoned"


def _holds(lease: remote.LockState | None, run_id: str, now_ms: float) -> bool:
    """Whether the lease is the run's and unexpired (a rollback's later runs are `<id>-N`)."""
    expires = None if lease is None else lease.get("expiresAt")
    if lease is None or expires is None or expires <= now_ms:
        return False
    holder = lease.get("runId")
    return holder is not None and (run_id == holder or run_id.startswith(f"{holder}-"))


def ledger_counts(target: ConvexTarget, run_id: str) -> dict[str, int]:
    """What a run's ledger says it wrote: documents created, updated, deleted; integrations."""
    entries = read_ledger(target, run_id)
    return {
        "documentsWritten": len(entries),
        "documentsCreated": sum(1 for e in entries if e["before"] is None),
        "documentsDeleted": sum(1 for e in entries if e["after"] is None),
        "documentsUpdated": sum(
            1 for e in entries if e["before"] is not None and e["after"] is not None
        ),
        "integrations": len({e["integration"] for e in entries}),
    }


def _whole_counts(run: dict[str, Any]) -> dict[str, Any]:
    """The record with its counts (per table too) as integers: Convex stores every number as
    a float64, and a count read back as `3.0` is not what `runs --json` readers expect."""
    counts = {name: int(value) for name, value in run["counts"].items()}
    whole = {**run, "counts": counts}
    if "documents" in run:
        whole["documents"] = [
            {k: v if k == "table" else int(v) for k, v in row.items()} for row in run["documents"]
        ]
    if "errorsOmitted" in run:
        whole["errorsOmitted"] = int(run["errorsOmitted"])
    return whole


def list_runs(
    target: ConvexTarget, limit: int, *, now_ms: float | None = None
) -> list[dict[str, Any]]:
    """The newest `limit` run records; an abandoned run says so, with its ledger's counts.

    Counts are integers. An abandoned run's record gets `status: "abandoned"`,
    `leaseExpiredAt` (when its lease ran out, or null when another run has taken it since) and
    `ledger` (ledger_counts); its `counts.documentsWritten` is the ledger's.
    """
    runs = [
        _whole_counts(run)
        for run in cast("list[dict[str, Any]]", target.query(remote.LIST_RUNS, {"limit": limit}))
    ]
    if not any(run["status"] == "running" for run in runs):
        return runs
    lease = cast("remote.LockState | None", target.query(remote.GET_LOCK, {"name": LOCK_NAME}))
    now = time.time() * 1000.0 if now_ms is None else now_ms
    shown = []
    for run in runs:
        if run["status"] == "running" and not _holds(lease, run["runId"], now):
            ledger = ledger_counts(target, run["runId"])
            own = lease is not None and lease.get("runId") == run["runId"]
            run = {
                **run,
                "status": ABANDONED,
                "leaseExpiredAt": lease["expiresAt"] if own and lease is not None else None,
                "ledger": ledger,
                "counts": {**run["counts"], "documentsWritten": ledger["documentsWritten"]},
            }
        shown.append(run)
    return shown
