"""The latest run: where, verdict, what changed by name (+ ~ - =), skips and failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.reports.junit import without_place

if TYPE_CHECKING:
    from seeding_suite.reports.model import History, Run


@dataclass(frozen=True, slots=True)
class Change:
    sign: str
    integration: str
    action: str
    version: str
    previous_version: str


@dataclass(frozen=True, slots=True)
class Skip:
    integration: str
    manifest: str
    reason: str


@dataclass(frozen=True, slots=True)
class Failure:
    integration: str
    check: str
    message: str
    file: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class LatestPanel:
    run_id: str
    environment: str
    target: str
    verdict: str
    started_at: str
    seconds: float
    actor: str
    git_commit: str
    counts: dict[str, int]
    documents_written: int
    convex_calls: int
    checks_reused: int
    changes: list[Change]
    unchanged: int
    skipped: list[Skip]
    failures: list[Failure]
    notes: str


def failures_of(run: Run) -> list[Failure]:
    """Failing checks with their file:line, then failing seed cases (at their manifest)."""
    rows = [
        Failure(
            c.integration,
            c.check,
            without_place(c.message),
            c.location.file if c.location else c.manifest,
            c.location.line if c.location else 1,
            c.location.col if c.location else 1,
        )
        for c in run.failures
    ]
    rows += [Failure(s.integration, "seed", s.reason, s.manifest, 1, 1) for s in run.failed_seeds]
    return rows


def build(history: History) -> LatestPanel:
    run = history.latest
    changes = [
        Change(s.sign, s.integration, s.action, s.version, s.previous_version)
        for s in run.seeds
        if s.action in ("created", "updated", "reseeded", "deleted")
    ]
    changes.sort(key=lambda c: (c.sign != "-", c.integration))
    return LatestPanel(
        run_id=run.run_id,
        environment=run.environment,
        target=run.target,
        verdict=run.verdict,
        started_at=run.started_at.isoformat(timespec="seconds"),
        seconds=round(run.seconds, 3),
        actor=run.actor,
        git_commit=run.git_commit,
        counts=dict(run.counts),
        documents_written=run.documents_written,
        convex_calls=run.convex_calls,
        checks_reused=run.checks_reused,
        changes=changes,
        unchanged=sum(1 for s in run.seeds if s.action == "unchanged"),
        skipped=[
            Skip(s.integration, s.manifest, s.reason) for s in run.seeds if s.action == "skipped"
        ],
        failures=failures_of(run),
        notes=run.notes,
    )
