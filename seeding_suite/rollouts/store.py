"""Rollouts in a target: reading their documents and windows, and writing their moves as runs.

Every move (a step, a pause, a resume, a rollback) is a run like a seeding run: recorded in
`seedingRuns` under the target's lease, its writes made by applyBatch with their pre-images in
the ledger, so `seeding-suite rollback RUN_ID` undoes it. The document's checksum does not
change (its state is a live field): each write is a forced upsert that still expects that
checksum, so a reseed of a changed block in between fails the batch instead of being
overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from seeding_suite import remote
from seeding_suite.engine.lock import Lease, LeasedTarget, LockSettings, new_holder
from seeding_suite.errors import SeedingSuiteError
from seeding_suite.rollouts import clock
from seeding_suite.rollouts.documents import ROLLOUTS_TABLE, Rollout
from seeding_suite.rollouts.gates import Window

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from seeding_suite.rollouts.schedule import Change
    from seeding_suite.targets.base import ConvexTarget

PAGE = 200


class RolloutNotFound(SeedingSuiteError):
    """The target holds no rollout by that id (exit 2)."""


def _documents(target: ConvexTarget) -> Iterator[remote.StateDoc]:
    after: str | None = None
    while True:
        args = {"table": ROLLOUTS_TABLE, "after": after, "limit": PAGE, "includeFields": True}
        page = cast("remote.ReadStateResult", target.query(remote.READ_STATE, args))
        yield from page["docs"]
        after = page["next"]
        if after is None:
            return


def read_rollouts(target: ConvexTarget, ids: Sequence[str] = ()) -> list[Rollout]:
    """The target's rollouts in key order, only those of `ids` when given (each must exist)."""
    found = [Rollout(doc["integration"], dict(doc["fields"])) for doc in _documents(target)]
    if ids:
        missing = sorted(set(ids) - {r.id for r in found})
        if missing:
            held = ", ".join(sorted({r.id for r in found})) or "none"
            raise RolloutNotFound(
                f"the target {target.description} has no rollout {missing[0]!r} (rollouts: {held})"
            )
        found = [r for r in found if r.id in ids]
    return found


def step_since(target: ConvexTarget, rollout: Rollout) -> float:
    """When the current step began (ms): its `since`, or the start of the run that wrote the
    document (a seeding run leaves `since` null)."""
    since = rollout.state.get("since")
    if isinstance(since, int | float):
        return float(since)
    run = target.query(remote.GET_RUN, {"runId": rollout.fields["runId"]})
    return float(run["startedAt"]) if isinstance(run, dict) else clock.now_ms()


def read_window(target: ConvexTarget, rollout: Rollout, since_ms: float) -> Window:
    args = {"integration": rollout.integration, "environment": rollout.environment}
    return Window.from_answer(target.query(remote.ROLLOUT_WINDOW, {**args, "since": since_ms}))


@dataclass(frozen=True)
class RunContext:
    """Who moves the rollouts, as which run; `command` names it in the run's reason."""

    run_id: str
    actor: str
    harness_version: str
    command: str


@dataclass
class Written:
    """A rollout run that was written: its id, times and the changes it made."""

    run_id: str
    started_at: float
    finished_at: float
    changes: list[Change] = field(default_factory=list)


def _op(change: Change) -> remote.UpsertOp:
    rollout = change.rollout
    doc = rollout.with_state(**change.state)
    checksum = str(rollout.fields["checksum"])
    return {
        "kind": "upsert",
        "table": ROLLOUTS_TABLE,
        "naturalKey": rollout.key,
        "expected": checksum,
        "force": True,  # same checksum (the state is live): only force writes it
        "doc": doc,
    }


def _record(
    context: RunContext,
    target: ConvexTarget,
    changes: Sequence[Change],
    started: float,
    status: str,
    calls: int,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    environments = sorted({c.rollout.environment for c in changes})
    names = ("created", "updated", "unchanged", "reseeded", "skipped", "failed", "deleted")
    counts = {n: 0 for n in names} | {"documentsWritten": 0, "convexCalls": calls}
    if status == "succeeded":
        counts |= {"updated": len(changes), "documentsWritten": len(changes)}
    said = "; ".join(
        f"{c.rollout.id} {c.action.replace('_', ' ')} {c.from_percent}% -> {c.to_percent}%"
        f"{' (forced)' if c.forced else ''}: {c.reason}"
        for c in changes
    )
    return {
        "runId": context.run_id,
        "status": status,
        "environment": ",".join(environments),
        "actor": context.actor,
        "target": target.description,
        "startedAt": started,
        "finishedAt": None if status == "running" else clock.now_ms(),
        "harnessVersion": context.harness_version,
        "catalogChecksum": "rollout",
        "gitCommit": None,
        "counts": counts,
        "reason": reason or f"{context.command}: {said}",
    }


def write_changes(
    target: ConvexTarget,
    changes: Sequence[Change],
    context: RunContext,
    *,
    lock: LockSettings | None = None,
) -> Written:
    """Write `changes` as one run under the target's lease (one batch: all or nothing)."""
    started = clock.now_ms()
    calls = 0
    holder = new_holder(context.actor)
    with Lease(target, lock or LockSettings(), holder, context.run_id) as lease:
        leased = LeasedTarget(target, lease)

        def put(status: str, reason: str | None = None) -> None:
            nonlocal calls
            calls += 1
            run = _record(context, target, changes, started, status, calls + 1, reason=reason)
            leased.mutation(remote.RECORD_RUN, {"run": run})

        put("running")
        args = {
            "runId": context.run_id,
            "batchId": f"{context.run_id}/1",
            "ops": [_op(c) for c in changes],
        }
        try:
            calls += 1
            leased.mutation(remote.APPLY_BATCH, args)
        except SeedingSuiteError as exc:
            put("failed", f"{context.command}: the target refused the rollout run: {exc}")
            raise
        put("succeeded")
    return Written(context.run_id, started, clock.now_ms(), list(changes))
