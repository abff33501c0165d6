"""The twin's tables and argument validators: convex/schema.ts and seeding.ts's `args`, in Python.

tests/contract/schema.json is exported from `seeding_schema()`; vitest compares it with
convex/schema.ts, so the two sides cannot drift apart silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from fakes.convex import Schema, define_schema, define_table, v
from seeding_suite import remote

if TYPE_CHECKING:
    from fakes.convex.schema import TableDef
    from fakes.convex.validators import Validator


def _nullable(inner: Validator) -> Validator:
    return v.union(inner, v.null())


def _literals(*names: str) -> Validator:
    return v.union(*(v.literal(name) for name in names))


_STRING = v.string
_DOC_KEYS = {"naturalKey": _STRING(), "integration": _STRING(), "checksum": _STRING()}
_COMMON = {**_DOC_KEYS, "runId": _STRING()}
_PAYLOADS: dict[str, dict[str, Validator]] = {
    "integrations": {
        "name": _STRING(),
        "version": _STRING(),
        "description": _nullable(_STRING()),
        "channel": _literals("stable", "beta", "experimental"),
        "environments": _nullable(v.array(_STRING())),
        "dependencies": v.array(v.object({"id": _STRING(), "range": _STRING()})),
    },
    "connections": {
        "key": _STRING(),
        "name": _STRING(),
        "auth": _STRING(),
        "fields": v.array(v.object({"name": _STRING(), "label": _STRING(), "secret": v.boolean()})),
    },
    "actions": {
        "key": _STRING(),
        "name": _STRING(),
        "description": _nullable(_STRING()),
        "connection": _nullable(_STRING()),
        "inputSchemaJson": _nullable(_STRING()),
        "outputSchemaJson": _nullable(_STRING()),
    },
    "triggers": {
        "key": _STRING(),
        "name": _STRING(),
        "description": _nullable(_STRING()),
        "kind": _literals("webhook", "polling"),
        "connection": _nullable(_STRING()),
        "outputSchemaJson": _nullable(_STRING()),
    },
    "manifests": {"version": _STRING(), "manifestJson": _STRING()},
    "rollouts": {
        "environment": _STRING(),
        "version": _STRING(),
        "stickiness": _STRING(),
        "group": _STRING(),
        "steps": v.array(v.number()),
        "holdSeconds": v.number(),
        "gates": _nullable(v.object({"maxErrorRate": v.number(), "minRequests": v.number()})),
        "variants": v.array(v.object({"name": _STRING(), "weight": v.number()})),
        "state": v.object(
            {
                "status": _literals("active", "paused", "completed", "rolled_back"),
                "step": v.number(),
                "since": _nullable(v.number()),
                "reason": _nullable(_STRING()),
            }
        ),
    },
}
_COUNTS = v.object(
    {
        **{
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
        },
        "deleted": v.optional(v.number()),  # integrations pruned (records before it lack it)
    }
)
_RUN = {
    "runId": _STRING(),
    "status": _literals("running", "succeeded", "failed"),
    "environment": _STRING(),
    "actor": _STRING(),
    "target": _STRING(),
    "startedAt": v.number(),
    "finishedAt": _nullable(v.number()),
    "harnessVersion": _STRING(),
    "catalogChecksum": _STRING(),
    "gitCommit": _nullable(_STRING()),
    "counts": _COUNTS,
    "rollbackOf": v.optional(_STRING()),
    "rolledBackBy": v.optional(_nullable(_STRING())),
    "reason": v.optional(_nullable(_STRING())),
    # issue 18: the PRD's seeding_logs counts and errors (records before it lack them)
    "documents": v.optional(
        v.array(
            v.object(
                {
                    "table": _STRING(),
                    "created": v.number(),
                    "updated": v.number(),
                    "deleted": v.number(),
                }
            )
        )
    ),
    "errors": v.optional(
        v.array(v.object({"integration": _nullable(_STRING()), "message": _STRING()}))
    ),
    "errorsOmitted": v.optional(v.number()),
}
_CONFLICT = {
    "runId": _STRING(),
    "integration": _STRING(),
    "type": _literals("downgrade", "same_version_changed", "dependency", "duplicate"),
    "currentVersion": _nullable(_STRING()),
    "newVersion": _nullable(_STRING()),
    "currentChecksum": _nullable(_STRING()),
    "newChecksum": _nullable(_STRING()),
    "resolution": _literals("blocked", "allow_downgrade", "force", "skip"),
    "resolvedAt": v.optional(_nullable(v.number())),  # issue 18 (rows before it lack it)
    "detail": v.optional(_nullable(_STRING())),
}
_STAMP = v.object({"checksum": _STRING(), "runId": _STRING()})
_LEDGER = {
    "runId": _STRING(),
    "batchId": _STRING(),
    "seq": v.number(),
    "table": _STRING(),
    "naturalKey": _STRING(),
    "integration": _STRING(),
    "before": _nullable(_STRING()),
    "after": _nullable(_STAMP),
}
_LOCK = {
    "name": _STRING(),
    "holder": _STRING(),
    "runId": _STRING(),
    "acquiredAt": v.number(),
    "expiresAt": v.number(),
}
_COUNTER = {
    "integration": _STRING(),
    "environment": _STRING(),
    "variant": _nullable(_STRING()),
    "interval": v.number(),
    "requests": v.number(),
    "errors": v.number(),
}
_SEEN = {
    "integration": _STRING(),
    "file": _STRING(),
    "version": _nullable(_STRING()),
    "checksum": _nullable(_STRING()),
    "status": _literals("discovered", "validated", "seeded", "error"),
    "reason": _nullable(_STRING()),
}
_MANIFEST_STATUS = {
    "environment": _STRING(),
    **_SEEN,
    "runId": _STRING(),
    "updatedAt": v.number(),
}
_USAGE = {
    "workspace": _STRING(),
    "integration": _STRING(),
    "environment": _STRING(),
    "interval": v.number(),
    "slot": _STRING(),
}
_OUTCOME = _literals("created", "updated", "deleted", "unchanged")

# Validators hold no state, so each is built once, here, and shared by every schema and every
# fake: the idempotency check builds a fresh fake per manifest, and building them per fake
# cost it a third of a millisecond, about 5% of the check.
_DOCUMENTS: Final = {name: v.object({**_COMMON, **payload}) for name, payload in _PAYLOADS.items()}
"""Each seeded table's document validator (an upsert's `doc` plus its runId)."""
_RUN_DOCUMENT = v.object(_RUN)
_BATCH_DOCUMENT = v.object(
    {"runId": _STRING(), "batchId": _STRING(), "outcomes": v.array(_OUTCOME)}
)
_CONFLICT_DOCUMENT = v.object(_CONFLICT)
_LEDGER_DOCUMENT = v.object(_LEDGER)
_LOCK_DOCUMENT = v.object(_LOCK)
_COUNTER_DOCUMENT = v.object(_COUNTER)
_USAGE_DOCUMENT = v.object(_USAGE)
_MANIFEST_STATUS_DOCUMENT = v.object(_MANIFEST_STATUS)


def _tables() -> dict[str, TableDef]:
    tables = {
        name: define_table(document)
        .index("by_natural_key", ["naturalKey"])
        .index("by_integration", ["integration"])
        for name, document in _DOCUMENTS.items()
    }
    tables[remote.RUNS_TABLE] = (
        define_table(_RUN_DOCUMENT)
        .index("by_run_id", ["runId"])
        .index("by_started_at", ["startedAt"])
    )
    tables[remote.BATCHES_TABLE] = define_table(_BATCH_DOCUMENT).index("by_batch_id", ["batchId"])
    tables[remote.CONFLICTS_TABLE] = define_table(_CONFLICT_DOCUMENT).index(
        "by_integration", ["integration"]
    )
    tables[remote.LEDGER_TABLE] = define_table(_LEDGER_DOCUMENT).index(
        "by_run_seq", ["runId", "seq"]
    )
    tables[remote.LOCKS_TABLE] = define_table(_LOCK_DOCUMENT).index("by_name", ["name"])
    tables[remote.COUNTERS_TABLE] = define_table(_COUNTER_DOCUMENT).index(
        "by_slot", ["integration", "environment", "interval", "variant"]
    )
    tables[remote.USAGE_TABLE] = define_table(_USAGE_DOCUMENT).index("by_slot", ["slot"])
    tables[remote.MANIFEST_STATUSES_TABLE] = define_table(_MANIFEST_STATUS_DOCUMENT).index(
        "by_environment", ["environment", "integration"]
    )
    return tables


_TABLES: Final = _tables()
"""Defined, and their indexes checked, once; each schema gets its own copies."""


def seeding_schema() -> Schema:
    """The tables of remote.py, as convex/schema.ts defines them (a new Schema each call)."""
    return define_schema({name: table.copy() for name, table in _TABLES.items()})


def _ops() -> Validator:
    upsert_docs = (v.object({**_DOC_KEYS, **payload}) for payload in _PAYLOADS.values())
    where = {"table": _STRING(), "naturalKey": _STRING()}
    upsert = {"kind": v.literal("upsert"), **where, "expected": _nullable(_STRING())}
    return v.union(
        v.object({**upsert, "force": v.boolean(), "doc": v.union(*upsert_docs)}),
        v.object({"kind": v.literal("delete"), **where, "expected": _nullable(_STRING())}),
        v.object(
            {
                "kind": v.literal("restore"),
                **where,
                "expected": _nullable(_STAMP),
                "force": v.boolean(),
                "doc": _nullable(v.union(*_DOCUMENTS.values())),
            }
        ),
    )


_LEASE = {"name": _STRING(), "holder": _STRING()}
_FUNCTION_ARGS: Final = {
    remote.READ_STATE: v.object(
        {
            "table": _STRING(),
            "after": _nullable(_STRING()),
            "limit": v.number(),
            "includeFields": v.boolean(),
            "maxBytes": v.optional(v.number()),
        }
    ),
    remote.APPLY_BATCH: v.object(
        {
            "runId": _STRING(),
            "batchId": _STRING(),
            "ops": v.array(_ops()),
            "lock": v.optional(v.object(_LEASE)),
        }
    ),
    remote.RECORD_RUN: v.object({"run": _RUN_DOCUMENT}),
    remote.GET_RUN: v.object({"runId": _STRING()}),
    remote.LIST_RUNS: v.object({"limit": v.number()}),
    remote.RECORD_CONFLICTS: v.object({"conflicts": v.array(_CONFLICT_DOCUMENT)}),
    remote.LIST_CONFLICTS: v.object({"integration": _nullable(_STRING()), "limit": v.number()}),
    remote.READ_LEDGER: v.object(
        {
            "runId": _STRING(),
            "after": _nullable(v.number()),
            "limit": v.number(),
            "maxBytes": v.optional(v.number()),
        }
    ),
    remote.ACQUIRE_LOCK: v.object({**_LEASE, "runId": _STRING(), "ttlMs": v.number()}),
    remote.RENEW_LOCK: v.object({**_LEASE, "ttlMs": v.number()}),
    remote.RELEASE_LOCK: v.object(_LEASE),
    remote.GET_LOCK: v.object({"name": _STRING()}),
    remote.EVALUATE_INTEGRATION: v.object(
        {"integration": _STRING(), "subject": _STRING(), "environment": _STRING()}
    ),
    remote.RECORD_INTEGRATION_OUTCOME: v.object(
        {
            "integration": _STRING(),
            "environment": _STRING(),
            "variant": _nullable(_STRING()),
            "ok": v.boolean(),
        }
    ),
    remote.ROLLOUT_WINDOW: v.object(
        {"integration": _STRING(), "environment": _STRING(), "since": v.number()}
    ),
    remote.RECORD_MANIFEST_STATUSES: v.object(
        {"environment": _STRING(), "runId": _STRING(), "statuses": v.array(v.object(_SEEN))}
    ),
    remote.LIST_MANIFEST_STATUSES: v.object(
        {
            "environment": _STRING(),
            "after": _nullable(_STRING()),
            "limit": v.number(),
            "maxBytes": v.optional(v.number()),
        }
    ),
    remote.RECORD_INTEGRATION_USAGE: v.object(
        {"workspace": _STRING(), "integration": _STRING(), "environment": _STRING()}
    ),
    remote.READ_USAGE: v.object(
        {
            "since": v.number(),
            "after": _nullable(_STRING()),
            "limit": v.number(),
            "maxBytes": v.optional(v.number()),
        }
    ),
}


def function_args() -> dict[str, Validator]:
    """Each contract function's `args` validator, as in convex/seeding.ts."""
    return dict(_FUNCTION_ARGS)
