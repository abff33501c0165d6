"""Health checks after a run: is what the run seeded really there, whole and connected?

Built in: every seeded integration is readable, its documents and checksums are exactly the
desired ones (counts and checksums match the plan), its dependencies resolve in the target
at versions their ranges accept, and none of its natural keys is held by two documents. A
project adds its own checks (`HealthCheck`); any problem makes the guarded seeder roll the
run back (engine/guarded.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seeding_suite.engine.gating import satisfies
from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.seeder import SeedReport
    from seeding_suite.engine.state import TargetState
    from seeding_suite.targets.base import ConvexTarget

SEEDED_ACTIONS = ("created", "updated", "unchanged", "reseeded")


@dataclass(frozen=True)
class HealthProblem:
    """One failed check; `integration` is None for a problem of the whole target."""

    check: str
    integration: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.integration}: " if self.integration else ""
        return f"{self.check}: {where}{self.message}"


@dataclass(frozen=True)
class HealthView:
    """What a check sees: the target (read again after the run), the run's desired state."""

    target: ConvexTarget
    state: TargetState
    seeded: dict[str, DesiredIntegration]
    report: SeedReport


HealthCheck = Callable[[HealthView], Iterable[HealthProblem]]
"""A project's own check: yields a problem per thing wrong (nothing when healthy)."""


@dataclass(frozen=True)
class HealthSettings:
    """Whether to check, and the project's checks beyond the built-in ones."""

    enabled: bool = True
    checks: tuple[HealthCheck, ...] = field(default_factory=tuple)


def readable(view: HealthView) -> Iterable[HealthProblem]:
    """Every integration the run seeded (or kept) has its node in the target."""
    for integration in view.seeded:
        if view.state.get("integrations", integration) is None:
            yield HealthProblem("readable", integration, "its integration node is not readable")


def documents_match(view: HealthView) -> Iterable[HealthProblem]:
    """The target holds exactly the desired documents, with the desired checksums."""
    held = view.state.by_integration()
    for integration, desired in view.seeded.items():
        if view.state.holds_exactly(integration, desired.checksum):
            continue  # equal combined checksums: the same documents (no need to load them)
        wanted = {(d.table, d.natural_key): d.checksum for d in desired.docs}
        stored = {(d.table, d.natural_key): d.checksum for d in held.get(integration, [])}
        missing = sorted(set(wanted) - set(stored))
        extra = sorted(set(stored) - set(wanted))
        differ = sorted(k for k in set(wanted) & set(stored) if wanted[k] != stored[k])
        if missing or extra or differ:
            parts = [
                f"{label} {', '.join(f'{t} {k}' for t, k in keys[:3])}"
                for label, keys in (("missing", missing), ("extra", extra), ("differ", differ))
                if keys
            ]
            yield HealthProblem(
                "documents",
                integration,
                f"{len(stored)} document(s) stored, {len(wanted)} planned; " + "; ".join(parts),
            )


def dependencies_resolve(view: HealthView) -> Iterable[HealthProblem]:
    """Every dependency of a seeded integration is in the target at an accepted version."""
    for integration, desired in view.seeded.items():
        for dep, spec in desired.dependencies:
            version = view.state.versions.get(dep)
            if version is None:
                yield HealthProblem("dependencies", integration, f"dependency {dep} is missing")
            elif not satisfies(version, spec):
                yield HealthProblem(
                    "dependencies",
                    integration,
                    f"dependency {dep} is at {version}, outside '{spec}'",
                )


def unique_keys(view: HealthView) -> Iterable[HealthProblem]:
    """No natural key of a seeded integration is held twice: either could be read as current."""
    for integration in view.seeded:
        for duplicate in view.state.duplicates.of(integration):
            yield HealthProblem("duplicates", integration, duplicate.describe())


BUILT_IN: tuple[HealthCheck, ...] = (readable, documents_match, dependencies_resolve, unique_keys)


def check_health(
    target: ConvexTarget,
    state: TargetState,
    candidates: Sequence[DesiredIntegration],
    report: SeedReport,
    checks: Sequence[HealthCheck] = (),
) -> list[HealthProblem]:
    """Run the built-in checks, then `checks`, over the integrations the run seeded."""
    by_id = {d.id: d for d in candidates}
    seeded = {
        i: by_id[i]
        for i, result in report.results.items()
        if result.action in SEEDED_ACTIONS and i in by_id
    }
    view = HealthView(target, state, seeded, report)
    return [problem for check in (*BUILT_IN, *checks) for problem in check(view)]


def load_health_checks(specs: Iterable[str]) -> tuple[HealthCheck, ...]:
    """The project's checks, named `module:function` (ini `seeding_health_checks`)."""
    checks = []
    for spec in specs:
        module_name, _, function = spec.partition(":")
        try:
            check = getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigurationError(f"health check {spec!r} cannot be loaded: {exc}") from exc
        if not callable(check):
            raise ConfigurationError(f"health check {spec!r} is not callable")
        checks.append(check)
    return tuple(checks)
