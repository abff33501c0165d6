"""The final seed stage: from the check outcomes to seed testcases (no pytest here, only decisions).

Desired state = the integrations whose checks all passed in this session, admitted by the
environment's policy and strategy (narrowed by `--integrations`), in dependency order; the
engine gates them on their dependencies, plans, applies and records the run. Every manifest
whose seed item the run selected gets exactly one seed case (and an integration the run
deletes, one more); `--plan` computes the same and writes nothing.
"""

from __future__ import annotations

import difflib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from seeding_suite import __version__, remote
from seeding_suite.discovery.conflicts import duplicate_conflicts
from seeding_suite.engine.checksum import combine
from seeding_suite.engine.desired import DesiredDoc, DesiredIntegration, ManifestChanged
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.health import HealthSettings
from seeding_suite.engine.lock import LockSettings, new_holder
from seeding_suite.engine.manifest_status import ManifestStatus
from seeding_suite.engine.planview import load_plan, plan_document, plan_lines
from seeding_suite.engine.runs import ledger_counts
from seeding_suite.engine.seeder import IntegrationResult, RunInfo, Seeder, SeedOptions, SeedReport
from seeding_suite.errors import PlanError, SeedingSuiteError
from seeding_suite.loading.source import import_parsers
from seeding_suite.prefetch import Prefetch
from seeding_suite.settings import TargetSettings, actor, git_commit
from seeding_suite.targets.base import CountingTarget
from seeding_suite.targets.open import open_target

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from seeding_suite.engine.conflicts import Conflict
    from seeding_suite.engine.plan import IntegrationPlan
    from seeding_suite.engine.seeder import Prepared, Progress
    from seeding_suite.environments import EnvironmentPolicy
    from seeding_suite.plugin.outcomes import ManifestRecord, Outcomes
    from seeding_suite.remote import ManifestState
    from seeding_suite.runner import CheckRunner

    Step = Callable[[str, int, int], None]  # (step, done, total): see plugin/progress.py

CaseOutcome = Literal["passed", "failed", "skipped", "error"]
GUARD = "seeding production needs --confirm-production (or SEEDING_CONFIRM_PRODUCTION=1)"


@dataclass(frozen=True)
class StageSettings:
    """What the final stage needs to know that the check outcomes do not say."""

    run_id: str
    target: TargetSettings
    policy: EnvironmentPolicy
    integrations: frozenset[str] | None = None
    confirmed: bool = False
    allow_downgrade: bool = False
    force: bool = False
    prune: bool = False
    prune_all: bool = False
    plan: bool = False
    verbose: bool = False  # the plan lists unchanged integrations too
    plan_json: Path | None = None
    apply_plan: Path | None = None
    lock: LockSettings = field(default_factory=LockSettings)
    health: HealthSettings = field(default_factory=HealthSettings)


@dataclass(frozen=True)
class SeedCase:
    """One `<manifest>::seed` testcase and its DESIGN §8 properties."""

    manifest: str
    outcome: CaseOutcome
    message: str | None
    properties: list[tuple[str, str]]
    seconds: float = 0.0
    previous: str | None = None  # the version the target held before (the change list)


@dataclass
class StageResult:
    """The seed cases, the engine's report when the target was reached, and a plan's lines."""

    cases: list[SeedCase] = field(default_factory=list)
    report: SeedReport | None = None
    plan: list[str] = field(default_factory=list)
    stopped: str | None = None  # why nothing was seeded: the production guard, a bad selection

    def totals(self) -> dict[str, int]:
        actions = [dict(c.properties).get("action", "") for c in self.cases]
        names = ("created", "updated", "unchanged", "reseeded", "skipped", "failed", "deleted")
        totals = {name: actions.count(name) for name in names}
        totals["unknown"] = sum(1 for c in self.cases if ("result", "unknown") in c.properties)
        written = 0 if self.report is None or self.plan else self.report.documents_written
        totals["documents_written"] = written
        totals["convex_calls"] = 0 if self.report is None else self.report.calls
        return totals

    def summary_line(self) -> str:
        t = self.totals()
        seconds = 0.0 if self.report is None else self.report.seconds
        verb = "plan" if self.plan else "seed"
        unknown = f" ({t['unknown']} of them unknown)" if t["unknown"] else ""
        return (
            f"{verb}: {t['created']} created, {t['updated']} updated, {t['unchanged']} unchanged, "
            f"{t['reseeded']} reseeded, {t['deleted']} deleted, {t['skipped']} skipped, "
            f"{t['failed']} failed{unknown}; "
            f"{t['documents_written']} documents written, {t['convex_calls']} Convex calls, "
            f"{seconds:.2f} s"
        )


Candidates = dict[str, tuple["ManifestRecord", "DesiredIntegration"]]
Blocked = dict[str, tuple["ManifestRecord", str, CaseOutcome]]


class SeedStage:
    """Runs the final stage once, for one session."""

    def __init__(
        self,
        runner: CheckRunner,
        settings: StageSettings,
        outcomes: Outcomes,
        progress: Progress | None = None,
        processes: Callable[[int], int] = lambda _: 0,
        notice: Callable[[str], None] | None = None,
        step: Step | None = None,
    ) -> None:
        self.runner = runner
        self.settings = settings
        self.outcomes = outcomes
        self.progress = progress
        self.processes = processes  # forked processes to load that many manifests ahead
        self.notice = notice  # a line for the terminal now (e.g. whom the run waits for)
        self.step = step or _silent  # how far the stage is, before the first batch too
        self._loads = (0, 0)  # (loaded, to load) of the deferred manifests
        self.result = StageResult()  # filled as the stage goes: kept by an internal error
        self._skipped = 0  # seed cases decided here, before the engine: the record counts them
        self._deferred: dict[str, Path] = {}  # integrations whose documents load late
        self._ahead: Prefetch[Path, tuple[DesiredDoc, ...]] | None = None
        self._seen: list[ManifestStatus] = []  # every manifest's status, for the target

    def run(self, *, reseed: bool) -> StageResult:
        result = self.result
        candidates, blocked = self._select()
        if self.settings.policy.confirm and not self.settings.confirmed and not self.settings.plan:
            result.stopped = GUARD
        result.stopped = self._unknown_selection() or result.stopped
        if result.stopped is not None:
            for record, _ in candidates.values():
                blocked[record.display] = (record, f"not seeded: {result.stopped}", "skipped")
            candidates = {}
        self._skipped = len(blocked)
        self._seen = self._statuses(candidates, blocked)
        if result.stopped is None and (candidates or self.settings.prune or self.settings.plan):
            self._seed_candidates(candidates, result, reseed=reseed)
        result.cases.extend(_blocked_case(*blocked_one) for blocked_one in blocked.values())
        result.cases.sort(key=lambda c: c.manifest)
        return result

    def internal_error(self, exc: BaseException) -> list[tuple[str, str]]:
        """An unexpected error ended the stage: the audit log's account of the run from the
        target (its ledger says what it wrote), and its record marked failed (it may have been
        written as succeeded just before the error)."""
        reason = f"internal error in the seed stage: {type(exc).__name__}: {exc}"
        known = [("internal_error", reason)]
        if self.settings.plan:
            return known
        run_id = self.settings.run_id
        try:
            target = open_target(self.settings.target, wait_seconds=self.settings.lock.wait_seconds)
            try:
                record = target.query(remote.GET_RUN, {"runId": run_id})
                if record is not None:
                    written = ledger_counts(target, run_id)["documentsWritten"]
                    known.append(("documents_written", str(written)))
                    counts = {**record["counts"], "documentsWritten": written}
                    failed = {**record, "status": "failed", "reason": reason, "counts": counts}
                    target.mutation(remote.RECORD_RUN, {"run": failed})
            finally:
                target.close()
        except SeedingSuiteError as again:
            known.append(("run_record", f"could not be marked failed: {again}"))
        return known

    # ------------------------------------------------------------------ selection

    def _select(self) -> tuple[Candidates, Blocked]:
        """Manifests that may be seeded, and why each other one may not.

        The manifests are those whose seed items the run selected; each is judged by the
        outcomes of all its checks, and a check the run did not select runs here.
        """
        settings, catalog = self.settings, self.runner.catalog
        named = settings.integrations
        if named is None and settings.policy.strategy == "selective":
            named = settings.policy.named()
        candidates: Candidates = {}
        blocked: Blocked = {}
        seeds = sorted((self.outcomes.seeds or {}).items())
        for number, (display, path) in enumerate(seeds, 1):
            self.step("selecting manifests", number, len(seeds))
            record = self.outcomes.record(display)
            self._check(record, path)
            reason = record.blocking_reason(self.runner.names)
            if reason is not None and record.findings:
                from seeding_suite.findings import render_all

                message = f"{reason}:\n{render_all(tuple(record.findings))}"
                blocked[display] = (record, message, "failed")  # no check item shows them
                continue
            entry = catalog.entry(catalog.rootdir / record.file)
            excluded = None if entry is None else catalog.excluded(entry)
            if reason is None and excluded is not None:
                reason = f"not seeded: {excluded}"
            if reason is None:
                reason, desired = self._load(record)
                if desired is not None and named is not None and desired.id not in named:
                    how = (
                        "--integrations"
                        if settings.integrations is not None
                        else (f"the selective strategy of {settings.policy.name}")
                    )
                    reason = f"not seeded: not selected by {how}"
                elif desired is not None:
                    candidates[desired.id] = (record, desired)
                    continue
            blocked[display] = (record, reason or "not seeded", "skipped")
        return candidates, blocked

    def _check(self, record: ManifestRecord, path: Path | None) -> None:
        """Run the checks the session did not run on a manifest whose seed item it selected
        (`pytest manifests/x.yaml::seed`, `-m seed`): a seed needs all of them to pass."""
        missing = [name for name in self.runner.names if name not in record.outcomes]
        if not missing or record.collection_error is not None:
            return
        path = path or self._locate(record.display)
        if path is None:
            return  # blocking_reason: the checks did not run
        for name in missing:
            outcome = self.runner.run(name, path)
            record.note(name, outcome.status)
            record.findings.extend(outcome.findings)
        record.source = self.runner.catalog.display(path)
        if record.outcomes.get("schema") == "passed":
            integration, version, checksum = self.runner.properties(path)
            record.integration, record.version = integration, version
            record.checksums.add(checksum)

    def _locate(self, display: str) -> Path | None:
        """A manifest's file from its node id's path: relative to the rootdir, or (a root
        outside the rootdir) to that root."""
        catalog = self.runner.catalog
        for base in (catalog.rootdir, *catalog.roots):
            path = base / display
            if path.is_file() and catalog.entry(path) is not None:
                return path
        return None

    def _unknown_selection(self) -> str | None:
        """`--integrations` naming an id no collected manifest has: a typo would otherwise seed
        less than asked and exit 0 (and, with --prune, delete what it meant to keep)."""
        named = self.settings.integrations
        known = {r.integration for r in self.outcomes.records.values() if r.integration}
        unknown = sorted((named or frozenset()) - known)
        if not unknown:
            return None
        described = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            described.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        return (
            f"--integrations names {len(unknown)} integration(s) no collected manifest has: "
            + ", ".join(described)
        )

    def _load(self, record: ManifestRecord) -> tuple[str | None, DesiredIntegration | None]:
        """The desired state of a manifest that passed; it must match what the checks saw.

        When the checks reported one checksum, its documents are loaded only if the target
        does not already hold exactly that checksum (a re-run then reads no manifest).
        """
        catalog = self.runner.catalog
        path = catalog.rootdir / record.file
        entry = catalog.entry(path)
        if (
            len(record.checksums) == 1
            and entry is not None
            and entry.valid
            and (entry.id, entry.version) == (record.integration, record.version)
        ):
            deps = tuple((spec.id, spec.range) for spec in entry.dependencies)
            self._deferred[entry.id] = path
            return None, DesiredIntegration(
                entry.id,
                record.version or "",
                deps,
                checksum=next(iter(record.checksums)),
                load=lambda: self._docs(path),
            )
        try:
            desired = self._reload(path)
        except ManifestChanged as exc:
            return f"not seeded: {exc}", None
        if record.checksums and desired.checksum not in record.checksums:
            return "not seeded: the manifest changed after its checks ran", None
        return None, desired

    def _load_ahead(self, needed: Sequence[DesiredIntegration]) -> None:
        """The engine is about to load these: forked children read the manifests meanwhile."""
        if self._ahead is not None:  # an earlier prepare's (--apply-plan prepares twice)
            self._ahead.close()
            self._ahead = None
        paths = [self._deferred[d.id] for d in needed if d.id in self._deferred]
        self._loads = (0, len(paths))
        if paths:
            self.step("loading manifests", 0, len(paths))
        else:
            self.step("planning", 0, 0)
        processes = self.processes(len(paths))
        if processes > 0:
            import_parsers()
            self._ahead = Prefetch(self._docs_here, processes)
            self._ahead.deal(paths)

    def _docs(self, path: Path) -> tuple[DesiredDoc, ...]:
        found = self._ahead.take(path) if self._ahead is not None else None
        docs = found if found is not None else self._docs_here(path)
        loaded, total = self._loads[0] + 1, self._loads[1]
        self._loads = (loaded, total)
        self.step("loading manifests", loaded, total)
        if loaded == total:
            self.step("planning", 0, 0)
        return docs

    def _docs_here(self, path: Path) -> tuple[DesiredDoc, ...]:
        return self._reload(path).docs

    def _reload(self, path: Path) -> DesiredIntegration:
        """The manifest read again; ManifestChanged (it is not seeded) if it no longer can be."""
        try:
            return self.runner.catalog.desired_of(path)
        except (OSError, SeedingSuiteError, ValueError) as exc:
            raise ManifestChanged(f"the manifest could not be reloaded ({exc})") from exc

    def _statuses(self, candidates: Candidates, blocked: Blocked) -> list[ManifestStatus]:
        """What the run saw of every manifest (issue 18): the candidates' settle once seeded."""
        checks = self.runner.names
        seen = [
            ManifestStatus(
                desired.id, record.file, desired.version, desired.checksum, "validated", None, True
            )
            for record, desired in candidates.values()
        ]
        for record, reason, outcome in blocked.values():
            failed = outcome == "failed" or record.collection_error is not None
            failed = failed or any(record.outcomes.get(c) == "failed" for c in checks)
            passed = record.blocking_reason(checks) is None
            status: ManifestState = "error" if failed else "validated" if passed else "discovered"
            checksum = next(iter(record.checksums), None)
            seen.append(
                ManifestStatus(
                    _integration_of(record), record.file, record.version, checksum, status, reason
                )
            )
        return seen

    def _duplicates(self) -> list[Conflict]:
        """Ids the catalog gives twice: recorded with the run's conflicts (issue 18)."""
        catalog = self.runner.catalog
        return duplicate_conflicts(catalog.entries(), catalog.resolution())

    def _keep(self) -> frozenset[str]:
        """Integrations the catalog has for this environment: never pruned (broken ones too)."""
        catalog = self.runner.catalog
        return frozenset(
            e.id for e in catalog.entries() if not e.valid or catalog.excluded(e) is None
        )

    # ------------------------------------------------------------------ seeding

    def _seed_candidates(
        self, candidates: Candidates, result: StageResult, *, reseed: bool
    ) -> None:
        order = self.runner.catalog.resolution().position
        ordered = sorted(
            (d for _, d in candidates.values()), key=lambda d: (order.get(d.id, 1 << 30), d.id)
        )
        started = time.monotonic()
        try:
            report = self._seed(ordered, result, reseed=reseed)
        except SeedingSuiteError as exc:
            message = f"seeding failed before any write could be confirmed: {exc}"
            for record, desired in candidates.values():
                result.cases.append(self._case(record, "error", message, _failed(desired, message)))
            return
        result.report = report
        seconds = time.monotonic() - started
        for record, desired in candidates.values():
            outcome = report.results.get(desired.id) or _failed(desired, "no result")
            result.cases.append(
                self._case(record, _case_outcome(outcome), outcome.message, outcome, seconds)
            )
        if self.settings.plan:
            for case in result.cases:
                case.properties.append(("plan", "true"))
        # Integrations the target held and the catalog does not: pruned, or a refused prune.
        catalog = self.runner.catalog
        for gone in (r for i, r in report.results.items() if i not in candidates):
            display = catalog.display(catalog.roots[0] / f"{gone.id}.yaml")
            said = "pruned" if gone.action == "deleted" else gone.message
            case = self._case(None, _case_outcome(gone), said, gone, seconds, display)
            result.cases.append(case)

    def _seed(
        self, ordered: list[DesiredIntegration], result: StageResult, *, reseed: bool
    ) -> SeedReport:
        settings = self.settings
        run = RunInfo(
            run_id=settings.run_id,
            environment=settings.policy.name,
            actor=actor(),
            harness_version=__version__,
            catalog_checksum=combine(d.checksum for d in ordered),
            git_commit=git_commit(self.runner.catalog.rootdir),
            skipped_elsewhere=self._skipped,
        )
        options = SeedOptions(
            reseed=frozenset(d.id for d in ordered) if reseed else frozenset(),
            prune=settings.prune,
            prune_all=settings.prune_all,
            keep=self._keep(),
            verify=settings.policy.strategy == "full" or settings.plan,
            allow_downgrade=settings.allow_downgrade,
            force=settings.force,
            conflicts=tuple(self._duplicates()),
            manifests=tuple(self._seen),
        )
        holder = new_holder(run.actor)
        self.step("reading the target", 0, 0)
        target = CountingTarget(
            open_target(
                settings.target,
                read_only=settings.plan,
                holder=holder,
                wait_seconds=settings.lock.wait_seconds,
            )
        )
        try:
            if settings.plan:
                seeder = Seeder(target, progress=self.progress, preload=self._load_ahead)
                prepared = seeder.prepare(ordered, run, options)
                self._write_plan(prepared, result)
                prepared.report.calls = target.calls
                return prepared.report
            if settings.apply_plan is not None:
                checker = Seeder(target, preload=self._load_ahead)
                self._check_plan(checker.prepare(ordered, run, options).plans, settings.apply_plan)
            guarded = GuardedSeeder(
                target,
                progress=self.progress,
                lock=settings.lock,
                health=settings.health,
                holder=holder,
                preload=self._load_ahead,
                waiting=self.notice,
            )
            report = guarded.seed(ordered, run, options)
            report.calls = target.calls
            return report
        finally:
            target.close()
            if self._ahead is not None:
                self._ahead.close()

    def _write_plan(self, prepared: Prepared, result: StageResult) -> None:
        lines = plan_lines(prepared.plans, prepared.state, verbose=self.settings.verbose)
        result.plan = lines + prepared.report.notes
        path = self.settings.plan_json
        if path is not None:
            about = {
                "runId": self.settings.run_id,
                "environment": self.settings.policy.name,
                "target": self.settings.target.description,
            }
            document = plan_document(prepared.plans, prepared.state, **about)
            document["notes"] = prepared.report.notes
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @staticmethod
    def _check_plan(current: list[IntegrationPlan], path: Path) -> None:
        """Applying a saved plan: the plan computed now must be exactly the saved one."""
        try:
            _, saved = load_plan(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise PlanError(f"cannot read the plan {path}: {exc}") from exc
        want = {p.id: p.ops for p in saved}
        have = {p.id: p.ops for p in current}
        if want != have:
            moved = sorted(i for i in set(want) | set(have) if want.get(i) != have.get(i))
            raise PlanError(
                f"the target or the catalog changed since the plan was made ({', '.join(moved)}); "
                "make a new plan"
            )

    @staticmethod
    def _case(
        record: ManifestRecord | None,
        outcome: CaseOutcome,
        message: str | None,
        result: IntegrationResult,
        seconds: float = 0.0,
        display: str | None = None,
    ) -> SeedCase:
        props = [
            ("integration", result.id),
            ("version", result.version or (record.version if record else None) or ""),
            ("checksum", result.checksum or (next(iter(record.checksums), "") if record else "")),
            ("action", result.action),
        ]
        if result.action == "updated" and result.previous not in (None, result.version):
            props.append(("previous_version", str(result.previous)))  # the report's old -> new
        if result.action == "skipped":
            props.append(("reason", message or ""))
        elif result.unknown:  # no counts: zero would claim that nothing was written
            props.append(("result", "unknown"))
        else:
            counts = result.counts
            props += [
                ("documents_created", str(counts.created)),
                ("documents_updated", str(counts.updated)),
                ("documents_deleted", str(counts.deleted)),
                ("documents_unchanged", str(counts.unchanged)),
            ]
        manifest = display if record is None else record.display
        return SeedCase(manifest or result.id, outcome, message, props, seconds, result.previous)


def _silent(step: str, done: int, total: int) -> None:
    """No progress wanted."""


def _integration_of(record: ManifestRecord) -> str:
    """The manifest's id, or its file's stem when it has none (it did not parse)."""
    return record.integration or record.display.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _blocked_case(record: ManifestRecord, reason: str, outcome: CaseOutcome) -> SeedCase:
    props = [
        ("integration", _integration_of(record)),
        ("version", record.version or ""),
        ("checksum", next(iter(record.checksums), "")),
        ("action", "failed" if outcome == "failed" else "skipped"),
        ("reason", reason),
    ]
    return SeedCase(record.display, outcome, reason, props)


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
