"""One seeding run against a target: read state, gate, plan, apply batches, record the run.

Convergent by construction: every op carries the checksum the plan saw (a precondition) and
every batch an id the target remembers, so an interrupted run followed by a new one ends in
the state an uninterrupted run would have left, and a retried batch is never applied twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, cast

from seeding_suite import remote
from seeding_suite.engine.batching import (
    Batch,
    BatchLimits,
    IntegrationTooLarge,
    check_fits,
    make_batches,
)
from seeding_suite.engine.conflicts import Conflict, dependency_conflict, find_conflicts
from seeding_suite.engine.desired import DesiredIntegration, ManifestChanged, doc_checksum
from seeding_suite.engine.gating import gate
from seeding_suite.engine.manifest_status import ManifestStatus, record_statuses
from seeding_suite.engine.plan import DocCounts, IntegrationPlan, plan_all
from seeding_suite.engine.state import StoredDoc, TargetState
from seeding_suite.errors import (
    ConvexError,
    ConvexFunctionError,
    ConvexTransportError,
    SeedingSuiteError,
)
from seeding_suite.targets.base import CountingTarget

if TYPE_CHECKING:
    from seeding_suite.targets.base import ConvexTarget

Result = Literal["created", "updated", "unchanged", "reseeded", "deleted", "skipped", "failed"]
PAGE = 1000
CONFLICTS_PER_CALL = 500
UNKNOWN = "result unknown"  # how a batch whose outcome could not be learned is described


@dataclass(frozen=True)
class RunInfo:
    """What the run record and the audit log say about a run (never a key)."""

    run_id: str
    environment: str
    actor: str
    harness_version: str
    catalog_checksum: str
    git_commit: str | None = None
    # Seed cases the caller skipped before the engine saw them (checks failed, environment):
    # the run record counts them with its own skips, as the audit log does.
    skipped_elsewhere: int = 0


@dataclass
class IntegrationResult:
    """The seed outcome of one integration, as the `seed` testcase reports it."""

    id: str
    action: Result
    counts: DocCounts = field(default_factory=DocCounts)
    message: str | None = None
    version: str | None = None
    checksum: str | None = None
    # The version the target held before this run (None: it held none): `~ a 1.0 -> 1.1`.
    previous: str | None = None
    # Its batch was sent, no reply came and the target could not be read back: whether this
    # run wrote it is not known (counts are then zero, and must not be read as "nothing").
    unknown: bool = False


@dataclass
class SeedReport:
    """Everything a run did: per-integration results and the run's totals."""

    run_id: str
    results: dict[str, IntegrationResult] = field(default_factory=dict)
    calls: int = 0
    batches: int = 0
    seconds: float = 0.0
    started: float = 0.0  # time.time() when the run was recorded as running
    notes: list[str] = field(default_factory=list)  # run-wide: what was refused or went wrong
    # Per seeded table, what the target said it did (batches applied, or read back).
    tables: dict[str, DocCounts] = field(default_factory=dict)
    manifests: tuple[ManifestStatus, ...] = ()  # SeedOptions.manifests, written by finish

    @property
    def documents_written(self) -> int:
        return sum(r.counts.written for r in self.results.values())

    def documents(self) -> list[remote.TableCounts]:
        """The run record's `documents`: every seeded table, in contract order."""
        rows: list[remote.TableCounts] = []
        for table in remote.SEEDED_TABLES:
            counts = self.tables.get(table, DocCounts())
            rows.append(
                {
                    "table": table,
                    "created": counts.created,
                    "updated": counts.updated,
                    "deleted": counts.deleted,
                }
            )
        return rows

    def errors(self) -> tuple[list[remote.RunError], int]:
        """The run record's `errors` (by id: integrations that failed to seed, and manifests
        the caller saw fail their checks; then the run's notes), at most MAX_RUN_ERRORS of
        them, and how many were left out."""
        failed = [
            (r.id, r.message or "failed") for r in self.results.values() if r.action == "failed"
        ]
        failed += [
            (s.integration, s.reason or "failed")
            for s in self.manifests
            if s.status == "error" and not s.candidate
        ]
        found: list[remote.RunError] = [
            {"integration": integration, "message": _clipped(message)}
            for integration, message in sorted(failed, key=lambda f: f[0])
        ]
        found += [{"integration": None, "message": _clipped(note)} for note in self.notes]
        return found[: remote.MAX_RUN_ERRORS], max(0, len(found) - remote.MAX_RUN_ERRORS)

    def tally(self) -> dict[str, int]:
        names = ("created", "updated", "unchanged", "reseeded", "deleted", "skipped", "failed")
        return {n: sum(1 for r in self.results.values() if r.action == n) for n in names}


@dataclass(frozen=True)
class SeedOptions:
    """How a run treats what it finds: reseeding, pruning, drift and version conflicts."""

    reseed: frozenset[str] = frozenset()
    prune: bool = False  # delete integrations the target holds that are not in `keep`
    prune_all: bool = False  # ... even when that is more than half of what the target holds
    keep: frozenset[str] = frozenset()  # what the catalog has for this environment
    verify: bool = False  # read whole rows and rewrite rows edited by hand (strategy full)
    allow_downgrade: bool = False
    force: bool = False
    # Met before the engine (an id the catalog gives twice): recorded with the run's own.
    conflicts: tuple[Conflict, ...] = ()
    # Every manifest the caller saw (candidates settle from their results), recorded as the
    # target's manifest statuses when the run finishes; none given, none recorded.
    manifests: tuple[ManifestStatus, ...] = ()


@dataclass
class Prepared:
    """A run decided but not applied: the state it read, its plans and pre-filled results."""

    state: TargetState
    plans: list[IntegrationPlan]
    report: SeedReport
    conflicts: list[Conflict]
    deps: dict[str, set[str]]


# Told after each batch: its number, the number of batches, and what is known of it
# ("written", "failed: ...", "result unknown ..."): a batch is "written" only when the target
# said so, directly or when read back.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class _Sent:
    """A batch that was sent and got no reply: what reading it back needs."""

    run_id: str
    id: str
    position: tuple[int, int]  # its number, and the number of batches
    batch: Batch
    lost: ConvexError
    planned: dict[str, tuple[Result, DocCounts]]  # its integrations' results before it was sent

    @property
    def where(self) -> str:
        return f"batch {self.position[0]}/{self.position[1]}"


# Told which deferred candidates are about to load, before any is: a stage may load them ahead.
Preload = Callable[[Sequence[DesiredIntegration]], None]


class Seeder:
    """Seeds desired integrations into one target; see the module docstring for the guarantees."""

    def __init__(
        self,
        target: ConvexTarget,
        *,
        limits: BatchLimits | None = None,
        progress: Progress | None = None,
        preload: Preload | None = None,
        counted: CountingTarget | None = None,
    ) -> None:
        # `counted`: the counter underneath `target` that the whole run's calls go through (a
        # guarded run's lease calls too), so the run record counts what the audit log counts.
        self.counter = counted if counted is not None else CountingTarget(target)
        self.target: ConvexTarget = target if counted is not None else self.counter
        self.limits = limits or BatchLimits()
        self.progress = progress
        self.preload = preload
        self._unsettled: list[_Sent] = []  # batches sent whose result could not be learned

    @property
    def calls(self) -> int:
        """Convex calls made so far (the summary's "Convex calls")."""
        return self.counter.calls

    def _pages(self, table: str, *, include_fields: bool) -> Iterator[remote.StateDoc]:
        after: str | None = None
        while True:
            args = {"table": table, "after": after, "limit": PAGE, "includeFields": include_fields}
            page = cast("remote.ReadStateResult", self.target.query(remote.READ_STATE, args))
            yield from page["docs"]
            after = page["next"]
            if after is None:
                return

    def read_state(self, *, verify: bool = False) -> TargetState:
        """Every seeded document's key and checksum, and each integration's version.

        With `verify`, whole rows are read and each checksum is recomputed from the row: a row
        edited by hand in the target is marked `drifted` and keeps its payload.
        """
        state = TargetState()
        for table in remote.SEEDED_TABLES:
            for doc in self._pages(table, include_fields=verify or table == "integrations"):
                fields = doc.get("fields") or {}
                version = fields.get("version") if table == "integrations" else None
                payload = None
                drifted = False
                if verify:
                    payload = {k: v for k, v in fields.items() if k not in remote.COMMON_FIELDS}
                    recomputed = doc_checksum(table, doc["naturalKey"], doc["integration"], payload)
                    drifted = recomputed != doc["checksum"]
                stored = StoredDoc(
                    table,
                    doc["naturalKey"],
                    doc["integration"],
                    doc["checksum"],
                    doc["runId"],
                    drifted,
                    payload,
                    int(doc["size"]),
                )
                state.add(stored, version if isinstance(version, str) else None)
        return state

    def prepare(
        self, candidates: Sequence[DesiredIntegration], run: RunInfo, options: SeedOptions
    ) -> Prepared:
        """Read the target and decide everything; writes nothing (this is also `--plan`)."""
        report = SeedReport(run.run_id)
        state = self.read_state(verify=options.verify)
        conflicts = find_conflicts(
            candidates, state, allow_downgrade=options.allow_downgrade, force=options.force
        )
        unblocked = []
        for candidate in candidates:
            conflict = conflicts.get(candidate.id)
            if conflict is not None and conflict.blocked:
                report.results[candidate.id] = IntegrationResult(
                    candidate.id,
                    "failed",
                    message=conflict.message(),
                    version=candidate.version,
                    checksum=candidate.checksum,
                )
            else:
                unblocked.append(candidate)
        gated = gate(_loadable(unblocked, state, options, report, self.preload), state)
        by_id = {candidate.id: candidate for candidate in candidates}
        met = list(conflicts.values())
        for skipped_id, reason in gated.skipped.items():
            report.results[skipped_id] = IntegrationResult(skipped_id, "skipped", message=reason)
            met.append(dependency_conflict(by_id[skipped_id], state, reason))
        checksums = {d.id: d.checksum for d in gated.allowed}
        held = set(checksums) | {i for i, r in report.results.items() if r.action == "failed"}
        pruned = state.integrations() - options.keep - held if options.prune else set()
        refusal = _prune_refusal(pruned, state, options)
        if refusal is not None:
            report.notes.append(refusal)
            for integration in sorted(pruned):
                version = state.versions.get(integration)
                report.results[integration] = IntegrationResult(
                    integration, "failed", message=refusal, version=version
                )
            pruned = set()
        plans = plan_all(gated.allowed, state, reseed=options.reseed, prune=pruned)
        fitting: list[IntegrationPlan] = []
        for plan in plans:
            result = IntegrationResult(
                plan.id,
                plan.action,
                plan.counts,
                version=plan.version,
                checksum=checksums.get(plan.id),
                previous=state.versions.get(plan.id),
            )
            report.results[plan.id] = result
            try:
                check_fits(plan, self.limits)
            except IntegrationTooLarge as exc:
                result.action, result.message, result.counts = "failed", str(exc), DocCounts()
                continue
            fitting.append(plan)
        deps = {d.id: {dep for dep, _ in d.dependencies} for d in gated.allowed}
        return Prepared(state, fitting, report, met, deps)

    def apply(self, prepared: Prepared, run: RunInfo) -> SeedReport:
        """Write the prepared plans in batches; results take the target's own outcomes."""
        report = prepared.report
        batches = make_batches(prepared.plans, self.limits)
        # Kept up to date batch by batch: rebuilding it from every result for every batch
        # made a 10,000-integration seed quadratic.
        failed = {i for i, r in report.results.items() if r.action == "failed"}
        stopped: str | None = None  # why no further batch is sent
        for number, batch in enumerate(batches, start=1):
            where = f"batch {number}/{len(batches)}"
            if stopped is not None:
                _fail(report, batch.integrations, f"{where} was not sent: {stopped}")
                continue
            try:
                said = self._apply(
                    run, (number, len(batches)), batch, report, prepared.deps, failed
                )
            except SeedingSuiteError as exc:  # before sending (e.g. the lease was lost)
                said = f"not sent: {exc}"
                _fail(report, batch.integrations, f"{where} was not sent: {exc}")
                stopped = f"the run stopped at {where}: {exc}"
            if said.startswith(UNKNOWN):
                stopped = f"the target stopped answering at {where}"
            failed.update(i for i in batch.integrations if report.results[i].action == "failed")
            if self.progress is not None:
                self.progress(number, len(batches), said)
        if stopped is not None:
            report.notes.append(stopped)
        report.batches = len(batches)
        return report

    def seed(
        self,
        candidates: Sequence[DesiredIntegration],
        run: RunInfo,
        options: SeedOptions | None = None,
    ) -> SeedReport:
        """Seed `candidates` (dependency order, all checks passed) and record the run."""
        report = self.run(candidates, run, options)
        self.finish(run, report)
        return report

    def run(
        self,
        candidates: Sequence[DesiredIntegration],
        run: RunInfo,
        options: SeedOptions | None = None,
    ) -> SeedReport:
        """Record the run as running, decide and apply; `finish` writes its final record.

        Raises only before the first batch is sent (nothing written); from then on, what
        goes wrong is in the report, so what was written is never lost with an exception.
        """
        options = options or SeedOptions()
        started = time.time()
        self._record(run, SeedReport(run.run_id, started=started), "running", None)
        prepared = self.prepare(candidates, run, options)
        prepared.report.started = started
        prepared.report.manifests = options.manifests
        now = time.time() * 1000.0
        rows = [c.record(run.run_id, now) for c in (*options.conflicts, *prepared.conflicts)]
        # In slices: a catalog whose every integration conflicts stays inside one mutation's
        # write limits (Convex: 8,192 documents) per call.
        for start in range(0, len(rows), CONFLICTS_PER_CALL):
            chunk = rows[start : start + CONFLICTS_PER_CALL]
            self.target.mutation(remote.RECORD_CONFLICTS, {"conflicts": chunk})
        return self.apply(prepared, run)

    def finish(
        self,
        run: RunInfo,
        report: SeedReport,
        *,
        reason: str | None = None,
        rolled_back_by: str | None = None,
        later_calls: int = 0,
    ) -> None:
        """Write the run's final record: why it failed, the run that rolled it back, if any.

        `later_calls`: calls the caller still makes after this one (a lease release), so
        the recorded count is the run's whole count. A target that cannot take the record
        is noted in the report, not raised: what the run wrote is known either way.
        """
        self.settle(report)
        if report.manifests:
            self._record_statuses(run, report)
        report.seconds = time.time() - report.started
        failed = reason is not None or any(r.action == "failed" for r in report.results.values())
        try:
            self._record(
                run,
                report,
                "failed" if failed else "succeeded",
                time.time(),
                later_calls=later_calls,
                reason=reason,
                rolledBackBy=rolled_back_by,
            )
        except SeedingSuiteError as exc:
            report.notes.append(
                f"the run record could not be written ({exc}): the target still records the "
                "run as running, and `seeding-suite runs` shows it abandoned once its lease "
                "has expired"
            )
        report.calls = self.calls + later_calls

    def _record_statuses(self, run: RunInfo, report: SeedReport) -> None:
        """Write what the run saw of every manifest; a refusal is noted, not raised."""
        settled = []
        for status in report.manifests:
            result = report.results.get(status.integration)
            fate = (None, None) if result is None else (result.action, result.message)
            settled.append(status.settled(*fate))
        try:
            record_statuses(self.target, run.environment, run.run_id, settled)
        except SeedingSuiteError as exc:
            report.notes.append(f"the manifest statuses could not be written ({exc})")

    def _apply(
        self,
        run: RunInfo,
        position: tuple[int, int],
        batch: Batch,
        report: SeedReport,
        deps: dict[str, set[str]],
        failed: set[str],
    ) -> str:
        """Send one batch; what is known of it (a ConvexError never leaves here)."""
        number, _ = position
        blocked = [i for i in batch.integrations if deps.get(i, set()) & failed]
        if blocked:
            for integration in blocked:
                bad = ", ".join(sorted(deps[integration] & failed))
                result = report.results[integration]
                result.action, result.counts = "skipped", DocCounts()
                result.message = f"dependency {bad} failed to seed in this run"
            batch = _without(batch, set(blocked))
            if not batch.ops:
                return "skipped: its dependencies failed"
        batch_id = f"{run.run_id}/{number}"
        args = {"runId": run.run_id, "batchId": batch_id, "ops": batch.ops}
        try:
            applied = cast(
                "remote.ApplyBatchResult", self.target.mutation(remote.APPLY_BATCH, args)
            )
        except ConvexTransportError as exc:  # sent, maybe applied: the reply is what was lost
            planned = {
                i: (report.results[i].action, report.results[i].counts) for i in batch.integrations
            }
            return self._read_back(
                _Sent(run.run_id, batch_id, position, batch, exc, planned), report
            )
        except ConvexError as exc:  # the target refused it: an atomic batch wrote nothing
            message = _describe_failure(exc)
            _fail(report, batch.integrations, message)
            return f"failed: {message}"
        _count_outcomes(batch, applied["outcomes"], report)
        return "written"

    def _read_back(self, sent: _Sent, report: SeedReport) -> str:
        """What a batch whose reply was lost did, from the ledger rows it wrote (if any).

        A batch writes its data and its ledger rows in one transaction, so the rows say
        exactly which of its ops wrote what, and no rows means nothing was written. When the
        target cannot be read either, the batch is kept for `settle` to try again.
        """
        from seeding_suite.engine.ledger import read_ledger  # it reads state through Seeder

        batch, where = sent.batch, sent.where
        try:
            entries = [e for e in read_ledger(self.target, sent.run_id) if e["batchId"] == sent.id]
        except SeedingSuiteError as exc:
            _fail(
                report,
                batch.integrations,
                f"{where} was sent but no reply came ({sent.lost}), and reading it back failed "
                f"too ({exc}): the target may or may not hold this integration's writes from "
                "this run; the next run finds out (it rewrites nothing already there)",
                unknown=True,
            )
            self._unsettled.append(sent)
            return f"{UNKNOWN}: sent, no reply, and the target could not be read back"
        if not entries:
            message = f"{where} failed: {sent.lost}; read back from the target: it wrote nothing"
            _fail(report, batch.integrations, message)
            return "failed: no reply, and read back: nothing written"
        for integration, (action, counts) in sent.planned.items():
            result = report.results[integration]
            result.action, result.counts, result.unknown = action, counts, False
            result.message = f"{where}'s reply was lost; read back from the target: written"
        _count_outcomes(batch, _ledger_outcomes(batch, entries), report)
        return "written (its reply was lost; read back from the target)"

    def settle(self, report: SeedReport) -> None:
        """Read back again the batches whose result was unknown: the target may answer now."""
        unsettled, self._unsettled = self._unsettled, []
        for sent in unsettled:
            said = self._read_back(sent, report)
            if self.progress is not None:
                self.progress(*sent.position, f"read back again: {said}")

    def _record(
        self,
        run: RunInfo,
        report: SeedReport,
        status: str,
        finished: float | None,
        *,
        later_calls: int = 0,
        **fields: object,
    ) -> None:
        tally = report.tally()
        tally["skipped"] += run.skipped_elsewhere
        errors, omitted = report.errors()
        record = {
            "runId": run.run_id,
            "status": status,
            "environment": run.environment,
            "actor": run.actor,
            "target": self.target.description,
            "startedAt": report.started * 1000.0,
            "finishedAt": None if finished is None else finished * 1000.0,
            "harnessVersion": run.harness_version,
            "catalogChecksum": run.catalog_checksum,
            "gitCommit": run.git_commit,
            "counts": {
                **tally,
                "documentsWritten": report.documents_written,
                "convexCalls": self.calls + 1 + later_calls,
            },
            "documents": report.documents(),
            "errors": errors,
            **({"errorsOmitted": omitted} if omitted else {}),
            **{name: value for name, value in fields.items() if value is not None},
        }
        self.target.mutation(remote.RECORD_RUN, {"run": record})


def _prune_refusal(pruned: set[str], state: TargetState, options: SeedOptions) -> str | None:
    """Why this prune is refused, or None: more than half of the target needs --prune-all.

    A catalog that reads as empty or nearly so (a mistyped root, a half checkout) would
    otherwise make a prune delete most of the target.
    """
    held = len(state.integrations())
    if options.prune_all or 2 * len(pruned) <= held:
        return None
    share = "all" if len(pruned) == held else f"{len(pruned)}"
    return (
        f"prune refused: it would delete {share} of the {held} integrations the target holds "
        "(more than half); nothing was pruned. --prune-all allows it"
    )


def _loadable(
    candidates: Sequence[DesiredIntegration],
    state: TargetState,
    options: SeedOptions,
    report: SeedReport,
    preload: Preload | None,
) -> list[DesiredIntegration]:
    """Candidates whose documents can be planned; one whose late load fails is skipped alone.

    Documents given up front are there already; deferred ones load only when the target does
    not hold exactly their checksum (or a reseed rewrites them).
    """
    needed = {
        candidate.id
        for candidate in candidates
        if candidate.id in options.reseed
        or not state.holds_exactly(candidate.id, candidate.checksum)
    }
    if preload is not None:
        preload([c for c in candidates if c.id in needed and not c.loaded])
    kept = []
    for candidate in candidates:
        if candidate.id in needed:
            try:
                candidate.docs  # noqa: B018 - loads deferred documents, checking their checksum
            except ManifestChanged as exc:  # not seeded, as when the stage sees it first
                report.results[candidate.id] = IntegrationResult(
                    candidate.id, "skipped", message=f"not seeded: {exc}"
                )
                continue
        kept.append(candidate)
    return kept


def _fail(
    report: SeedReport, integrations: Sequence[str], message: str, *, unknown: bool = False
) -> None:
    for integration in integrations:
        result = report.results[integration]
        result.action, result.message, result.counts = "failed", message, DocCounts()
        result.unknown = unknown


def _ledger_outcomes(batch: Batch, entries: Sequence[remote.LedgerEntry]) -> list[remote.Outcome]:
    """The outcome of each op of a batch, from the ledger rows the batch wrote."""
    written = {(e["table"], e["naturalKey"]): e for e in entries}
    outcomes: list[remote.Outcome] = []
    for op in batch.ops:
        entry = written.get((op["table"], op["naturalKey"]))
        if entry is None:
            outcomes.append("unchanged")
        elif entry["before"] is None:
            outcomes.append("created")
        elif entry["after"] is None:
            outcomes.append("deleted")
        else:
            outcomes.append("updated")
    return outcomes


def _without(batch: Batch, drop: set[str]) -> Batch:
    kept = Batch()
    kept.integrations = [i for i in batch.integrations if i not in drop]
    kept.ops = [op for op in batch.ops if remote.integration_of(op["naturalKey"]) not in drop]
    return kept


def _count_outcomes(batch: Batch, outcomes: Sequence[remote.Outcome], report: SeedReport) -> None:
    """Replace planned counts by what the target says it did (exact even for a replayed batch)."""
    actual: dict[str, DocCounts] = {i: DocCounts() for i in batch.integrations}
    for op, outcome in zip(batch.ops, outcomes, strict=True):
        for counts in (
            actual[remote.integration_of(op["naturalKey"])],
            report.tables.setdefault(op["table"], DocCounts()),
        ):
            setattr(counts, outcome, getattr(counts, outcome) + 1)
    for integration, counts in actual.items():
        result = report.results[integration]
        counts.unchanged += result.counts.unchanged
        result.counts = counts


def _clipped(message: str) -> str:
    """A message cut to MAX_ERROR_CHARS (a run record must stay a small document)."""
    limit = remote.MAX_ERROR_CHARS
    return message if len(message) <= limit else message[: limit - 1] + "\u2026"


def _describe_failure(exc: ConvexError) -> str:
    if isinstance(exc, ConvexFunctionError) and isinstance(exc.data, dict):
        data = exc.data
        if data.get("code") == remote.PRECONDITION_FAILED:
            return (
                f"the target changed since the plan was read: {data.get('table')} "
                f"{data.get('naturalKey')} is {data.get('actual')}, expected {data.get('expected')}"
            )
    return str(exc)
