"""SeedingSession: the controller-side plugin object: outcomes, final seed stage, summary.

Registered only on the xdist controller or in a plain run. The final stage runs in a
`pytest_runtestloop` wrapper after the loop: every worker has finished and every report has
arrived, the exit code is not computed yet, and junitxml has not written its file
(research: pytest-plugin.md §2.4). An aborted loop (-x, Ctrl-C) raises through the `yield`,
so nothing is seeded then.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from seeding_suite import __version__
from seeding_suite.engine.checksum import combine
from seeding_suite.plugin.changes import change_lines, seed_status
from seeding_suite.plugin.outcomes import Outcomes
from seeding_suite.plugin.prefetching import processes_for
from seeding_suite.plugin.progress import ProgressLine
from seeding_suite.plugin.reporting import (
    REUSED,
    SEED_CASE,
    add_suite_properties,
    drop_audit_log,
    emit_seed_case,
)
from seeding_suite.plugin.stage import SeedStage, StageResult, StageSettings
from seeding_suite.plugin.state import collector_key
from seeding_suite.settings import actor, git_commit

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Sequence
    from pathlib import Path

    from seeding_suite.runner import CheckRunner

# + ~ - in colour on a terminal (TerminalWriter drops markup elsewhere), for a plan's lines and
# the change list alike: a symbol followed by a space (a plan's field line never matches).
SIGN_COLOURS = {"+": {"green": True}, "~": {"yellow": True}, "-": {"red": True}}


def _colour(line: str) -> dict[str, bool]:
    head = line.lstrip()[:2]
    return SIGN_COLOURS.get(head[0], {}) if len(head) == 2 and head[1] == " " else {}


def _marker_selects(markexpr: str, markers: set[str]) -> bool:
    if not markexpr:
        return True
    from _pytest.mark.expression import Expression  # the -m evaluator; a contract test guards it

    return Expression.compile(markexpr).evaluate(lambda name, /, **kw: not kw and name in markers)


def _is_seed(nodeid: str) -> bool:
    """A manifest's seed item (`manifests/x.yaml::seed`), not a Python test called `seed`."""
    display, _, name = nodeid.partition("::")
    return name == "seed" and display.endswith((".yaml", ".yml"))


class SeedingSession:
    """One per Config on the controller; see the module docstring."""

    def __init__(self, config: pytest.Config, runner: CheckRunner, settings: StageSettings) -> None:
        self.config = config
        self.runner = runner
        self.settings = settings
        self.outcomes = Outcomes(frozenset(runner.names))
        self.started = datetime.now(UTC)
        self.clock = time.monotonic()  # the stages' durations (--metrics)
        self.stage_started: float | None = None  # the seed stage's start, when it ran
        self.result: StageResult | None = None
        self.reused = 0  # check passes reused from earlier runs (seeding_suite.cache)
        self.progress: ProgressLine | None = None  # the stage's, on the terminal reporter
        self.audit_log: Path | None = None  # the default audit log, when setup chose it

    def close(self) -> None:
        """Nothing to release: targets are opened and closed inside the stage."""

    @property
    def seed_wanted(self) -> bool:
        """Whether `-m` leaves seed items in the run: known before collection (the audit log's
        default path is set then); collection tells which are selected (`select_seeds`)."""
        return _marker_selects(self.config.option.markexpr, {"seed", "reseed"})

    @property
    def reseed_requested(self) -> bool:
        expr = self.config.option.markexpr
        return bool(expr) and _marker_selects(expr, {"reseed"}) and not _marker_selects(expr, set())

    def pytest_report_header(self, config: pytest.Config) -> str:
        return f"seeding-suite {__version__}: target {self.settings.target.description}"

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if getattr(report, SEED_CASE, False):
            return
        if getattr(report, REUSED, False):
            self.reused += 1
        self.outcomes.note_report(
            report.nodeid, report.outcome, report.when, report.user_properties, report.location[0]
        )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.nodeid.endswith((".yaml", ".yml")):
            self.outcomes.note_collection_error(
                report.nodeid, str(report.longrepr).splitlines()[-1]
            )

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """A plain run: the selected seed items are among the session's items."""
        from seeding_suite.plugin.collect import SeedItem

        seeds = [item for item in session.items if isinstance(item, SeedItem)]
        self.select_seeds((item.nodeid, item.path) for item in seeds)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: Sequence[str]) -> None:
        """Under xdist: every worker collected the same items (xdist checks); the first says."""
        if self.outcomes.seeds is None:
            self.select_seeds((nodeid, None) for nodeid in ids if _is_seed(nodeid))

    def select_seeds(self, seeds: Iterable[tuple[str, Path | None]]) -> None:
        """The manifests whose seed items this run selected: the stage seeds those alone.

        A run that selected none (`-k schema`, `manifests/x.yaml::parse`) seeds nothing, so the
        default audit log is not written: there is nothing to audit.
        """
        self.outcomes.select_seeds((nodeid.partition("::")[0], path) for nodeid, path in seeds)
        if not self._stage_wanted() and self.audit_log is not None:
            drop_audit_log(self.config)
            self.audit_log = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        result = yield  # raises on -x/--maxfail, Ctrl-C, collection interruption: no seeding
        if self._stage_wanted():
            self.stage_started = time.monotonic()
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.ensure_newline()
                reporter.write_sep("-", f"seed stage: {self.settings.target.description}")
                self.progress = ProgressLine(reporter)
            stage = SeedStage(
                self.runner,
                self.settings,
                self.outcomes,
                self._after_batch,
                lambda count: processes_for(self.config, count),
                self._notice,
                None if self.progress is None else self.progress.step,
            )
            try:
                self.result = stage.run(reseed=self.reseed_requested)
            except Exception as exc:
                # A bug, maybe after writes: the audit log still gets the run's properties,
                # what the target says it wrote and the cases known so far, and the run
                # record no longer says succeeded. pytest then reports the INTERNALERROR.
                self.result = stage.result
                self._emit_cases(session)
                self._suite_properties(stage.internal_error(exc))
                raise
            finally:
                if self.progress is not None:
                    self.progress.close()
            self._emit_cases(session)
        self._suite_properties()
        return result

    def _stage_wanted(self) -> bool:
        """A seed item was selected; or `--prune` asks to delete what the catalog dropped,
        which needs no manifest (`--manifest-root empty --prune-all` empties the target)."""
        seeds = self.outcomes.seeds
        if seeds is None or self.config.option.collectonly:
            return False
        return bool(seeds) or (self.settings.prune and self.seed_wanted)

    def _emit_cases(self, session: pytest.Session) -> None:
        """One report per selected seed item, and one per integration the run deleted.

        A deleted integration has no manifest, so it was no item: its testcase is the audit
        log's record of the deletion, counted on top of the collected items (the progress
        stays at 100 %).
        """
        assert self.result is not None
        seeds = self.outcomes.seeds or {}
        session.testscollected += sum(1 for c in self.result.cases if c.manifest not in seeds)
        for case in self.result.cases:
            emit_seed_case(
                self.config,
                case.manifest,
                case.outcome,
                case.message,
                case.properties,
                case.seconds,
            )

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        """A seed case's letter and word say its action (seeding_suite.plugin.changes)."""
        if not getattr(report, SEED_CASE, False) or report.when == "teardown":
            return None
        return seed_status(report.outcome, report.when, dict(report.user_properties))

    def _after_batch(self, done: int, total: int, said: str) -> None:
        """Say what is known of the batch; and freeze what the target now holds, so later
        collections skip it.

        The embedded target keeps every document it was given for the rest of the run: at
        10,000 manifests, each full collection walked all of them again.
        """
        if self.progress is not None:
            self.progress.batch(done, total, said)
        self.config.stash[collector_key].freeze()

    def _notice(self, line: str) -> None:
        if self.progress is not None:
            self.progress.notice(line)

    def _suite_properties(self, known: Sequence[tuple[str, str]] = ()) -> None:
        """The run's properties; `known` (what the target says) wins over the stage's."""
        checksums = sorted(c for r in self.outcomes.records.values() for c in r.checksums)
        props: list[tuple[str, str]] = [
            ("run_id", self.settings.run_id),
            ("environment", self.settings.policy.name),
            ("mode", "plan" if self.settings.plan else "apply"),
            ("target", self.settings.target.description),
            ("actor", actor()),
            ("harness_version", __version__),
            ("catalog_checksum", combine(checksums)),
            ("started_at", self.started.isoformat()),
            ("finished_at", datetime.now(UTC).isoformat()),
            ("checks_reused", str(self.reused)),
        ]
        commit = git_commit(self.config.rootpath)
        if commit is not None:
            props.append(("git_commit", commit))
        if self.result is not None:
            props.extend((name, str(count)) for name, count in self.result.totals().items())
            if self.result.plan:
                props.append(("plan", "\n".join(self.result.plan)))
            report = self.result.report
            if report is not None and report.notes:
                props.append(("notes", "\n".join(report.notes)))
        overridden = {name for name, _ in known}
        props = [(name, value) for name, value in props if name not in overridden]
        add_suite_properties(self.config, [*props, *known])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """A run stopped before seeding (the production guard, an unknown --integrations id)
        did not seed, and one with notes (a refused
        prune, a target that stopped answering, a run record not written) did not do all it
        should: the exit code says so."""
        result = self.result
        troubled = result is not None and (
            result.stopped is not None or (result.report is not None and bool(result.report.notes))
        )
        if troubled and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.reused:
            terminalreporter.write_line(
                f"checks: {self.reused} passed on unchanged inputs in an earlier run and were "
                "reused (--no-check-cache runs them)"
            )
        prefetch = self.runner.prefetch
        if prefetch is not None and prefetch.handed:
            terminalreporter.write_line(
                f"checks: {prefetch.handed} manifest(s) checked ahead in {prefetch.processes} "
                "forked process(es) (--check-processes 0 checks in this one)"
            )
        if self.result is None:
            return
        terminalreporter.write_sep("-", "seeding-suite")
        for line in self.result.plan:
            terminalreporter.write_line(line, **_colour(line))
        if not self.result.plan:
            for line in change_lines(self.result.cases, verbose=self.config.option.verbose > 0):
                terminalreporter.write_line(line, **_colour(line))
        if self.result.stopped is not None:
            terminalreporter.write_line(f"NOT SEEDED: {self.result.stopped}", red=True, bold=True)
        report = self.result.report
        for note in [] if report is None or self.result.plan else report.notes:
            terminalreporter.write_line(note, red=True, bold=True)
        terminalreporter.write_line(self.result.summary_line())
