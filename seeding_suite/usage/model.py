"""The figures of usage and adoption, as plain values a report or `usage --json` renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from seeding_suite.sources import Trust


@dataclass(frozen=True)
class AdoptionPoint:
    """How many workspaces used an integration in one environment during one day (UTC)."""

    day: str  # YYYY-MM-DD
    start_ms: float
    workspaces: int


@dataclass(frozen=True)
class EnvironmentAdoption:
    """An integration's adoption in one environment over the report's window.

    `workspaces` counts distinct workspaces over the whole window (a workspace using it every
    day counts once); `series` holds only the days with a use, in day order (UsageReport.days
    lists every day of the window, for a chart's zeros).
    """

    environment: str
    workspaces: int
    series: tuple[AdoptionPoint, ...]


@dataclass(frozen=True)
class IntegrationAdoption:
    """One integration: its trust, whether the target holds it, and who used it where.

    `trust` is the catalog's word for it (None: not in the catalog given, trust unknown);
    `workspaces` counts distinct workspaces over the window, all environments together.
    """

    integration: str
    trust: Trust | None
    seeded: bool
    workspaces: int
    environments: tuple[EnvironmentAdoption, ...]

    @property
    def unused(self) -> bool:
        """Seeded into the target, yet no workspace used it in the window."""
        return self.seeded and self.workspaces == 0


@dataclass(frozen=True)
class UsageReport:
    """Adoption of every integration the target holds or the platform used, over a window.

    The window is whole UTC days: `since_ms` is the first day's start and `until_ms` the
    time it was read; `days` names every day of it, oldest first.
    """

    since_ms: float
    until_ms: float
    days: tuple[str, ...]
    integrations: tuple[IntegrationAdoption, ...]  # by integration id

    def official(self) -> tuple[IntegrationAdoption, ...]:
        """Integrations from official sources."""
        return tuple(i for i in self.integrations if i.trust == "official")

    def community(self) -> tuple[IntegrationAdoption, ...]:
        """Integrations from community sources, kept apart from the official ones."""
        return tuple(i for i in self.integrations if i.trust == "community")

    def uncatalogued(self) -> tuple[IntegrationAdoption, ...]:
        """Integrations the catalog given does not hold (trust unknown)."""
        return tuple(i for i in self.integrations if i.trust is None)

    def unused(self) -> tuple[IntegrationAdoption, ...]:
        """Integrations seeded into the target that no workspace used in the window."""
        return tuple(i for i in self.integrations if i.unused)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (what `seeding-suite usage --json` prints)."""
        return {
            "sinceMs": self.since_ms,
            "untilMs": self.until_ms,
            "days": list(self.days),
            "integrations": [_integration_json(i) for i in self.integrations],
            "unused": [i.integration for i in self.unused()],
        }


def _integration_json(adoption: IntegrationAdoption) -> dict[str, Any]:
    return {
        "integration": adoption.integration,
        "trust": adoption.trust,
        "seeded": adoption.seeded,
        "workspaces": adoption.workspaces,
        "environments": [
            {
                "environment": env.environment,
                "workspaces": env.workspaces,
                "series": [
                    {"day": p.day, "startMs": p.start_ms, "workspaces": p.workspaces}
                    for p in env.series
                ],
            }
            for env in adoption.environments
        ],
    }
