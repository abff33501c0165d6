// The gate of init's seeder (seeding_suite/engine/gating.py's rules): an integration whose
// dependency is neither seeded in this run nor present in the target at a version its range
// accepts is skipped with the reason, never written; one whose dependency failed in this run too.
import { convexTest } from "convex-test";
import { describe, expect, test } from "vitest";
import { internal } from "../_generated/api";
import schema from "../schema";
import { modules } from "../test.setup";
import type { BundledIntegration, EnvironmentBundle } from "./bundle";
import { LOCK_NAME, noDocuments, type Progress, seedStep, selection } from "./seeder";

function node(id: string, version: string, dependencies: { id: string; range: string }[]): BundledIntegration {
  const doc = {
    naturalKey: id,
    integration: id,
    checksum: `c1:sha256:${id}-${version}`,
    name: id,
    version,
    description: null,
    channel: "stable" as const,
    environments: null,
    dependencies,
  };
  return { id, version, checksum: doc.checksum, dependencies, docs: [{ table: "integrations", doc }] };
}

const app = node("app", "1.0.0", [{ id: "core", range: "^1.0.0" }]);

function run(ids: string[]): Progress {
  return {
    runId: "run-1",
    holder: "test",
    environment: "development",
    forceReseed: false,
    ids,
    next: 0,
    batches: 0,
    startedAt: 0,
    catalogChecksum: "c",
    skippedElsewhere: 0,
    notSeeded: [],
    counts: { created: 0, updated: 0, unchanged: 0, reseeded: 0, skipped: 0, failed: 0, documentsWritten: 0, convexCalls: 0 },
    documents: noDocuments(),
    errors: [],
    result: { integrationNodesCreated: 0, actionsCreated: 0, triggersCreated: 0, connectionsCreated: 0, duration: 0 },
  };
}

async function seed(held: BundledIntegration[], integrations: BundledIntegration[]) {
  const t = convexTest({ schema, modules });
  await t.mutation(internal.seeding.acquireLock, { name: LOCK_NAME, holder: "test", runId: "run-1", ttlMs: 60_000 });
  if (held.length > 0) {
    const ops = held.map((i) => ({ kind: "upsert" as const, table: "integrations", naturalKey: i.id, expected: null, force: false, doc: i.docs[0].doc }));
    await t.mutation(internal.seeding.applyBatch, { runId: "earlier", batchId: "earlier/1", ops });
  }
  const env: EnvironmentBundle = { strategy: "full", named: [], catalogChecksum: "c", integrations, leftOut: [] };
  const progress = run(integrations.map((i) => i.id));
  await t.run((ctx) => seedStep(ctx, env, progress));
  const stored = await t.run((ctx) => ctx.db.query("integrations").collect());
  const conflicts = await t.query(internal.seeding.listConflicts, { integration: null, limit: 10 });
  return { progress, stored: stored.map((s) => `${s.naturalKey}@${s.version}`).sort(), conflicts };
}

describe("init's gate on dependencies", () => {
  test("a dependency neither in the run nor in the target holds the integration back", async () => {
    const { progress, stored, conflicts } = await seed([], [app]);
    expect(stored).toEqual([]);
    expect(progress.counts).toMatchObject({ skipped: 1, created: 0 });
    expect(progress.notSeeded).toEqual(["app"]);
    // Recorded as the Python seeder records it (engine/conflicts.py dependency_conflict).
    expect(conflicts).toMatchObject([
      {
        integration: "app",
        type: "dependency",
        resolution: "skip",
        currentVersion: null,
        newVersion: "1.0.0",
        currentChecksum: null,
        detail: "dependency core is not seeded in this run and not present in the target",
      },
    ]);
    expect(typeof conflicts[0].resolvedAt).toBe("number");
  });

  test("a dependency in the target outside the range holds it back; inside, it seeds", async () => {
    expect((await seed([node("core", "2.0.0", [])], [app])).stored).toEqual(["core@2.0.0"]);
    const inside = await seed([node("core", "1.5.0", [])], [app]);
    expect(inside.stored).toEqual(["app@1.0.0", "core@1.5.0"]);
    expect(inside.progress.counts).toMatchObject({ created: 1, skipped: 0 });
  });

  test("a dependency seeded in this run at a version outside the range holds it back", async () => {
    const { stored, progress } = await seed([], [node("core", "2.0.0", []), app]);
    expect(stored).toEqual(["core@2.0.0"]);
    expect(progress.counts).toMatchObject({ created: 1, skipped: 1 });
  });

  test("a dependency that failed in this run holds its dependents back", async () => {
    // core is held at a newer version: seeding 1.0.0 is a downgrade, blocked.
    const { stored, progress } = await seed([node("core", "3.0.0", [])], [node("core", "1.0.0", []), app]);
    expect(stored).toEqual(["core@3.0.0"]);
    expect(progress.counts).toMatchObject({ failed: 1, skipped: 1, created: 0 });
    expect(progress.errors).toEqual([{ integration: "core", message: expect.stringMatching(/^version conflict/) }]);
  });
});

describe("what a run seeds", () => {
  const core = node("core", "1.0.0", []);
  const env = (strategy: EnvironmentBundle["strategy"]): EnvironmentBundle => ({
    strategy,
    named: ["app", "absent"],
    catalogChecksum: "c",
    integrations: [core, app, node("other", "1.0.0", [])],
    leftOut: [{ integration: "beta", file: "manifests/beta.yaml", reason: "blocked in x by 'beta*'", failed: false }],
  });

  test("a selective strategy seeds its named ones only; others their whole set", () => {
    expect(selection(env("selective"), undefined)).toEqual({ ids: ["app"], errors: [] });
    expect(selection(env("full"), undefined).ids).toEqual(["core", "app", "other"]);
  });

  test("integrationIds bring their dependencies, in dependency order", () => {
    expect(selection(env("selective"), ["app"]).ids).toEqual(["core", "app"]);
  });

  test("an id the environment leaves out is an error line; an unknown one a refusal", () => {
    expect(selection(env("full"), ["beta", "other"])).toEqual({
      ids: ["other"],
      errors: ["beta: not seeded in this environment: blocked in x by 'beta*'"],
    });
    expect(() => selection(env("full"), ["nope"])).toThrow(/does not have: nope/);
  });
});
