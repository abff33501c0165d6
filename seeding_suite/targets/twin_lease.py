"""The twin's leases (seedingLocks): one holder per name until its expiry, on the server clock.

A lease that has expired is free to take, so a crashed holder blocks others for at most its
ttl (no manual unlock, unlike Liquibase's lock table). Time comes from the deployment's clock
(`Date.now()` in convex/seeding.ts), never from the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.convex import ConvexError
from seeding_suite import remote
from seeding_suite.targets.twin_rules import find_one, invalid, user_fields

if TYPE_CHECKING:
    from fakes.convex import Clock


def _row(ctx: Any, name: str) -> dict[str, Any] | None:
    return find_one(ctx, remote.LOCKS_TABLE, "by_name", "name", name)


def _ttl(ttl: float) -> float:
    if ttl != int(ttl) or not 1 <= ttl <= remote.MAX_TTL_MS:
        raise invalid(f"ttlMs must be an integer in 1..{remote.MAX_TTL_MS}, got {ttl}")
    return ttl


def _state(acquired: bool, name: str, row: dict[str, Any] | None) -> dict[str, Any]:
    fields = ("holder", "runId", "acquiredAt", "expiresAt")
    return {
        "acquired": acquired,
        "name": name,
        **{f: None if row is None else row[f] for f in fields},
    }


def acquire_lock(ctx: Any, args: dict[str, Any], *, clock: Clock) -> dict[str, Any]:
    ttl = _ttl(args["ttlMs"])
    now = clock.now_ms()
    name, holder = args["name"], args["holder"]
    row = _row(ctx, name)
    lease = {"name": name, "holder": holder, "runId": args["runId"], "expiresAt": now + ttl}
    if row is None:
        ctx.db.insert(remote.LOCKS_TABLE, {**lease, "acquiredAt": now})
    elif row["holder"] == holder:
        ctx.db.replace(row["_id"], {**lease, "acquiredAt": row["acquiredAt"]})
    elif row["expiresAt"] <= now:
        ctx.db.replace(row["_id"], {**lease, "acquiredAt": now})
    else:
        return _state(False, name, row)
    return _state(True, name, _row(ctx, name))


def renew_lock(ctx: Any, args: dict[str, Any], *, clock: Clock) -> dict[str, Any]:
    ttl = _ttl(args["ttlMs"])
    name = args["name"]
    row = _row(ctx, name)
    if row is None or row["holder"] != args["holder"]:
        return _state(False, name, row)
    ctx.db.patch(row["_id"], {"expiresAt": clock.now_ms() + ttl})
    return _state(True, name, _row(ctx, name))


def release_lock(ctx: Any, args: dict[str, Any]) -> dict[str, bool]:
    row = _row(ctx, args["name"])
    if row is None or row["holder"] != args["holder"]:
        return {"released": False}
    ctx.db.delete(row["_id"])
    return {"released": True}


def get_lock(ctx: Any, args: dict[str, Any]) -> dict[str, Any] | None:
    row = _row(ctx, args["name"])
    return None if row is None else user_fields(row)


def require_lease(ctx: Any, lock: dict[str, str], now: float) -> None:
    """applyBatch with a `lock`: refuse unless that holder has the lease and it is unexpired."""
    row = _row(ctx, lock["name"])
    if row is not None and row["holder"] == lock["holder"] and now < row["expiresAt"]:
        return
    raise ConvexError(
        {
            "code": remote.LOCK_NOT_HELD,
            "name": lock["name"],
            "holder": None if row is None else row["holder"],
            "expiresAt": None if row is None else row["expiresAt"],
        }
    )
