"""Run history with trends: duration per stage, outcomes, documents, Convex calls, reuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.reports.model import History


@dataclass(frozen=True, slots=True)
class RunRow:
    run_id: str
    environment: str
    started_at: str
    verdict: str
    seconds: float
    check_seconds: float
    seed_seconds: float
    created: int
    updated: int
    unchanged: int
    deleted: int
    skipped: int
    failed: int
    documents_written: int
    convex_calls: int
    checks_reused: int
    error_rate: float
    source: str


@dataclass(frozen=True, slots=True)
class TrendsPanel:
    environments: list[str]
    runs: list[RunRow]  # oldest first

    def series(self, field_name: str) -> dict[str, list[tuple[str, float]]]:
        """(run id, value) per environment, oldest first: one chart line each."""
        out: dict[str, list[tuple[str, float]]] = {e: [] for e in self.environments}
        for row in self.runs:
            out[row.environment].append((row.run_id, float(getattr(row, field_name))))
        return out


def build(history: History) -> TrendsPanel:
    rows = [
        RunRow(
            run_id=r.run_id,
            environment=r.environment,
            started_at=r.started_at.isoformat(timespec="seconds"),
            verdict=r.verdict,
            seconds=round(r.seconds, 3),
            check_seconds=round(r.check_seconds, 3),
            seed_seconds=round(r.seed_seconds, 3),
            created=r.count("created"),
            updated=r.count("updated"),
            unchanged=r.count("unchanged"),
            deleted=r.count("deleted"),
            skipped=r.count("skipped"),
            failed=r.count("failed"),
            documents_written=r.documents_written,
            convex_calls=r.convex_calls,
            checks_reused=r.checks_reused,
            error_rate=round(r.error_rate, 4),
            source=r.source,
        )
        for r in history.runs
    ]
    return TrendsPanel(history.environments, rows)
