"""The controller's record of every check outcome of the session, per manifest.

It sees the reports of all workers (or of the plain run) and answers one question for the
final stage: may this manifest be seeded, and if not, why. A manifest qualifies only when
every check it defines passed in this session, all with the same checksum.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from seeding_suite.findings import Finding

RANK = {"passed": 0, "skipped": 1, "failed": 2}


@dataclass
class ManifestRecord:
    """What this session learned about one manifest file."""

    display: str
    outcomes: dict[str, str] = field(default_factory=dict)
    integration: str | None = None
    version: str | None = None
    checksums: set[str] = field(default_factory=set)
    collection_error: str | None = None
    # The file relative to the rootdir (a report's location). The node id's part is not
    # always that: pytest names a file under a root outside the rootdir relative to the root.
    source: str | None = None
    # Findings of checks the stage ran itself: the run selected the seed item, not the check.
    findings: list[Finding] = field(default_factory=list)

    @property
    def file(self) -> str:
        """The file relative to the rootdir."""
        return self.source if self.source is not None else self.display

    def note(self, check: str, outcome: str) -> None:
        """Keep the worst outcome seen for a check (setup/call/teardown all count)."""
        if RANK.get(outcome, 2) >= RANK.get(self.outcomes.get(check, "passed"), 0):
            self.outcomes[check] = outcome

    def blocking_reason(self, checks: Sequence[str]) -> str | None:
        """Why this manifest must not be seeded, or None when it may be."""
        if self.collection_error is not None:
            return f"not seeded: the manifest could not be collected ({self.collection_error})"
        failed = [c for c in checks if self.outcomes.get(c) == "failed"]
        if failed:
            return f"not seeded: check {', '.join(failed)} failed"
        skipped = [c for c in checks if self.outcomes.get(c) == "skipped"]
        if skipped:
            return f"not seeded: check {', '.join(skipped)} was skipped"
        missing = [c for c in checks if c not in self.outcomes]
        if missing:
            return f"not seeded: check {', '.join(missing)} did not run in this session"
        if len(self.checksums) > 1:
            return "not seeded: the manifest changed while its checks ran"
        return None


@dataclass
class Outcomes:
    """Check outcomes of the session by manifest display path (`manifests/stripe.yaml`).

    Only reports of the manifest checks named in `checks` count: a refused link's item or a
    Python test in the same run is no manifest and gets no seed outcome.
    """

    checks: frozenset[str]
    records: dict[str, ManifestRecord] = field(default_factory=dict)
    # The manifests whose seed items the run selected, with their files where known (a plain
    # run knows them; under xdist only node ids reach the controller). None until collected.
    seeds: dict[str, Path | None] | None = None

    def select_seeds(self, seeds: Iterable[tuple[str, Path | None]]) -> None:
        self.seeds = dict(seeds)

    def record(self, display: str) -> ManifestRecord:
        if display not in self.records:
            self.records[display] = ManifestRecord(display)
        return self.records[display]

    def note_report(
        self,
        nodeid: str,
        outcome: str,
        when: str,
        properties: Iterable[tuple[str, object]],
        source: str | None = None,
    ) -> None:
        """Take one pytest report (by value, so this module needs no pytest)."""
        display, sep, check = nodeid.partition("::")
        if not sep or check not in self.checks:
            return
        record = self.record(display)
        if source is not None:
            record.source = source
        if when == "call" or outcome != "passed":
            record.note(sys.intern(check), outcome)  # one string per check name, not per file
        for name, value in properties:
            if name == "integration" and value:
                record.integration = str(value)
            elif name == "version" and value:
                record.version = str(value)
            elif name == "checksum" and value:
                record.checksums.add(str(value))

    def note_collection_error(self, display: str, message: str) -> None:
        self.record(display).collection_error = message
