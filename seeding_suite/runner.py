"""Runs checks on manifests: requirements, memoized outcomes, and the manifest's desired state.

The pytest items call this; so can anything else (it knows nothing of pytest). Outcomes are
memoized per process, so a check another check requires runs once, however many items ask.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from seeding_suite.checks import check_named
from seeding_suite.engine.desired import DesiredIntegration, desired_integration

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.catalog import Catalog
    from seeding_suite.checks.base import Check
    from seeding_suite.findings import Finding

Status = Literal["passed", "failed", "skipped"]
DESIRED_CACHE = 64


@dataclass(frozen=True)
class CheckOutcome:
    """A check's result for one manifest; `reason` says why it was skipped."""

    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str | None = None


@dataclass
class CheckRunner:
    """The checks of one process, in order, over one catalog."""

    catalog: Catalog
    checks: Sequence[Check]
    _outcomes: dict[tuple[Path, str], CheckOutcome] = field(default_factory=dict)
    _desired: OrderedDict[Path, DesiredIntegration] = field(default_factory=OrderedDict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks)

    def run(self, name: str, path: Path) -> CheckOutcome:
        """The outcome of check `name` on the manifest at `path` (memoized)."""
        key = (path, name)
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._outcomes[key] = self._run(check_named(name, self.checks), path)
        return outcome

    def _run(self, check: Check, path: Path) -> CheckOutcome:
        for required in check.requires:
            if self.run(required, path).status != "passed":
                return CheckOutcome("skipped", reason=f"not run: the {required} check did not pass")
        findings = tuple(check.run(self.catalog.source(path), self.catalog))
        return CheckOutcome("failed", findings) if findings else _PASSED

    def desired(self, path: Path) -> DesiredIntegration:
        """The documents the manifest becomes (requires a valid manifest); a small LRU."""
        cached = self._desired.get(path)
        if cached is not None:
            self._desired.move_to_end(path)
            return cached
        desired = desired_integration(self.catalog.source(path).manifest, self.catalog.policy)
        self._desired[path] = desired
        if len(self._desired) > DESIRED_CACHE:
            self._desired.popitem(last=False)
        return desired


_PASSED = CheckOutcome("passed")
