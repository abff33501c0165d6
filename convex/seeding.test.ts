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

/** Every page of a paged read, following `next` until it is null. */
async function allPages<P extends { next: unknown }>(read: (after: P["next"] | null) => Promise<P>) {
  const pages: P[] = [];
  let after: P["next"] | null = null;
  do {
    const page = await read(after);
    pages.push(page);
    after = page.next;
  } while (after !== null);
  return pages;
}

describe("paged reads under Convex's transaction limits", () => {
  test("readState stops at its byte budget: a table of 18 MiB reads page by page", async () => {
    const { t, apply } = setup(true);
    await apply("a", creates(9, "a", MIB - 1000));
    await apply("b", creates(9, "b", MIB - 1000));
    for (const includeFields of [false, true]) {
      const pages = await allPages((after: string | null) =>
        t.query(internal.seeding.readState, { table: "manifests", after, limit: 1000, includeFields }),
      );
      const keys = pages.flatMap((page) => page.docs.map((doc) => doc.naturalKey));
      expect(keys).toEqual([...creates(9, "a"), ...creates(9, "b")].map((op) => op.naturalKey));
      expect(Math.max(...pages.map((page) => page.docs.length))).toBe(9);
    }
  });

  test("readState never ends a page between two documents of one natural key", async () => {
    const { t, apply } = setup(true);
    await apply("a", creates(3, "a"));
    // A second document for a001, as a store written by two seeders at once may hold.
    await t.run(async (ctx) => {
      const [first] = await ctx.db
        .query("manifests")
        .withIndex("by_natural_key", (q) => q.eq("naturalKey", "a001"))
        .collect();
      const { _id, _creationTime, ...fields } = first;
      await ctx.db.insert("manifests", fields);
    });
    const pages = await allPages((after: string | null) =>
      t.query(internal.seeding.readState, { table: "manifests", after, limit: 2, includeFields: false }),
    );
    const keys = pages.flatMap((page) => page.docs.map((doc) => doc.naturalKey));
    expect(keys).toEqual(["a000", "a001", "a001", "a002"]);
    expect(pages[0].docs.length).toBe(3);
  });

  test("readLedger stops at its byte budget: pre-images of 18 MiB read page by page", async () => {
    const { t, apply } = setup(true);
    await apply("a", creates(9, "a", MIB - 1000));
    await apply("b", creates(9, "b", MIB - 1000));
    const replace = creates(18, "a").map((op, index) => {
      const naturalKey = index < 9 ? op.naturalKey : `b${String(index - 9).padStart(3, "0")}`;
      const doc = { ...op.doc, naturalKey, integration: naturalKey, checksum: "c1:sha256:01" };
      return { ...op, naturalKey, doc, expected: "c1:sha256:00" };
    });
    for (let start = 0; start < 18; start += 6) {
      const ops = replace.slice(start, start + 6);
      await t.mutation(internal.seeding.applyBatch, { runId: "run-2", batchId: `r${start}`, ops });
    }
    const pages = await allPages((after: number | null) =>
      t.query(internal.seeding.readLedger, { runId: "run-2", after, limit: 1000 }),
    );
    expect(pages.flatMap((page) => page.entries.map((entry) => entry.seq))).toEqual(
      Array.from({ length: 18 }, (_, seq) => seq),
    );
    expect(Math.max(...pages.map((page) => page.entries.length))).toBe(9);
  });
});
