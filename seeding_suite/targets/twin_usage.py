"""The usage functions in Python: the twin of convex/integrations/usage.ts (issue 17).

`recordIntegrationUsage` marks a workspace's use of an integration in an environment once per
day (the first use of the day writes, later ones only read), and `readUsage` pages the marks
from a day on. The shared vectors under tests/contract/vectors/ hold both sides to the same
results; seeding_suite/usage reads the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.targets.twin_rules import (
    checked_limit,
    checked_max_bytes,
    find_one,
    invalid,
    take_within,
)

if TYPE_CHECKING:
    from fakes.convex import Clock

USAGE_FIELDS = ("workspace", "integration", "environment", "interval")


def _names(args: dict[str, Any]) -> tuple[str, str, str]:
    workspace, integration, environment = (
        args["workspace"],
        args["integration"],
        args["environment"],
    )
    if not workspace or not integration or not environment:
        raise invalid("workspace, integration and environment must not be empty")
    if "/" in integration or "/" in environment:
        raise invalid("integration and environment must not contain '/'")
    return workspace, integration, environment


def record_integration_usage(ctx: Any, args: dict[str, Any], *, clock: Clock) -> dict[str, bool]:
    workspace, integration, environment = _names(args)
    now = clock.now_ms()
    slot = f"{remote.usage_day(now)}/{integration}/{environment}/{workspace}"
    if find_one(ctx, remote.USAGE_TABLE, "by_slot", "slot", slot) is not None:
        return {"recorded": False}
    interval = float(now // remote.USAGE_INTERVAL_MS * remote.USAGE_INTERVAL_MS)
    mark = {"workspace": workspace, "integration": integration, "environment": environment}
    ctx.db.insert(remote.USAGE_TABLE, {**mark, "interval": interval, "slot": slot})
    return {"recorded": True}


def read_usage(ctx: Any, args: dict[str, Any]) -> dict[str, object]:
    limit = checked_limit(args["limit"])
    since, after = args["since"], args["after"]
    if not 0 <= since <= remote.MAX_USAGE_SINCE_MS:
        raise invalid(
            f"since must be in 0..{remote.MAX_USAGE_SINCE_MS} (ms since the epoch), got {since}"
        )
    first = remote.usage_day(since)
    query = ctx.db.query(remote.USAGE_TABLE).with_index(
        "by_slot",
        (lambda q: q.gte("slot", first))
        if after is None or after < first
        else (lambda q: q.gt("slot", after)),
    )
    rows, _, more = take_within(query, limit, checked_max_bytes(args.get("maxBytes")))
    return {
        "rows": [{name: row[name] for name in USAGE_FIELDS} for row in rows],
        "next": rows[-1]["slot"] if more else None,
    }
