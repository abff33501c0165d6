"""The seeding contract: the deployment-side functions the engine calls, in one place.

Two implementations keep this contract: the Python twin registered into the fake
(`seeding_suite.targets.twin`) and the TypeScript module in `convex/seeding.ts`. The shared
vectors under `tests/contract/vectors/` run against both.

Tables
------
Every *seeded* table (`integrations`, `connections`, `actions`, `triggers`, `manifests`) holds
documents with these common fields, plus the table's own payload fields (see `SEEDED_TABLES`):

    naturalKey  string  unique per table: "<integration>" or "<integration>/<child id>"
    integration string  the integration id the document belongs to
    checksum    string  canonical checksum of the payload ("c1:sha256:<hex>", engine.checksum)
    runId       string  the run that last wrote the document

Indexes on every seeded table: `by_natural_key` ["naturalKey"], `by_integration`
["integration"]. Embedded JSON Schemas are stored as canonical JSON strings
(`inputSchemaJson`, ...): their `$`-keys are illegal Convex field names, and a string
round-trips exactly.

`seedingRuns` holds one record per run (`by_run_id` ["runId"]); `seedingBatches` one record per
applied batch (`by_batch_id` ["batchId"]), which makes a retried `applyBatch` return its first
result instead of applying twice (Convex does not de-duplicate HTTP mutations).

Functions (all internal; called with the admin key)
---------------------------------------------------
`seeding:readState` (query)
    args   {table, after: string | null, limit: number, includeFields: boolean}
    result {docs: [StateDoc], next: string | null}
    Documents of `table` in `naturalKey` order, strictly after `after`, at most `limit`
    (1..1000). `next` is the last key returned when more may follow, else null. With
    `includeFields` the whole user document (no `_id`/`_creationTime`) is in `fields`.

`seeding:applyBatch` (mutation, atomic)
    args   {runId, batchId, ops: [Op]}
    result {outcomes: [Outcome], replayed: boolean}
    Op = {kind: "upsert", table, naturalKey, expected: string | null, force: boolean, doc}
       | {kind: "delete", table, naturalKey, expected: string | null}
    For each op, in order, with `current` = the stored checksum or null when absent:
      upsert: current == doc.checksum and not force -> "unchanged" (no write)
              current != expected                   -> PRECONDITION_FAILED (whole batch rolls back)
              absent -> insert "created"; present -> replace "updated"
      delete: absent -> "unchanged"; current != expected -> PRECONDITION_FAILED;
              else delete "deleted"
    `doc` holds the common fields except `runId` (set from args) and the payload fields.
    If `batchId` was applied before, nothing is written and the stored outcomes are
    returned with `replayed: true`.
    Errors are ConvexError data: {code: "PRECONDITION_FAILED", table, naturalKey, expected,
    actual} or {code: "INVALID_OP", message}.

`seeding:recordRun` (mutation)
    args {run: RunRecord}; upserts by `runId`; result null.

`seeding:getRun` (query)      args {runId}  -> RunRecord | null
`seeding:listRuns` (query)    args {limit}  -> [RunRecord], newest `startedAt` first
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

READ_STATE = "seeding:readState"
APPLY_BATCH = "seeding:applyBatch"
RECORD_RUN = "seeding:recordRun"
GET_RUN = "seeding:getRun"
LIST_RUNS = "seeding:listRuns"

FUNCTIONS: dict[str, Literal["query", "mutation"]] = {
    READ_STATE: "query",
    APPLY_BATCH: "mutation",
    RECORD_RUN: "mutation",
    GET_RUN: "query",
    LIST_RUNS: "query",
}

COMMON_FIELDS = ("naturalKey", "integration", "checksum", "runId")

# Payload fields of each seeded table, in document order. Types (Convex validators):
#   integrations: name string, version string, description string|null,
#                 channel "stable"|"beta"|"experimental", environments string[]|null,
#                 dependencies {id: string, range: string}[]
#   connections:  key string, name string, auth string,
#                 fields {name: string, label: string, secret: boolean}[]
#   actions:      key string, name string, description string|null, connection string|null,
#                 inputSchemaJson string|null, outputSchemaJson string|null
#   triggers:     key string, name string, description string|null,
#                 kind "webhook"|"polling", connection string|null, outputSchemaJson string|null
#   manifests:    version string, manifestJson string
SEEDED_TABLES: dict[str, tuple[str, ...]] = {
    "integrations": ("name", "version", "description", "channel", "environments", "dependencies"),
    "connections": ("key", "name", "auth", "fields"),
    "actions": (
        "key",
        "name",
        "description",
        "connection",
        "inputSchemaJson",
        "outputSchemaJson",
    ),
    "triggers": ("key", "name", "description", "kind", "connection", "outputSchemaJson"),
    "manifests": ("version", "manifestJson"),
}
RUNS_TABLE = "seedingRuns"
BATCHES_TABLE = "seedingBatches"

MAX_READ_LIMIT = 1000
PRECONDITION_FAILED = "PRECONDITION_FAILED"
INVALID_OP = "INVALID_OP"

Outcome = Literal["created", "updated", "deleted", "unchanged"]


class StateDoc(TypedDict):
    naturalKey: str
    integration: str
    checksum: str
    runId: str
    fields: NotRequired[dict[str, object]]


class ReadStateResult(TypedDict):
    docs: list[StateDoc]
    next: str | None


class UpsertOp(TypedDict):
    kind: Literal["upsert"]
    table: str
    naturalKey: str
    expected: str | None
    force: bool
    doc: dict[str, object]


class DeleteOp(TypedDict):
    kind: Literal["delete"]
    table: str
    naturalKey: str
    expected: str | None


Op = UpsertOp | DeleteOp


class ApplyBatchResult(TypedDict):
    outcomes: list[Outcome]
    replayed: bool


class RunCounts(TypedDict):
    created: int
    updated: int
    unchanged: int
    reseeded: int
    skipped: int
    failed: int
    documentsWritten: int
    convexCalls: int


class RunRecord(TypedDict):
    runId: str
    status: Literal["running", "succeeded", "failed"]
    environment: str
    actor: str
    target: str
    startedAt: float
    finishedAt: float | None
    harnessVersion: str
    catalogChecksum: str
    gitCommit: str | None
    counts: RunCounts
