"""Reading the usage marks of a target into a UsageReport (the figures; no rendering)."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.usage.model import (
    AdoptionPoint,
    EnvironmentAdoption,
    IntegrationAdoption,
    UsageReport,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from seeding_suite.sources import Trust
    from seeding_suite.targets.base import ConvexTarget

DEFAULT_DAYS = 30
MAX_DAYS = 3660
"""About ten years: a window is read mark by mark, so it has a bound."""
PAGE = 1000
DAY_MS = remote.USAGE_INTERVAL_MS


def _pages(
    target: ConvexTarget, path: str, args: dict[str, Any], items: str
) -> Iterator[dict[str, Any]]:
    """Every item of a paged contract query that names its cursor `next` and takes `after`."""
    after: object = None
    while True:
        page = target.query(path, {**args, "after": after, "limit": PAGE})
        yield from page[items]
        after = page["next"]
        if after is None:
            return


def read_usage(
    target: ConvexTarget,
    *,
    trust: Mapping[str, Trust] | None = None,
    days: int = DEFAULT_DAYS,
    now_ms: float | None = None,
) -> UsageReport:
    """Adoption over the last `days` UTC days (today included) of every integration the
    target holds or the platform used; `trust` is the catalog's trust per integration id.

    Raises ValueError for `days` outside 1..MAX_DAYS, and the target's errors as any read.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be in 1..{MAX_DAYS}, got {days}")
    now = time.time() * 1000.0 if now_ms is None else now_ms
    since = (now // DAY_MS - (days - 1)) * DAY_MS
    # (integration, environment) -> day start -> workspaces
    used: dict[tuple[str, str], dict[float, set[str]]] = defaultdict(lambda: defaultdict(set))
    for mark in _pages(target, remote.READ_USAGE, {"since": since}, "rows"):
        slot = (mark["integration"], mark["environment"])
        used[slot][float(mark["interval"])].add(mark["workspace"])
    seeded = {
        doc["integration"]
        for doc in _pages(
            target, remote.READ_STATE, {"table": "integrations", "includeFields": False}, "docs"
        )
    }
    by_integration: dict[str, list[EnvironmentAdoption]] = defaultdict(list)
    workspaces: dict[str, set[str]] = defaultdict(set)
    for (integration, environment), per_day in sorted(used.items()):
        everyone = set().union(*per_day.values())
        workspaces[integration] |= everyone
        series = tuple(
            AdoptionPoint(remote.usage_day(start), start, len(per_day[start]))
            for start in sorted(per_day)
        )
        by_integration[integration].append(EnvironmentAdoption(environment, len(everyone), series))
    known = trust or {}
    integrations = tuple(
        IntegrationAdoption(
            integration,
            known.get(integration),
            integration in seeded,
            len(workspaces[integration]),
            tuple(by_integration[integration]),
        )
        for integration in sorted(seeded | set(by_integration))
    )
    window = tuple(remote.usage_day(since + n * DAY_MS) for n in range(days))
    return UsageReport(since, now, window, integrations)
