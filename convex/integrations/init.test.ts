// `integrations/init` over the shipped catalog's bundle (catalog.generated.ts), in convex-test with
// Convex's transaction limits on: what it writes, what a second run writes (nothing), how
// integrationIds and environment select, and that it keeps the seeding contract (run record,
// ledger, lease) the Python seeder keeps.
import { convexTest } from "convex-test";
import { describe, expect, test } from "vitest";
import { internal } from "../_generated/api";
import schema from "../schema";
import { modules } from "../test.setup";
import type { Bundle } from "./bundle";
import generated from "./catalog.generated";

const catalog: Bundle = generated;

const TABLES = ["integrations", "connections", "actions", "triggers", "manifests", "rollouts"] as const;

function setup() {
  return convexTest({ schema, modules, transactionLimits: true });
}

type T = ReturnType<typeof setup>;

/** Every seeded document as `table key -> checksum`. */
async function held(t: T): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    for (const row of await t.run((ctx) => ctx.db.query(table).collect())) {
      out[`${table} ${row.naturalKey}`] = row.checksum;
    }
  }
  return out;
}

/** What the bundle says an environment holds after seeding `ids`. */
function expected(environment: string, ids: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const integration of catalog.environments[environment].integrations) {
    if (ids.includes(integration.id)) {
      for (const { table, doc } of integration.docs) {
        out[`${table} ${doc.naturalKey}`] = doc.checksum;
      }
    }
  }
  return out;
}

const ids = (environment: string) => catalog.environments[environment].integrations.map((i) => i.id);
const docsOf = (environment: string, table: string) =>
  catalog.environments[environment].integrations.flatMap((i) => i.docs).filter((d) => d.table === table)
    .length;

describe("integrations/init", () => {
  test("it seeds the shipped catalog's bundle, and a second run creates nothing", async () => {
    const t = setup();
    const first = await t.mutation(internal.integrations.init.default, {});
    expect(first).toMatchObject({
      integrationNodesCreated: ids("development").length,
      actionsCreated: docsOf("development", "actions"),
      triggersCreated: docsOf("development", "triggers"),
      connectionsCreated: docsOf("development", "connections"),
      errors: [],
    });
    expect(first.integrationNodesCreated).toBeGreaterThan(0);
    expect(await held(t)).toEqual(expected("development", ids("development")));

    const second = await t.mutation(internal.integrations.init.default, {});
    expect(second).toEqual({ ...first, integrationNodesCreated: 0, actionsCreated: 0, triggersCreated: 0, connectionsCreated: 0, duration: second.duration });
    const runs = await t.query(internal.seeding.listRuns, { limit: 10 });
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    const [again, firstRun] = runs;
    expect(again.counts).toMatchObject({ created: 0, updated: 0, documentsWritten: 0, unchanged: ids("development").length });
    expect(firstRun.counts.created).toBe(ids("development").length);
    expect(firstRun.catalogChecksum).toBe(catalog.environments.development.catalogChecksum);
    expect(firstRun.harnessVersion).toBe(catalog.harnessVersion);
    // The PRD's seeding_logs counts, per table, as the Python seeder records them.
    expect(firstRun.documents).toEqual(
      TABLES.map((table) => ({ table, created: docsOf("development", table), updated: 0, deleted: 0 })),
    );
    expect(again.documents).toEqual(TABLES.map((table) => ({ table, created: 0, updated: 0, deleted: 0 })));
    expect(firstRun.errors).toEqual([]);
    // Every write has its ledger row, as applyBatch keeps them; the second run wrote none.
    const ledger = await t.query(internal.seeding.readLedger, { runId: firstRun.runId, after: null, limit: 1000 });
    expect(ledger.entries.length).toBe(Object.keys(expected("development", ids("development"))).length);
    const none = await t.query(internal.seeding.readLedger, { runId: again.runId, after: null, limit: 1000 });
    expect(none.entries).toEqual([]);
    expect(await t.query(internal.seeding.getLock, { name: "seeding" })).toBeNull();
  });

  test("integrationIds seeds those and what they need, nothing else", async () => {
    const t = setup();
    const stripe = catalog.environments.development.integrations.find((i) => i.id === "stripe")!;
    const needed = ["stripe", ...stripe.dependencies.map((d) => d.id)].sort();
    expect(needed.length).toBeGreaterThan(1);
    await t.mutation(internal.integrations.init.default, { integrationIds: ["stripe"] });
    const nodes = await t.run((ctx) => ctx.db.query("integrations").collect());
    expect(nodes.map((n) => n.naturalKey).sort()).toEqual(needed);
    expect(await held(t)).toEqual(expected("development", needed));
  });

  test("environment selects that environment's policy set exactly", async () => {
    const t = setup();
    const production = catalog.environments.production;
    expect(production.strategy).toBe("selective");
    const result = await t.mutation(internal.integrations.init.default, { environment: "production" });
    const nodes = (await t.run((ctx) => ctx.db.query("integrations").collect())).map((n) => n.naturalKey);
    const named = production.named.filter((id) => ids("production").includes(id));
    expect(nodes.sort()).toEqual([...named].sort());
    expect(nodes).not.toContain("beta-slack");
    expect(await held(t)).toEqual(expected("production", named));
    expect(result.errors).toEqual([]);
    const [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run.environment).toBe("production");
  });

  test("forceReseed rewrites every document, under a new run", async () => {
    const t = setup();
    await t.mutation(internal.integrations.init.default, { integrationIds: ["http-core"] });
    await t.mutation(internal.integrations.init.default, { integrationIds: ["http-core"], forceReseed: true });
    const [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run.counts).toMatchObject({ reseeded: 1, created: 0 });
    expect(run.counts.documentsWritten).toBe(Object.keys(expected("development", ["http-core"])).length);
  });

  test("a version conflict blocks the integration and is recorded, as the Python seeder does", async () => {
    const t = setup();
    await t.mutation(internal.integrations.init.default, { integrationIds: ["http-core"] });
    await t.run(async (ctx) => {
      const node = (await ctx.db.query("integrations").collect())[0];
      await ctx.db.patch(node._id, { version: "99.0.0" });
    });
    const result = await t.mutation(internal.integrations.init.default, { integrationIds: ["http-core"] });
    expect(result.errors).toEqual([expect.stringMatching(/^http-core: version conflict: .*a downgrade/)]);
    const conflicts = await t.query(internal.seeding.listConflicts, { integration: "http-core", limit: 10 });
    expect(conflicts).toMatchObject([{ type: "downgrade", resolution: "blocked", currentVersion: "99.0.0" }]);
    const [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run.status).toBe("failed");
    expect(run.errors).toEqual([
      { integration: "http-core", message: expect.stringMatching(/^version conflict: .*a downgrade/) },
    ]);
    expect(conflicts[0].resolvedAt).toBeNull();
  });

  test("refusals: an unknown environment or id, an empty selection, a busy target", async () => {
    const t = setup();
    await expect(t.mutation(internal.integrations.init.default, { environment: "prod" })).rejects.toThrow(/unknown environment .{0,2}prod/);
    await expect(t.mutation(internal.integrations.init.default, { integrationIds: ["strip"] })).rejects.toThrow(/does not have: strip/);
    await expect(t.mutation(internal.integrations.init.default, { integrationIds: [] })).rejects.toThrow(/empty/);
    await t.mutation(internal.seeding.acquireLock, { name: "seeding", holder: "python", runId: "r", ttlMs: 60_000 });
    await expect(t.mutation(internal.integrations.init.default, {})).rejects.toThrow(/being seeded by python/);
    expect(await t.run((ctx) => ctx.db.query("integrations").collect())).toEqual([]);
    expect(await t.query(internal.seeding.listRuns, { limit: 10 })).toEqual([]);
  });
});
