"""A plan for people and machines: the symbolic diff (`+ ~ - =`) and its JSON form.

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


@dataclass(frozen=True)
class Change:
    """One document the plan writes: what happens to it and which fields change."""

    symbol: str
    table: str
    natural_key: str
    fields: tuple[str, ...] = ()

    def render(self) -> str:
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.symbol} {self.table} {self.natural_key}{fields}"


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
            fields = tuple(sorted(k for k, v in doc.items() if k in before and before[k] != v))
            out.append(Change("~", table, key, fields))
    return out


def plan_lines(plans: Sequence[IntegrationPlan], state: TargetState) -> list[str]:
    """Terraform-style lines, one block per integration, then the totals."""
    lines = []
    totals = {"+": 0, "~": 0, "-": 0, "=": 0}
    for plan in plans:
        symbol = SYMBOLS[plan.action]
        totals[symbol] += 1
        version = plan.version or plan.previous_version or ""
        if symbol == "~" and plan.previous_version and plan.previous_version != plan.version:
            version = f"{plan.previous_version} -> {plan.version}"
        counts = plan.counts
        lines.append(
            f"{symbol} {plan.id} {version} ({counts.created} to create, "
            f"{counts.updated} to update, {counts.deleted} to delete, {counts.unchanged} unchanged)"
        )
        lines.extend(f"    {change.render()}" for change in changes(plan, state))
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
                "changes": [vars(c) for c in changes(plan, state)],
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
