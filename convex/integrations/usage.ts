// Usage analytics (issue 17): which integrations each workspace of the platform uses, per
// environment and day. seeding_suite/remote.py documents the contract ("Usage"); the Python
// twin (seeding_suite/targets/twin_usage.py) keeps the same rules and tests/contract/vectors/
// holds both to them; seeding_suite/usage reads the figures.
import { v } from "convex/values";
import { internalMutation, internalQuery } from "../_generated/server";
import { checkLimit, checkMaxBytes, invalidOp, takeWithin } from "../seeding";

/** Uses are marked per day (server time, UTC): one document per workspace, integration,
 * environment and day, written by the first use of the day and never again that day, so a busy
 * workspace costs one write a day per integration, not one per request. */
export const INTERVAL_MS = 86_400_000;
/** The last millisecond of the year 9999: days beyond it have no "YYYY-MM-DD" name. */
const MAX_SINCE_MS = 253_402_300_799_999;

/** "YYYY-MM-DD" of the day holding `ms` (UTC). */
function dayOf(ms: number): string {
  return new Date(Math.floor(ms / INTERVAL_MS) * INTERVAL_MS).toISOString().slice(0, 10);
}

/** The slot names its parts with "/": the integration and environment must not hold one. */
function checkNames(workspace: string, integration: string, environment: string): void {
  if (workspace === "" || integration === "" || environment === "") {
    throw invalidOp("workspace, integration and environment must not be empty");
  }
  if (integration.includes("/") || environment.includes("/")) {
    throw invalidOp("integration and environment must not contain '/'");
  }
}

/**
 * Marks that `workspace` used `integration` in `environment` today; `recorded` says whether
 * this call wrote the mark (false: the day's mark was there already, nothing was written).
 * Call it from the platform's own mutations, e.g.
 * `await ctx.runMutation(internal.integrations.usage.recordIntegrationUsage, {...})`.
 */
export const recordIntegrationUsage = internalMutation({
  args: { workspace: v.string(), integration: v.string(), environment: v.string() },
  returns: v.object({ recorded: v.boolean() }),
  handler: async (ctx, { workspace, integration, environment }) => {
    checkNames(workspace, integration, environment);
    const now = Date.now();
    const slot = `${dayOf(now)}/${integration}/${environment}/${workspace}`;
    const mark = await ctx.db
      .query("integrationUsage")
      .withIndex("by_slot", (q) => q.eq("slot", slot))
      .unique();
    if (mark !== null) {
      return { recorded: false };
    }
    const interval = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
    await ctx.db.insert("integrationUsage", { workspace, integration, environment, interval, slot });
    return { recorded: true };
  },
});

const usageRow = v.object({
  workspace: v.string(),
  integration: v.string(),
  environment: v.string(),
  interval: v.number(),
});

/**
 * The marks from the day holding `since` on, in slot order (day, integration, environment,
 * workspace), strictly after the cursor `after`, at most `limit` and within `maxBytes` as
 * `seeding:readState`; `next` is the last slot returned when the page was cut, else null.
 */
export const readUsage = internalQuery({
  args: {
    since: v.number(),
    after: v.union(v.string(), v.null()),
    limit: v.number(),
    maxBytes: v.optional(v.number()),
  },
  returns: v.object({ rows: v.array(usageRow), next: v.union(v.string(), v.null()) }),
  handler: async (ctx, { since, after, limit, maxBytes }) => {
    checkLimit(limit);
    if (!(since >= 0 && since <= MAX_SINCE_MS)) {
      throw invalidOp(`since must be in 0..${MAX_SINCE_MS} (ms since the epoch), got ${since}`);
    }
    const first = dayOf(since);
    const query = ctx.db
      .query("integrationUsage")
      .withIndex("by_slot", (q) =>
        after === null || after < first ? q.gte("slot", first) : q.gt("slot", after),
      );
    const { rows, more } = await takeWithin(query, limit, checkMaxBytes(maxBytes));
    return {
      rows: rows.map(({ workspace, integration, environment, interval }) => ({
        workspace,
        integration,
        environment,
        interval,
      })),
      next: more ? rows[rows.length - 1].slot : null,
    };
  },
});
