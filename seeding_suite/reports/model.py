"""The typed history a report is built from: runs, their check cases and their seed cases.

Plain frozen dataclasses: every panel reads the same values whether they came from an audit
log (junit.py) or from a target's run record (records.py), which has counts but no cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import datetime

CaseOutcome = Literal["passed", "failed", "error", "skipped"]
# Seed actions with their change-list sign (seeding_suite.plugin.changes): + ~ - =.
SIGNS = {"created": "+", "updated": "~", "reseeded": "~", "deleted": "-", "unchanged": "="}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a failing check points: the manifest file, line and column of its finding."""

    file: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True, slots=True)
class CheckCase:
    """One `<manifest>::<check>` testcase."""

    manifest: str
    check: str
    integration: str
    version: str
    outcome: CaseOutcome
    seconds: float
    message: str = ""
    location: Location | None = None  # failures only


@dataclass(frozen=True, slots=True)
class SeedCase:
    """One `<manifest>::seed` testcase: what the run did to one integration."""

    manifest: str
    integration: str
    version: str
    action: str  # created, updated, unchanged, reseeded, deleted, skipped, failed
    outcome: CaseOutcome
    seconds: float
    previous_version: str = ""  # the version the target held before (updated only)
    reason: str = ""  # why it was skipped, or what failed
    documents: tuple[tuple[str, int], ...] = ()  # (created|updated|deleted|unchanged, count)
    unknown: bool = False  # its batch's reply was lost and could not be read back

    @property
    def sign(self) -> str:
        return SIGNS.get(self.action, "")


@dataclass(frozen=True, slots=True)
class Run:
    """One seeding run: its properties, and its cases when an audit log recorded them."""

    run_id: str
    environment: str
    target: str
    started_at: datetime
    finished_at: datetime
    source: str  # the audit log's path, or "target" for a run known from its record only
    mode: str = "apply"
    actor: str = ""
    harness_version: str = ""
    git_commit: str = ""
    counts: tuple[tuple[str, int], ...] = ()  # created, updated, ... failed, deleted
    documents_written: int = 0
    convex_calls: int = 0
    checks_reused: int = 0
    seed_seconds: float = 0.0
    notes: str = ""
    checks: tuple[CheckCase, ...] = ()
    seeds: tuple[SeedCase, ...] = ()
    status: str = ""  # the run record's status (succeeded, failed, abandoned), when known

    @property
    def seconds(self) -> float:
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)

    @property
    def check_seconds(self) -> float:
        """The run before its seed stage: collection and checks (the seed stage's time is
        every seed case's own `time`, see plugin/stage.py)."""
        return max(self.seconds - self.seed_seconds, 0.0)

    def count(self, name: str) -> int:
        return dict(self.counts).get(name, 0)

    @property
    def failures(self) -> tuple[CheckCase, ...]:
        return tuple(c for c in self.checks if c.outcome in ("failed", "error"))

    @property
    def failed_seeds(self) -> tuple[SeedCase, ...]:
        return tuple(s for s in self.seeds if s.outcome in ("failed", "error"))

    @property
    def verdict(self) -> str:
        """failed when any check or seed case failed, or the run record says so."""
        if self.failures or self.failed_seeds or self.count("failed") or self.notes:
            return "failed"
        if self.status and self.status != "succeeded":
            return self.status
        return "passed"

    @property
    def error_rate(self) -> float:
        """Failed (or erroring) cases over all cases that ran (skips excluded)."""
        ran = [c.outcome for c in self.checks if c.outcome != "skipped"]
        ran += [s.outcome for s in self.seeds if s.outcome != "skipped"]
        if not ran:
            total = sum(n for _, n in self.counts) - self.count("skipped")
            return self.count("failed") / total if total else 0.0
        return sum(1 for o in ran if o in ("failed", "error")) / len(ran)


@dataclass(frozen=True, slots=True)
class History:
    """Every run the report knows, oldest first (ties: by run id)."""

    runs: tuple[Run, ...] = field(default_factory=tuple)

    @property
    def environments(self) -> list[str]:
        return sorted({r.environment for r in self.runs})

    @property
    def latest(self) -> Run:
        return self.runs[-1]

    def in_environment(self, environment: str) -> list[Run]:
        return [r for r in self.runs if r.environment == environment]
