"""A target's run records (`seedingRuns`, engine/runs.py) as `Run`s without cases.

They add what the audit logs do not hold: runs whose log was pruned or kept elsewhere, and
each run's final status (a run rolled back later, an abandoned one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from seeding_suite.reports.model import Run

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget

_COUNTS = ("created", "updated", "unchanged", "reseeded", "skipped", "failed", "deleted")


def _moment(ms: object) -> datetime:
    return datetime.fromtimestamp(float(ms) / 1000.0 if isinstance(ms, int | float) else 0, UTC)


def run_of(record: dict[str, Any]) -> Run:
    counts = record.get("counts") or {}
    started = _moment(record.get("startedAt"))
    finished = record.get("finishedAt")
    return Run(
        run_id=str(record["runId"]),
        environment=str(record.get("environment") or ""),
        target=str(record.get("target") or ""),
        started_at=started,
        finished_at=started if finished is None else _moment(finished),
        source="target",
        actor=str(record.get("actor") or ""),
        harness_version=str(record.get("harnessVersion") or ""),
        git_commit=str(record.get("gitCommit") or ""),
        counts=tuple((name, int(counts.get(name, 0))) for name in _COUNTS),
        documents_written=int(counts.get("documentsWritten", 0)),
        convex_calls=int(counts.get("convexCalls", 0)),
        notes=str(record.get("reason") or ""),
        status=str(record.get("status") or ""),
    )


def target_runs(target: ConvexTarget, limit: int) -> list[Run]:
    """The newest `limit` runs the target recorded."""
    from seeding_suite.engine.runs import list_runs

    return [run_of(record) for record in list_runs(target, limit)]
