"""Runs checks on manifests: requirements, memoized outcomes, and passes reused across runs.

The pytest items call this; so can anything else (it knows nothing of pytest). Outcomes are
memoized per process, so a check another check requires runs once, however many items ask.
With a ResultCache, a check that passed on exactly the same inputs in an earlier run passes
again without running (seeding_suite.cache says what "the same inputs" covers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from seeding_suite.checks import check_named
from seeding_suite.recent import Recent

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.cache import CachedChecks, ResultCache
    from seeding_suite.catalog import Catalog
    from seeding_suite.checks.base import Check
    from seeding_suite.findings import Finding

Status = Literal["passed", "failed", "skipped"]
RECENT_FILES = 64


@dataclass(frozen=True)
class CheckOutcome:
    """A check's result for one manifest; `reason` says why it was skipped."""

    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str | None = None
    cached: bool = False  # a pass reused from an earlier run on the same inputs


@dataclass
class CheckRunner:
    """The checks of one process, in order, over one catalog."""

    catalog: Catalog
    checks: Sequence[Check]
    cache: ResultCache | None = None
    _outcomes: Recent[Path, dict[str, CheckOutcome]] = field(
        default_factory=lambda: Recent(RECENT_FILES)
    )
    _keys: dict[Path, str | None] = field(default_factory=dict)

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
        if outcome is None:
            outcome = outcomes[name] = self._run(check_named(name, self.checks), path)
        return outcome

    def _run(self, check: Check, path: Path) -> CheckOutcome:
        for required in check.requires:
            if self.run(required, path).status != "passed":
                return CheckOutcome("skipped", reason=f"not run: the {required} check did not pass")
        cached = self._cached(path)
        if cached is not None and check.name in cached.passed:
            return _CACHED
        source = self.catalog.source(path)
        findings = tuple(check.run(source, self.catalog))
        if findings:
            return CheckOutcome("failed", findings)
        key = self._key(path)
        entry = self.catalog.entry(path)
        # Recorded only if the bytes checked are the bytes the key was made from.
        if self.cache is not None and key is not None and entry and entry.digest == source.sha256:
            self.cache.record_pass(key, check.name, self.properties(path))
        return _PASSED

    def properties(self, path: Path) -> tuple[str, str, str]:
        """Integration id, version and checksum of a valid manifest (the audit log's)."""
        cached = self._cached(path)
        if cached is not None:
            return cached.integration, cached.version, cached.checksum
        desired = self.catalog.desired_of(path)
        return desired.id, desired.version, desired.checksum

    def _cached(self, path: Path) -> CachedChecks | None:
        key = self._key(path)
        return None if key is None or self.cache is None else self.cache.checks(key)

    def _key(self, path: Path) -> str | None:
        if self.cache is None:
            return None
        if path not in self._keys:
            self._keys[path] = self.catalog.input_key(path, self._settings)
        return self._keys[path]

    @cached_property
    def _settings(self) -> str:
        # Part of every cache key: the checks' own settings (their reprs; see checks/base.py).
        return repr([(c.name, c) for c in self.checks])


_PASSED = CheckOutcome("passed")
_CACHED = CheckOutcome("passed", cached=True)
