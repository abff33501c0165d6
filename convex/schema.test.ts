// convex/schema.ts and the Python fake's seeding schema (seeding_suite/targets/twin.py) must
// describe the same tables. tests/contract/schema.json is generated from the Python side
// (a pytest test keeps it current); this test compares Convex's own export of schema.ts with it.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import schema from "./schema";

type Table = { tableName: string; indexes: { indexDescriptor: string; fields: string[] }[]; documentType: unknown };

function normalize(exported: { schemaValidation: boolean; tables: Table[] }) {
  return {
    schemaValidation: exported.schemaValidation,
    tables: [...exported.tables]
      .map((t) => ({
        tableName: t.tableName,
        indexes: [...t.indexes]
          .map((i) => ({ indexDescriptor: i.indexDescriptor, fields: i.fields }))
          .sort((a, b) => a.indexDescriptor.localeCompare(b.indexDescriptor)),
        documentType: t.documentType,
      }))
      .sort((a, b) => a.tableName.localeCompare(b.tableName)),
  };
}

test("schema.ts matches the Python fake's seeding schema", () => {
  const python = JSON.parse(readFileSync(resolve(__dirname, "../tests/contract/schema.json"), "utf8"));
  // `export()` is what `npx convex deploy` sends to the backend; the public type hides it.
  const exported = (schema as unknown as { export(): string }).export();
  const typescript = JSON.parse(exported);
  expect(normalize(typescript)).toEqual(normalize(python));
});
