"""One seeding run against a target: read state, gate, plan, apply batches, record the run.

Convergent by construction: every op carries the checksum the plan saw (a precondition) and
every batch an id the target remembers, so an interrupted run followed by a new one ends in
the state an uninterrupted run would have left, and a retried batch is never applied twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from seeding_suite import remote
from seeding_suite.engine.batching import (
    Batch,
    BatchLimits,
    IntegrationTooLarge,
    check_fits,
    make_batches,
)
from seeding_suite.engine.gating import gate
from seeding_suite.engine.plan import DocCounts, IntegrationPlan, plan_all
from seeding_suite.engine.state import StoredDoc, TargetState
from seeding_suite.errors import ConvexError, ConvexFunctionError

if TYPE_CHECKING:
    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.targets.base import ConvexTarget

Result = Literal["created", "updated", "unchanged", "reseeded", "deleted", "skipped", "failed"]
PAGE = 1000


@dataclass(frozen=True)
class RunInfo:
    """What the run record and the audit log say about a run (never a key)."""

    run_id: str
    environment: str
    actor: str
    harness_version: str
    catalog_checksum: str
    git_commit: str | None = None


@dataclass
class IntegrationResult:
    """The seed outcome of one integration, as the `seed` testcase reports it."""

    id: str
    action: Result
    counts: DocCounts = field(default_factory=DocCounts)
    message: str | None = None
    version: str | None = None
    checksum: str | None = None


@dataclass
class SeedReport:
    """Everything a run did: per-integration results and the run's totals."""

    run_id: str
    results: dict[str, IntegrationResult] = field(default_factory=dict)
    calls: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def documents_written(self) -> int:
        return sum(r.counts.written for r in self.results.values())

    def tally(self) -> dict[str, int]:
        names = ("created", "updated", "unchanged", "reseeded", "skipped", "failed")
        return {n: sum(1 for r in self.results.values() if r.action == n) for n in names}


Progress = Callable[[int, int], None]


class Seeder:
    """Seeds desired integrations into one target; see the module docstring for the guarantees."""

    def __init__(
        self,
        target: ConvexTarget,
        *,
        limits: BatchLimits | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.target = target
        self.limits = limits or BatchLimits()
        self.progress = progress
        self.calls = 0

    def _query(self, path: str, args: dict[str, Any]) -> Any:
        self.calls += 1
        return self.target.query(path, args)

    def _mutation(self, path: str, args: dict[str, Any]) -> Any:
        self.calls += 1
        return self.target.mutation(path, args)

    def read_state(self) -> TargetState:
        """Every seeded document's key and checksum, and each integration's version."""
        state = TargetState()
        for table in remote.SEEDED_TABLES:
            after: str | None = None
            while True:
                page = cast(
                    "remote.ReadStateResult",
                    self._query(
                        remote.READ_STATE,
                        {
                            "table": table,
                            "after": after,
                            "limit": PAGE,
                            "includeFields": table == "integrations",
                        },
                    ),
                )
                for doc in page["docs"]:
                    fields = doc.get("fields") or {}
                    version = fields.get("version") if table == "integrations" else None
                    stored = StoredDoc(
                        table, doc["naturalKey"], doc["integration"], doc["checksum"], doc["runId"]
                    )
                    state.add(stored, version if isinstance(version, str) else None)
                after = page["next"]
                if after is None:
                    break
        return state

    def seed(
        self,
        candidates: Sequence[DesiredIntegration],
        run: RunInfo,
        *,
        reseed: frozenset[str] = frozenset(),
        prune: frozenset[str] = frozenset(),
    ) -> SeedReport:
        """Seed `candidates` (dependency order, all checks passed) and record the run."""
        started = time.time()
        report = SeedReport(run.run_id)
        self._record(run, report, "running", started, None)
        state = self.read_state()
        gated = gate(candidates, state)
        for skipped_id, reason in gated.skipped.items():
            report.results[skipped_id] = IntegrationResult(skipped_id, "skipped", message=reason)
        checksums = {d.id: d.checksum for d in gated.allowed}
        plans = plan_all(gated.allowed, state, reseed=reseed, prune=prune)
        fitting: list[IntegrationPlan] = []
        for plan in plans:
            result = IntegrationResult(
                plan.id,
                plan.action,
                plan.counts,
                version=plan.version,
                checksum=checksums.get(plan.id),
            )
            report.results[plan.id] = result
            try:
                check_fits(plan, self.limits)
            except IntegrationTooLarge as exc:
                result.action, result.message, result.counts = "failed", str(exc), DocCounts()
                continue
            fitting.append(plan)
        deps = {d.id: {dep for dep, _ in d.dependencies} for d in gated.allowed}
        batches = make_batches(fitting, self.limits)
        for number, batch in enumerate(batches, start=1):
            self._apply(run, number, batch, report, deps)
            if self.progress is not None:
                self.progress(number, len(batches))
        report.batches = len(batches)
        report.seconds = time.time() - started
        failed = any(r.action == "failed" for r in report.results.values())
        self._record(run, report, "failed" if failed else "succeeded", started, time.time())
        report.calls = self.calls
        return report

    def _apply(
        self,
        run: RunInfo,
        number: int,
        batch: Batch,
        report: SeedReport,
        deps: dict[str, set[str]],
    ) -> None:
        failed = {i for i, r in report.results.items() if r.action == "failed"}
        blocked = [i for i in batch.integrations if deps.get(i, set()) & failed]
        if blocked:
            for integration in blocked:
                bad = ", ".join(sorted(deps[integration] & failed))
                result = report.results[integration]
                result.action, result.counts = "skipped", DocCounts()
                result.message = f"dependency {bad} failed to seed in this run"
            batch = _without(batch, set(blocked))
            if not batch.ops:
                return
        args = {"runId": run.run_id, "batchId": f"{run.run_id}/{number}", "ops": batch.ops}
        try:
            applied = cast("remote.ApplyBatchResult", self._mutation(remote.APPLY_BATCH, args))
        except ConvexError as exc:
            message = _describe_failure(exc)
            for integration in batch.integrations:
                result = report.results[integration]
                result.action, result.message, result.counts = "failed", message, DocCounts()
            return
        _count_outcomes(batch, applied["outcomes"], report)

    def _record(
        self, run: RunInfo, report: SeedReport, status: str, started: float, finished: float | None
    ) -> None:
        tally = report.tally()
        record = {
            "runId": run.run_id,
            "status": status,
            "environment": run.environment,
            "actor": run.actor,
            "target": self.target.description,
            "startedAt": started * 1000.0,
            "finishedAt": None if finished is None else finished * 1000.0,
            "harnessVersion": run.harness_version,
            "catalogChecksum": run.catalog_checksum,
            "gitCommit": run.git_commit,
            "counts": {
                **tally,
                "documentsWritten": report.documents_written,
                "convexCalls": self.calls + 1,
            },
        }
        self._mutation(remote.RECORD_RUN, {"run": record})


def _without(batch: Batch, drop: set[str]) -> Batch:
    kept = Batch()
    kept.integrations = [i for i in batch.integrations if i not in drop]
    kept.ops = [op for op in batch.ops if _op_integration(op) not in drop]
    return kept


def _op_integration(op: remote.Op) -> str:
    return op["naturalKey"].split("/", 1)[0]


def _count_outcomes(batch: Batch, outcomes: Sequence[remote.Outcome], report: SeedReport) -> None:
    """Replace planned counts by what the target says it did (exact even for a replayed batch)."""
    actual: dict[str, DocCounts] = {i: DocCounts() for i in batch.integrations}
    for op, outcome in zip(batch.ops, outcomes, strict=True):
        counts = actual[_op_integration(op)]
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    for integration, counts in actual.items():
        result = report.results[integration]
        counts.unchanged += result.counts.unchanged
        result.counts = counts


def _describe_failure(exc: ConvexError) -> str:
    if isinstance(exc, ConvexFunctionError) and isinstance(exc.data, dict):
        data = exc.data
        if data.get("code") == remote.PRECONDITION_FAILED:
            return (
                f"the target changed since the plan was read: {data.get('table')} "
                f"{data.get('naturalKey')} is {data.get('actual')}, expected {data.get('expected')}"
            )
    return str(exc)
