// The seeding contract's functions for a real Convex deployment. seeding_suite/remote.py is the
// contract's documentation; tests/contract/vectors/ pins the behaviour this module shares with
// the Python twin. All functions are internal: the seeder calls them with a deploy/admin key.
import { ConvexError, v, type Infer } from "convex/values";
import type { Doc } from "./_generated/dataModel";
import {
  internalMutation,
  internalQuery,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server";
import { docKeyFields, outcome, payloadFields, runRecord, type SeededTable } from "./schema";

const MAX_READ_LIMIT = 1000;
const nullableString = v.union(v.string(), v.null());

/** A document of any seeded table as sent in an upsert: every field except `runId`. */
const seededDoc = v.union(
  v.object({ ...docKeyFields, ...payloadFields.integrations }),
  v.object({ ...docKeyFields, ...payloadFields.connections }),
  v.object({ ...docKeyFields, ...payloadFields.actions }),
  v.object({ ...docKeyFields, ...payloadFields.triggers }),
  v.object({ ...docKeyFields, ...payloadFields.manifests }),
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
type Op = Infer<typeof upsertOp> | Infer<typeof deleteOp>;
type Outcome = Infer<typeof outcome>;

function invalidOp(message: string): ConvexError<{ code: string; message: string }> {
  return new ConvexError({ code: "INVALID_OP", message });
}

/** Table names arrive as plain strings so that an unknown one is a contract error. */
function seededTableNamed(table: string): SeededTable {
  if (!Object.hasOwn(payloadFields, table)) {
    throw invalidOp(`unknown table "${table}"`);
  }
  return table as SeededTable;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw invalidOp(`limit must be an integer in 1..${MAX_READ_LIMIT}, got ${limit}`);
  }
}

/** The args validator admits any seeded table's shape; the doc must be the op's table's. */
function checkDoc(table: SeededTable, op: Infer<typeof upsertOp>): void {
  const wanted = [...Object.keys(docKeyFields), ...Object.keys(payloadFields[table])];
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

function requireExpected(op: Op, table: SeededTable, actual: string | null): void {
  if (actual !== op.expected) {
    const { naturalKey, expected } = op;
    throw new ConvexError({ code: "PRECONDITION_FAILED", table, naturalKey, expected, actual });
  }
}

/** One op of a batch, per remote.py; a throw rolls back the whole batch. */
async function applyOp(ctx: MutationCtx, runId: string, op: Op): Promise<Outcome> {
  const table = seededTableNamed(op.table);
  if (op.kind === "upsert") {
    checkDoc(table, op);
  }
  const current = await findByKey(ctx, table, op.naturalKey);
  const actual = current === null ? null : current.checksum;
  if (op.kind === "delete") {
    if (current === null) {
      return "unchanged";
    }
    requireExpected(op, table, actual);
    await ctx.db.delete(current._id);
    return "deleted";
  }
  if (actual === op.doc.checksum && !op.force) {
    return "unchanged";
  }
  requireExpected(op, table, actual);
  const doc = { ...op.doc, runId };
  if (current === null) {
    await ctx.db.insert(table, doc);
    return "created";
  }
  await ctx.db.replace(current._id, doc);
  return "updated";
}

export const readState = internalQuery({
  args: { table: v.string(), after: nullableString, limit: v.number(), includeFields: v.boolean() },
  returns: v.object({
    docs: v.array(
      v.object({ ...docKeyFields, runId: v.string(), fields: v.optional(v.any()) }),
    ),
    next: nullableString,
  }),
  handler: async (ctx, { table, after, limit, includeFields }) => {
    const name = seededTableNamed(table);
    checkLimit(limit);
    const docs = await ctx.db
      .query(name)
      .withIndex("by_natural_key", (q) => (after === null ? q : q.gt("naturalKey", after)))
      .take(limit);
    return {
      docs: docs.map((doc) => {
        const { naturalKey, integration, checksum, runId } = doc;
        const state = { naturalKey, integration, checksum, runId };
        return includeFields ? { ...state, fields: userFields(doc) } : state;
      }),
      next: docs.length === limit ? docs[docs.length - 1].naturalKey : null,
    };
  },
});

export const applyBatch = internalMutation({
  args: { runId: v.string(), batchId: v.string(), ops: v.array(v.union(upsertOp, deleteOp)) },
  returns: v.object({ outcomes: v.array(outcome), replayed: v.boolean() }),
  handler: async (ctx, { runId, batchId, ops }) => {
    const applied = await ctx.db
      .query("seedingBatches")
      .withIndex("by_batch_id", (q) => q.eq("batchId", batchId))
      .unique();
    if (applied !== null) {
      return { outcomes: applied.outcomes, replayed: true };
    }
    const outcomes: Outcome[] = [];
    for (const op of ops) {
      outcomes.push(await applyOp(ctx, runId, op));
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
    const runs = await newestFirst.take(limit);
    return runs.map(userFields);
  },
});
