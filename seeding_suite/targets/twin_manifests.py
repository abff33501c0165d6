"""The manifest-status functions in Python: the twin of convex/integrations/manifests.ts.

`recordManifestStatuses` keeps, per environment and integration, what the harness last saw of
its manifest (written only when it changes); `listManifestStatuses` pages an environment's.
The shared vectors under tests/contract/vectors/ hold both sides to the same results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.targets.twin_rules import (
    invalid,
    page_after,
)

if TYPE_CHECKING:
    from fakes.convex import Clock

COMPARED = ("file", "version", "checksum", "status", "reason")


def _stored(ctx: Any, environment: str, integration: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        ctx.db.query(remote.MANIFEST_STATUSES_TABLE)
        .with_index(
            "by_environment",
            lambda q: q.eq("environment", environment).eq("integration", integration),
        )
        .unique()
    )
    return found


def record_manifest_statuses(ctx: Any, args: dict[str, Any], *, clock: Clock) -> dict[str, float]:
    environment, statuses = args["environment"], args["statuses"]
    if not environment:
        raise invalid("environment must not be empty")
    if len(statuses) > remote.MAX_MANIFEST_STATUSES:
        raise invalid(
            f"at most {remote.MAX_MANIFEST_STATUSES} statuses per call, got {len(statuses)}"
        )
    written = 0
    for status in statuses:
        row = _stored(ctx, environment, status["integration"])
        if row is not None and all(row[field] == status[field] for field in COMPARED):
            continue
        doc = {
            "environment": environment,
            **status,
            "runId": args["runId"],
            "updatedAt": clock.now_ms(),
        }
        if row is None:
            ctx.db.insert(remote.MANIFEST_STATUSES_TABLE, doc)
        else:
            ctx.db.replace(row["_id"], doc)
        written += 1
    return {"written": float(written)}


def list_manifest_statuses(ctx: Any, args: dict[str, Any]) -> dict[str, object]:
    prefix = ("environment", args["environment"])
    table = remote.MANIFEST_STATUSES_TABLE
    statuses, after = page_after(ctx, args, table, "by_environment", prefix, "integration")
    return {"statuses": statuses, "next": after}
