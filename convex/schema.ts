// Tables of the seeding contract. seeding_suite/remote.py documents them; the
// validators here are the exact types a real deployment enforces on every write.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

const nullableString = v.union(v.string(), v.null());

/** Fields every seeded document carries; `runId` is set by applyBatch, not sent in `doc`. */
export const docKeyFields = {
  naturalKey: v.string(),
  integration: v.string(),
  checksum: v.string(),
};

/** Payload fields of each seeded table, in remote.SEEDED_TABLES order. */
export const payloadFields = {
  integrations: {
    name: v.string(),
    version: v.string(),
    description: nullableString,
    channel: v.union(v.literal("stable"), v.literal("beta"), v.literal("experimental")),
    environments: v.union(v.array(v.string()), v.null()),
    dependencies: v.array(v.object({ id: v.string(), range: v.string() })),
  },
  connections: {
    key: v.string(),
    name: v.string(),
    auth: v.string(),
    fields: v.array(v.object({ name: v.string(), label: v.string(), secret: v.boolean() })),
  },
  actions: {
    key: v.string(),
    name: v.string(),
    description: nullableString,
    connection: nullableString,
    inputSchemaJson: nullableString,
    outputSchemaJson: nullableString,
  },
  triggers: {
    key: v.string(),
    name: v.string(),
    description: nullableString,
    kind: v.union(v.literal("webhook"), v.literal("polling")),
    connection: nullableString,
    outputSchemaJson: nullableString,
  },
  manifests: {
    version: v.string(),
    manifestJson: v.string(),
  },
  // Issue 16: one per integration and environment; `state` is live (not in the checksum).
  rollouts: {
    environment: v.string(),
    version: v.string(),
    stickiness: v.string(),
    group: v.string(),
    steps: v.array(v.number()),
    holdSeconds: v.number(),
    gates: v.union(v.object({ maxErrorRate: v.number(), minRequests: v.number() }), v.null()),
    variants: v.array(v.object({ name: v.string(), weight: v.number() })),
    state: v.object({
      status: v.union(
        v.literal("active"),
        v.literal("paused"),
        v.literal("completed"),
        v.literal("rolled_back"),
      ),
      step: v.number(),
      since: v.union(v.number(), v.null()),
      reason: nullableString,
    }),
  },
};

export type SeededTable = keyof typeof payloadFields;

export const outcome = v.union(
  v.literal("created"),
  v.literal("updated"),
  v.literal("deleted"),
  v.literal("unchanged"),
);

/** Documents a run wrote to one seeded table: the PRD's seeding_logs counts, per table. */
export const tableCounts = v.object({
  table: v.string(),
  created: v.number(),
  updated: v.number(),
  deleted: v.number(),
});

/** Something that went wrong in a run: an integration's failure, or the run's (null). */
export const runError = v.object({ integration: nullableString, message: v.string() });

export const runRecord = v.object({
  runId: v.string(),
  status: v.union(v.literal("running"), v.literal("succeeded"), v.literal("failed")),
  environment: v.string(),
  actor: v.string(),
  target: v.string(),
  startedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  harnessVersion: v.string(),
  catalogChecksum: v.string(),
  gitCommit: nullableString,
  counts: v.object({
    created: v.number(),
    updated: v.number(),
    unchanged: v.number(),
    reseeded: v.number(),
    skipped: v.number(),
    failed: v.number(),
    documentsWritten: v.number(),
    convexCalls: v.number(),
    // Integrations pruned; optional: run records written before it existed lack it.
    deleted: v.optional(v.number()),
  }),
  rollbackOf: v.optional(v.string()),
  rolledBackBy: v.optional(nullableString),
  reason: v.optional(nullableString),
  // Issue 18: the PRD's seeding_logs counts and errors; optional, older records lack them.
  documents: v.optional(v.array(tableCounts)),
  errors: v.optional(v.array(runError)),
  errorsOmitted: v.optional(v.number()),
});

/** What identifies a stored document's exact content: its checksum and the run that wrote it. */
export const stamp = v.object({ checksum: v.string(), runId: v.string() });

/** A document a run changed and what it was before (remote.py, "Ledger"). */
export const ledgerEntry = v.object({
  runId: v.string(),
  batchId: v.string(),
  seq: v.number(),
  table: v.string(),
  naturalKey: v.string(),
  integration: v.string(),
  before: nullableString,
  after: v.union(stamp, v.null()),
});

/** A lease: one holder per name until `expiresAt` (server time, ms). */
export const lease = v.object({
  name: v.string(),
  holder: v.string(),
  runId: v.string(),
  acquiredAt: v.number(),
  expiresAt: v.number(),
});

/**
 * A conflict a run met: a version conflict (issue 5: what the target held and what the run
 * brought), or (issue 18, the PRD's seeding_conflicts) a dependency the target cannot satisfy
 * or an id the catalog gives twice; `resolvedAt` is null while it blocks.
 */
export const conflict = v.object({
  runId: v.string(),
  integration: v.string(),
  type: v.union(
    v.literal("downgrade"),
    v.literal("same_version_changed"),
    v.literal("dependency"),
    v.literal("duplicate"),
  ),
  currentVersion: nullableString,
  newVersion: nullableString,
  currentChecksum: nullableString,
  newChecksum: nullableString,
  resolution: v.union(
    v.literal("blocked"),
    v.literal("allow_downgrade"),
    v.literal("force"),
    v.literal("skip"),
  ),
  resolvedAt: v.optional(v.union(v.number(), v.null())),
  detail: v.optional(nullableString),
});

/** Outcomes of one minute (`interval`, ms) of one variant (null: no variants) of a rollout. */
export const rolloutCounter = v.object({
  integration: v.string(),
  environment: v.string(),
  variant: nullableString,
  interval: v.number(),
  requests: v.number(),
  errors: v.number(),
});

/**
 * What the harness last saw of an integration's manifest in one environment (issue 18, the
 * PRD's integration_manifests status): every manifest, not only seeded ones, so the platform
 * can show why one is missing. Written by integrations/manifests.ts only when it changes.
 */
export const manifestStatus = v.object({
  environment: v.string(),
  integration: v.string(),
  file: v.string(),
  version: nullableString,
  checksum: nullableString,
  status: v.union(
    v.literal("discovered"),
    v.literal("validated"),
    v.literal("seeded"),
    v.literal("error"),
  ),
  reason: nullableString,
  runId: v.string(),
  updatedAt: v.number(),
});

/**
 * One workspace's use of one integration in one environment during one day (`interval`, ms,
 * UTC): written once per day at most (integrations/usage.ts). `slot` is
 * "<YYYY-MM-DD>/<integration>/<environment>/<workspace>": unique, and in day order.
 */
export const usageMark = v.object({
  workspace: v.string(),
  integration: v.string(),
  environment: v.string(),
  interval: v.number(),
  slot: v.string(),
});

/** All fields of a seeded table's documents. */
const seeded = <P extends object>(payload: P) => ({
  ...docKeyFields,
  runId: v.string(),
  ...payload,
});

export default defineSchema({
  integrations: defineTable(seeded(payloadFields.integrations))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  connections: defineTable(seeded(payloadFields.connections))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  actions: defineTable(seeded(payloadFields.actions))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  triggers: defineTable(seeded(payloadFields.triggers))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  manifests: defineTable(seeded(payloadFields.manifests))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  rollouts: defineTable(seeded(payloadFields.rollouts))
    .index("by_natural_key", ["naturalKey"])
    .index("by_integration", ["integration"]),
  rolloutCounters: defineTable(rolloutCounter).index("by_slot", [
    "integration",
    "environment",
    "interval",
    "variant",
  ]),
  integrationUsage: defineTable(usageMark).index("by_slot", ["slot"]),
  manifestStatuses: defineTable(manifestStatus).index("by_environment", [
    "environment",
    "integration",
  ]),
  seedingRuns: defineTable(runRecord)
    .index("by_run_id", ["runId"])
    .index("by_started_at", ["startedAt"]),
  seedingBatches: defineTable({
    batchId: v.string(),
    runId: v.string(),
    outcomes: v.array(outcome),
  }).index("by_batch_id", ["batchId"]),
  seedingConflicts: defineTable(conflict).index("by_integration", ["integration"]),
  seedingLedger: defineTable(ledgerEntry).index("by_run_seq", ["runId", "seq"]),
  seedingLocks: defineTable(lease).index("by_name", ["name"]),
});
