"""The seeding functions in Python, registered into a fake Convex: the twin of convex/seeding.ts.

Both implement the contract documented in seeding_suite/remote.py; the shared vectors under
tests/contract/vectors/ hold them to the same results. Keep this package's twin_*.py modules
and convex/ in step. This module: state, runs and conflicts, and the registration.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from fakes.convex import FakeConvex, SystemClock
from seeding_suite import remote
from seeding_suite.targets.twin_apply import apply_batch, read_ledger
from seeding_suite.targets.twin_lease import acquire_lock, get_lock, release_lock, renew_lock
from seeding_suite.targets.twin_manifests import (
    list_manifest_statuses,
    record_manifest_statuses,
)
from seeding_suite.targets.twin_rollout import (
    evaluate_integration,
    record_integration_outcome,
    rollout_window,
)
from seeding_suite.targets.twin_rules import (
    checked_limit,
    checked_max_bytes,
    find_one,
    seeded_table,
    strip_system_fields,
    take_within,
    user_fields,
    user_size,
)
from seeding_suite.targets.twin_schema import function_args, seeding_schema
from seeding_suite.targets.twin_usage import read_usage, record_integration_usage

if TYPE_CHECKING:
    from collections.abc import Callable

    from fakes.convex import Clock

__all__ = ["register_seeding_functions", "seeding_schema"]


def read_state(ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
    table = seeded_table(args["table"])
    limit = checked_limit(args["limit"])
    after = args["after"]
    query = ctx.db.query(table).with_index(
        "by_natural_key", (lambda q: q) if after is None else (lambda q: q.gt("naturalKey", after))
    )
    max_bytes = checked_max_bytes(args.get("maxBytes"))
    rows, sizes, more = take_within(query, limit, max_bytes, key="naturalKey")
    docs = []
    for row, size in zip(rows, sizes, strict=True):
        entry = {k: row[k] for k in remote.COMMON_FIELDS}
        entry["size"] = user_size(row, size)
        fields = strip_system_fields(row)  # the query's rows are its own copies
        if args["includeFields"]:
            entry["fields"] = fields
        docs.append(entry)
    # A page cut by count or bytes names its last key (more may follow); else the table ended.
    return {"docs": docs, "next": rows[-1]["naturalKey"] if more else None}


def _run_doc(ctx: Any, run_id: str) -> dict[str, Any] | None:
    return find_one(ctx, remote.RUNS_TABLE, "by_run_id", "runId", run_id)


def record_run(ctx: Any, args: dict[str, Any]) -> None:
    run = args["run"]
    current = _run_doc(ctx, run["runId"])
    if current is None:
        ctx.db.insert(remote.RUNS_TABLE, run)
    else:
        ctx.db.replace(current["_id"], run)


def get_run(ctx: Any, args: dict[str, Any]) -> dict[str, Any] | None:
    found = _run_doc(ctx, args["runId"])
    return None if found is None else user_fields(found)


def list_runs(ctx: Any, args: dict[str, Any]) -> list[dict[str, Any]]:
    limit = checked_limit(args["limit"])
    newest_first = ctx.db.query(remote.RUNS_TABLE).with_index("by_started_at").order("desc")
    rows, _, _ = take_within(newest_first, limit, remote.MAX_PAGE_BYTES)
    return [user_fields(row) for row in rows]


def record_conflicts(ctx: Any, args: dict[str, Any]) -> None:
    for conflict in args["conflicts"]:
        ctx.db.insert(remote.CONFLICTS_TABLE, conflict)


def list_conflicts(ctx: Any, args: dict[str, Any]) -> list[dict[str, Any]]:
    limit = checked_limit(args["limit"])
    integration = args["integration"]
    query = ctx.db.query(remote.CONFLICTS_TABLE)
    if integration is not None:
        query = query.with_index("by_integration", lambda q: q.eq("integration", integration))
    rows, _, _ = take_within(query.order("desc"), limit, remote.MAX_PAGE_BYTES)
    return [user_fields(row) for row in rows]


def _handlers(clock: Clock) -> dict[str, Callable[[Any, dict[str, Any]], object]]:
    return {
        remote.READ_STATE: read_state,
        remote.APPLY_BATCH: partial(apply_batch, clock=clock),
        remote.RECORD_RUN: record_run,
        remote.GET_RUN: get_run,
        remote.LIST_RUNS: list_runs,
        remote.RECORD_CONFLICTS: record_conflicts,
        remote.LIST_CONFLICTS: list_conflicts,
        remote.READ_LEDGER: read_ledger,
        remote.ACQUIRE_LOCK: partial(acquire_lock, clock=clock),
        remote.RENEW_LOCK: partial(renew_lock, clock=clock),
        remote.RELEASE_LOCK: release_lock,
        remote.GET_LOCK: get_lock,
        remote.EVALUATE_INTEGRATION: evaluate_integration,
        remote.RECORD_INTEGRATION_OUTCOME: partial(record_integration_outcome, clock=clock),
        remote.ROLLOUT_WINDOW: rollout_window,
        remote.RECORD_MANIFEST_STATUSES: partial(record_manifest_statuses, clock=clock),
        remote.LIST_MANIFEST_STATUSES: list_manifest_statuses,
        remote.RECORD_INTEGRATION_USAGE: partial(record_integration_usage, clock=clock),
        remote.READ_USAGE: read_usage,
    }


def register_seeding_functions(fake: FakeConvex, clock: Clock | None = None) -> FakeConvex:
    """Register the contract's functions (internal, like convex/seeding.ts).

    `clock` is the server time leases use (`Date.now()` on Convex); tests pass one they move.
    """
    handlers = _handlers(clock if clock is not None else SystemClock())
    args = function_args()
    for path, kind in remote.FUNCTIONS.items():
        fake.register(path, kind, handlers[path], visibility="internal", args=args[path])
    return fake
