"""The seeder you can trust with production: leased, health-checked, rolled back on failure.

`GuardedSeeder.seed` takes the target's lease (waiting for a busy target, then failing with
the holder's name), runs the plain Seeder with the lease sent on every batch, checks the
target's health, and on any problem rolls the run back (recorded as a run of its own),
marking the affected integrations failed with the health check's message. `guarded_rollback`
is the `seeding-suite rollback` command's engine: plan and apply under the same lease.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seeding_suite.engine.health import HealthProblem, HealthSettings, check_health
from seeding_suite.engine.lock import Lease, LeasedTarget, LockSettings, new_holder
from seeding_suite.engine.plan import DocCounts
from seeding_suite.engine.rollback import (
    RollbackInfo,
    RollbackPlan,
    RollbackResult,
    apply_rollback,
    plan_rollback,
)
from seeding_suite.engine.seeder import RunInfo, Seeder, SeedOptions, SeedReport
from seeding_suite.errors import SeedingSuiteError
from seeding_suite.targets.base import CountingTarget

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from seeding_suite.engine.batching import BatchLimits
    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.seeder import Preload, Progress
    from seeding_suite.targets.base import ConvexTarget

WRITING = ("created", "updated", "reseeded", "deleted")


@dataclass
class HealthOutcome:
    """What the health checks found after a run, and the rollback run that undid it, if any."""

    problems: list[HealthProblem] = field(default_factory=list)
    rollback_run_id: str | None = None
    rollback_error: str | None = None

    @property
    def message(self) -> str:
        shown = "; ".join(str(p) for p in self.problems[:3])
        more = len(self.problems) - 3
        return f"health check failed: {shown}" + (f" (and {more} more)" if more > 0 else "")


class GuardedSeeder:
    """Seeder + lease + health checks + automatic rollback; see the module docstring."""

    def __init__(
        self,
        target: ConvexTarget,
        *,
        limits: BatchLimits | None = None,
        progress: Progress | None = None,
        lock: LockSettings | None = None,
        health: HealthSettings | None = None,
        holder: str | None = None,
        preload: Preload | None = None,
        waiting: Callable[[str], None] | None = None,
    ) -> None:
        # Every call of the run is counted here (lease, records, health, rollback), so the
        # run record's convexCalls is the audit log's; a CountingTarget given is shared.
        self.target = target if isinstance(target, CountingTarget) else CountingTarget(target)
        self.waiting = (
            waiting  # told, every few seconds, whom a run waiting for the lease waits for
        )
        self.limits = limits
        self.progress = progress
        self.preload = preload
        self.lock = lock or LockSettings()
        self.health = health or HealthSettings()
        self.holder = holder
        self.outcome: HealthOutcome | None = None

    def seed(
        self,
        candidates: Sequence[DesiredIntegration],
        run: RunInfo,
        options: SeedOptions | None = None,
    ) -> SeedReport:
        """Seed under the lease; raises LockTimeout when the target stays busy.

        The run record is written last, after the health checks (and any rollback), with
        every call of the run counted, the lease release that follows it included.
        """
        holder = self.holder or new_holder(run.actor)
        lease = Lease(self.target, self.lock, holder, run.run_id, waiting=self.waiting)
        with lease:
            leased = LeasedTarget(self.target, lease)
            seeder = Seeder(
                leased,
                limits=self.limits,
                progress=self.progress,
                preload=self.preload,
                counted=self.target,
            )
            report = seeder.run(candidates, run, options)
            seeder.settle(report)  # the target may answer again: verify what is known
            self.outcome = None
            reason = rolled_back_by = None
            # A run that wrote nothing has nothing to roll back: it is not read again.
            if self.health.enabled and report.documents_written > 0:
                try:
                    state = Seeder(leased).read_state()
                    problems = check_health(leased, state, candidates, report, self.health.checks)
                except SeedingSuiteError as exc:
                    report.notes.append(
                        f"the health checks could not read the target ({exc}): this run's "
                        "writes are not verified and were not rolled back"
                    )
                    problems = []
                if problems:
                    self.outcome = self._roll_back(leased, run, report, problems)
                    rolled_back_by = self.outcome.rollback_run_id
                    reason = _failure_message(self.outcome, run.run_id)
            later = 1 if lease.held else 0  # the release
            seeder.finish(
                run, report, reason=reason, rolled_back_by=rolled_back_by, later_calls=later
            )
            return report

    def _roll_back(
        self, target: ConvexTarget, run: RunInfo, report: SeedReport, problems: list[HealthProblem]
    ) -> HealthOutcome:
        """Undo the run; its results say so (the caller writes the run's record)."""
        outcome = HealthOutcome(problems)
        info = RollbackInfo(
            f"{run.run_id}-rollback", run.actor, run.harness_version, outcome.message
        )
        try:
            undone = apply_rollback(target, plan_rollback(target, run.run_id), info)
        except SeedingSuiteError as exc:  # refused, or the target stopped answering
            outcome.rollback_error = str(exc)
        else:
            outcome.rollback_run_id = undone.runs[0][0] if undone.runs else None
        named = {p.integration for p in problems}
        for integration, result in report.results.items():
            if result.action in WRITING or integration in named:
                result.action, result.counts = "failed", DocCounts()
                result.message = _failure_message(outcome, run.run_id)
        return outcome


def _failure_message(outcome: HealthOutcome, run_id: str) -> str:
    if outcome.rollback_error is not None:
        return f"{outcome.message}; automatic rollback FAILED: {outcome.rollback_error}"
    if outcome.rollback_run_id is None:
        return f"{outcome.message}; run {run_id} wrote nothing to roll back"
    return (
        f"{outcome.message}; run {run_id} was rolled back automatically "
        f"(rollback run {outcome.rollback_run_id})"
    )


def guarded_rollback(
    target: ConvexTarget,
    info: RollbackInfo,
    *,
    run_id: str | None = None,
    to: str | None = None,
    force: bool = False,
    plan_only: bool = False,
    lock: LockSettings | None = None,
    limits: BatchLimits | None = None,
    holder: str | None = None,
) -> tuple[RollbackPlan, RollbackResult | None]:
    """Plan a rollback (`plan_only`: read only, no lease), or plan and apply it under the lease."""
    if plan_only:
        return plan_rollback(target, run_id, to=to, force=force), None
    holder = holder or new_holder(info.actor)
    with Lease(target, lock or LockSettings(), holder, info.run_id) as lease:
        leased = LeasedTarget(target, lease)
        plan = plan_rollback(leased, run_id, to=to, force=force)
        return plan, apply_rollback(leased, plan, info, limits=limits)
