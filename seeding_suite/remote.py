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
["integration"]. The `manifests` table (the manifest cache) holds the manifest's canonical
JSON in parts of at most 384 KiB (engine.desired.manifest_parts): part 1 under the
integration's own key, part n under `<id>/part-<nnnn>`; in key order they join to the text.
Each part is a document with its own checksum, so the manifest's size never sets an
integration's limit: only each document's, and one transaction's. Embedded JSON Schemas are
stored as canonical JSON strings (`inputSchemaJson`, ...): their `$`-keys are illegal Convex
field names, and a string round-trips exactly.

`seedingRuns` holds one record per run (`by_run_id` ["runId"]); `seedingBatches` one record per
applied batch (`by_batch_id` ["batchId"]), which makes a retried `applyBatch` return its first
result instead of applying twice (Convex does not de-duplicate HTTP mutations).

Functions (all internal; called with the admin key)
---------------------------------------------------
`seeding:readState` (query)
    args   {table, after: string | null, limit: number, includeFields: boolean,
            maxBytes?: number}
    result {docs: [StateDoc], next: string | null}
    Documents of `table` in `naturalKey` order, strictly after `after`, at most `limit`
    (1..1000), and no more once the bytes read reach `maxBytes` (see "Reading within
    Convex's limits"). `next` is the last key returned when the page was cut (by count or
    bytes: more may follow), else null. With `includeFields` the whole user document (no
    `_id`/`_creationTime`) is in `fields`. Every StateDoc carries `size`: the Convex size of
    that user document, what an op that replaces or deletes it reads and copies into the
    ledger (the seeder counts it in a batch's budget).

Reading within Convex's limits (issue 12)
    Convex charges every document a function loads, at its whole size (`_id` and
    `_creationTime` included, Convex's value size), against 16 MiB read per execution, and
    fails the call beyond it. A paged read (`readState`, `readLedger`) therefore stops after
    the document that makes its bytes read reach `maxBytes` (an integer in 1..MAX_PAGE_BYTES,
    default MAX_PAGE_BYTES = 8 MiB; else INVALID_OP): it reads less than 8 MiB plus one
    document (at most 1 MiB), returns no more than it read, and always returns at least one
    document, so a caller following `next` reads a table of any size. `listRuns` and
    `listConflicts` stop the same way at 8 MiB (fewer rows than `limit`).

`seeding:applyBatch` (mutation, atomic)
    args   {runId, batchId, ops: [Op], lock?: {name, holder}}
    result {outcomes: [Outcome], replayed: boolean}
    Op = {kind: "upsert", table, naturalKey, expected: string | null, force: boolean, doc}
       | {kind: "delete", table, naturalKey, expected: string | null}
       | {kind: "restore", table, naturalKey, expected: Stamp | null, force: boolean,
          doc: FullDoc | null}
    With `lock`, the batch is refused with LOCK_NOT_HELD unless `holder` holds the lease
    `name` and it has not expired (server time); this is checked first, before the replay.
    For each op, in order, with `current` = the stored checksum or null when absent:
      upsert: current == doc.checksum and not force -> "unchanged" (no write)
              current != expected                   -> PRECONDITION_FAILED (whole batch rolls back)
              absent -> insert "created"; present -> replace "updated"
      delete: absent -> "unchanged"; current != expected -> PRECONDITION_FAILED;
              else delete "deleted"
      restore (rollback: put back exactly what a ledger entry says was there, runId included),
              with Stamp = {checksum, runId} of the stored document, or null when absent:
              stamp(current) == stamp(doc)           -> "unchanged" (no write)
              stamp(current) != expected, not force  -> PRECONDITION_FAILED
              doc null -> delete "deleted"; absent -> insert "created"; else replace "updated"
    `doc` of an upsert holds the common fields except `runId` (set from args) and the payload
    fields; `doc` of a restore is the whole user document, `runId` included, stored as is.
    If `batchId` was applied before, nothing is written and the stored outcomes are
    returned with `replayed: true`.
    Every op that writes (outcome other than "unchanged") also inserts, in the same
    transaction, one `seedingLedger` row (see Ledger), so the ledger never disagrees with
    the data.
    Errors are ConvexError data: {code: "PRECONDITION_FAILED", table, naturalKey, expected,
    actual} (checksums, or Stamps for a restore), {code: "LOCK_NOT_HELD", name, holder,
    expiresAt} (the lease's current holder and expiry, or nulls) or {code: "INVALID_OP",
    message}.

`seeding:recordRun` (mutation)
    args {run: RunRecord}; upserts by `runId`; result null.

`seeding:getRun` (query)      args {runId}  -> RunRecord | null
`seeding:listRuns` (query)    args {limit}  -> [RunRecord], newest `startedAt` first
    RunRecord's optional fields (issue 6): `rollbackOf` (this run undid that run),
    `rolledBackBy` (this run's writes were undone by that run; null again once that rollback
    is itself undone), `reason` (why the run failed or was rolled back).
    Issue 18 adds the PRD's seeding_logs counts, optional too: `documents` [{table, created,
    updated, deleted}] (one row per seeded table, in SEEDED_TABLES order: what the target
    said it wrote), `errors` [{integration: string | null, message}] (each failed
    integration's message, then the run's own problems with integration null; at most
    MAX_RUN_ERRORS, each message at most MAX_ERROR_CHARS) and `errorsOmitted` (errors beyond
    MAX_RUN_ERRORS, left out so a record stays far below Convex's 1 MiB document limit).

Ledger (issue 6)
----------------
`seedingLedger` (`by_run_seq` ["runId", "seq"]) holds, per document a run changed, what was
there before: {runId, batchId, seq, table, naturalKey, integration, before, after}.
`seq` counts the run's entries from 0 in write order; `before` is the canonical JSON (sorted
keys, no spaces) of the whole user document before the write (`runId` included), or null when
it did not exist; `after` is the Stamp the write left, or null for a deletion. A rollback
replays a run's entries newest first as `restore` ops (expected = after, doc = before).
Limit: a ledger row carries a whole pre-image, so a document within a few hundred bytes of
Convex's 1 MiB document limit cannot be replaced or deleted by applyBatch (its batch fails
with Convex's size error and nothing is written). A batch also writes its pre-images: keep a
batch's documents plus the documents they replace under Convex's 16 MiB written per
transaction.

`seeding:readLedger` (query)
    args   {runId, after: number | null, limit, maxBytes?}
    result {entries: [LedgerEntry], next}
    The run's entries by ascending `seq`, strictly after `after`, at most `limit` (1..1000)
    and within `maxBytes` as readState; `next` is the last seq returned when the page was cut
    (by count or bytes), else null.

Lease (issue 6)
---------------
`seedingLocks` (`by_name` ["name"]) holds at most one lease per name: {name, holder, runId,
acquiredAt, expiresAt} (ms since the epoch, server clock). A lease is held while
now < expiresAt; an expired lease is free to take: a crashed holder never blocks for longer
than its ttl. `ttlMs` is an integer in 1..86,400,000 (else INVALID_OP).

`seeding:acquireLock` (mutation)  args {name, holder, runId, ttlMs} -> LockState
    Free or expired: the caller takes it (acquiredAt = now). Held by `holder`: extended
    (acquiredAt kept, runId updated). Else nothing changes: `acquired` false and the fields
    name the current holder.
`seeding:renewLock` (mutation)    args {name, holder, ttlMs} -> LockState
    Extends the lease when `holder` still has the row (expired or not: nobody else took it);
    else `acquired` false and the current holder (or nulls when there is no lease).
`seeding:releaseLock` (mutation)  args {name, holder} -> {released: boolean}
    Deletes the lease when `holder` has it; releasing someone else's lease does nothing.
`seeding:getLock` (query)         args {name} -> the lease row | null
LockState = {acquired, name, holder, runId, acquiredAt, expiresAt} (nullable but `acquired`
and `name` when there is no row).

Conflicts (issues 5 and 18)
---------------------------
`seedingConflicts` holds one row per conflict a run met (`by_integration` ["integration"]):
{runId, integration, type, currentVersion, newVersion, currentChecksum, newChecksum
(strings, or null where the type has none), resolution, resolvedAt?, detail?}.
type "downgrade" | "same_version_changed" (issue 5): the target holds the integration at a
newer version, or at the same version with another checksum; resolution "blocked",
"allow_downgrade" or "force". Issue 18 (the PRD's seeding_conflicts) adds type "dependency"
(a dependency neither seeded in the run nor held in the target at a version its range
accepts: the integration is skipped, resolution "skip") and "duplicate" (two catalog files
give the id: "skip" when `on_conflict` chose one, the others skipped; else "blocked"), and
the optional `resolvedAt` (ms: when the run resolved it; null while it blocks) and `detail`
(what the run saw, in words).

`seeding:recordConflicts` (mutation)  args {conflicts: [Conflict]} -> null; inserts every row.
`seeding:listConflicts` (query)       args {integration: string | null, limit} -> [Conflict]
    Rows (no `_id`/`_creationTime`) newest first (insertion order, descending), only those of
    `integration` when it is not null; `limit` is an integer in 1..1000 (else INVALID_OP).

Rollouts (issue 16)
-------------------
The seeded table `rollouts` holds one document per integration and environment (see
SEEDED_TABLES; its `state` is a live field, outside the checksum). `rolloutCounters`
(`by_slot` ["integration", "environment", "interval", "variant"]) holds {integration,
environment, variant: string | null, interval, requests, errors}: one document per minute
(ROLLOUT_INTERVAL_MS, server time) and variant.

`integrations/rollout:evaluateIntegration` (query)
    args {integration, subject, environment} -> {enabled, variant: string | null, reason}
    reason DEFAULT (no rollout there: enabled when the integration is held), STATIC (100%,
    no variants), SPLIT (the subject's buckets decided), DISABLED (rolled back).
`integrations/rollout:recordIntegrationOutcome` (mutation)
    args {integration, environment, variant: string | null, ok: boolean} -> null
    Adds one request (and one error unless `ok`) to the counter of the current minute.
`integrations/rollout:rolloutWindow` (query)
    args {integration, environment, since: number}
    -> {since, variants: [{variant, requests, errors}], truncated}
    Sums the counters from the interval holding `since` on (at most MAX_WINDOW_COUNTERS
    documents), one row per variant, null first, then by name.
An empty integration or environment is INVALID_OP.

Manifest statuses (issue 18)
----------------------------
`manifestStatuses` (`by_environment` ["environment", "integration"]) holds, per environment
and integration, what the harness last saw of its manifest: {environment, integration, file,
version, checksum (null when unknown: a file that did not parse), status: "discovered" (seen,
its checks not all run) | "validated" (every check passed, not seeded: `reason` says why) |
"seeded" (the target holds it) | "error" (a check or its seed failed: `reason`), reason,
runId, updatedAt} (runId and updatedAt, server time: when the row last changed). With the
seeded `manifests` table (the manifest's text) it is the PRD's integration_manifests.

`integrations/manifests:recordManifestStatuses` (mutation)
    args {environment, runId, statuses: [{integration, file, version, checksum, status,
          reason}]} -> {written: number}
    For each status in order: equal to the stored row in file, version, checksum, status and
    reason -> nothing written; else inserted or replaced with runId and updatedAt = now.
    An empty environment, or more than MAX_MANIFEST_STATUSES statuses, is INVALID_OP.
`integrations/manifests:listManifestStatuses` (query)
    args {environment, after: string | null, limit, maxBytes?}
    -> {statuses: [ManifestStatus], next: string | null}
    The environment's rows by integration id, strictly after `after`, paged as readState.

Usage (issue 17)
----------------
`integrationUsage` (`by_slot` ["slot"]) holds one mark per workspace, integration,
environment and day (USAGE_INTERVAL_MS, server time, UTC): {workspace, integration,
environment, interval (the day's start, ms), slot: "<YYYY-MM-DD>/<integration>/<environment>/
<workspace>"}. Only the day's first use writes: a busy workspace costs one write per
integration and day, however many requests it makes.

`integrations/usage:recordIntegrationUsage` (mutation)
    args {workspace, integration, environment} -> {recorded: boolean}
    Inserts today's mark unless it is there (`recorded` false: nothing written). An empty
    name, or an integration or environment holding "/", is INVALID_OP.
`integrations/usage:readUsage` (query)
    args {since: number, after: string | null, limit, maxBytes?}
    -> {rows: [{workspace, integration, environment, interval}], next: string | null}
    The marks from the day holding `since` on, in slot order, strictly after the slot
    `after`, at most `limit` (1..1000) and within `maxBytes` as readState; `next` is the last
    slot returned when the page was cut, else null. `since` outside 0..MAX_USAGE_SINCE_MS is
    INVALID_OP.
"""

from __future__ import annotations

import time
from typing import Literal, NotRequired, TypedDict

READ_STATE = "seeding:readState"
APPLY_BATCH = "seeding:applyBatch"
RECORD_RUN = "seeding:recordRun"
GET_RUN = "seeding:getRun"
LIST_RUNS = "seeding:listRuns"
RECORD_CONFLICTS = "seeding:recordConflicts"
LIST_CONFLICTS = "seeding:listConflicts"
READ_LEDGER = "seeding:readLedger"
ACQUIRE_LOCK = "seeding:acquireLock"
RENEW_LOCK = "seeding:renewLock"
RELEASE_LOCK = "seeding:releaseLock"
GET_LOCK = "seeding:getLock"
EVALUATE_INTEGRATION = "integrations/rollout:evaluateIntegration"
RECORD_INTEGRATION_OUTCOME = "integrations/rollout:recordIntegrationOutcome"
ROLLOUT_WINDOW = "integrations/rollout:rolloutWindow"
RECORD_MANIFEST_STATUSES = "integrations/manifests:recordManifestStatuses"
LIST_MANIFEST_STATUSES = "integrations/manifests:listManifestStatuses"
RECORD_INTEGRATION_USAGE = "integrations/usage:recordIntegrationUsage"
READ_USAGE = "integrations/usage:readUsage"

FUNCTIONS: dict[str, Literal["query", "mutation"]] = {
    READ_STATE: "query",
    APPLY_BATCH: "mutation",
    RECORD_RUN: "mutation",
    GET_RUN: "query",
    LIST_RUNS: "query",
    RECORD_CONFLICTS: "mutation",
    LIST_CONFLICTS: "query",
    READ_LEDGER: "query",
    ACQUIRE_LOCK: "mutation",
    RENEW_LOCK: "mutation",
    RELEASE_LOCK: "mutation",
    GET_LOCK: "query",
    EVALUATE_INTEGRATION: "query",
    RECORD_INTEGRATION_OUTCOME: "mutation",
    ROLLOUT_WINDOW: "query",
    RECORD_MANIFEST_STATUSES: "mutation",
    LIST_MANIFEST_STATUSES: "query",
    RECORD_INTEGRATION_USAGE: "mutation",
    READ_USAGE: "query",
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
#   rollouts:     (issue 16; key "<integration>/rollout:<environment>") environment string,
#                 version string, stickiness string, group string, steps number[],
#                 holdSeconds number, gates {maxErrorRate, minRequests: number} | null,
#                 variants {name: string, weight: number}[],
#                 state {status "active"|"paused"|"completed"|"rolled_back", step number,
#                        since number|null, reason string|null}   (live: not in the checksum)
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
    "rollouts": (
        "environment",
        "version",
        "stickiness",
        "group",
        "steps",
        "holdSeconds",
        "gates",
        "variants",
        "state",
    ),
}
LIVE_FIELDS: dict[str, tuple[str, ...]] = {"rollouts": ("state",)}
"""Payload fields a seeded table's documents carry that the catalog does not own: left out of
the checksum (engine.desired.doc_checksum), moved by the rollout commands as runs."""
RUNS_TABLE = "seedingRuns"
BATCHES_TABLE = "seedingBatches"
CONFLICTS_TABLE = "seedingConflicts"
LEDGER_TABLE = "seedingLedger"
LOCKS_TABLE = "seedingLocks"
COUNTERS_TABLE = "rolloutCounters"
ROLLOUT_INTERVAL_MS = 60_000
"""Outcomes are counted per minute: one counter document per integration, environment,
interval and variant, so no document takes every request of a rollout's life."""
MAX_WINDOW_COUNTERS = 1000
"""Counter documents one `rolloutWindow` reads at most (a variant's 16 hours, or more
variants' less); beyond them the window says `truncated`."""
MANIFEST_STATUSES_TABLE = "manifestStatuses"
MAX_MANIFEST_STATUSES = 1000
"""Statuses one `recordManifestStatuses` call takes (each one read and at most one write)."""
USAGE_TABLE = "integrationUsage"
USAGE_INTERVAL_MS = 86_400_000
"""Uses are marked per day: at most one write per workspace, integration, environment, day."""
MAX_USAGE_SINCE_MS = 253_402_300_799_999
"""The last millisecond of the year 9999: later days have no "YYYY-MM-DD" name."""

MAX_RUN_ERRORS = 100
MAX_ERROR_CHARS = 2000

MAX_READ_LIMIT = 1000
MAX_PAGE_BYTES = 8 << 20
"""Bytes of stored documents one page may read (see "Reading within Convex's limits")."""
PRECONDITION_FAILED = "PRECONDITION_FAILED"
INVALID_OP = "INVALID_OP"
LOCK_NOT_HELD = "LOCK_NOT_HELD"
MAX_TTL_MS = 86_400_000


def integration_of(natural_key: str) -> str:
    """The integration a natural key belongs to: `stripe` for `stripe` and `stripe/refund`."""
    return natural_key.split("/", 1)[0]


def usage_day(ms: float) -> str:
    """The UTC day holding `ms` as YYYY-MM-DD: the first part of a usage mark's slot."""
    start = ms // USAGE_INTERVAL_MS * USAGE_INTERVAL_MS
    return time.strftime("%Y-%m-%d", time.gmtime(start / 1000.0))


Outcome = Literal["created", "updated", "deleted", "unchanged"]


class StateDoc(TypedDict):
    naturalKey: str
    integration: str
    checksum: str
    runId: str
    size: float
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


class Stamp(TypedDict):
    """What identifies a stored document's exact content: its checksum and the run that wrote it."""

    checksum: str
    runId: str


class RestoreOp(TypedDict):
    kind: Literal["restore"]
    table: str
    naturalKey: str
    expected: Stamp | None
    force: bool
    doc: dict[str, object] | None


Op = UpsertOp | DeleteOp | RestoreOp


class LockRef(TypedDict):
    name: str
    holder: str


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
    deleted: NotRequired[int]  # integrations pruned (absent from records made before it)


class TableCounts(TypedDict):
    """Documents a run wrote to one seeded table (the PRD's seeding_logs counts)."""

    table: str
    created: int
    updated: int
    deleted: int


class RunError(TypedDict):
    """Something that went wrong in a run: an integration's failure, or the run's (None)."""

    integration: str | None
    message: str


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
    rollbackOf: NotRequired[str]
    rolledBackBy: NotRequired[str | None]
    reason: NotRequired[str | None]
    documents: NotRequired[list[TableCounts]]
    errors: NotRequired[list[RunError]]
    errorsOmitted: NotRequired[int]


class LedgerEntry(TypedDict):
    runId: str
    batchId: str
    seq: float
    table: str
    naturalKey: str
    integration: str
    before: str | None
    after: Stamp | None


class ReadLedgerResult(TypedDict):
    entries: list[LedgerEntry]
    next: float | None


class LockState(TypedDict):
    acquired: bool
    name: str
    holder: str | None
    runId: str | None
    acquiredAt: float | None
    expiresAt: float | None


ManifestState = Literal["discovered", "validated", "seeded", "error"]


class SeenManifest(TypedDict):
    """What a run saw of one manifest (a `recordManifestStatuses` status)."""

    integration: str
    file: str
    version: str | None
    checksum: str | None
    status: ManifestState
    reason: str | None


class Conflict(TypedDict):
    """A conflict met by a run (issues 5 and 18; see "Conflicts")."""

    runId: str
    integration: str
    type: Literal["downgrade", "same_version_changed", "dependency", "duplicate"]
    currentVersion: str | None
    newVersion: str | None
    currentChecksum: str | None
    newChecksum: str | None
    resolution: Literal["blocked", "allow_downgrade", "force", "skip"]
    resolvedAt: NotRequired[float | None]
    detail: NotRequired[str | None]
