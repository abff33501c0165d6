"""Drift: how a target differs from the desired state, or from another target (pure).

A row edited by hand in the target keeps its old checksum, so targets are read with
verification (`Seeder.read_state(verify=True)`): such a row shows up as `edited`. A document
that differs from the catalog says which fields, with the target's and the catalog's values;
an integration the target holds but the environment does not want says whether the catalog
lacks it or the environment's policy excludes it (a different fix: delete it, or change the
policy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from seeding_suite.engine.planview import one_line, shown_pair

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from seeding_suite.engine.desired import DesiredDoc, DesiredIntegration
    from seeding_suite.engine.state import StoredDoc, TargetState

Kind = Literal["missing", "extra", "changed", "edited", "duplicate"]


class _Absent:
    """A field one side does not have (distinct from a field holding null)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()


@dataclass(frozen=True)
class FieldDrift:
    """One field of a document: its value in the target and the catalog's (ABSENT: none)."""

    field: str
    target: object
    catalog: object

    def render(self) -> str:
        target, catalog = shown_pair(_text(self.target), _text(self.catalog))
        return f"{self.field}: target {target}, catalog {catalog}"


def _text(value: object) -> str:
    return repr(ABSENT) if value is ABSENT else one_line(value)


@dataclass(frozen=True)
class Difference:
    """One document (or whole integration) that is not where or what it should be."""

    integration: str
    kind: Kind
    table: str
    natural_key: str
    detail: str
    fields: tuple[FieldDrift, ...] = ()

    def render(self) -> str:
        head = f"{self.kind:<8} {self.table} {self.natural_key}: {self.detail}"
        return "\n".join([head, *(f"    {field.render()}" for field in self.fields)])

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.integration,
            "kind": self.kind,
            "table": self.table,
            "natural_key": self.natural_key,
            "detail": self.detail,
            "fields": [  # a side that lacks the field has no key
                {"field": f.field}
                | ({} if f.target is ABSENT else {"target": f.target})
                | ({} if f.catalog is ABSENT else {"catalog": f.catalog})
                for f in self.fields
            ],
        }


def field_drift(
    target: Mapping[str, object] | None, catalog: Mapping[str, object]
) -> tuple[FieldDrift, ...]:
    """The fields whose values differ, by name (a field only one side has included)."""
    held = target or {}
    return tuple(
        FieldDrift(name, held.get(name, ABSENT), catalog.get(name, ABSENT))
        for name in sorted(set(held) | set(catalog))
        if held.get(name, ABSENT) != catalog.get(name, ABSENT)
    )


def _edited(
    docs: Iterable[StoredDoc],
    where: str,
    wanted: Mapping[tuple[str, str], DesiredDoc] | None = None,
) -> list[Difference]:
    out = []
    for d in docs:
        if d.drifted:
            desired = (wanted or {}).get((d.table, d.natural_key))
            fields = () if desired is None else field_drift(d.payload, desired.payload)
            detail = f"edited by hand in {where}"
            out.append(Difference(d.integration, "edited", d.table, d.natural_key, detail, fields))
    return out


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
    desired: Sequence[DesiredIntegration],
    state: TargetState,
    where: str = "the target",
    excluded: Mapping[str, str] | None = None,
) -> list[Difference]:
    """Every difference between the catalog's documents and the target's.

    `excluded`: the catalog's integrations the environment does not admit, with the reason.
    """
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
            fields = field_drift(stored.payload, doc.payload)
            detail = "differs from the catalog"
            out.append(Difference(doc.integration, "changed", *key, detail, fields))
    ids = {i.id for i in desired}
    for key, stored in sorted(state.docs.items()):
        if key not in wanted and stored.integration in ids & held:
            out.append(Difference(stored.integration, "extra", *key, "not in the catalog"))
    for extra in sorted(state.integrations() - ids):
        reason = (excluded or {}).get(extra)
        detail = (
            "not in the catalog" if reason is None else f"excluded in this environment: {reason}"
        )
        out.append(Difference(extra, "extra", "integrations", extra, detail))
    out.extend(_edited(state.docs.values(), where, wanted))
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
