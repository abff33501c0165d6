"""Per-integration status matrix: integration x environment, from each environment's runs.

A cell holds what the environment's newest run that saw the integration said: the version it
holds (the last version seeded there), when, and its health: `ok` (seeded or unchanged),
`failing` (a check or its seed failed; the target keeps its older version), `skipped`,
`deleted`. With a target: the percent its rollout serves there (read from the target), and
each integration's trust (official, community: the catalog's sources).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seeding_suite.reports.model import History

_HELD = ("created", "updated", "unchanged", "reseeded")


@dataclass(frozen=True, slots=True)
class Cell:
    version: str  # what the environment holds ("" when never seeded there)
    health: str  # ok, failing, skipped, deleted
    last_run: str
    last_seen: str
    rollout: int | None = None  # the percent a rollout serves in this environment


@dataclass(frozen=True, slots=True)
class MatrixPanel:
    environments: list[str]
    integrations: list[str]
    cells: dict[str, dict[str, Cell]]  # integration -> environment -> cell
    trust: dict[str, str] = field(default_factory=dict)  # integration -> official, community

    def row(self, integration: str) -> list[Cell | None]:
        cells = self.cells.get(integration, {})
        return [cells.get(env) for env in self.environments]


def build(
    history: History,
    rollouts: Mapping[tuple[str, str], int] | None = None,
    trust: Mapping[str, str] | None = None,
) -> MatrixPanel:
    """`rollouts`: (integration, environment) -> percent served; `trust`: integration -> trust."""
    cells: dict[str, dict[str, Cell]] = {}
    held: dict[tuple[str, str], str] = {}
    for run in history.runs:  # oldest first: newer runs overwrite
        failing = {c.integration for c in run.failures}
        when = run.started_at.isoformat(timespec="seconds")
        seen: dict[str, str] = {}
        for seed in run.seeds:
            key = (seed.integration, run.environment)
            if seed.action in _HELD:
                held[key] = seed.version
            elif seed.action == "deleted":
                held.pop(key, None)
            health = (
                "deleted"
                if seed.action == "deleted"
                else "failing"
                if seed.outcome in ("failed", "error") or seed.integration in failing
                else "skipped"
                if seed.action == "skipped"
                else "ok"
            )
            seen[seed.integration] = health
        for check in run.checks:  # a checks-only run: its failures still say the health
            seen.setdefault(check.integration, "failing" if check.integration in failing else "ok")
        for integration, health in seen.items():
            version = held.get((integration, run.environment), "")
            cells.setdefault(integration, {})[run.environment] = Cell(
                version, health, run.run_id, when
            )
    for (integration, environment), percent in (rollouts or {}).items():
        cell = cells.get(integration, {}).get(environment)
        if cell is not None:
            cells[integration][environment] = replace(cell, rollout=percent)
    known = {i: t for i, t in (trust or {}).items() if i in cells}
    return MatrixPanel(history.environments, sorted(cells), cells, known)
