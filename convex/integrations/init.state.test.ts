// One state, two seeders (the TypeScript half; tests/native/test_one_state.py is the Python
// half). The shared vector tests/native/vectors/shipped-catalog.json holds what the Python
// seeder writes for the shipped catalog: every document (all user fields but runId) and
// `seeding-suite state --json`'s rows. init must write exactly that, and write nothing over it.
// With SEEDING_INIT_STATE=FILE, what this file read after init is written to FILE for the
// Python test to compare with `state --json` through `seeding-suite serve`.
import { writeFileSync } from "node:fs";
import { convexTest } from "convex-test";
import { afterAll, describe, expect, test } from "vitest";
import { internal } from "../_generated/api";
import schema from "../schema";
import { modules } from "../test.setup";
import { combine } from "./seeder";

interface Doc {
  table: string;
  runId: string;
  fields: Record<string, unknown>;
}
interface Row {
  integration: string;
  version: string;
  checksum: string;
  runId: string;
  documents: number;
  duplicateKeys: number;
}
type Vector = Record<string, { documents: { table: string; fields: Record<string, unknown> }[]; state: Row[] }>;

const vectors = import.meta.glob<Vector>("../../tests/native/vectors/shipped-catalog.json", {
  eager: true,
  import: "default",
});
const vector = Object.values(vectors)[0];
/** remote.SEEDED_TABLES order: the order `seeding-suite state` reads them in. */
const TABLES = ["integrations", "connections", "actions", "triggers", "manifests", "rollouts"] as const;
const ENVIRONMENTS = ["development", "production"];
/** Every table's rows (no system fields): what `seeding-suite runs` and `rollback` read. */
const ALL_TABLES = [...TABLES, "seedingRuns", "seedingBatches", "seedingLedger", "seedingLocks", "seedingConflicts"] as const;
const read: Record<string, { documents: Doc[]; state: Row[]; tables: Record<string, unknown[]> }> = {};

function setup() {
  return convexTest({ schema, modules, transactionLimits: true });
}

/** Every seeded document through seeding:readState, as the Python seeder reads a target. */
async function documents(t: ReturnType<typeof setup>): Promise<Doc[]> {
  const found: Doc[] = [];
  for (const table of TABLES) {
    let after: string | null = null;
    do {
      const page: { docs: object[]; next: string | null } = await t.query(internal.seeding.readState, { table, after, limit: 1000, includeFields: true });
      for (const doc of page.docs) {
        const { runId, ...fields } = (doc as { fields: Record<string, unknown> }).fields;
        found.push({ table, runId: runId as string, fields });
      }
      after = page.next;
    } while (after !== null);
  }
  return found;
}

/** `seeding-suite state --json`'s rows (engine/inventory.py) from those documents. */
async function state(docs: Doc[]): Promise<Row[]> {
  const ids = [...new Set(docs.map((d) => d.fields.integration as string))].sort();
  return Promise.all(
    ids.map(async (integration) => {
      const own = docs.filter((d) => d.fields.integration === integration);
      const node = own.find((d) => d.table === "integrations");
      return {
        integration,
        version: (node?.fields.version as string | undefined) ?? "",
        checksum: await combine(own.map((d) => d.fields.checksum as string)),
        runId: own.map((d) => d.runId).sort().at(-1)!,
        documents: own.length,
        duplicateKeys: 0,
      };
    }),
  );
}

afterAll(() => {
  const out = process.env.SEEDING_INIT_STATE;
  if (out) {
    writeFileSync(out, JSON.stringify(read, null, 1));
  }
});

describe.each(ENVIRONMENTS)("init and the Python seeder in %s", (environment) => {
  test("init writes the documents and state the Python seeder writes", async () => {
    const t = setup();
    await t.mutation(internal.integrations.init.default, { environment });
    const docs = await documents(t);
    const rows = await state(docs);
    expect(new Set(docs.map((d) => d.runId)).size).toBe(1);
    expect({
      documents: docs.map(({ table, fields }) => ({ table, fields })),
      state: rows.map((row) => ({ ...row, runId: "<run>" })),
    }).toEqual(vector[environment]);
    const tables: Record<string, unknown[]> = {};
    for (const table of ALL_TABLES) {
      const stored = await t.run((ctx) => ctx.db.query(table).collect());
      tables[table] = stored.map(({ _id, _creationTime, ...fields }) => fields);
    }
    read[environment] = { documents: docs, state: rows, tables };
  });

  test("init after the Python seeder writes nothing", async () => {
    const t = setup();
    // The vector's documents, written through applyBatch as the Python seeder wrote them.
    await t.mutation(internal.seeding.applyBatch, {
      runId: "python-run",
      batchId: "python-run/1",
      ops: vector[environment].documents.map(({ table, fields }) => ({
        kind: "upsert" as const,
        table,
        naturalKey: fields.naturalKey as string,
        expected: null,
        force: false,
        doc: fields as never,
      })),
    });
    const result = await t.mutation(internal.integrations.init.default, { environment });
    expect(result).toMatchObject({ integrationNodesCreated: 0, actionsCreated: 0, triggersCreated: 0, connectionsCreated: 0, errors: [] });
    const [run] = await t.query(internal.seeding.listRuns, { limit: 1 });
    expect(run.counts).toMatchObject({ documentsWritten: 0, created: 0, updated: 0, unchanged: vector[environment].state.length });
    const ledger = await t.query(internal.seeding.readLedger, { runId: run.runId, after: null, limit: 1000 });
    expect(ledger.entries).toEqual([]);
    expect(new Set((await documents(t)).map((d) => d.runId))).toEqual(new Set(["python-run"]));
  });
});
