"""Drift: how a target differs from the desired state, or from another target (pure).

A row edited by hand in the target keeps its old checksum, so targets are read with
verification (`Seeder.read_state(verify=True)`): such a row shows up as `edited`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.state import StoredDoc, TargetState

Kind = Literal["missing", "extra", "changed", "edited", "duplicate"]


@dataclass(frozen=True)
class Difference:
    """One document (or whole integration) that is not where or what it should be."""

    integration: str
    kind: Kind
    table: str
    natural_key: str
    detail: str

    def render(self) -> str:
        return f"{self.kind:<8} {self.table} {self.natural_key}: {self.detail}"


def _edited(docs: Iterable[StoredDoc], where: str) -> list[Difference]:
    return [
        Difference(d.integration, "edited", d.table, d.natural_key, f"edited by hand in {where}")
        for d in docs
        if d.drifted
    ]


def _duplicated(state: TargetState, where: str, wanted: set[str] | None = None) -> list[Difference]:
    """A natural key held twice is drift whatever the catalog says: only one can be current."""
    return [
        Difference(
            d.integrations[0],
            "duplicate",
            d.table,
            d.natural_key,
            f"{d.count} documents for one natural key in {where}",
        )
        for d in state.duplicates.all()
        if wanted is None or wanted & set(d.integrations)
    ]


def against_desired(
    desired: Sequence[DesiredIntegration], state: TargetState, where: str = "the target"
) -> list[Difference]:
    """Every difference between the catalog's documents and the target's."""
    out: list[Difference] = []
    held = state.integrations() | {d.integration for d in state.docs.values()}
    wanted = {}
    for integration in desired:
        if integration.id not in held:
            detail = f"the integration is not in {where} ({len(integration.docs)} documents)"
            out.append(
                Difference(integration.id, "missing", "integrations", integration.id, detail)
            )
            continue
        wanted.update({(d.table, d.natural_key): d for d in integration.docs})
    for key, doc in sorted(wanted.items()):
        stored = state.docs.get(key)
        if stored is None:
            out.append(Difference(doc.integration, "missing", *key, f"not in {where}"))
        elif stored.checksum != doc.checksum:
            out.append(Difference(doc.integration, "changed", *key, "differs from the catalog"))
    ids = {i.id for i in desired}
    for key, stored in sorted(state.docs.items()):
        if key not in wanted and stored.integration in ids & held:
            out.append(Difference(stored.integration, "extra", *key, "not in the catalog"))
    for extra in sorted(state.integrations() - ids):
        out.append(Difference(extra, "extra", "integrations", extra, "not in the catalog"))
    out.extend(_edited(state.docs.values(), where))
    out.extend(_duplicated(state, where))
    return out


def between(
    first: TargetState, second: TargetState, integrations: Iterable[str], names: tuple[str, str]
) -> list[Difference]:
    """Differences between two targets for the integrations both should hold."""
    wanted = set(integrations)
    out: list[Difference] = []
    a = {k: d for k, d in first.docs.items() if d.integration in wanted}
    b = {k: d for k, d in second.docs.items() if d.integration in wanted}
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if left is None or right is None:
            present = right or left
            assert present is not None
            holder, missing = (names[1], names[0]) if left is None else names
            out.append(
                Difference(present.integration, "missing", *key, f"in {holder}, not in {missing}")
            )
        elif left.checksum != right.checksum:
            out.append(
                Difference(left.integration, "changed", *key, f"{names[0]} and {names[1]} differ")
            )
    out.extend(_edited(a.values(), names[0]))
    out.extend(_edited(b.values(), names[1]))
    out.extend(_duplicated(first, names[0], wanted))
    out.extend(_duplicated(second, names[1], wanted))
    return out
