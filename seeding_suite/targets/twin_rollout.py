"""The rollout functions in Python: the twin of convex/integrations/rollout.ts (issue 16).

`evaluateIntegration` answers the platform from the rollout document (rollouts/evaluation.py),
`recordIntegrationOutcome` counts outcomes into one counter document per integration,
environment, interval and variant, and `rolloutWindow` sums a window of them for the gates.
The shared vectors under tests/contract/vectors/ hold both sides to the same results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.rollouts.documents import ROLLOUTS_TABLE, Rollout, natural_key
from seeding_suite.rollouts.evaluation import evaluate
from seeding_suite.targets.twin_rules import invalid, lookup, user_fields

if TYPE_CHECKING:
    from fakes.convex import Clock


def _slot(args: dict[str, Any]) -> tuple[str, str]:
    integration, environment = args["integration"], args["environment"]
    if not integration or not environment:
        raise invalid("integration and environment must not be empty")
    return integration, environment


def evaluate_integration(ctx: Any, args: dict[str, Any]) -> dict[str, object]:
    integration, environment = _slot(args)
    doc = lookup(ctx, ROLLOUTS_TABLE, natural_key(integration, environment))
    held = lookup(ctx, "integrations", integration) is not None
    rollout = None if doc is None else Rollout(integration, user_fields(doc))
    return evaluate(rollout, args["subject"], integration_held=held).answer()


def interval_of(now_ms: float) -> float:
    """The start of the counting interval holding `now_ms`."""
    return float(now_ms // remote.ROLLOUT_INTERVAL_MS * remote.ROLLOUT_INTERVAL_MS)


def record_integration_outcome(ctx: Any, args: dict[str, Any], *, clock: Clock) -> None:
    integration, environment = _slot(args)
    interval = interval_of(clock.now_ms())
    variant = args["variant"]
    row = (
        ctx.db.query(remote.COUNTERS_TABLE)
        .with_index(
            "by_slot",
            lambda q: (
                q.eq("integration", integration)
                .eq("environment", environment)
                .eq("interval", interval)
                .eq("variant", variant)
            ),
        )
        .unique()
    )
    error = 0.0 if args["ok"] else 1.0
    if row is None:
        counter = {"integration": integration, "environment": environment, "variant": variant}
        ctx.db.insert(
            remote.COUNTERS_TABLE,
            {**counter, "interval": interval, "requests": 1.0, "errors": error},
        )
    else:
        ctx.db.patch(row["_id"], {"requests": row["requests"] + 1, "errors": row["errors"] + error})


def rollout_window(ctx: Any, args: dict[str, Any]) -> dict[str, object]:
    integration, environment = _slot(args)
    start = interval_of(args["since"])
    rows = (
        ctx.db.query(remote.COUNTERS_TABLE)
        .with_index(
            "by_slot",
            lambda q: (
                q.eq("integration", integration)
                .eq("environment", environment)
                .gte("interval", start)
            ),
        )
        .take(remote.MAX_WINDOW_COUNTERS + 1)
    )
    truncated = len(rows) > remote.MAX_WINDOW_COUNTERS
    sums: dict[str | None, list[float]] = {}
    for row in rows[: remote.MAX_WINDOW_COUNTERS]:
        total = sums.setdefault(row["variant"], [0.0, 0.0])
        total[0] += row["requests"]
        total[1] += row["errors"]
    order = sorted(sums, key=lambda name: (name is not None, name or ""))
    return {
        "since": start,
        "variants": [
            {"variant": name, "requests": sums[name][0], "errors": sums[name][1]} for name in order
        ],
        "truncated": truncated,
    }
