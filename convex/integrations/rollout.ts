// Gradual rollouts of integrations (issue 16): what the platform's own functions ask, and where
// they report outcomes. seeding_suite/remote.py documents the contract ("Rollouts"); the Python
// twin (seeding_suite/targets/twin_rollout.py, rollouts/evaluation.py) keeps the same rules and
// tests/contract/vectors/ holds both to them.
//
// Bucketing is Unleash's flexible rollout: murmur3_32("<group>:<subject>", seed 0) % 100 + 1
// <= percent; the variant from the same text with seed 86028157, % 1000 + 1, against the
// cumulative weights. The text is hashed as UTF-8 bytes (as Unleash's Python SDK and its Rust
// engine do). murmurhash3js-revisited hashes bytes and matches the reference C++ MurmurHash3;
// Unleash's Node SDK (murmurhash3js) hashes only the low byte of each UTF-16 unit, so the two
// agree on ASCII subjects only (convex/rollout.sdk.test.ts shows both).
import { ConvexError, v, type Infer } from "convex/values";
import murmurHash3 from "murmurhash3js-revisited";
import type { Doc } from "../_generated/dataModel";
import { makeFunctionReference, type RegisteredQuery } from "convex/server";
import { internalMutation, internalQuery, type QueryCtx } from "../_generated/server";

const ROLLOUT_SEED = 0;
const VARIANT_SEED = 86028157;
/** Outcomes are counted per minute (server time): one document per interval and variant. */
export const INTERVAL_MS = 60_000;
/** Counter documents one window reads at most. */
const MAX_WINDOW_COUNTERS = 1000;
const encoder = new TextEncoder();

export const reason = v.union(
  v.literal("STATIC"),
  v.literal("SPLIT"),
  v.literal("DISABLED"),
  v.literal("DEFAULT"),
);
export const evaluation = v.object({
  enabled: v.boolean(),
  variant: v.union(v.string(), v.null()),
  reason,
});
export type Evaluation = Infer<typeof evaluation>;
const evaluateArgs = { integration: v.string(), subject: v.string(), environment: v.string() };

function hash(group: string, subject: string, seed: number): number {
  return murmurHash3.x86.hash32(encoder.encode(`${group}:${subject}`), seed) >>> 0;
}

/** The subject's rollout bucket, 1..100: it is in at every percent >= this. */
export function bucket(group: string, subject: string): number {
  return (hash(group, subject, ROLLOUT_SEED) % 100) + 1;
}

/** The variant whose cumulative weight first reaches the subject's variant bucket. */
export function variantOf(
  group: string,
  subject: string,
  variants: { name: string; weight: number }[],
): string | null {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (total <= 0) {
    return null;
  }
  const target = (hash(group, subject, VARIANT_SEED) % total) + 1;
  let reached = 0;
  for (const variant of variants) {
    reached += variant.weight;
    if (reached >= target) {
      return variant.name;
    }
  }
  return null;
}

function invalid(message: string): ConvexError<{ code: string; message: string }> {
  return new ConvexError({ code: "INVALID_OP", message });
}

function checkSlot(integration: string, environment: string): void {
  if (integration === "" || environment === "") {
    throw invalid("integration and environment must not be empty");
  }
}

/** The answer for one rollout document (or none): the same rules as rollouts/evaluation.py. */
export function evaluateRollout(
  rollout: Doc<"rollouts"> | null,
  subject: string,
  integrationHeld: boolean,
): Evaluation {
  if (rollout === null) {
    return { enabled: integrationHeld, variant: null, reason: "DEFAULT" };
  }
  if (rollout.state.status === "rolled_back") {
    return { enabled: false, variant: null, reason: "DISABLED" };
  }
  const percent = rollout.steps[rollout.state.step];
  // An empty subject is never in, as in Unleash (a missing stickiness value).
  const enabled = subject !== "" && bucket(rollout.group, subject) <= percent;
  const hasVariants = rollout.variants.length > 0;
  const variant = enabled && hasVariants ? variantOf(rollout.group, subject, rollout.variants) : null;
  return { enabled, variant, reason: percent === 100 && !hasVariants ? "STATIC" : "SPLIT" };
}

async function evaluate(ctx: Pick<QueryCtx, "db">, args: EvaluateArgs): Promise<Evaluation> {
  checkSlot(args.integration, args.environment);
  const key = `${args.integration}/rollout:${args.environment}`;
  const rollout = await ctx.db
    .query("rollouts")
    .withIndex("by_natural_key", (q) => q.eq("naturalKey", key))
    .unique();
  const held = await ctx.db
    .query("integrations")
    .withIndex("by_natural_key", (q) => q.eq("naturalKey", args.integration))
    .unique();
  return evaluateRollout(rollout, args.subject, held !== null);
}

/**
 * Whether `subject` (the rollout's stickiness attribute, e.g. a workspace id) gets the
 * integration in `environment`, and which variant. Both things at once:
 * - a helper for the platform's own queries and mutations, called in the same transaction:
 *   `await evaluateIntegration(ctx, { integration: "stripe", subject, environment })`;
 * - the internal query `integrations/rollout:evaluateIntegration`, for `ctx.runQuery` and the
 *   seeder's CLI.
 * A registered function called directly makes Convex warn; this one is a plain function that
 * carries the query's registration, so the helper call is an ordinary call.
 */
type EvaluateArgs = { integration: string; subject: string; environment: string };
export const evaluateIntegration: RegisteredQuery<"internal", EvaluateArgs, Promise<Evaluation>> &
  ((ctx: Pick<QueryCtx, "db">, args: EvaluateArgs) => Promise<Evaluation>) = Object.assign(
  (ctx: Pick<QueryCtx, "db">, args: EvaluateArgs) => evaluate(ctx, args),
  internalQuery({ args: evaluateArgs, returns: evaluation, handler: evaluate }),
);

/**
 * `internal.integrations.rollout.evaluateIntegration` with its result typed, for
 * `ctx.runQuery` in actions (Convex cannot read the return type off a query that is also a
 * plain function).
 */
export const evaluateIntegrationQuery = makeFunctionReference<"query", EvaluateArgs, Evaluation>(
  "integrations/rollout:evaluateIntegration",
);

/** Counts one outcome into the current minute's counter of this variant. */
export const recordIntegrationOutcome = internalMutation({
  args: {
    integration: v.string(),
    environment: v.string(),
    variant: v.union(v.string(), v.null()),
    ok: v.boolean(),
  },
  returns: v.null(),
  handler: async (ctx, { integration, environment, variant, ok }) => {
    checkSlot(integration, environment);
    const interval = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
    const counter = await ctx.db
      .query("rolloutCounters")
      .withIndex("by_slot", (q) =>
        q
          .eq("integration", integration)
          .eq("environment", environment)
          .eq("interval", interval)
          .eq("variant", variant),
      )
      .unique();
    const error = ok ? 0 : 1;
    if (counter === null) {
      await ctx.db.insert("rolloutCounters", {
        integration,
        environment,
        variant,
        interval,
        requests: 1,
        errors: error,
      });
    } else {
      await ctx.db.patch(counter._id, {
        requests: counter.requests + 1,
        errors: counter.errors + error,
      });
    }
    return null;
  },
});

/** The counters from the interval holding `since` on, summed per variant (null first). */
export const rolloutWindow = internalQuery({
  args: { integration: v.string(), environment: v.string(), since: v.number() },
  handler: async (ctx, { integration, environment, since }) => {
    checkSlot(integration, environment);
    const start = Math.floor(since / INTERVAL_MS) * INTERVAL_MS;
    const rows = await ctx.db
      .query("rolloutCounters")
      .withIndex("by_slot", (q) =>
        q.eq("integration", integration).eq("environment", environment).gte("interval", start),
      )
      .take(MAX_WINDOW_COUNTERS + 1);
    const sums = new Map<string | null, { requests: number; errors: number }>();
    for (const row of rows.slice(0, MAX_WINDOW_COUNTERS)) {
      const total = sums.get(row.variant) ?? { requests: 0, errors: 0 };
      total.requests += row.requests;
      total.errors += row.errors;
      sums.set(row.variant, total);
    }
    const names = [...sums.keys()].sort((a, b) =>
      a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0,
    );
    return {
      since: start,
      variants: names.map((name) => ({ variant: name, ...sums.get(name)! })),
      truncated: rows.length > MAX_WINDOW_COUNTERS,
    };
  },
});
