// `npx convex run integrations/init`: the PRD's seedIntegrations, seeding the catalog that passed
// its checks (catalog.generated.ts, written by `seeding-suite bundle`) through the seeding
// contract (convex/seeding.ts), as the Python seeder does. README: "Deploying convex/ into an
// existing Convex app".
import { ConvexError, v } from "convex/values";
import { internal } from "../_generated/api";
import { internalMutation, type MutationCtx } from "../_generated/server";
import type { Bundle } from "./bundle";
import catalog from "./catalog.generated";
import {
  combine,
  environmentOf,
  LEASE_TTL_MS,
  LOCK_NAME,
  newRunId,
  noDocuments,
  noteError,
  progress,
  resultOf,
  type Progress,
  runRecord,
  seedingResult,
  type SeedingResult,
  seedStep,
  selection,
} from "./seeder";

const bundle: Bundle = catalog;

/**
 * Seed one step, then record the run: finished, or running with a continuation scheduled
 * (`ctx.scheduler.runAfter(0, ...)`) that picks up where this step stopped.
 */
async function step(ctx: MutationCtx, run: Progress): Promise<SeedingResult> {
  run.counts.convexCalls += 1;
  const more = await seedStep(ctx, environmentOf(bundle, run.environment), run);
  const now = Date.now();
  run.result.duration = now - run.startedAt;
  const record = runRecord(run, bundle.harnessVersion, more ? null : now);
  await ctx.runMutation(internal.seeding.recordRun, { run: record });
  if (more) {
    await ctx.scheduler.runAfter(0, internal.integrations.init.continueSeeding, { run });
  } else {
    await ctx.runMutation(internal.seeding.releaseLock, { name: LOCK_NAME, holder: run.holder });
  }
  return resultOf(run);
}

export const seedIntegrations = internalMutation({
  args: {
    environment: v.optional(v.string()),
    forceReseed: v.optional(v.boolean()),
    integrationIds: v.optional(v.array(v.string())),
  },
  returns: seedingResult,
  handler: async (ctx, args) => {
    const environment = args.environment ?? process.env.SEEDING_ENV ?? "development";
    const env = environmentOf(bundle, environment);
    const { ids, errors } = selection(env, args.integrationIds);
    const startedAt = Date.now();
    const runId = newRunId(startedAt, Math.random);
    const holder = `integrations/init:${runId}`;
    const lease = await ctx.runMutation(internal.seeding.acquireLock, {
      name: LOCK_NAME,
      holder,
      runId,
      ttlMs: LEASE_TTL_MS,
    });
    if (!lease.acquired) {
      throw new ConvexError({
        code: "LOCK_NOT_HELD",
        message: `the target is being seeded by ${lease.holder} (run ${lease.runId}) until ${lease.expiresAt}`,
      });
    }
    const chosen = new Set(ids);
    const failedChecks = env.leftOut.filter((o) => o.failed);
    const run: Progress = {
      runId,
      holder,
      environment,
      forceReseed: args.forceReseed ?? false,
      ids,
      next: 0,
      batches: 0,
      startedAt,
      catalogChecksum: await combine(
        env.integrations.filter((i) => chosen.has(i.id)).map((i) => i.checksum),
      ),
      skippedElsewhere: env.leftOut.length + env.integrations.length - ids.length,
      notSeeded: [],
      counts: {
        created: 0,
        updated: 0,
        unchanged: 0,
        reseeded: 0,
        skipped: 0,
        failed: 0,
        deleted: 0,
        documentsWritten: 0,
        convexCalls: 0,
      },
      documents: noDocuments(),
      errors: [],
      result: {
        integrationNodesCreated: 0,
        actionsCreated: 0,
        triggersCreated: 0,
        connectionsCreated: 0,
        duration: 0,
      },
    };
    errors.forEach((message) => noteError(run, null, message));
    failedChecks.forEach((o) =>
      noteError(run, o.integration, `(${o.file}) left out of the bundle: ${o.reason}`),
    );
    await ctx.runMutation(internal.seeding.recordRun, {
      run: runRecord(run, bundle.harnessVersion, null),
    });
    return step(ctx, run);
  },
});

export default seedIntegrations;

/** A run's next step; it stops (recorded failed) if its lease was lost meanwhile. */
export const continueSeeding = internalMutation({
  args: { run: progress },
  returns: seedingResult,
  handler: async (ctx, { run }) => {
    const lease = await ctx.runMutation(internal.seeding.renewLock, {
      name: LOCK_NAME,
      holder: run.holder,
      ttlMs: LEASE_TTL_MS,
    });
    if (!lease.acquired) {
      const reason = `the lease was lost before step ${run.counts.convexCalls + 1}: ${lease.holder ?? "nobody"} holds it`;
      noteError(run, null, reason);
      const record = runRecord(run, bundle.harnessVersion, Date.now(), reason);
      await ctx.runMutation(internal.seeding.recordRun, { run: record });
      return resultOf(run);
    }
    return step(ctx, run);
  },
});
