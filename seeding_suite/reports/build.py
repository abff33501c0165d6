"""The whole report: every panel built from one History."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from seeding_suite.reports.panels import adoption, errors, latest, matrix, trends

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seeding_suite.reports.model import History
    from seeding_suite.reports.panels.drift import DriftPanel
    from seeding_suite.usage import UsageReport


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: str
    runs: int
    environments: list[str]
    latest: latest.LatestPanel
    trends: trends.TrendsPanel
    matrix: matrix.MatrixPanel
    errors: errors.ErrorsPanel
    drift: DriftPanel | None = None
    adoption: adoption.AdoptionPanel | None = None


def build_report(
    history: History,
    drift: DriftPanel | None = None,
    usage: UsageReport | None = None,
    rollouts: Mapping[tuple[str, str], int] | None = None,
    trust: Mapping[str, str] | None = None,
) -> Report:
    """Every panel; a target adds drift, usage, rollouts ((integration, environment) ->
    percent) and the catalog's trust per integration."""
    return Report(
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        runs=len(history.runs),
        environments=history.environments,
        latest=latest.build(history),
        trends=trends.build(history),
        matrix=matrix.build(history, rollouts, trust),
        errors=errors.build(history),
        drift=drift,
        adoption=None if usage is None else adoption.build(usage),
    )
