"""What one environment's bundle holds: the integrations that passed every check, and why the
others are left out. Reuses `validate` (the checks) and the catalog's desired state (the
seeder's documents), so a bundle can never hold a document the Python seeder would not write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.commands.project import project_runner, selected
from seeding_suite.commands.validate import validate
from seeding_suite.engine.checksum import combine

if TYPE_CHECKING:
    from seeding_suite.engine.desired import DesiredDoc
    from seeding_suite.environments import Strategy


@dataclass(frozen=True)
class BundledIntegration:
    """One integration as `init` seeds it: its documents in the seeder's order."""

    id: str
    version: str
    checksum: str
    dependencies: tuple[tuple[str, str], ...]
    docs: tuple[DesiredDoc, ...]


@dataclass(frozen=True)
class LeftOut:
    """A manifest the environment's bundle does not hold, and why (a failed check, the policy)."""

    integration: str
    file: str
    reason: str
    failed: bool  # its checks failed (an error), rather than the policy not admitting it


@dataclass(frozen=True)
class EnvironmentBundle:
    """Everything `init` needs to seed one environment as the Python seeder would."""

    name: str
    strategy: Strategy
    named: tuple[str, ...]  # what the selective strategy seeds when no ids are given
    integrations: tuple[BundledIntegration, ...]  # dependency order
    left_out: tuple[LeftOut, ...]
    problems: tuple[str, ...]  # sources that could not be read

    @property
    def catalog_checksum(self) -> str:
        return combine(i.checksum for i in self.integrations)


def collect_environment(name: str) -> EnvironmentBundle:
    """Run every check in environment `name` and keep what passed and is admitted there."""
    runner = project_runner(seed_env=name)
    catalog = runner.catalog
    reports = validate(runner, selected(runner, []))
    passed = {r.integration for r in reports if r.ok}
    left_out = [
        LeftOut(r.integration, r.file, _failure(r.lines()), failed=True)
        for r in reports
        if not r.ok
    ]
    by_id = catalog.by_id()
    for report in reports:
        entry = by_id.get(report.integration)
        excluded = None if entry is None or not report.ok else catalog.excluded(entry)
        if excluded is not None:
            left_out.append(LeftOut(report.integration, report.file, excluded, failed=False))
    integrations = tuple(
        BundledIntegration(d.id, d.version, d.checksum, d.dependencies, d.docs)
        for d in catalog.desired()
        if d.id in passed
    )
    assert catalog.policy is not None  # project_runner always selects one
    policy = catalog.policy
    return EnvironmentBundle(
        name,
        policy.strategy,
        tuple(sorted(policy.named())),
        integrations,
        tuple(sorted(left_out, key=lambda o: (o.integration, o.file))),
        tuple(problem.render() for problem in catalog.problems()),
    )


def _failure(lines: list[str]) -> str:
    """The findings of a failing manifest's validate block, on one line."""
    return "checks failed: " + "; ".join(line.strip() for line in lines[1:])
