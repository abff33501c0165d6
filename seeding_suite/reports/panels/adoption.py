"""Usage and adoption (with a target): who uses each integration where, over the window.

The figures are seeding_suite.usage's (`read_usage`, as `seeding-suite usage` prints them);
this panel lays them out: per integration and environment a row, a chart per trust of the
workspaces' uses per day and environment (official and community apart), and the
integrations seeded but unused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.usage import IntegrationAdoption, UsageReport


@dataclass(frozen=True, slots=True)
class AdoptionRow:
    integration: str
    trust: str  # official, community, or unknown (not in the catalog)
    seeded: bool
    environment: str  # "" for an integration seeded but used nowhere
    workspaces: int  # distinct workspaces over the window
    days_used: int
    last_used: str  # YYYY-MM-DD, "" when never


@dataclass(frozen=True, slots=True)
class AdoptionPanel:
    days: list[str]
    # trust -> environment -> (day, uses that day summed over the trust's integrations)
    per_day: dict[str, dict[str, list[tuple[str, float]]]]
    rows: list[AdoptionRow]
    unused: list[str]


def _rows(adoption: IntegrationAdoption) -> list[AdoptionRow]:
    trust = adoption.trust or "unknown"
    if not adoption.environments:
        return [AdoptionRow(adoption.integration, trust, adoption.seeded, "", 0, 0, "")]
    return [
        AdoptionRow(
            adoption.integration,
            trust,
            adoption.seeded,
            env.environment,
            env.workspaces,
            len(env.series),
            env.series[-1].day if env.series else "",
        )
        for env in adoption.environments
    ]


def build(report: UsageReport) -> AdoptionPanel:
    totals: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(report.days, 0))
    )
    for adoption in report.integrations:
        for env in adoption.environments:
            by_day = totals[adoption.trust or "unknown"][env.environment]
            for point in env.series:
                by_day[point.day] = by_day.get(point.day, 0) + point.workspaces
    per_day = {
        trust: {
            env: [(day, float(n)) for day, n in days.items()] for env, days in sorted(envs.items())
        }
        for trust, envs in sorted(totals.items())
    }
    return AdoptionPanel(
        days=list(report.days),
        per_day=per_day,
        rows=[row for adoption in report.integrations for row in _rows(adoption)],
        unused=[a.integration for a in report.unused()],
    )
