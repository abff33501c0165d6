"""A plan for people and machines: the symbolic diff (`+ ~ - =`) and its JSON form.

Read like Terraform's: deletions first (the lines a reviewer must not miss), unchanged
integrations only counted unless asked for (`-v`), and each changed field with its old and new
value, cut to a line's worth (manifests hold no secrets; the JSON keeps the values whole).

`--plan` prints the lines and records them in the audit log; `--plan-json FILE` writes the JSON,
which `--apply-plan FILE` applies exactly (every op keeps the checksum it expects, so a target
that moved in between makes the apply fail instead of writing something else).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seeding_suite.engine.plan import DocCounts, IntegrationPlan
from seeding_suite.errors import PlanError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.engine.state import TargetState

SYMBOLS = {"created": "+", "updated": "~", "reseeded": "~", "deleted": "-", "unchanged": "="}
PLAN_FORMAT = 1
SHOWN_CHARS = 60  # a value longer than this is cut in the printed plan


def one_line(value: object) -> str:
    """A value as JSON on one line (control characters escaped: nothing reaches the terminal
    raw)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def shown(text: str, start: int = 0) -> str:
    """SHOWN_CHARS of `text` from about `start` (where it differs), `...` marking the cuts."""
    if len(text) <= SHOWN_CHARS:
        return text
    start = max(0, min(start - SHOWN_CHARS // 3, len(text) - SHOWN_CHARS + 3))
    head = "..." if start else ""
    end = start + SHOWN_CHARS - len(head)
    return f"{head}{text[start:end]}{'...' if end < len(text) else ''}"


def shown_pair(old: str, new: str) -> tuple[str, str]:
    """Two long texts cut around where they first differ, so the difference stays visible."""
    same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), 0)
    return shown(old, same), shown(new, same)


@dataclass(frozen=True)
class FieldChange:
    """One field of an updated document: its value in the target and the one to be written."""

    field: str
    old: object
    new: object

    def render(self) -> str:
        old, new = shown_pair(one_line(self.old), one_line(self.new))
        return f"{self.field}: {old} -> {new}"


@dataclass(frozen=True)
class Change:
    """One document the plan writes: what happens to it and which fields change."""

    symbol: str
    table: str
    natural_key: str
    values: tuple[FieldChange, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(value.field for value in self.values)

    def render(self) -> str:
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.symbol} {self.table} {self.natural_key}{fields}"

    def to_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "table": self.table,
            "natural_key": self.natural_key,
            "fields": list(self.fields),
            "values": [vars(value) for value in self.values],
        }


def changes(plan: IntegrationPlan, state: TargetState) -> list[Change]:
    """The plan's ops as changes; an update names its changed fields when the payload is known."""
    out = []
    for op in plan.ops:
        table, key = op["table"], op["naturalKey"]
        stored = state.get(table, key)
        if op["kind"] == "delete":
            out.append(Change("-", table, key))
        elif stored is None:
            out.append(Change("+", table, key))
        else:
            doc: dict[str, object] = op["doc"] if op["kind"] == "upsert" else {}
            before = stored.payload or {}
            values = tuple(
                FieldChange(k, before[k], v)
                for k, v in sorted(doc.items())
                if k in before and before[k] != v
            )
            out.append(Change("~", table, key, values))
    return out


def plan_lines(
    plans: Sequence[IntegrationPlan], state: TargetState, *, verbose: bool = False
) -> list[str]:
    """Terraform-style lines, one block per integration (deletions first; unchanged ones only
    when `verbose`), then the totals, which count every integration."""
    lines = []
    totals = {"+": 0, "~": 0, "-": 0, "=": 0}
    for plan in sorted(plans, key=lambda p: SYMBOLS[p.action] != "-"):
        symbol = SYMBOLS[plan.action]
        totals[symbol] += 1
        if symbol == "=" and not verbose:
            continue
        version = plan.version or plan.previous_version or ""
        if symbol == "~" and plan.previous_version and plan.previous_version != plan.version:
            version = f"{plan.previous_version} -> {plan.version}"
        counts = plan.counts
        lines.append(
            f"{symbol} {plan.id} {version} ({counts.created} to create, "
            f"{counts.updated} to update, {counts.deleted} to delete, {counts.unchanged} unchanged)"
        )
        for change in changes(plan, state):
            lines.append(f"    {change.render()}")
            lines.extend(f"        {value.render()}" for value in change.values)
    if totals["="] and not verbose:
        lines.append(f"({totals['=']} unchanged integration(s) not listed; -v lists them)")
    lines.append(
        f"Plan: {totals['+']} to create, {totals['~']} to update, {totals['-']} to delete, "
        f"{totals['=']} unchanged."
    )
    return lines


def plan_document(
    plans: Sequence[IntegrationPlan], state: TargetState, **about: str
) -> dict[str, Any]:
    """The machine-readable plan (`--plan-json`)."""
    return {
        "format": PLAN_FORMAT,
        **about,
        "integrations": [
            {
                "id": plan.id,
                "action": plan.action,
                "symbol": SYMBOLS[plan.action],
                "version": plan.version,
                "previousVersion": plan.previous_version,
                "counts": vars(plan.counts),
                "changes": [c.to_json() for c in changes(plan, state)],
                "ops": plan.ops,
            }
            for plan in plans
        ],
    }


def load_plan(text: str) -> tuple[dict[str, Any], list[IntegrationPlan]]:
    """Read a `--plan-json` file back; raises PlanError when it is not one."""
    try:
        document = json.loads(text)
        if document.get("format") != PLAN_FORMAT:
            raise PlanError(f"not a seeding plan of format {PLAN_FORMAT}")
        plans = [
            IntegrationPlan(
                item["id"],
                item["action"],
                list(item["ops"]),
                DocCounts(**item["counts"]),
                item["version"],
                item["previousVersion"],
            )
            for item in document["integrations"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PlanError(f"the plan file is not a seeding plan: {exc}") from exc
    return document, plans
