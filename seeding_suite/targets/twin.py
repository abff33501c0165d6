"""The seeding functions in Python, registered into a fake Convex: the twin of convex/seeding.ts.

Both implement the contract documented in seeding_suite/remote.py; the shared vectors under
tests/contract/vectors/ hold them to the same results. Keep this file and convex/ in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.convex import ConvexError, FakeConvex, Schema, define_schema, define_table, v
from seeding_suite import remote

if TYPE_CHECKING:
    from fakes.convex.validators import Validator


def _nullable(inner: Validator) -> Validator:
    return v.union(inner, v.null())


_DOC_KEYS = {"naturalKey": v.string(), "integration": v.string(), "checksum": v.string()}
_COMMON = {**_DOC_KEYS, "runId": v.string()}
_PAYLOADS: dict[str, dict[str, Validator]] = {
    "integrations": {
        "name": v.string(),
        "version": v.string(),
        "description": _nullable(v.string()),
        "channel": v.union(v.literal("stable"), v.literal("beta"), v.literal("experimental")),
        "environments": _nullable(v.array(v.string())),
        "dependencies": v.array(v.object({"id": v.string(), "range": v.string()})),
    },
    "connections": {
        "key": v.string(),
        "name": v.string(),
        "auth": v.string(),
        "fields": v.array(
            v.object({"name": v.string(), "label": v.string(), "secret": v.boolean()})
        ),
    },
    "actions": {
        "key": v.string(),
        "name": v.string(),
        "description": _nullable(v.string()),
        "connection": _nullable(v.string()),
        "inputSchemaJson": _nullable(v.string()),
        "outputSchemaJson": _nullable(v.string()),
    },
    "triggers": {
        "key": v.string(),
        "name": v.string(),
        "description": _nullable(v.string()),
        "kind": v.union(v.literal("webhook"), v.literal("polling")),
        "connection": _nullable(v.string()),
        "outputSchemaJson": _nullable(v.string()),
    },
    "manifests": {"version": v.string(), "manifestJson": v.string()},
}
_COUNTS = v.object(
    {
        name: v.number()
        for name in (
            "created",
            "updated",
            "unchanged",
            "reseeded",
            "skipped",
            "failed",
            "documentsWritten",
            "convexCalls",
        )
    }
)
_RUN = {
    "runId": v.string(),
    "status": v.union(v.literal("running"), v.literal("succeeded"), v.literal("failed")),
    "environment": v.string(),
    "actor": v.string(),
    "target": v.string(),
    "startedAt": v.number(),
    "finishedAt": _nullable(v.number()),
    "harnessVersion": v.string(),
    "catalogChecksum": v.string(),
    "gitCommit": _nullable(v.string()),
    "counts": _COUNTS,
}


def seeding_schema() -> Schema:
    """The tables of remote.py, as convex/schema.ts defines them."""
    tables = {
        name: define_table({**_COMMON, **payload})
        .index("by_natural_key", ["naturalKey"])
        .index("by_integration", ["integration"])
        for name, payload in _PAYLOADS.items()
    }
    tables[remote.RUNS_TABLE] = (
        define_table(_RUN).index("by_run_id", ["runId"]).index("by_started_at", ["startedAt"])
    )
    tables[remote.BATCHES_TABLE] = define_table(
        {
            "runId": v.string(),
            "batchId": v.string(),
            "outcomes": v.array(
                v.union(*(v.literal(o) for o in ("created", "updated", "deleted", "unchanged")))
            ),
        }
    ).index("by_batch_id", ["batchId"])
    return define_schema(tables)


def _invalid(message: str) -> ConvexError:
    return ConvexError({"code": remote.INVALID_OP, "message": message})


def _seeded_table(table: object) -> str:
    if not isinstance(table, str) or table not in remote.SEEDED_TABLES:
        raise _invalid(f"unknown seeded table {table!r}")
    return table


def _limit(limit: float) -> int:
    if limit != int(limit) or not 1 <= limit <= remote.MAX_READ_LIMIT:
        raise _invalid(f"limit must be an integer in 1..{remote.MAX_READ_LIMIT}, got {limit}")
    return int(limit)


def _lookup(ctx: Any, table: str, key: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        ctx.db.query(table).with_index("by_natural_key", lambda q: q.eq("naturalKey", key)).unique()
    )
    return found


def _user_fields(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: value for k, value in doc.items() if k not in ("_id", "_creationTime")}


def read_state(ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
    table = _seeded_table(args["table"])
    limit = _limit(args["limit"])
    after = args["after"]
    query = ctx.db.query(table).with_index(
        "by_natural_key", (lambda q: q) if after is None else (lambda q: q.gt("naturalKey", after))
    )
    rows = query.take(limit)
    docs = []
    for row in rows:
        entry = {k: row[k] for k in remote.COMMON_FIELDS}
        if args["includeFields"]:
            entry["fields"] = _user_fields(row)
        docs.append(entry)
    # A full page names its last key (more may follow); a short page ends the table.
    return {"docs": docs, "next": rows[-1]["naturalKey"] if len(rows) == limit else None}


def apply_batch(ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
    done = (
        ctx.db.query(remote.BATCHES_TABLE)
        .with_index("by_batch_id", lambda q: q.eq("batchId", args["batchId"]))
        .unique()
    )
    if done is not None:
        return {"outcomes": done["outcomes"], "replayed": True}
    outcomes = [_apply_op(ctx, args["runId"], op) for op in args["ops"]]
    ctx.db.insert(
        remote.BATCHES_TABLE,
        {"runId": args["runId"], "batchId": args["batchId"], "outcomes": outcomes},
    )
    return {"outcomes": outcomes, "replayed": False}


def _apply_op(ctx: Any, run_id: str, op: dict[str, Any]) -> str:
    table = _seeded_table(op.get("table"))
    key = op["naturalKey"]
    if op["kind"] == "upsert":
        _check_doc(table, op)
    current = _lookup(ctx, table, key)
    actual = None if current is None else current["checksum"]
    if op["kind"] == "delete":
        if current is None:
            return "unchanged"
        _precondition(table, key, op["expected"], actual)
        ctx.db.delete(current["_id"])
        return "deleted"
    doc = op["doc"]
    if actual == doc.get("checksum") and not op["force"]:
        return "unchanged"
    _precondition(table, key, op["expected"], actual)
    if current is None:
        ctx.db.insert(table, {**doc, "runId": run_id})
        return "created"
    ctx.db.replace(current["_id"], {**doc, "runId": run_id})
    return "updated"


def _check_doc(table: str, op: dict[str, Any]) -> None:
    """The args validator admits any seeded table's shape; the doc must be the op's table's."""
    doc = op["doc"]
    if set(doc) != {*_DOC_KEYS, *remote.SEEDED_TABLES[table]}:
        raise _invalid(f'doc fields are not those of table "{table}"')
    if doc["naturalKey"] != op["naturalKey"]:
        raise _invalid(f'doc naturalKey "{doc["naturalKey"]}" differs from op "{op["naturalKey"]}"')


def _precondition(table: str, key: str, expected: str | None, actual: str | None) -> None:
    if expected != actual:
        raise ConvexError(
            {
                "code": remote.PRECONDITION_FAILED,
                "table": table,
                "naturalKey": key,
                "expected": expected,
                "actual": actual,
            }
        )


def _run_doc(ctx: Any, run_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        ctx.db.query(remote.RUNS_TABLE)
        .with_index("by_run_id", lambda q: q.eq("runId", run_id))
        .unique()
    )
    return found


def record_run(ctx: Any, args: dict[str, Any]) -> None:
    run = args["run"]
    current = _run_doc(ctx, run["runId"])
    if current is None:
        ctx.db.insert(remote.RUNS_TABLE, run)
    else:
        ctx.db.replace(current["_id"], run)


def get_run(ctx: Any, args: dict[str, Any]) -> dict[str, Any] | None:
    found = _run_doc(ctx, args["runId"])
    return None if found is None else _user_fields(found)


def list_runs(ctx: Any, args: dict[str, Any]) -> list[dict[str, Any]]:
    limit = _limit(args["limit"])
    newest_first = ctx.db.query(remote.RUNS_TABLE).with_index("by_started_at").order("desc")
    rows = newest_first.take(limit)
    return [_user_fields(row) for row in rows]


_SEEDED_DOC = v.union(*(v.object({**_DOC_KEYS, **payload}) for payload in _PAYLOADS.values()))
_UPSERT = v.object(
    {
        "kind": v.literal("upsert"),
        "table": v.string(),
        "naturalKey": v.string(),
        "expected": _nullable(v.string()),
        "force": v.boolean(),
        "doc": _SEEDED_DOC,
    }
)
_DELETE = v.object(
    {
        "kind": v.literal("delete"),
        "table": v.string(),
        "naturalKey": v.string(),
        "expected": _nullable(v.string()),
    }
)
_ARGS: dict[str, Validator] = {
    remote.READ_STATE: v.object(
        {
            "table": v.string(),
            "after": _nullable(v.string()),
            "limit": v.number(),
            "includeFields": v.boolean(),
        }
    ),
    remote.APPLY_BATCH: v.object(
        {"runId": v.string(), "batchId": v.string(), "ops": v.array(v.union(_UPSERT, _DELETE))}
    ),
    remote.RECORD_RUN: v.object({"run": v.object(_RUN)}),
    remote.GET_RUN: v.object({"runId": v.string()}),
    remote.LIST_RUNS: v.object({"limit": v.number()}),
}
_HANDLERS = {
    remote.READ_STATE: read_state,
    remote.APPLY_BATCH: apply_batch,
    remote.RECORD_RUN: record_run,
    remote.GET_RUN: get_run,
    remote.LIST_RUNS: list_runs,
}


def register_seeding_functions(fake: FakeConvex) -> FakeConvex:
    """Register the seeding contract's functions (internal, like convex/seeding.ts)."""
    for path, kind in remote.FUNCTIONS.items():
        fake.register(path, kind, _HANDLERS[path], visibility="internal", args=_ARGS[path])
    return fake
