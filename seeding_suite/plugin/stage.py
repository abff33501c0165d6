"""The final seed stage: from the ledger to seed testcases (no pytest here, only decisions).

Desired state = the integrations whose checks all passed in this session (narrowed by
`--integrations`), in dependency order; the engine gates them on their dependencies, plans,
applies and records the run. Every manifest the session checked gets exactly one seed case.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from seeding_suite import __version__
from seeding_suite.engine.checksum import combine
from seeding_suite.engine.seeder import IntegrationResult, RunInfo, Seeder, SeedReport
from seeding_suite.errors import SeedingSuiteError
from seeding_suite.settings import TargetSettings, actor, git_commit
from seeding_suite.targets.open import open_target

if TYPE_CHECKING:
    from collections.abc import Callable

    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.plugin.ledger import Ledger, ManifestRecord
    from seeding_suite.runner import CheckRunner

CaseOutcome = Literal["passed", "failed", "skipped", "error"]


@dataclass(frozen=True)
class StageSettings:
    """What the final stage needs to know that is not in the ledger."""

    run_id: str
    target: TargetSettings
    environment: str
    integrations: frozenset[str] | None


@dataclass(frozen=True)
class SeedCase:
    """One `<manifest>::seed` testcase and its DESIGN §8 properties."""

    manifest: str
    outcome: CaseOutcome
    message: str | None
    properties: list[tuple[str, str]]
    seconds: float = 0.0


@dataclass
class StageResult:
    """The seed cases and, when the target was reached, the engine's report."""

    cases: list[SeedCase] = field(default_factory=list)
    report: SeedReport | None = None

    def totals(self) -> dict[str, int]:
        actions = [dict(c.properties).get("action", "") for c in self.cases]
        names = ("created", "updated", "unchanged", "reseeded", "skipped", "failed")
        totals = {name: actions.count(name) for name in names}
        totals["documents_written"] = 0 if self.report is None else self.report.documents_written
        totals["convex_calls"] = 0 if self.report is None else self.report.calls
        return totals

    def summary_line(self) -> str:
        t = self.totals()
        seconds = 0.0 if self.report is None else self.report.seconds
        return (
            f"seed: {t['created']} created, {t['updated']} updated, {t['unchanged']} unchanged, "
            f"{t['reseeded']} reseeded, {t['skipped']} skipped, {t['failed']} failed; "
            f"{t['documents_written']} documents written, {t['convex_calls']} Convex calls, "
            f"{seconds:.2f} s"
        )


class SeedStage:
    """Runs the final stage once, for one session."""

    def __init__(
        self,
        runner: CheckRunner,
        settings: StageSettings,
        ledger: Ledger,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.runner = runner
        self.settings = settings
        self.ledger = ledger
        self.progress = progress

    def run(self, *, reseed: bool) -> StageResult:
        result = StageResult()
        checks = self.runner.names
        candidates: dict[str, tuple[ManifestRecord, DesiredIntegration]] = {}
        blocked: dict[str, tuple[ManifestRecord, str]] = {}
        for display, record in sorted(self.ledger.records.items()):
            reason = record.blocking_reason(checks)
            if reason is None:
                reason, desired = self._load(record)
                if desired is not None:
                    candidates[desired.id] = (record, desired)
                    continue
            blocked[display] = (record, reason or "not seeded")
        wanted = self.settings.integrations
        if wanted is not None:
            for integration in sorted(set(candidates) - wanted):
                record, _ = candidates.pop(integration)
                blocked[record.display] = (record, "not seeded: not selected by --integrations")
        order = {name: i for i, name in enumerate(self.runner.catalog.resolution().order)}
        ordered = sorted(
            (d for _, d in candidates.values()), key=lambda d: (order.get(d.id, 1 << 30), d.id)
        )
        started = time.monotonic()
        try:
            report = self._seed(ordered, reseed=reseed)
        except SeedingSuiteError as exc:
            message = f"seeding failed before any write could be confirmed: {exc}"
            for record, desired in candidates.values():
                result.cases.append(self._case(record, "error", message, _failed(desired, message)))
        else:
            result.report = report
            seconds = time.monotonic() - started
            for record, desired in candidates.values():
                outcome = report.results.get(desired.id) or _failed(desired, "no result")
                result.cases.append(
                    self._case(record, _case_outcome(outcome), outcome.message, outcome, seconds)
                )
        for record, reason in blocked.values():
            props = [
                (
                    "integration",
                    record.integration or record.display.rsplit("/", 1)[-1].rsplit(".", 1)[0],
                ),
                ("version", record.version or ""),
                ("checksum", next(iter(record.checksums), "")),
                ("action", "skipped"),
                ("reason", reason),
            ]
            result.cases.append(SeedCase(record.display, "skipped", reason, props))
        result.cases.sort(key=lambda c: c.manifest)
        return result

    def _load(self, record: ManifestRecord) -> tuple[str | None, DesiredIntegration | None]:
        """The desired state of a manifest that passed; it must match what the checks saw."""
        path = self.runner.catalog.rootdir / record.display
        try:
            desired = self.runner.desired(path)
        except (OSError, SeedingSuiteError, ValueError) as exc:
            return f"not seeded: the manifest could not be reloaded ({exc})", None
        if record.checksums and desired.checksum not in record.checksums:
            return "not seeded: the manifest changed after its checks ran", None
        return None, desired

    def _seed(self, ordered: list[DesiredIntegration], *, reseed: bool) -> SeedReport:
        settings = self.settings
        run = RunInfo(
            run_id=settings.run_id,
            environment=settings.environment,
            actor=actor(),
            harness_version=__version__,
            catalog_checksum=combine(d.checksum for d in ordered),
            git_commit=git_commit(self.runner.catalog.rootdir),
        )
        target = open_target(settings.target)
        try:
            seeder = Seeder(target, progress=self.progress)
            forced = frozenset(d.id for d in ordered) if reseed else frozenset()
            return seeder.seed(ordered, run, reseed=forced)
        finally:
            target.close()

    @staticmethod
    def _case(
        record: ManifestRecord,
        outcome: CaseOutcome,
        message: str | None,
        result: IntegrationResult,
        seconds: float = 0.0,
    ) -> SeedCase:
        props = [
            ("integration", result.id),
            ("version", result.version or record.version or ""),
            ("checksum", result.checksum or next(iter(record.checksums), "")),
            ("action", result.action),
        ]
        if result.action == "skipped":
            props.append(("reason", message or ""))
        else:
            counts = result.counts
            props += [
                ("documents_created", str(counts.created)),
                ("documents_updated", str(counts.updated)),
                ("documents_deleted", str(counts.deleted)),
                ("documents_unchanged", str(counts.unchanged)),
            ]
        return SeedCase(record.display, outcome, message, props, seconds)


def _failed(desired: DesiredIntegration, message: str) -> IntegrationResult:
    return IntegrationResult(
        desired.id, "failed", message=message, version=desired.version, checksum=desired.checksum
    )


def _case_outcome(result: IntegrationResult) -> CaseOutcome:
    if result.action == "failed":
        return "failed"
    if result.action == "skipped":
        return "skipped"
    return "passed"
