// The Convex-native seeder behind `integrations/init`: it seeds a bundle (catalog.generated.ts)
// through the very functions the Python seeder calls (convex/seeding.ts: the lease, the run
// record, applyBatch with its preconditions and ledger rows), so `seeding-suite state`, `runs`,
// `drift` and `rollback` read what it wrote as their own. It plans per integration as
// seeding_suite/engine/plan.py does, and writes each integration in one applyBatch sub-mutation:
// atomic per integration, and a failing one rolls back alone.
import { ConvexError, getConvexSize, v, type Infer } from "convex/values";
import semver from "semver";
import { internal } from "../_generated/api";
import type { MutationCtx } from "../_generated/server";
import {
  conflict,
  runError,
  runRecord as runRecordValidator,
  type SeededTable,
  tableCounts,
} from "../schema";
import type { Bundle, BundledIntegration, EnvironmentBundle } from "./bundle";

/** The lease the Python seeder takes (seeding_suite/engine/lock.py LOCK_NAME). */
export const LOCK_NAME = "seeding";
/** A step renews it; a continuation that never runs lets it expire within this. */
export const LEASE_TTL_MS = 60_000;
/**
 * What one mutation seeds at most before it schedules the rest. Nested mutations share their
 * parent's limits (16,000 writes, 16 MiB written and read, 4,096 index ranges): an op reads one
 * index range and writes its document and a ledger row carrying the replaced one, and an
 * integration's plan reads six ranges. These budgets keep a step well inside all of them.
 */
export const STEP_LIMITS = { documents: 1000, bytes: 4 * (1 << 20), integrations: 100 };

/** Tables in the order the Python seeder's state reads them (remote.SEEDED_TABLES). */
const TABLES: SeededTable[] = [
  "integrations",
  "connections",
  "actions",
  "triggers",
  "manifests",
  "rollouts",
];

/** The PRD's SeedingResult but its errors, which a run keeps once, by integration (`errors`). */
const resultCounts = {
  integrationNodesCreated: v.number(),
  actionsCreated: v.number(),
  triggersCreated: v.number(),
  connectionsCreated: v.number(),
  duration: v.number(),
};

/** The PRD's SeedingResult. */
export const seedingResult = v.object({ ...resultCounts, errors: v.array(v.string()) });
export type SeedingResult = Infer<typeof seedingResult>;

/** A run between two steps: what the next step needs, carried in its scheduled arguments. */
export const progress = v.object({
  runId: v.string(),
  holder: v.string(),
  environment: v.string(),
  forceReseed: v.boolean(),
  ids: v.array(v.string()),
  next: v.number(),
  batches: v.number(),
  startedAt: v.number(),
  catalogChecksum: v.string(),
  skippedElsewhere: v.number(),
  notSeeded: v.array(v.string()),
  /** The run record's counts so far (`skipped` without skippedElsewhere; a step is a call). */
  counts: runRecordValidator.fields.counts,
  /** The run record's `documents` (per seeded table) and `errors` so far, as Python's. */
  documents: v.array(tableCounts),
  errors: v.array(runError),
  result: v.object(resultCounts),
});
export type Progress = Infer<typeof progress>;
type Conflict = Infer<typeof conflict>;

/** As seeding_suite/remote.py: a run record keeps at most this many errors, each this long. */
const MAX_RUN_ERRORS = 100;
const MAX_ERROR_CHARS = 2000;

/** Every seeded table at zero, in contract order: a run record's `documents` to start from. */
export function noDocuments(): Progress["documents"] {
  return TABLES.map((table) => ({ table, created: 0, updated: 0, deleted: 0 }));
}

/**
 * Note something that went wrong, by integration (null for the run's own), as the Python
 * seeder keeps a run record's `errors`; the caller's SeedingResult shows them (`resultOf`).
 */
export function noteError(run: Progress, integration: string | null, message: string): void {
  const clipped = message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS - 3)}...` : message;
  run.errors.push({ integration, message: clipped });
}

/** What init returns: the counts so far, and every error as `id: message`. */
export function resultOf(run: Progress): SeedingResult {
  const errors = run.errors.map((e) => (e.integration === null ? e.message : `${e.integration}: ${e.message}`));
  return { ...run.result, errors };
}

export function environmentOf(bundle: Bundle, name: string): EnvironmentBundle {
  if (!Object.hasOwn(bundle.environments, name)) {
    const known = Object.keys(bundle.environments).sort().join(", ");
    throw new ConvexError({
      code: "INVALID_ARGS",
      message: `unknown environment "${name}"; the bundle has: ${known}`,
    });
  }
  return bundle.environments[name];
}

/**
 * The integrations a run seeds, in dependency order: `integrationIds` and what they need (in
 * this environment's set), else the selective strategy's named ones, else all of them.
 * An id the environment's bundle does not know is refused (a typo must not seed less).
 */
export function selection(
  env: EnvironmentBundle,
  integrationIds: string[] | undefined,
): { ids: string[]; errors: string[] } {
  const byId = new Map(env.integrations.map((i) => [i.id, i]));
  const leftOut = new Map(env.leftOut.map((o) => [o.integration, o]));
  let wanted: string[];
  if (integrationIds !== undefined) {
    if (integrationIds.length === 0) {
      throw new ConvexError({ code: "INVALID_ARGS", message: "integrationIds is empty" });
    }
    const unknown = integrationIds.filter((id) => !byId.has(id) && !leftOut.has(id));
    if (unknown.length > 0) {
      throw new ConvexError({
        code: "INVALID_ARGS",
        message: `integrationIds names what this environment's bundle does not have: ${unknown.join(", ")}`,
      });
    }
    wanted = integrationIds;
  } else if (env.strategy === "selective") {
    wanted = env.named.filter((id) => byId.has(id));
  } else {
    wanted = env.integrations.map((i) => i.id);
  }
  // Named ids bring what they need; a strategy's set is seeded as is (its gate holds back an
  // integration whose dependency is neither in it nor in the target, as the Python seeder's).
  const chosen = new Set<string>();
  const pending = wanted.filter((id) => byId.has(id));
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (!chosen.has(id)) {
      chosen.add(id);
      if (integrationIds !== undefined) {
        pending.push(...byId.get(id)!.dependencies.map((d) => d.id).filter((d) => byId.has(d)));
      }
    }
  }
  const errors = wanted
    .filter((id) => !byId.has(id))
    .map((id) => `${id}: not seeded in this environment: ${leftOut.get(id)!.reason}`);
  return { ids: env.integrations.map((i) => i.id).filter((id) => chosen.has(id)), errors };
}

/** `c1:sha256:<hex>` of the canonical JSON of sorted checksums (engine/checksum.py combine). */
export async function combine(checksums: Iterable<string>): Promise<string> {
  const text = JSON.stringify([...checksums].sort());
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `c1:sha256:${hex}`;
}

export function newRunId(now: number, random: () => number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const hex = Array.from({ length: 8 }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${stamp}-${hex}`;
}

/** Who seeds: `SEEDING_ACTOR` set on the deployment, else this function. */
export function actor(): string {
  return process.env.SEEDING_ACTOR ?? "integrations/init";
}

/** The run record `seeding:recordRun` stores for this run as it stands. */
export function runRecord(
  run: Progress,
  harnessVersion: string,
  finishedAt: number | null,
  reason?: string,
) {
  const failed = run.counts.failed > 0 || reason !== undefined;
  return {
    runId: run.runId,
    status: finishedAt === null ? ("running" as const) : failed ? ("failed" as const) : ("succeeded" as const),
    environment: run.environment,
    actor: actor(),
    target: process.env.CONVEX_CLOUD_URL ?? "integrations/init",
    startedAt: run.startedAt,
    finishedAt,
    harnessVersion,
    catalogChecksum: run.catalogChecksum,
    gitCommit: null,
    counts: { ...run.counts, skipped: run.counts.skipped + run.skippedElsewhere },
    documents: run.documents,
    errors: run.errors.slice(0, MAX_RUN_ERRORS),
    ...(run.errors.length > MAX_RUN_ERRORS ? { errorsOmitted: run.errors.length - MAX_RUN_ERRORS } : {}),
    ...(reason === undefined ? {} : { reason }),
  };
}

interface Stored {
  table: SeededTable;
  naturalKey: string;
  checksum: string;
}

async function storedDocs(ctx: MutationCtx, integration: string): Promise<Stored[]> {
  const found: Stored[] = [];
  for (const table of TABLES) {
    const rows = await ctx.db
      .query(table)
      .withIndex("by_integration", (q) => q.eq("integration", integration))
      .collect();
    found.push(...rows.map((row) => ({ table, naturalKey: row.naturalKey, checksum: row.checksum })));
  }
  return found;
}

async function storedVersion(ctx: MutationCtx, integration: string): Promise<string | null> {
  const row = await ctx.db
    .query("integrations")
    .withIndex("by_natural_key", (q) => q.eq("naturalKey", integration))
    .unique();
  return row === null ? null : row.version;
}

/** Why a dependency holds the integration back (engine/gating.py), or null. */
async function blockedBy(
  ctx: MutationCtx,
  run: Progress,
  integration: BundledIntegration,
  seededVersions: Map<string, string>,
): Promise<string | null> {
  for (const dep of integration.dependencies) {
    if (run.ids.includes(dep.id)) {
      if (run.notSeeded.includes(dep.id)) {
        return `dependency ${dep.id} failed to seed in this run`;
      }
      const version = seededVersions.get(dep.id)!;
      if (!satisfies(version, dep.range)) {
        return `dependency ${dep.id} ${version} (seeded in this run) does not satisfy '${dep.range}'`;
      }
      continue;
    }
    const present = await storedVersion(ctx, dep.id);
    if (present === null) {
      return `dependency ${dep.id} is not seeded in this run and not present in the target`;
    }
    if (!satisfies(present, dep.range)) {
      return `dependency ${dep.id} is present in the target at ${present}, outside '${dep.range}'`;
    }
  }
  return null;
}

function satisfies(version: string, range: string): boolean {
  return semver.valid(version) !== null && semver.satisfies(version, range);
}

/** A downgrade, or the same version with other documents (engine/conflicts.py), or null. */
function conflictKind(current: string, wanted: string, same: boolean): Conflict["type"] | null {
  if (semver.valid(current) === null || semver.valid(wanted) === null) {
    return null;
  }
  if (semver.lt(wanted, current)) {
    return "downgrade";
  }
  return semver.eq(wanted, current) && !same ? "same_version_changed" : null;
}

function conflictMessage(row: Conflict): string {
  const problem =
    row.type === "downgrade"
      ? `${row.newVersion} is older than the seeded ${row.currentVersion} (a downgrade)`
      : `${row.newVersion} changed without a version bump (seeded checksum differs)`;
  const verdict =
    row.resolution === "blocked" ? "pass forceReseed: true to seed it" : `resolved by ${row.resolution}`;
  return `version conflict: ${row.integration} ${problem}; ${verdict}`;
}

function describe(error: unknown): string {
  if (error instanceof ConvexError) {
    return JSON.stringify(error.data);
  }
  return error instanceof Error ? error.message : String(error);
}

const CREATED_FIELD: Partial<Record<SeededTable, keyof Progress["result"]>> = {
  integrations: "integrationNodesCreated",
  actions: "actionsCreated",
  triggers: "triggersCreated",
  connections: "connectionsCreated",
};

/** Plan one integration against what the target holds and write it in one applyBatch. */
async function seedOne(
  ctx: MutationCtx,
  run: Progress,
  integration: BundledIntegration,
  seededVersions: Map<string, string>,
): Promise<void> {
  const { id } = integration;
  const fail = (message: string, action: "failed" | "skipped") => {
    run.counts[action] += 1;
    run.notSeeded.push(id);
    if (action === "failed") {
      noteError(run, id, message);
    }
  };
  const blocked = await blockedBy(ctx, run, integration, seededVersions);
  const stored = await storedDocs(ctx, id);
  const current = await storedVersion(ctx, id);
  if (blocked !== null) {
    // As engine/conflicts.py dependency_conflict: skipped, and resolved by that skip.
    const row: Conflict = {
      runId: run.runId,
      integration: id,
      type: "dependency",
      currentVersion: current,
      newVersion: integration.version,
      currentChecksum: current === null ? null : await combine(stored.map((s) => s.checksum)),
      newChecksum: integration.checksum,
      resolution: "skip",
      resolvedAt: Date.now(),
      detail: blocked,
    };
    await ctx.runMutation(internal.seeding.recordConflicts, { conflicts: [row] });
    return fail(blocked, "skipped");
  }
  const held = new Map(stored.map((s) => [`${s.table}\u0000${s.naturalKey}`, s]));
  const wanted = new Set(integration.docs.map((d) => `${d.table}\u0000${d.doc.naturalKey}`));
  const storedSums = stored.map((s) => s.checksum).sort();
  const wantedSums = integration.docs.map((d) => d.doc.checksum).sort();
  const same =
    storedSums.length === wantedSums.length && storedSums.every((sum, i) => sum === wantedSums[i]);
  const kind = current === null ? null : conflictKind(current, integration.version, same);
  if (kind !== null && current !== null) {
    const row: Conflict = {
      runId: run.runId,
      integration: id,
      type: kind,
      currentVersion: current,
      newVersion: integration.version,
      currentChecksum: await combine(storedSums),
      newChecksum: integration.checksum,
      resolution: run.forceReseed ? "force" : "blocked",
      resolvedAt: run.forceReseed ? Date.now() : null,
      detail: null,
    };
    await ctx.runMutation(internal.seeding.recordConflicts, { conflicts: [row] });
    if (row.resolution === "blocked") {
      return fail(conflictMessage(row), "failed");
    }
  }
  const force = run.forceReseed;
  if (same && !force) {
    run.counts.unchanged += 1;
    seededVersions.set(id, integration.version);
    return;
  }
  const ops = [];
  for (const { table, doc } of integration.docs) {
    const expected = held.get(`${table}\u0000${doc.naturalKey}`)?.checksum ?? null;
    if (expected !== doc.checksum || force) {
      ops.push({ kind: "upsert" as const, table, naturalKey: doc.naturalKey, expected, force, doc });
    }
  }
  const gone = stored
    .filter((s) => !wanted.has(`${s.table}\u0000${s.naturalKey}`))
    .sort((a, b) => (a.table === b.table ? cmp(a.naturalKey, b.naturalKey) : cmp(a.table, b.table)));
  for (const s of gone) {
    ops.push({ kind: "delete" as const, table: s.table, naturalKey: s.naturalKey, expected: s.checksum });
  }
  run.batches += 1;
  let outcomes: string[];
  try {
    const applied = await ctx.runMutation(internal.seeding.applyBatch, {
      runId: run.runId,
      batchId: `${run.runId}/${run.batches}`,
      ops,
      lock: { name: LOCK_NAME, holder: run.holder },
    });
    outcomes = applied.outcomes;
  } catch (error) {
    return fail(`its batch was refused: ${describe(error)}`, "failed");
  }
  ops.forEach((op, i) => {
    if (outcomes[i] === "created" && CREATED_FIELD[op.table] !== undefined) {
      run.result[CREATED_FIELD[op.table]!] += 1;
    }
    const row = run.documents.find((d) => d.table === op.table);
    if (row !== undefined && (outcomes[i] === "created" || outcomes[i] === "updated" || outcomes[i] === "deleted")) {
      row[outcomes[i] as "created" | "updated" | "deleted"] += 1;
    }
    if (outcomes[i] !== "unchanged") {
      run.counts.documentsWritten += 1;
    }
  });
  const action = current === null ? "created" : force ? "reseeded" : "updated";
  run.counts[action] += 1;
  seededVersions.set(id, integration.version);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Seed the run's integrations from `run.next` until the step's budget is spent; returns
 * whether integrations remain. Each integration is seeded whole or not at all, and the
 * versions seeded earlier in the run (by earlier steps too) gate their dependents.
 */
export async function seedStep(ctx: MutationCtx, env: EnvironmentBundle, run: Progress): Promise<boolean> {
  const byId = new Map(env.integrations.map((i) => [i.id, i]));
  const seededVersions = new Map(
    run.ids
      .slice(0, run.next)
      .filter((id) => !run.notSeeded.includes(id))
      .map((id) => [id, byId.get(id)!.version]),
  );
  let documents = 0;
  let bytes = 0;
  let integrations = 0;
  while (run.next < run.ids.length) {
    const integration = byId.get(run.ids[run.next])!;
    const size = integration.docs.reduce((sum, d) => sum + getConvexSize(d.doc), 0);
    const fits =
      documents + integration.docs.length <= STEP_LIMITS.documents &&
      bytes + size <= STEP_LIMITS.bytes &&
      integrations < STEP_LIMITS.integrations;
    if (integrations > 0 && !fits) {
      return true;
    }
    await seedOne(ctx, run, integration, seededVersions);
    documents += integration.docs.length;
    bytes += size;
    integrations += 1;
    run.next += 1;
  }
  return false;
}
