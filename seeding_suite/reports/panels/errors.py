"""Error rates per check and per integration over time, and the slowest manifests."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.reports.model import History

SLOWEST = 20
TOP_FAILING = 50


@dataclass(frozen=True, slots=True)
class IntegrationErrors:
    integration: str
    failures: int  # runs in which one of its checks or its seed failed
    runs: int  # runs that checked it
    last_failure: str  # the run id
    last_message: str

    @property
    def rate(self) -> float:
        return self.failures / self.runs if self.runs else 0.0


@dataclass(frozen=True, slots=True)
class SlowManifest:
    manifest: str
    environment: str
    seconds: float  # its checks' time in the environment's latest run


@dataclass(frozen=True, slots=True)
class ErrorsPanel:
    checks: list[str]
    # check -> (run id, failed/ran in that run) for every run that ran the check, oldest first
    check_rates: dict[str, list[tuple[str, float]]]
    integrations: list[IntegrationErrors]  # most failures first, at most TOP_FAILING
    slowest: list[SlowManifest]


def build(history: History) -> ErrorsPanel:
    rates: dict[str, list[tuple[str, float]]] = defaultdict(list)
    failed_runs: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    last: dict[str, tuple[str, str]] = {}
    for run in history.runs:
        ran: Counter[str] = Counter()
        bad: Counter[str] = Counter()
        failing: dict[str, str] = {}
        for case in run.checks:
            if case.outcome == "skipped":
                continue
            ran[case.check] += 1
            if case.outcome in ("failed", "error"):
                bad[case.check] += 1
                failing.setdefault(case.integration, case.message)
        for seed in run.failed_seeds:
            failing.setdefault(seed.integration, seed.reason)
        for check, count in ran.items():
            rates[check].append((run.run_id, round(bad[check] / count, 4)))
        checked.update({c.integration for c in run.checks} | {s.integration for s in run.seeds})
        for integration, message in failing.items():
            failed_runs[integration] += 1
            last[integration] = (run.run_id, message)
    worst = sorted(failed_runs, key=lambda i: (-failed_runs[i], i))[:TOP_FAILING]
    integrations = [
        IntegrationErrors(i, failed_runs[i], checked[i], last[i][0], last[i][1]) for i in worst
    ]
    slowest: list[SlowManifest] = []
    for environment in history.environments:
        runs = [r for r in history.in_environment(environment) if r.checks]
        if not runs:
            continue
        per_manifest: defaultdict[str, float] = defaultdict(float)
        for case in runs[-1].checks:
            per_manifest[case.manifest] += case.seconds
        slowest += [SlowManifest(m, environment, round(s, 3)) for m, s in per_manifest.items()]
    slowest.sort(key=lambda s: (-s.seconds, s.manifest, s.environment))
    return ErrorsPanel(sorted(rates), dict(sorted(rates.items())), integrations, slowest[:SLOWEST])
