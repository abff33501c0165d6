"""Runs checks on manifests: requirements, memoized outcomes, and passes reused across runs.

The pytest items call this; so can anything else (it knows nothing of pytest). Outcomes are
memoized per process, so a check another check requires runs once, however many items ask.
With a ResultCache, a check that passed on exactly the same inputs in an earlier run passes
again without running (seeding_suite.cache says what "the same inputs" covers). With a
Prefetch, forked children compute files' outcomes ahead and the runner adopts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from seeding_suite.checks import check_named
from seeding_suite.checks.base import ReadsCatalog
from seeding_suite.loading.source import import_parsers
from seeding_suite.prefetch import Prefetch
from seeding_suite.recent import Recent

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from seeding_suite.cache import CachedChecks, ResultCache
    from seeding_suite.checks.base import Check
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import Finding

Status = Literal["passed", "failed", "skipped"]
Properties = tuple[str, str, str]  # integration id, version, checksum
Job = tuple["Path", tuple[str, ...]]  # a file and the checks a child runs on it
RECENT_FILES = 64
TRAIL_FROM = 2_000  # files checked ahead; below this, pytest's records stay small
TRAIL_SHARE = 0.4  # of those files, results the pytest process leaves for after the children


@dataclass(frozen=True)
class CheckOutcome:
    """A check's result for one manifest; `reason` says why it was skipped.

    A pass may carry findings: warnings and info, which are reported but fail nothing.
    `exempted` holds the findings a reviewed exemption covers: they fail nothing and are not
    listed, only written to SARIF as suppressed results.
    """

    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str | None = None
    cached: bool = False  # a pass reused from an earlier run on the same inputs
    exempted: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class FileResult:
    """A file's outcomes as a prefetching child computed them, with what the parent needs.

    `digest` is the SHA-256 of the bytes checked (a pass is cached only for those bytes).
    """

    outcomes: dict[str, CheckOutcome]
    properties: Properties | None
    digest: str | None


@dataclass
class CheckRunner:
    """The checks of one process, in order, over one catalog."""

    catalog: Catalog
    checks: Sequence[Check]
    cache: ResultCache | None = None
    prefetch: Prefetch[Job, FileResult] | None = None
    recording: bool = True  # passes go into the cache (not in a prefetching child)
    _outcomes: Recent[Path, dict[str, CheckOutcome]] = field(
        default_factory=lambda: Recent(RECENT_FILES)
    )
    _adopted: Recent[Path, Properties] = field(default_factory=lambda: Recent(RECENT_FILES))
    # A file's items ask the cache about it about seven times: it is parsed once.
    _cached_checks: Recent[Path, CachedChecks | None] = field(
        default_factory=lambda: Recent(RECENT_FILES)
    )
    _keys: dict[Path, str | None] = field(default_factory=dict)
    _jobs: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # dealt to the children

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks)

    def run(self, name: str, path: Path) -> CheckOutcome:
        """The outcome of check `name` on the manifest at `path` (memoized for recent files).

        A file's checks run back to back, so only the most recent files are remembered: at
        10,000 manifests, remembering all would hold 50,000 outcomes for nothing.
        """
        outcomes = self._outcomes.get(path, dict)
        outcome = outcomes.get(name)
        if outcome is None and path in self._jobs and self.prefetch is not None:
            found = self.prefetch.take((path, self._jobs.pop(path)))
            if found is not None:
                self._adopt(path, outcomes, found)
                outcome = outcomes.get(name)
        if outcome is None:
            outcome = outcomes[name] = self._run(check_named(name, self.checks), path)
        return outcome

    def fork_ahead(self, processes: int) -> None:
        """Fork `processes` children that will check files ahead of the items asking for them.

        Called before pytest collects: a child's memory grows with the parent's heap it
        touches, and collection adds every item to it. The summary pass goes first (itself in
        children): every check reads the catalog, and the children share the parent's by fork.
        Forks nothing when every check of every file passed on the same inputs before.
        """
        self.catalog.summarize_ahead(processes)
        self.catalog.resolution()
        if all(self.reusable(path, self.names) for path in self.catalog.files()):
            return  # nothing will need checking (a warm run): no parsers, no children
        import_parsers()
        # Forked with self.prefetch still None: a child checks its files itself.
        self.prefetch = Prefetch(self._child_result, processes)

    def check_ahead(self, wanted: Mapping[Path, Sequence[str]]) -> None:
        """Deal the forked children these files and checks; a file whose checks all passed on
        the same inputs before is left to the cache."""
        if self.prefetch is None:
            return
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct list
        for path, listed in wanted.items():
            names = shared.setdefault(tuple(listed), tuple(listed))
            if not self.reusable(path, names):
                self._jobs[path] = names
        self.prefetch.deal(list(self._jobs.items()), trail=trail_for(len(self._jobs)))

    def _child_result(self, job: Job) -> FileResult:
        # In a child: its copy of the cache is never saved, the parent records what it adopts.
        self.recording = False
        return self.result_of(*job)

    def result_of(self, path: Path, names: Sequence[str]) -> FileResult:
        """The outcomes of checks `names` on one file, as a prefetching child sends them."""
        outcomes = self._outcomes.get(path, dict)
        for name in names:
            self.run(name, path)
        properties = None
        digest = None
        if self.run("schema", path).status == "passed":  # the items' properties ask for it
            properties = self.properties(path)
            digest = self.catalog.source(path).sha256
        return FileResult(dict(outcomes), properties, digest)

    def reusable(self, path: Path, names: Sequence[str]) -> bool:
        """Whether checks `names` all passed on exactly these inputs in an earlier run."""
        cached = self._cached(path)
        return cached is not None and cached.passed.issuperset(names)

    def _adopt(self, path: Path, outcomes: dict[str, CheckOutcome], found: FileResult) -> None:
        outcomes.update(found.outcomes)
        if found.properties is None:
            return
        self._adopted.put(path, found.properties)
        for name, outcome in found.outcomes.items():
            if outcome.status == "passed" and not (
                outcome.cached or outcome.findings or outcome.exempted
            ):
                self._remember_pass(path, name, found.digest)

    def _run(self, check: Check, path: Path) -> CheckOutcome:
        for required in check.requires:
            if self.run(required, path).status != "passed":
                return CheckOutcome("skipped", reason=f"not run: the {required} check did not pass")
        cached = self._cached(path)
        if cached is not None and check.name in cached.passed:
            return _CACHED
        source = self.catalog.source(path)
        found = tuple(check.run(source, self.catalog))
        findings = tuple(f for f in found if f.exempted is None)
        exempted = tuple(f for f in found if f.exempted is not None)
        if any(finding.severity == "error" for finding in findings):
            return CheckOutcome("failed", findings, exempted=exempted)
        if found:  # warnings and exemptions: never cached, so reported the same each run
            return CheckOutcome("passed", findings, exempted=exempted)
        self._remember_pass(path, check.name, source.sha256)
        return _PASSED

    def _remember_pass(self, path: Path, name: str, digest: str | None) -> None:
        if not self.recording:
            return
        key = self._key(path)
        entry = self.catalog.entry(path)
        # Recorded only if the bytes checked are the bytes the key was made from.
        if self.cache is not None and key is not None and entry and entry.digest == digest:
            self.cache.record_pass(key, name, self.properties(path))
            self._cached_checks.forget(path)

    def properties(self, path: Path) -> Properties:
        """Integration id, version and checksum of a valid manifest (the audit log's)."""
        adopted = self._adopted.peek(path)
        if adopted is not None:
            return adopted
        cached = self._cached(path)
        if cached is not None:
            return cached.integration, cached.version, cached.checksum
        desired = self.catalog.desired_of(path)
        return desired.id, desired.version, desired.checksum

    def _cached(self, path: Path) -> CachedChecks | None:
        key = self._key(path)
        cache = self.cache
        if key is None or cache is None:
            return None
        return self._cached_checks.get(path, lambda: cache.checks(key))

    def _key(self, path: Path) -> str | None:
        if self.cache is None:
            return None
        if path not in self._keys:
            read = [
                check.catalog_inputs(self.catalog, path)
                for check in self.checks
                if isinstance(check, ReadsCatalog)
            ]
            settings = f"{self._settings} {read!r}" if read else self._settings
            self._keys[path] = self.catalog.input_key(path, settings)
        return self._keys[path]

    @cached_property
    def _settings(self) -> str:
        # Part of every cache key: the checks' own settings (their reprs; see checks/base.py).
        return repr([(c.name, c) for c in self.checks])


_PASSED = CheckOutcome("passed")
_CACHED = CheckOutcome("passed", cached=True)


def trail_for(files: int) -> int:
    """How far the pytest process stays behind children checking `files` files ahead.

    pytest's own records of every item (reports, JUnit elements) grow with every file, and at
    10,000 manifests they outweigh everything else: the pytest process ends near 470 MB, and
    two children hold about 100 MB more until their last file. Trailing the children by 40%
    of the files lets them finish and return that memory before the records reach their peak:
    the run's peak (summed PSS) went from 529 MB to 477 MB, in the same 54 s, because the
    children use the cores the trailing process leaves idle. Below 2,000 files the peak is
    small and trailing cost time (1,000 manifests: 6.0 s -> 6.35 s), so it does not trail.
    """
    return int(files * TRAIL_SHARE) if files >= TRAIL_FROM else 0
