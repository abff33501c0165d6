"""The run seen from outside: GitHub Actions annotations as checks fail, and `--metrics FILE`.

Registered on the controller (or in a plain run) only when asked: GITHUB_ACTIONS=true, or
--metrics. The controller receives every worker's reports, so annotations and counts are the
same with and without xdist. The work is in seeding_suite.reports (annotations.py, metrics.py),
which never imports pytest.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.reporting import SEED_CASE
from seeding_suite.reports.annotations import error_line, workspace_path
from seeding_suite.reports.junit import location_of

if TYPE_CHECKING:
    from seeding_suite.plugin.session import SeedingSession


class RunMonitor:
    def __init__(self, config: pytest.Config, session: SeedingSession, *, annotate: bool) -> None:
        self.config = config
        self.session = session
        self.annotate = annotate
        metrics = config.option.metrics
        self.metrics = None if metrics is None else Path(config.invocation_params.dir, metrics)
        self.failures: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.failed:
            return
        seed = getattr(report, SEED_CASE, False)
        check = "seed" if seed else report.nodeid.rpartition("::")[2]
        self.failures[check] += 1
        if self.annotate:
            self._annotate(report, check)

    def _annotate(self, report: pytest.TestReport, check: str) -> None:
        """`::error file=manifests/x.yaml,line=4,col=10,title=x: schema::message`."""
        manifest = report.location[0]
        message = str(report.longrepr or "failed").strip()
        place = location_of(message.splitlines()[0] if message else "", manifest)
        properties = dict(report.user_properties)
        integration = str(properties.get("integration") or Path(manifest).stem)
        file = workspace_path(place.file, self.config.rootpath)
        line = error_line(file, place.line, place.col, f"{integration}: {check}", message)
        # On a line of its own, as workflow commands must be: the progress line may be open.
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write(f"\n{line}\n")
        else:
            print(f"\n{line}", flush=True)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.metrics is None:
            return
        from seeding_suite.reports.metrics import RunFigures, write_metrics

        seeding = self.session
        now = time.monotonic()
        stage_started = seeding.stage_started
        stages = {"total": now - seeding.clock}
        stages["checks"] = (stage_started or now) - seeding.clock
        if stage_started is not None:
            stages["seed"] = now - stage_started
        result = seeding.result
        report = None if result is None else result.report
        totals = {} if result is None else result.totals()
        figures = RunFigures(
            run_id=seeding.settings.run_id,
            environment=seeding.settings.policy.name,
            finished_at=time.time(),
            stage_seconds=stages,
            integrations={
                k: v for k, v in totals.items() if k not in ("documents_written", "convex_calls")
            },
            documents={}
            if report is None
            else {
                (table, action): getattr(counts, action)
                for table, counts in report.tables.items()
                for action in ("created", "updated", "deleted", "unchanged")
            },
            convex_calls=0 if report is None else report.calls,
            check_failures=dict(self.failures),
            checks_reused=seeding.reused,
        )
        write_metrics(self.metrics, figures)


def register_monitor(config: pytest.Config, session: SeedingSession) -> None:
    """Watch the run when annotations or metrics are wanted; else add nothing to it."""
    from seeding_suite.reports.annotations import in_github_actions

    annotate = in_github_actions()
    if annotate or config.option.metrics is not None:
        monitor = RunMonitor(config, session, annotate=annotate)
        config.pluginmanager.register(monitor, "seeding-suite-monitor")
        config.add_cleanup(lambda: config.pluginmanager.unregister(monitor))
