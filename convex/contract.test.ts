// Runs every shared contract vector (tests/contract/vectors/*.json) against convex/seeding.ts in
// convex-test with Convex's transaction limits on. The Python twin runs the same files;
// tests/contract/README.md is the format's documentation.
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import schema from "./schema";
import * as manifests from "./integrations/manifests";
import * as rollout from "./integrations/rollout";
import * as seeding from "./seeding";
import * as usage from "./integrations/usage";
import { modules } from "./test.setup";

type Row = Record<string, unknown>;
type ErrorExpectation = { data: unknown } | { code: string } | { convexError: false };
type Expectation = { value: unknown } | { error: ErrorExpectation };
interface Step {
  note?: string;
  now?: number;
  function: string;
  args: Row;
  expect: Expectation;
}
interface Vector {
  name: string;
  description: string;
  steps: Step[];
  expectTables: Record<string, Row[]>;
}
type Outcome = { value: unknown } | { error: unknown };

const files = import.meta.glob<Vector>("../tests/contract/vectors/*.json", {
  eager: true,
  import: "default",
});
const KEY_FIELDS: Record<string, string[]> = {
  seedingRuns: ["runId"],
  seedingBatches: ["batchId"],
  seedingConflicts: ["runId", "integration"],
  seedingLedger: ["runId", "seq"],
  seedingLocks: ["name"],
  rolloutCounters: ["integration", "environment", "interval", "variant"],
  integrationUsage: ["slot"],
  manifestStatuses: ["environment", "integration"],
};
/** The contract's modules by path, as `npx convex deploy` names their functions. */
const MODULES: Record<string, Record<string, unknown>> = {
  seeding,
  "integrations/manifests": manifests,
  "integrations/rollout": rollout,
  "integrations/usage": usage,
};
/** Every vector starts at this server time; a step's `now` moves it (tests/contract/README.md). */
const START_MS = 1_767_225_600_000;
const CONVEX_ERROR = Symbol.for("ConvexError");

/** A vector with a misspelt key must fail loudly, not silently check less. */
function checkFormat(vector: Vector, stem: string): void {
  expect(Object.keys(vector).sort()).toEqual(["description", "expectTables", "name", "steps"]);
  expect(vector.name).toBe(stem);
  expect(vector.steps.length).toBeGreaterThan(0);
  for (const step of vector.steps) {
    const keys = Object.keys(step).filter((key) => key !== "note" && key !== "now");
    expect(keys.sort()).toEqual(["args", "expect", "function"]);
    const expectation = Object.keys(step.expect);
    expect(expectation.length === 1 && ["value", "error"].includes(expectation[0])).toBe(true);
    if ("error" in step.expect) {
      const kind = Object.entries(step.expect.error);
      expect(kind.length).toBe(1);
      expect(["data", "code", "convexError"]).toContain(kind[0][0]);
      expect(kind[0][0] !== "convexError" || kind[0][1] === false).toBe(true);
    }
  }
}

async function call(t: ReturnType<typeof convexTest>, step: Step): Promise<Outcome> {
  const [module, name] = step.function.split(":");
  expect(Object.keys(MODULES)).toContain(module);
  const registered = MODULES[module][name] as { isQuery?: boolean; isMutation?: boolean };
  expect(registered?.isQuery || registered?.isMutation).toBe(true);
  try {
    const value = registered.isQuery
      ? await t.query(makeFunctionReference<"query">(step.function), step.args)
      : await t.mutation(makeFunctionReference<"mutation">(step.function), step.args);
    return { value };
  } catch (error) {
    return { error };
  }
}

function checkOutcome(outcome: Outcome, expected: Expectation, where: string): void {
  if ("value" in expected) {
    expect(outcome, where).toStrictEqual({ value: expected.value });
    return;
  }
  expect(outcome, `${where}: expected an error`).toHaveProperty("error");
  const error = (outcome as { error: { data?: { code?: unknown } } }).error;
  const isConvexError = typeof error === "object" && error !== null && CONVEX_ERROR in error;
  const wanted = expected.error;
  const wantConvexError = !("convexError" in wanted);
  expect(isConvexError, `${where}: ConvexError? (${String(error)})`).toBe(wantConvexError);
  if ("data" in wanted) {
    expect(error.data, where).toStrictEqual(wanted.data);
  } else if ("code" in wanted) {
    expect(error.data?.code, where).toBe(wanted.code);
  }
}

async function tableRows(t: ReturnType<typeof convexTest>, table: string): Promise<Row[]> {
  const docs: Row[] = await t.run((ctx) => ctx.db.query(table as "seedingRuns").collect());
  const keys = KEY_FIELDS[table] ?? ["naturalKey"];
  const rows = docs.map(({ _id, _creationTime, ...fields }) => fields);
  const compare = (a: Row, b: Row): number => {
    for (const key of keys) {
      const [x, y] = [a[key] as string | number | null, b[key] as string | number | null];
      if (x !== y) {
        // null first, as Convex orders values (tests/contract/README.md)
        return x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      }
    }
    return 0;
  };
  return rows.sort(compare);
}

test("the vector directory holds vectors", () => {
  expect(Object.keys(files).length).toBeGreaterThan(0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("contract vector", () => {
  for (const [path, vector] of Object.entries(files)) {
    const stem = path.replace(/^.*\//, "").replace(/\.json$/, "");
    test(stem, async () => {
      checkFormat(vector, stem);
      const t = convexTest({ schema, modules, transactionLimits: true });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(START_MS);
      for (const [index, step] of vector.steps.entries()) {
        if (step.now !== undefined) {
          vi.setSystemTime(step.now);
        }
        const where = `step ${index} (${step.function})${step.note ? ` ${step.note}` : ""}`;
        checkOutcome(await call(t, step), step.expect, where);
      }
      for (const [table, rows] of Object.entries(vector.expectTables)) {
        expect(await tableRows(t, table), `table ${table}`).toStrictEqual(rows);
      }
    });
  }
});
