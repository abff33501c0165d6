"""Runs checks on manifests: requirements and memoized outcomes.

The pytest items call this; so can anything else (it knows nothing of pytest). Outcomes are
memoized per process, so a check another check requires runs once, however many items ask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from seeding_suite.checks import check_named

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.catalog import Catalog
    from seeding_suite.checks.base import Check
    from seeding_suite.findings import Finding

Status = Literal["passed", "failed", "skipped"]


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


_PASSED = CheckOutcome("passed")
