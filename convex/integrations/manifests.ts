// The manifest cache's status per environment (issue 18, the PRD's integration_manifests):
// what the harness last saw of every manifest, seeded or not, and why. seeding_suite/remote.py
// documents the contract ("Manifest statuses"); the Python twin
// (seeding_suite/targets/twin_manifests.py) keeps the same rules, tests/contract/vectors/ holds
// both to them.
import { v } from "convex/values";
import type { Doc } from "../_generated/dataModel";
import { internalMutation, internalQuery } from "../_generated/server";
import { checkLimit, checkMaxBytes, invalidOp, takeWithin } from "../seeding";
import { manifestStatus } from "../schema";

/** Statuses one call may write (each one read and at most one write). */
const MAX_STATUSES = 1000;
const nullableString = v.union(v.string(), v.null());
const seen = v.object({
  integration: v.string(),
  file: v.string(),
  version: nullableString,
  checksum: nullableString,
  status: manifestStatus.fields.status,
  reason: nullableString,
});
const COMPARED = ["file", "version", "checksum", "status", "reason"] as const;

/**
 * Records what a run saw of each manifest in `environment`; a status equal to the stored one
 * (file, version, checksum, status and reason) writes nothing, so `runId` and `updatedAt` say
 * when it last changed. `written` counts the rows inserted or replaced.
 */
export const recordManifestStatuses = internalMutation({
  args: { environment: v.string(), runId: v.string(), statuses: v.array(seen) },
  returns: v.object({ written: v.number() }),
  handler: async (ctx, { environment, runId, statuses }) => {
    if (environment === "") {
      throw invalidOp("environment must not be empty");
    }
    if (statuses.length > MAX_STATUSES) {
      throw invalidOp(`at most ${MAX_STATUSES} statuses per call, got ${statuses.length}`);
    }
    let written = 0;
    for (const status of statuses) {
      const row: Doc<"manifestStatuses"> | null = await ctx.db
        .query("manifestStatuses")
        .withIndex("by_environment", (q) =>
          q.eq("environment", environment).eq("integration", status.integration),
        )
        .unique();
      if (row !== null && COMPARED.every((field) => row[field] === status[field])) {
        continue;
      }
      const doc = { environment, ...status, runId, updatedAt: Date.now() };
      if (row === null) {
        await ctx.db.insert("manifestStatuses", doc);
      } else {
        await ctx.db.replace(row._id, doc);
      }
      written += 1;
    }
    return { written };
  },
});

/**
 * The statuses of `environment` by integration id, strictly after `after`, at most `limit`
 * and within `maxBytes` as `seeding:readState`; `next` is the last id when the page was cut.
 */
export const listManifestStatuses = internalQuery({
  args: {
    environment: v.string(),
    after: nullableString,
    limit: v.number(),
    maxBytes: v.optional(v.number()),
  },
  returns: v.object({ statuses: v.array(manifestStatus), next: nullableString }),
  handler: async (ctx, { environment, after, limit, maxBytes }) => {
    checkLimit(limit);
    const query = ctx.db
      .query("manifestStatuses")
      .withIndex("by_environment", (q) =>
        after === null
          ? q.eq("environment", environment)
          : q.eq("environment", environment).gt("integration", after),
      );
    const { rows, more } = await takeWithin(query, limit, checkMaxBytes(maxBytes));
    return {
      statuses: rows.map(({ _id, _creationTime, ...fields }) => fields),
      next: more ? rows[rows.length - 1].integration : null,
    };
  },
});
