"""Rollback: undo runs from the ledger, putting back exactly what was there before them.

Each undone run becomes a rollback run of its own (recorded, with its own ledger entries), so a
rollback can itself be rolled back. The plan is checked against the target before anything is
written: a document a later run changed is a conflict, refused unless forced; the restore ops
carry the same precondition, so a change racing the rollback fails its batch atomically. A
later run that rewrote a document with the same content (same checksum) changed nothing the
rollback would lose: that is not a conflict, and the restore expects the document as it is.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from seeding_suite import remote
from seeding_suite.engine.batching import BatchLimits, IntegrationTooLarge, make_batches, op_size
from seeding_suite.engine.ledger import op_stamp, read_ledger, read_stamps, undo_op
from seeding_suite.engine.plan import IntegrationPlan
from seeding_suite.errors import ConvexFunctionError, SeedError

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget

RUNS_LIMIT = 1000


class RollbackError(SeedError):
    """A rollback could not be planned or applied."""


class RunNotFound(RollbackError):
    """The target has no record of the run to roll back."""


class RollbackRefused(RollbackError):
    """Later runs changed documents the rollback would restore (use force to overwrite)."""


@dataclass(frozen=True)
class Restore:
    """One document a rollback writes: `+` put back, `~` restored, `-` removed (the run
    created it)."""

    symbol: str
    table: str
    natural_key: str

    def render(self) -> str:
        return f"{self.symbol} {self.table} {self.natural_key}"


@dataclass
class UndoStep:
    """Undoing one run: its restore ops (newest write first) and what stands in their way."""

    run: remote.RunRecord
    ops: list[remote.RestoreOp]
    conflicts: list[str] = field(default_factory=list)
    writes: int = 0
    restores: list[Restore] = field(default_factory=list)
    integrations: set[str] = field(default_factory=set)
    versions: dict[str, str | None] = field(default_factory=dict)
    """The version an integration goes back to, when the run changed its version (None: the
    run created it, it is removed)."""
    replaced: dict[str, int] = field(default_factory=dict)
    """Bytes of the stored documents the ops replace, per integration (batches count them)."""

    @property
    def run_id(self) -> str:
        return self.run["runId"]


@dataclass
class RollbackPlan:
    """The runs to undo, in order, and the runs left alone (already undone, nothing to undo)."""

    steps: list[UndoStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    force: bool = False

    @property
    def conflicts(self) -> list[str]:
        return [c for step in self.steps for c in step.conflicts]

    def to_json(self) -> dict[str, Any]:
        return {
            "force": self.force,
            "runs": [
                {
                    "runId": s.run_id,
                    "documents": s.writes,
                    "conflicts": s.conflicts,
                    "integrations": {i: s.versions.get(i, "unchanged") for i in s.integrations},
                    "restores": [vars(r) for r in s.restores],
                }
                for s in self.steps
            ],
            "notes": self.notes,
        }

    def describe(self) -> list[str]:
        """Per run to undo: the integrations and the versions they go back to, the documents
        written, the conflicts; then the notes."""
        lines = []
        for step in self.steps:
            lines.append(
                f"undo run {step.run_id} ({step.run['environment']}, by {step.run['actor']}): "
                f"restore {step.writes} document(s) in {len(step.integrations)} integration(s)"
            )
            for integration in sorted(step.integrations):
                version = step.versions.get(integration, "unchanged")
                back = (
                    "removed (the run created it)"
                    if version is None
                    else "version unchanged"
                    if version == "unchanged"
                    else f"back to {version}"
                )
                lines.append(f"  {integration}: {back}")
            lines += [f"    {restore.render()}" for restore in step.restores]
            lines += [f"  conflict: {c}" for c in step.conflicts]
        return lines + self.notes


@dataclass(frozen=True)
class RollbackInfo:
    """Who rolls back, and the id of the (first) rollback run; later ones get `-2`, `-3`, ..."""

    run_id: str
    actor: str
    harness_version: str
    reason: str


@dataclass
class RollbackResult:
    """What a rollback did: (rollback run, undone run) pairs and documents written."""

    plan: RollbackPlan
    runs: list[tuple[str, str]] = field(default_factory=list)
    written: int = 0
    calls: int = 0


def _stamp_text(stamp: remote.Stamp | None) -> str:
    if stamp is None:
        return "nothing (absent)"
    return f"{stamp['checksum'][:22]} written by run {stamp['runId']}"


def _get_run(target: ConvexTarget, run_id: str) -> remote.RunRecord:
    record = cast("remote.RunRecord | None", target.query(remote.GET_RUN, {"runId": run_id}))
    if record is None:
        raise RunNotFound(f"the target {target.description} has no run {run_id!r}")
    return record


def _runs_to_undo(target: ConvexTarget, run_id: str | None, to: str | None) -> list[Any]:
    if (run_id is None) == (to is None):
        raise RollbackError("name exactly one run to roll back, or --to RUN_ID")
    if run_id is not None:
        return [_get_run(target, run_id)]
    assert to is not None
    anchor = _get_run(target, to)
    newest = cast("list[remote.RunRecord]", target.query(remote.LIST_RUNS, {"limit": RUNS_LIMIT}))
    later = [r for r in newest if r["startedAt"] > anchor["startedAt"]]
    later_ids = {r["runId"] for r in later}
    # A rollback of a later run cancels out with it: both are left alone.
    return [r for r in later if r.get("rollbackOf") not in later_ids]


def plan_rollback(
    target: ConvexTarget, run_id: str | None = None, *, to: str | None = None, force: bool = False
) -> RollbackPlan:
    """Undo `run_id`, or every run after `to` (newest first, leaving the state right after it)."""
    plan = RollbackPlan(force=force)
    stamps, sizes = read_stamps(target)
    for record in _runs_to_undo(target, run_id, to):
        if record.get("rolledBackBy"):
            plan.notes.append(
                f"run {record['runId']} was already rolled back by {record['rolledBackBy']}"
            )
            continue
        entries = read_ledger(target, record["runId"])
        step = UndoStep(record, [undo_op(e, force=force) for e in reversed(entries)])
        for op in step.ops:
            key = (op["table"], op["naturalKey"])
            current, wanted = stamps.get(key), op_stamp(op)
            if current == wanted:
                continue
            expected = op["expected"]
            if (
                current is not None
                and expected is not None
                and current["checksum"] == expected["checksum"]
            ):
                op["expected"] = current  # rewritten as it was: nothing of the later run is lost
            elif current != expected:
                step.conflicts.append(
                    f"{op['table']} {op['naturalKey']}: run {step.run_id} left "
                    f"{_stamp_text(op['expected'])}, the target holds {_stamp_text(current)}"
                )
            step.writes += 1
            integration = remote.integration_of(op["naturalKey"])
            symbol = "-" if wanted is None else "+" if current is None else "~"
            step.restores.append(Restore(symbol, op["table"], op["naturalKey"]))
            if op["table"] == "integrations":
                doc = op["doc"]
                step.versions[integration] = None if doc is None else str(doc.get("version"))
            step.integrations.add(integration)
            step.replaced[integration] = step.replaced.get(integration, 0) + sizes.get(key, 0)
            if wanted is None:
                stamps.pop(key, None)
                sizes.pop(key, None)
            else:
                stamps[key] = wanted
                sizes[key] = op_size(op)  # what a later step replaces (bounds the document)
        if step.writes == 0 and not entries:
            plan.notes.append(f"run {step.run_id} changed nothing: nothing to undo")
            continue
        plan.steps.append(step)
    return plan


def _by_integration(step: UndoStep) -> list[IntegrationPlan]:
    """Whole integrations per batch (as seeding does), each keeping the ops' order and
    counting the stored documents it replaces (applyBatch reads them and ledgers them)."""
    grouped: dict[str, list[remote.Op]] = defaultdict(list)
    for op in step.ops:
        grouped[remote.integration_of(op["naturalKey"])].append(op)
    return [
        IntegrationPlan(i, "updated", ops=group, replaced_bytes=step.replaced.get(i, 0))
        for i, group in grouped.items()
    ]


class _Recorder:
    """Run records of a rollback: the rollback run itself and the marks on undone runs."""

    def __init__(self, target: ConvexTarget, info: RollbackInfo) -> None:
        self.target = target
        self.info = info
        self.calls = 0

    def record(
        self,
        run_id: str,
        undone: remote.RunRecord,
        status: str,
        started: float,
        *,
        reason: str | None = None,
        counts: dict[str, int] | None = None,
    ) -> None:
        names = ("created", "updated", "unchanged", "reseeded", "skipped", "failed")
        tally = {name: 0 for name in names} | {"documentsWritten": 0} | (counts or {})
        record = {
            "runId": run_id,
            "status": status,
            "environment": undone["environment"],
            "actor": self.info.actor,
            "target": self.target.description,
            "startedAt": started * 1000.0,
            "finishedAt": None if status == "running" else time.time() * 1000.0,
            "harnessVersion": self.info.harness_version,
            "catalogChecksum": undone["catalogChecksum"],
            "gitCommit": None,
            "counts": {**tally, "convexCalls": self.calls + 1},
            "rollbackOf": undone["runId"],
            "reason": reason or self.info.reason,
        }
        self.put(record)

    def put(self, record: dict[str, Any]) -> None:
        self.calls += 1
        self.target.mutation(remote.RECORD_RUN, {"run": record})

    def mark_undone(self, undone: remote.RunRecord, by: str) -> None:
        """`undone` was rolled back by `by`; if it was itself a rollback, its run is live again."""
        self.put({**undone, "rolledBackBy": by})
        original = undone.get("rollbackOf")
        if original is not None:
            self.calls += 1
            record = self.target.query(remote.GET_RUN, {"runId": original})
            if record is not None:
                self.put({**record, "rolledBackBy": None})


def apply_rollback(
    target: ConvexTarget,
    plan: RollbackPlan,
    info: RollbackInfo,
    *,
    limits: BatchLimits | None = None,
) -> RollbackResult:
    """Apply a plan (refused when it has conflicts and was not planned with force)."""
    if plan.conflicts and not plan.force:
        shown = "; ".join(plan.conflicts[:5])
        more = len(plan.conflicts) - 5
        raise RollbackRefused(
            f"later runs changed {len(plan.conflicts)} document(s) this rollback would restore: "
            f"{shown}{f' (and {more} more)' if more > 0 else ''}; rerun with --force to "
            "overwrite them"
        )
    result = RollbackResult(plan)
    recorder = _Recorder(target, info)
    for number, step in enumerate(plan.steps, start=1):
        rollback_id = info.run_id if number == 1 else f"{info.run_id}-{number}"
        started = time.time()
        recorder.record(rollback_id, step.run, "running", started)
        try:
            written = _apply_step(recorder, rollback_id, step, limits or BatchLimits())
        except (ConvexFunctionError, IntegrationTooLarge) as exc:
            # Refused by the target (or too large): the failing batch wrote nothing, earlier
            # ones stand; once the cause is dealt with, running the rollback again finishes it.
            # A transport error propagates as is: the rollback run stays "running".
            reason = (
                f"rollback of run {step.run_id} stopped, the failing batch wrote nothing: {exc}"
            )
            recorder.record(rollback_id, step.run, "failed", started, reason=reason)
            raise RollbackError(reason) from exc
        result.written += written
        counts = {"updated": len(_by_integration(step)), "documentsWritten": written}
        recorder.record(rollback_id, step.run, "succeeded", started, counts=counts)
        recorder.mark_undone(step.run, rollback_id)
        result.runs.append((rollback_id, step.run_id))
    result.calls = recorder.calls
    return result


def _apply_step(recorder: _Recorder, rollback_id: str, step: UndoStep, limits: BatchLimits) -> int:
    written = 0
    for number, batch in enumerate(make_batches(_by_integration(step), limits), start=1):
        args = {"runId": rollback_id, "batchId": f"{rollback_id}/{number}", "ops": batch.ops}
        recorder.calls += 1
        applied = recorder.target.mutation(remote.APPLY_BATCH, args)
        outcomes = cast("remote.ApplyBatchResult", applied)["outcomes"]
        written += sum(1 for outcome in outcomes if outcome != "unchanged")
    return written
