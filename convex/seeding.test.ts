// Behaviour of convex/seeding.ts that the JSON contract vectors cannot express: what a batch
// costs against Convex's per-transaction limits (enforced by convex-test's transactionLimits),
// and that breaking a limit rolls the whole batch back.
import { convexTest } from "convex-test";
import { describe, expect, test } from "vitest";
import { internal } from "./_generated/api";
import schema from "./schema";
import { modules } from "./test.setup";

/** Upserts creating manifests `<prefix>000`, `<prefix>001`, ... with `size`-char manifestJson. */
function creates(count: number, prefix = "m", size = 2) {
  return Array.from({ length: count }, (_, index) => {
    const naturalKey = `${prefix}${String(index).padStart(3, "0")}`;
    const doc = {
      naturalKey,
      integration: naturalKey,
      checksum: "c1:sha256:00",
      version: "1",
      manifestJson: "x".repeat(size),
    };
    const op = { table: "manifests", naturalKey, expected: null, force: false, doc };
    return { kind: "upsert" as const, ...op };
  });
}

function setup(transactionLimits: true | Record<string, number>) {
  const t = convexTest({ schema, modules, transactionLimits });
  const apply = (batchId: string, ops: ReturnType<typeof creates>) =>
    t.mutation(internal.seeding.applyBatch, { runId: "run-1", batchId, ops });
  const count = async (table: "manifests" | "seedingBatches") =>
    (await t.run((ctx) => ctx.db.query(table).collect())).length;
  return { t, apply, count };
}

const MIB = 1 << 20;

describe("applyBatch under Convex's transaction limits", () => {
  test("it costs one index range per op plus the replay check and the ledger's last entry", async () => {
    const { apply, count } = setup({ databaseQueries: 12 });
    await expect(apply("fits", creates(10))).resolves.toMatchObject({ replayed: false });
    await expect(apply("too-many", creates(11, "n"))).rejects.toThrow(/index ranges/);
    expect(await count("manifests")).toBe(10);
    expect(await count("seedingBatches")).toBe(1);
  });

  test("it writes two documents per changed op (document and ledger row) plus the batch record", async () => {
    const { apply, count } = setup({ documentsWritten: 19 });
    await expect(apply("fits", creates(9))).resolves.toMatchObject({ replayed: false });
    await expect(apply("too-many", creates(10, "n"))).rejects.toThrow(/too many documents/);
    expect(await count("manifests")).toBe(9);
    expect(await count("seedingBatches")).toBe(1);
  });

  test("it rolls the whole batch back when it writes more than 16 MiB", async () => {
    const { apply, count } = setup(true);
    await expect(apply("fits", creates(15, "a", MIB - 1000))).resolves.toBeTruthy();
    await expect(apply("too-big", creates(17, "b", MIB - 1000))).rejects.toThrow(/too much data/);
    expect(await count("manifests")).toBe(15);
    expect(await count("seedingBatches")).toBe(1);
  });
});

describe("readState under Convex's transaction limits", () => {
  test("it fails when one page's documents exceed 16 MiB, even without includeFields", async () => {
    const { t, apply } = setup(true);
    await apply("a", creates(9, "a", MIB - 1000));
    await apply("b", creates(9, "b", MIB - 1000));
    const args = { table: "manifests", after: null, includeFields: false };
    const read = (limit: number) => t.query(internal.seeding.readState, { ...args, limit });
    await expect(read(15)).resolves.toMatchObject({ next: "b005" });
    await expect(read(18)).rejects.toThrow(/too much data/);
  });
});
