"""Security findings in a pytest run: on reports, in the terminal summary, JUnit and SARIF.

A failing check's findings are already its failure text. A passing `security` item's warnings
and info would be lost, so each check item's findings ride on its report (`seeding_findings`,
JSON data: xdist carries it from the workers) and its warnings on the item's properties (JUnit
writes them). The controller (or plain run) collects them, lists warnings after the run and
writes `--sarif FILE` with every finding of the run, exempted ones as suppressed results.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.state import runner_key

if TYPE_CHECKING:
    from collections.abc import Generator

    from seeding_suite.findings import Finding

FINDINGS = "seeding_findings"
PROPERTY = "security"
findings_key = pytest.StashKey["SecurityReport"]()


def add_options(group: pytest.OptionGroup) -> None:
    group.addoption(
        "--sarif",
        metavar="FILE",
        default=None,
        help="Write every finding of the run to FILE as SARIF 2.1.0 (for code scanning)",
    )


class FindingsOnReports:
    """In every process: put a check item's findings on its call report."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        found: tuple[Finding, ...] = ()
        if call.when == "call":
            from seeding_suite.plugin.collect import CheckItem

            if isinstance(item, CheckItem):
                outcome = item.config.stash[runner_key].run(item.name, item.path)
                # Warnings of a passing item: JUnit writes an item's properties.
                item.user_properties.extend(
                    (PROPERTY, f.render()) for f in outcome.findings if f.severity != "error"
                )
                found = (*outcome.findings, *outcome.exempted)  # exempted: for SARIF only
        report = yield
        if found:
            setattr(report, FINDINGS, [f.to_data() for f in found])
        return report


class SecurityReport:
    """On the controller or a plain run: every finding of the session."""

    def __init__(self, config: pytest.Config, sarif: Path | None) -> None:
        self.config = config
        self.sarif = sarif
        self.findings: list[Finding] = []
        self.integrations: set[str] = set()
        self.written: Path | None = None
        self.error: str | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, FINDINGS, None)
        if data:
            from seeding_suite.findings import Finding

            self.findings.extend(Finding.from_data(item) for item in data)
        for name, value in report.user_properties:
            if name == "integration" and value:
                self.integrations.add(str(value))

    @pytest.hookimpl(trylast=True)  # after the checks' own sessionfinish saved the cache
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.findings.extend(self._stale_exemptions())
        if self.sarif is None:
            return
        from seeding_suite.security.sarif import write_sarif

        checks = {c.name: c.description for c in self.config.stash[runner_key].checks}
        try:
            write_sarif(self.sarif, self.findings, checks)
            self.written = self.sarif
        except OSError as exc:
            self.error = f"cannot write the SARIF file {self.sarif}: {exc.strerror or exc}"

    def _stale_exemptions(self) -> list[Finding]:
        """Exemptions of integrations no item of this run was about, and not in the catalog."""
        from seeding_suite.checks.security import SecurityCheck

        runner = self.config.stash[runner_key]
        check = next((c for c in runner.checks if isinstance(c, SecurityCheck)), None)
        if check is None:
            return []
        exemptions = check.settings.exemptions
        if all(e.id in self.integrations for e in exemptions.entries):
            return []  # the common case: the catalog is not read again
        from seeding_suite.security.scan import unknown_ids

        return unknown_ids(exemptions, runner.catalog.by_id())

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        # Errors are failures already; exempted findings are reviewed, and only in SARIF.
        shown = [f for f in self.findings if f.severity != "error" and f.exempted is None]
        if shown:
            terminalreporter.section("security findings (not failing)", sep="-")
            for finding in shown:
                terminalreporter.line(finding.render())
        if self.written is not None:
            terminalreporter.write_sep("-", f"SARIF written to {self.written}")
        if self.error is not None:
            terminalreporter.write_sep("-", self.error, red=True)


def configure(config: pytest.Config, controller: bool) -> None:
    """Register the per-process hooks, and the collector where the run's reports end up."""
    config.pluginmanager.register(FindingsOnReports(), "seeding-suite-findings")
    if controller:
        sarif = config.option.sarif
        report = SecurityReport(config, Path(sarif) if sarif else None)
        config.stash[findings_key] = report
        config.pluginmanager.register(report, "seeding-suite-security")
