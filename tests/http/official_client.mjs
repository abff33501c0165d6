// The official npm `convex` ConvexHttpClient against `seeding-suite serve`: a client nobody on
// this project wrote. Prints one JSON object with what it saw; tests/http/test_official_client.py
// asserts on it.
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";

const url = process.argv[2];
const readState = makeFunctionReference("seeding:readState");
const applyBatch = makeFunctionReference("seeding:applyBatch");
const out = {};

const admin = new ConvexHttpClient(url);
admin.setAdminAuth(process.env.CONVEX_SELF_HOSTED_ADMIN_KEY);
const doc = {
  naturalKey: "npm", integration: "npm", checksum: "c1:sha256:aa", name: "Npm", version: "1.0.0",
  description: null, channel: "stable", environments: null, dependencies: [],
};
const op = { kind: "upsert", table: "integrations", naturalKey: "npm", expected: null, force: false, doc };
out.mutation = await admin.mutation(applyBatch, { runId: "npm", batchId: "npm/1", ops: [op] });
out.query = await admin.query(readState, { table: "integrations", after: null, limit: 10, includeFields: false });
try {
  const stale = { ...op, doc: { ...doc, checksum: "c1:sha256:bb" } };
  await admin.mutation(applyBatch, { runId: "npm", batchId: "npm/2", ops: [stale] });
} catch (error) {
  out.convexError = { name: error.constructor.name, data: error.data ?? null };
}
try {
  await new ConvexHttpClient(url).query(readState, { table: "integrations", after: null, limit: 1, includeFields: false });
} catch (error) {
  out.anonymous = String(error.message);
}
console.log(JSON.stringify(out));
