// The README's example of a platform asking about and reporting on an integration rollout;
// typechecked by `make test` (two dots: never deployed, never loaded by convex-test).
import { ConvexError, v } from "convex/values";
import { internal } from "./_generated/api";
import { internalAction, query } from "./_generated/server";
import { evaluateIntegration, evaluateIntegrationQuery } from "./integrations/rollout";

// In a query or mutation: the helper reads in the same transaction.
export const stripeAvailable = query({
  args: { workspaceId: v.string() },
  handler: async (ctx, { workspaceId }) => {
    const { enabled, variant, reason } = await evaluateIntegration(ctx, {
      integration: "stripe", subject: workspaceId, environment: "production",
    });
    return { enabled, variant, reason }; // variant: "control" | "new-flow" | null
  },
});

// Where the integration is used (an action calling out): report every outcome.
export const chargeWithStripe = internalAction({
  args: { workspaceId: v.string() },
  handler: async (ctx, { workspaceId }) => {
    const { enabled, variant } = await ctx.runQuery(
      evaluateIntegrationQuery,
      { integration: "stripe", subject: workspaceId, environment: "production" },
    );
    if (!enabled) throw new ConvexError("stripe is not enabled for this workspace yet");
    let ok = true;
    try {
      await fetch(variant === "new-flow" ? "https://example.test/v2" : "https://example.test/v1");
    } catch {
      ok = false;
    }
    await ctx.runMutation(internal.integrations.rollout.recordIntegrationOutcome, {
      integration: "stripe", environment: "production", variant, ok,
    });
  },
});
