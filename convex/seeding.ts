// The seeding contract's functions for a real Convex deployment. seeding_suite/remote.py is the
// contract's documentation; tests/contract/vectors/ pins the behaviour this module shares with
// the Python twin. All functions are internal: the seeder calls them with a deploy/admin key.
import {
  ConvexError,
  getConvexSize,
  getDocumentSize,
  v,
  type Infer,
  type Value,
} from "convex/values";
import type { Doc } from "./_generated/dataModel";
import {
  internalMutation,
  internalQuery,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server";
import {
  conflict,
  docKeyFields,
  lease,
  ledgerEntry,
  outcome,
  payloadFields,
  runRecord,
  stamp,
  type SeededTable,
} from "./schema";

const MAX_READ_LIMIT = 1000;
/**
 * Bytes of stored documents one page may read. Convex charges every document a function loads
 * (its whole size, `_id` and `_creationTime` included) against 16 MiB per execution; a page
 * stops at the first document that reaches this budget, so it reads less than the budget plus
 * one document (at most 1 MiB): 9 MiB, well inside the limit, and returns no more than that.
 */
const MAX_PAGE_BYTES = 8 * (1 << 20);
const MAX_TTL_MS = 86_400_000;
const nullableString = v.union(v.string(), v.null());

/** A document of any seeded table as sent in an upsert: every field except `runId`. */
const seededDoc = v.union(
  v.object({ ...docKeyFields, ...payloadFields.integrations }),
  v.object({ ...docKeyFields, ...payloadFields.connections }),
  v.object({ ...docKeyFields, ...payloadFields.actions }),
  v.object({ ...docKeyFields, ...payloadFields.triggers }),
  v.object({ ...docKeyFields, ...payloadFields.manifests }),
  v.object({ ...docKeyFields, ...payloadFields.rollouts }),
);
const upsertOp = v.object({
  kind: v.literal("upsert"),
  table: v.string(),
  naturalKey: v.string(),
  expected: nullableString,
  force: v.boolean(),
  doc: seededDoc,
});
const deleteOp = v.object({
  kind: v.literal("delete"),
  table: v.string(),
  naturalKey: v.string(),
  expected: nullableString,
});
/** A whole stored document of any seeded table, `runId` included: what a restore puts back. */
const fullDoc = v.union(
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.integrations }),
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.connections }),
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.actions }),
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.triggers }),
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.manifests }),
  v.object({ ...docKeyFields, runId: v.string(), ...payloadFields.rollouts }),
);
const restoreOp = v.object({
  kind: v.literal("restore"),
  table: v.string(),
  naturalKey: v.string(),
  expected: v.union(stamp, v.null()),
  force: v.boolean(),
  doc: v.union(fullDoc, v.null()),
});
const lockRef = v.object({ name: v.string(), holder: v.string() });
const lockState = v.object({
  acquired: v.boolean(),
  name: v.string(),
  holder: nullableString,
  runId: nullableString,
  acquiredAt: v.union(v.number(), v.null()),
  expiresAt: v.union(v.number(), v.null()),
});
type UpsertOp = Infer<typeof upsertOp>;
type RestoreOp = Infer<typeof restoreOp>;
type Op = UpsertOp | Infer<typeof deleteOp> | RestoreOp;
type Outcome = Infer<typeof outcome>;
type Stamp = Infer<typeof stamp>;
type StoredDoc = Infer<typeof fullDoc>;

export function invalidOp(message: string): ConvexError<{ code: string; message: string }> {
  return new ConvexError({ code: "INVALID_OP", message });
}

/** Table names arrive as plain strings so that an unknown one is a contract error. */
function seededTableNamed(table: string): SeededTable {
  if (!Object.hasOwn(payloadFields, table)) {
    throw invalidOp(`unknown table "${table}"`);
  }
  return table as SeededTable;
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw invalidOp(`limit must be an integer in 1..${MAX_READ_LIMIT}, got ${limit}`);
  }
}

export function checkMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) {
    return MAX_PAGE_BYTES;
  }
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_PAGE_BYTES) {
    throw invalidOp(`maxBytes must be an integer in 1..${MAX_PAGE_BYTES}, got ${maxBytes}`);
  }
  return maxBytes;
}

/**
 * Up to `limit` documents of `query`, stopping after the one whose size makes the bytes read
 * reach `maxBytes`; `more` says the page was cut (by count or bytes), so a cursor is due.
 * Sizes are Convex's own measure (`getDocumentSize`), the one its read limit counts.
 * With `keyOf` (the cursor's field), a page never ends between two documents of one key: a
 * cursor `gt(key)` would skip the second, and a duplicated natural key must never be hidden.
 */
export async function takeWithin<D extends Record<string, Value>>(
  query: AsyncIterable<D>,
  limit: number,
  maxBytes: number,
  keyOf?: (doc: D) => Value,
): Promise<{ rows: D[]; more: boolean }> {
  const rows: D[] = [];
  let bytes = 0;
  let full = false;
  for await (const doc of query) {
    if (full && (keyOf === undefined || keyOf(doc) !== keyOf(rows[rows.length - 1]))) {
      return { rows, more: true };
    }
    rows.push(doc);
    bytes += getDocumentSize(doc);
    full = full || rows.length >= limit || bytes >= maxBytes;
    if (full && keyOf === undefined) {
      return { rows, more: true };
    }
  }
  return { rows, more: full };
}

/** The args validator admits any seeded table's shape; the doc must be the op's table's. */
function checkDoc(table: SeededTable, op: UpsertOp | RestoreOp): void {
  if (op.doc === null) {
    return;
  }
  const extra = op.kind === "restore" ? ["runId"] : [];
  const wanted = [...Object.keys(docKeyFields), ...extra, ...Object.keys(payloadFields[table])];
  const keys = Object.keys(op.doc);
  if (keys.length !== wanted.length || !wanted.every((key) => keys.includes(key))) {
    throw invalidOp(`doc fields are not those of table "${table}"`);
  }
  if (op.doc.naturalKey !== op.naturalKey) {
    throw invalidOp(`doc naturalKey "${op.doc.naturalKey}" differs from op "${op.naturalKey}"`);
  }
}

function userFields<D extends { _id: unknown; _creationTime: number }>(
  doc: D,
): Omit<D, "_id" | "_creationTime"> {
  const { _id, _creationTime, ...fields } = doc;
  return fields;
}

function findByKey(ctx: QueryCtx, table: SeededTable, naturalKey: string) {
  return ctx.db
    .query(table)
    .withIndex("by_natural_key", (q) => q.eq("naturalKey", naturalKey))
    .unique();
}

function findRun(ctx: QueryCtx, runId: string): Promise<Doc<"seedingRuns"> | null> {
  return ctx.db
    .query("seedingRuns")
    .withIndex("by_run_id", (q) => q.eq("runId", runId))
    .unique();
}

function stampOf(doc: { checksum: string; runId: string } | null): Stamp | null {
  return doc === null ? null : { checksum: doc.checksum, runId: doc.runId };
}

function sameStamp(a: Stamp | null, b: Stamp | null): boolean {
  return a === null || b === null ? a === b : a.checksum === b.checksum && a.runId === b.runId;
}

function preconditionFailed(
  table: SeededTable,
  naturalKey: string,
  expected: string | Stamp | null,
  actual: string | Stamp | null,
) {
  return new ConvexError({ code: "PRECONDITION_FAILED", table, naturalKey, expected, actual });
}

/** Sorted keys, no spaces: the ledger's pre-image bytes (the Python twin writes the same). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** One applyBatch call: the run it writes for and its next ledger sequence number. */
class Batch {
  private seq: number | null = null;

  constructor(
    readonly ctx: MutationCtx,
    readonly runId: string,
    readonly batchId: string,
  ) {}

  private async nextSeq(): Promise<number> {
    if (this.seq === null) {
      const last = await this.ctx.db
        .query("seedingLedger")
        .withIndex("by_run_seq", (q) => q.eq("runId", this.runId))
        .order("desc")
        .first();
      this.seq = last === null ? 0 : last.seq + 1;
    } else {
      this.seq += 1;
    }
    return this.seq;
  }

  /** Make the stored document `doc` (null: absent), write its ledger row, name the outcome. */
  async write(
    table: SeededTable,
    naturalKey: string,
    current: Doc<SeededTable> | null,
    doc: StoredDoc | null,
  ): Promise<Outcome> {
    let result: Outcome;
    if (doc === null) {
      await this.ctx.db.delete(current!._id);
      result = "deleted";
    } else if (current === null) {
      await this.ctx.db.insert(table, doc as never);
      result = "created";
    } else {
      await this.ctx.db.replace(current._id, doc as never);
      result = "updated";
    }
    const before = current === null ? null : userFields(current);
    await this.ctx.db.insert("seedingLedger", {
      runId: this.runId,
      batchId: this.batchId,
      seq: await this.nextSeq(),
      table,
      naturalKey,
      integration: (before ?? doc)!.integration,
      before: before === null ? null : canonicalJson(before),
      after: stampOf(doc),
    });
    return result;
  }
}

/** One op of a batch, per remote.py; a throw rolls back the whole batch. */
async function applyOp(batch: Batch, op: Op): Promise<Outcome> {
  const table = seededTableNamed(op.table);
  if (op.kind !== "delete") {
    checkDoc(table, op);
  }
  const current = await findByKey(batch.ctx, table, op.naturalKey);
  if (op.kind === "restore") {
    const actual = stampOf(current);
    if (sameStamp(actual, stampOf(op.doc))) {
      return "unchanged";
    }
    if (!op.force && !sameStamp(actual, op.expected)) {
      throw preconditionFailed(table, op.naturalKey, op.expected, actual);
    }
    return batch.write(table, op.naturalKey, current, op.doc);
  }
  const actual = current === null ? null : current.checksum;
  if (op.kind === "delete") {
    if (current === null) {
      return "unchanged";
    }
    if (actual !== op.expected) {
      throw preconditionFailed(table, op.naturalKey, op.expected, actual);
    }
    return batch.write(table, op.naturalKey, current, null);
  }
  if (actual === op.doc.checksum && !op.force) {
    return "unchanged";
  }
  if (actual !== op.expected) {
    throw preconditionFailed(table, op.naturalKey, op.expected, actual);
  }
  return batch.write(table, op.naturalKey, current, { ...op.doc, runId: batch.runId });
}

function findLease(ctx: QueryCtx, name: string): Promise<Doc<"seedingLocks"> | null> {
  return ctx.db
    .query("seedingLocks")
    .withIndex("by_name", (q) => q.eq("name", name))
    .unique();
}

/** applyBatch with a `lock`: refuse unless that holder has the lease and it is unexpired. */
async function requireLease(ctx: QueryCtx, lock: { name: string; holder: string }): Promise<void> {
  const row = await findLease(ctx, lock.name);
  if (row !== null && row.holder === lock.holder && Date.now() < row.expiresAt) {
    return;
  }
  throw new ConvexError({
    code: "LOCK_NOT_HELD",
    name: lock.name,
    holder: row === null ? null : row.holder,
    expiresAt: row === null ? null : row.expiresAt,
  });
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    throw invalidOp(`ttlMs must be an integer in 1..${MAX_TTL_MS}, got ${ttlMs}`);
  }
}

function lockStateOf(acquired: boolean, name: string, row: Doc<"seedingLocks"> | null) {
  return {
    acquired,
    name,
    holder: row === null ? null : row.holder,
    runId: row === null ? null : row.runId,
    acquiredAt: row === null ? null : row.acquiredAt,
    expiresAt: row === null ? null : row.expiresAt,
  };
}

export const readState = internalQuery({
  args: {
    table: v.string(),
    after: nullableString,
    limit: v.number(),
    includeFields: v.boolean(),
    maxBytes: v.optional(v.number()),
  },
  returns: v.object({
    docs: v.array(
      v.object({
        ...docKeyFields,
        runId: v.string(),
        size: v.number(),
        fields: v.optional(v.any()),
      }),
    ),
    next: nullableString,
  }),
  handler: async (ctx, { table, after, limit, includeFields, maxBytes }) => {
    const name = seededTableNamed(table);
    checkLimit(limit);
    const query = ctx.db
      .query(name)
      .withIndex("by_natural_key", (q) => (after === null ? q : q.gt("naturalKey", after)));
    const { rows: docs, more } = await takeWithin(
      query,
      limit,
      checkMaxBytes(maxBytes),
      (doc) => doc.naturalKey,
    );
    return {
      docs: docs.map((doc) => {
        const { naturalKey, integration, checksum, runId } = doc;
        const fields = userFields(doc);
        const state = { naturalKey, integration, checksum, runId, size: getConvexSize(fields) };
        return includeFields ? { ...state, fields } : state;
      }),
      next: more ? docs[docs.length - 1].naturalKey : null,
    };
  },
});

export const applyBatch = internalMutation({
  args: {
    runId: v.string(),
    batchId: v.string(),
    ops: v.array(v.union(upsertOp, deleteOp, restoreOp)),
    lock: v.optional(lockRef),
  },
  returns: v.object({ outcomes: v.array(outcome), replayed: v.boolean() }),
  handler: async (ctx, { runId, batchId, ops, lock }) => {
    if (lock !== undefined) {
      await requireLease(ctx, lock);
    }
    const applied = await ctx.db
      .query("seedingBatches")
      .withIndex("by_batch_id", (q) => q.eq("batchId", batchId))
      .unique();
    if (applied !== null) {
      return { outcomes: applied.outcomes, replayed: true };
    }
    const batch = new Batch(ctx, runId, batchId);
    const outcomes: Outcome[] = [];
    for (const op of ops) {
      outcomes.push(await applyOp(batch, op));
    }
    await ctx.db.insert("seedingBatches", { batchId, runId, outcomes });
    return { outcomes, replayed: false };
  },
});

export const recordRun = internalMutation({
  args: { run: runRecord },
  returns: v.null(),
  handler: async (ctx, { run }) => {
    const existing = await findRun(ctx, run.runId);
    if (existing === null) {
      await ctx.db.insert("seedingRuns", run);
    } else {
      await ctx.db.replace(existing._id, run);
    }
    return null;
  },
});

export const getRun = internalQuery({
  args: { runId: v.string() },
  returns: v.union(runRecord, v.null()),
  handler: async (ctx, { runId }) => {
    const run = await findRun(ctx, runId);
    return run === null ? null : userFields(run);
  },
});

export const listRuns = internalQuery({
  args: { limit: v.number() },
  returns: v.array(runRecord),
  handler: async (ctx, { limit }) => {
    checkLimit(limit);
    const newestFirst = ctx.db.query("seedingRuns").withIndex("by_started_at").order("desc");
    const { rows } = await takeWithin(newestFirst, limit, MAX_PAGE_BYTES);
    return rows.map(userFields);
  },
});

export const recordConflicts = internalMutation({
  args: { conflicts: v.array(conflict) },
  returns: v.null(),
  handler: async (ctx, { conflicts }) => {
    for (const row of conflicts) {
      await ctx.db.insert("seedingConflicts", row);
    }
    return null;
  },
});

export const listConflicts = internalQuery({
  args: { integration: nullableString, limit: v.number() },
  returns: v.array(conflict),
  handler: async (ctx, { integration, limit }) => {
    checkLimit(limit);
    const rows =
      integration === null
        ? ctx.db.query("seedingConflicts")
        : ctx.db
            .query("seedingConflicts")
            .withIndex("by_integration", (q) => q.eq("integration", integration));
    const newestFirst = await takeWithin(rows.order("desc"), limit, MAX_PAGE_BYTES);
    return newestFirst.rows.map(userFields);
  },
});

export const readLedger = internalQuery({
  args: {
    runId: v.string(),
    after: v.union(v.number(), v.null()),
    limit: v.number(),
    maxBytes: v.optional(v.number()),
  },
  returns: v.object({ entries: v.array(ledgerEntry), next: v.union(v.number(), v.null()) }),
  handler: async (ctx, { runId, after, limit, maxBytes }) => {
    checkLimit(limit);
    const query = ctx.db
      .query("seedingLedger")
      .withIndex("by_run_seq", (q) =>
        after === null ? q.eq("runId", runId) : q.eq("runId", runId).gt("seq", after),
      );
    const { rows, more } = await takeWithin(query, limit, checkMaxBytes(maxBytes));
    return {
      entries: rows.map(userFields),
      next: more ? rows[rows.length - 1].seq : null,
    };
  },
});

export const acquireLock = internalMutation({
  args: { name: v.string(), holder: v.string(), runId: v.string(), ttlMs: v.number() },
  returns: lockState,
  handler: async (ctx, { name, holder, runId, ttlMs }) => {
    checkTtl(ttlMs);
    const now = Date.now();
    const row = await findLease(ctx, name);
    const taken = { name, holder, runId, expiresAt: now + ttlMs };
    if (row === null) {
      await ctx.db.insert("seedingLocks", { ...taken, acquiredAt: now });
    } else if (row.holder === holder) {
      await ctx.db.replace(row._id, { ...taken, acquiredAt: row.acquiredAt });
    } else if (row.expiresAt <= now) {
      await ctx.db.replace(row._id, { ...taken, acquiredAt: now });
    } else {
      return lockStateOf(false, name, row);
    }
    return lockStateOf(true, name, await findLease(ctx, name));
  },
});

export const renewLock = internalMutation({
  args: { name: v.string(), holder: v.string(), ttlMs: v.number() },
  returns: lockState,
  handler: async (ctx, { name, holder, ttlMs }) => {
    checkTtl(ttlMs);
    const row = await findLease(ctx, name);
    if (row === null || row.holder !== holder) {
      return lockStateOf(false, name, row);
    }
    await ctx.db.patch(row._id, { expiresAt: Date.now() + ttlMs });
    return lockStateOf(true, name, await findLease(ctx, name));
  },
});

export const releaseLock = internalMutation({
  args: { name: v.string(), holder: v.string() },
  returns: v.object({ released: v.boolean() }),
  handler: async (ctx, { name, holder }) => {
    const row = await findLease(ctx, name);
    if (row === null || row.holder !== holder) {
      return { released: false };
    }
    await ctx.db.delete(row._id);
    return { released: true };
  },
});

export const getLock = internalQuery({
  args: { name: v.string() },
  returns: v.union(lease, v.null()),
  handler: async (ctx, { name }) => {
    const row = await findLease(ctx, name);
    return row === null ? null : userFields(row);
  },
});
