// A bundle larger than one mutation may write (over Convex's 16,000 documents per transaction):
// init seeds it in steps, each a mutation within Convex's limits (convex-test enforces them),
// continued with ctx.scheduler.runAfter(0, ...), the run record tracking progress until done.
import { convexTest } from "convex-test";
import { afterEach, describe, expect, test, vi } from "vitest";
import { internal } from "../_generated/api";
import schema from "../schema";
import { modules } from "../test.setup";
import type { Bundle, BundledDoc } from "./bundle";
import { STEP_LIMITS } from "./seeder";

const INTEGRATIONS = 161;
/**
 * 100 documents per integration, spread over every seeded table: convex-test reads an index
 * range by scanning its whole table, so a bundle crammed into one table costs it quadratic time
 * (minutes) that a real deployment does not spend.
 */
const PER_TABLE = 20;
const DOCS_PER_INTEGRATION = 100;

vi.mock("./catalog.generated", () => {
  const sum = (n: number) => `c1:sha256:${n.toString(16).padStart(64, "0")}`;
  const pad = (n: number) => String(n).padStart(4, "0");
  let n = 0;
  const integrations = Array.from({ length: INTEGRATIONS }, (_, i) => {
    const id = `api-${pad(i)}`;
    const key = { integration: id };
    const many = <D,>(count: number, make: (k: number) => D) => Array.from({ length: count }, (_, k) => make(k));
    // Each depends on the one before it: the order and the gate carry across steps.
    const dependencies = i === 0 ? [] : [{ id: `api-${pad(i - 1)}`, range: "^1.0.0" }];
    const docs: BundledDoc[] = [
      {
        table: "integrations",
        doc: {
          ...key,
          naturalKey: id,
          checksum: sum(n++),
          name: id,
          version: "1.0.0",
          description: null,
          channel: "stable",
          environments: null,
          dependencies,
        },
      },
      ...many(DOCS_PER_INTEGRATION - 1 - 4 * PER_TABLE, (k) => ({
        table: "manifests" as const,
        doc: { ...key, naturalKey: k === 0 ? id : `${id}/part-${pad(k + 1)}`, checksum: sum(n++), version: "1.0.0", manifestJson: "{}" },
      })),
      ...many(PER_TABLE, (k) => ({
        table: "connections" as const,
        doc: { ...key, naturalKey: `${id}/conn-${k}`, checksum: sum(n++), key: `conn-${k}`, name: "Key", auth: "api_key", fields: [] },
      })),
      ...many(PER_TABLE, (k) => ({
        table: "actions" as const,
        doc: {
          ...key,
          naturalKey: `${id}/action-${k}`,
          checksum: sum(n++),
          key: `action-${k}`,
          name: `Action ${k}`,
          description: "x".repeat(200),
          connection: `conn-${k}`,
          inputSchemaJson: '{"type":"object"}',
          outputSchemaJson: null,
        },
      })),
      ...many(PER_TABLE, (k) => ({
        table: "triggers" as const,
        doc: {
          ...key,
          naturalKey: `${id}/trigger-${k}`,
          checksum: sum(n++),
          key: `trigger-${k}`,
          name: `Trigger ${k}`,
          description: null,
          kind: "webhook" as const,
          connection: null,
          outputSchemaJson: null,
        },
      })),
      ...many(PER_TABLE, (k) => ({
        table: "rollouts" as const,
        doc: {
          ...key,
          naturalKey: `${id}/rollout:env-${k}`,
          checksum: sum(n++),
          environment: `env-${k}`,
          version: "1.0.0",
          stickiness: "userId",
          group: id,
          steps: [100],
          holdSeconds: 0,
          gates: null,
          variants: [],
          state: { status: "active" as const, step: 0, since: null, reason: null },
        },
      })),
    ];
    return { id, version: "1.0.0", checksum: sum(1e9 + i), dependencies, docs };
  });
  const bundle: Bundle = {
    harnessVersion: "0.0.0-test",
    environments: {
      development: { strategy: "full", named: [], catalogChecksum: sum(0), integrations, leftOut: [] },
    },
  };
  return { default: bundle };
});

const DOCUMENTS = INTEGRATIONS * DOCS_PER_INTEGRATION;

afterEach(() => {
  vi.useRealTimers();
});

async function finish(t: ReturnType<typeof convexTest>) {
  await t.finishAllScheduledFunctions(vi.runAllTimers);
}

async function count(t: ReturnType<typeof convexTest>, table: "actions" | "integrations" | "seedingLedger") {
  return t.run(async (ctx) => {
    let n = 0;
    for await (const _ of ctx.db.query(table)) {
      n += 1;
    }
    return n;
  });
}

describe("integrations/init over a bundle larger than one mutation", () => {
  test(`it seeds ${DOCUMENTS} documents through scheduled continuations, and a re-run writes none`, async () => {
    expect(DOCUMENTS).toBeGreaterThan(16_000);
    vi.useFakeTimers();
    const t = convexTest({ schema, modules, transactionLimits: true });
    const first = await t.mutation(internal.integrations.init.default, {});
    // The first step stops at its budget; the run record says it is still running.
    const perStep = STEP_LIMITS.documents / DOCS_PER_INTEGRATION;
    expect(first.integrationNodesCreated).toBe(perStep);
    expect(first.actionsCreated).toBe(perStep * PER_TABLE);
    expect(first.connectionsCreated).toBe(perStep * PER_TABLE);
    let [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run).toMatchObject({ status: "running", finishedAt: null, counts: { created: perStep } });
    expect(await t.query(internal.seeding.getLock, { name: "seeding" })).toMatchObject({ runId: run.runId });

    await finish(t);
    [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    const steps = Math.ceil(INTEGRATIONS / perStep);
    expect(run).toMatchObject({
      status: "succeeded",
      counts: { created: INTEGRATIONS, skipped: 0, failed: 0, documentsWritten: DOCUMENTS, convexCalls: steps },
    });
    expect(await count(t, "integrations")).toBe(INTEGRATIONS);
    expect(await count(t, "actions")).toBe(INTEGRATIONS * PER_TABLE);
    expect(await count(t, "seedingLedger")).toBe(DOCUMENTS);
    expect(await t.query(internal.seeding.getLock, { name: "seeding" })).toBeNull();

    const again = await t.mutation(internal.integrations.init.default, {});
    await finish(t);
    expect(again).toMatchObject({ integrationNodesCreated: 0, actionsCreated: 0, errors: [] });
    [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run).toMatchObject({ status: "succeeded", counts: { unchanged: INTEGRATIONS, documentsWritten: 0 } });
    expect(await count(t, "seedingLedger")).toBe(DOCUMENTS);
  }, 300_000);

  test("a continuation whose lease was taken stops and records the run failed", async () => {
    vi.useFakeTimers();
    const t = convexTest({ schema, modules, transactionLimits: true });
    await t.mutation(internal.integrations.init.default, {});
    await t.run(async (ctx) => {
      const lease = (await ctx.db.query("seedingLocks").collect())[0];
      await ctx.db.patch(lease._id, { holder: "someone-else" });
    });
    await finish(t);
    const [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run.status).toBe("failed");
    expect(run.reason).toMatch(/lease was lost before step 2: someone-else holds it/);
    expect(await count(t, "integrations")).toBe(STEP_LIMITS.documents / DOCS_PER_INTEGRATION);
  }, 300_000);
});
