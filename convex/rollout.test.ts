// convex/integrations/rollout.ts beyond the shared vectors: the helper form of
// evaluateIntegration inside a platform function's own transaction (no warning, same answer as
// the internal query), and outcome counters that stay bounded: one document per minute and
// variant however many requests, never a write per request to one hot document for the life
// of a rollout.
import { convexTest } from "convex-test";
import { afterEach, describe, expect, test, vi } from "vitest";
import { internal } from "./_generated/api";
import { evaluateIntegration, INTERVAL_MS } from "./integrations/rollout";
import schema from "./schema";
import { modules } from "./test.setup";

const START_MS = 1_767_225_600_000;

function rolloutDoc(step: number, status: "active" | "rolled_back" = "active") {
  return {
    naturalKey: "stripe/rollout:production",
    integration: "stripe",
    checksum: "c1:sha256:00",
    runId: "run-1",
    environment: "production",
    version: "1.0.0",
    stickiness: "workspaceId",
    group: "stripe",
    steps: [5, 25, 50, 100],
    holdSeconds: 3600,
    gates: { maxErrorRate: 0.02, minRequests: 200 },
    variants: [
      { name: "control", weight: 500 },
      { name: "new-flow", weight: 500 },
    ],
    state: { status, step, since: null, reason: null },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("evaluateIntegration", () => {
  test("the helper answers inside the caller's transaction as the internal query does", async () => {
    const t = convexTest({ schema, modules, transactionLimits: true });
    await t.run((ctx) => ctx.db.insert("rollouts", rolloutDoc(2)));
    const warn = vi.spyOn(console, "warn");
    const workspaces = Array.from({ length: 200 }, (_, n) => `ws-${n}`);
    const fromHelper = await t.run(async (ctx) =>
      Promise.all(
        workspaces.map((subject) =>
          evaluateIntegration(ctx, { integration: "stripe", subject, environment: "production" }),
        ),
      ),
    );
    expect(warn).not.toHaveBeenCalled();
    for (const [n, subject] of workspaces.entries()) {
      const fromQuery = await t.query(internal.integrations.rollout.evaluateIntegration, {
        integration: "stripe",
        subject,
        environment: "production",
      });
      expect(fromQuery).toStrictEqual(fromHelper[n]);
    }
    const enabled = fromHelper.filter((answer) => answer.enabled);
    expect(enabled.length).toBeGreaterThan(60); // 50% of 200, give or take
    expect(enabled.length).toBeLessThan(140);
    expect(new Set(enabled.map((answer) => answer.variant))).toEqual(new Set(["control", "new-flow"]));
    expect(fromHelper.every((answer) => answer.reason === "SPLIT")).toBe(true);
  });

  test("a rolled-back rollout is off for everyone; no rollout is DEFAULT", async () => {
    const t = convexTest({ schema, modules });
    await t.run((ctx) => ctx.db.insert("rollouts", rolloutDoc(3, "rolled_back")));
    const ask = (environment: string) =>
      t.query(internal.integrations.rollout.evaluateIntegration, {
        integration: "stripe",
        subject: "ws-1",
        environment,
      });
    expect(await ask("production")).toStrictEqual({
      enabled: false,
      variant: null,
      reason: "DISABLED",
    });
    expect(await ask("staging")).toStrictEqual({ enabled: false, variant: null, reason: "DEFAULT" });
  });
});

describe("recordIntegrationOutcome", () => {
  test("counters stay one document per minute and variant, whatever the traffic", async () => {
    const t = convexTest({ schema, modules, transactionLimits: true });
    vi.useFakeTimers({ toFake: ["Date"] });
    for (let minute = 0; minute < 3; minute++) {
      for (let n = 0; n < 40; n++) {
        vi.setSystemTime(START_MS + minute * INTERVAL_MS + n * 1000);
        await t.mutation(internal.integrations.rollout.recordIntegrationOutcome, {
          integration: "stripe",
          environment: "production",
          variant: n % 2 === 0 ? "control" : "new-flow",
          ok: n % 10 !== 0,
        });
      }
    }
    const counters = await t.run((ctx) => ctx.db.query("rolloutCounters").collect());
    expect(counters.length).toBe(6); // 3 minutes x 2 variants, for 120 requests
    const window = await t.query(internal.integrations.rollout.rolloutWindow, {
      integration: "stripe",
      environment: "production",
      since: START_MS + INTERVAL_MS + 5,
    });
    expect(window).toStrictEqual({
      since: START_MS + INTERVAL_MS,
      variants: [
        { variant: "control", requests: 40, errors: 8 },
        { variant: "new-flow", requests: 40, errors: 0 },
      ],
      truncated: false,
    });
  });
});
