// @vitest-environment node
// Bucketing equals Unleash's npm SDK (issue 16, "Done when"): its FlexibleRolloutStrategy
// decides `enabled`, its selectVariantDefinition the variant (the functions every
// unleash-client evaluation goes through), over 100,000 subjects; the split is within one
// percentage point of the weights. Node environment: the SDK needs Node's modules, the
// module under test does not (it runs in Convex's runtime, and the vectors check it there).
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { bucket, variantOf } from "./integrations/rollout";

const require = createRequire(import.meta.url);
const FlexibleRolloutStrategy = require("unleash-client/lib/strategy/flexible-rollout-strategy")
  .default as new () => { isEnabled(parameters: object, context: object): boolean };
const { selectVariantDefinition } = require("unleash-client/lib/variant") as {
  selectVariantDefinition(
    groupId: string,
    stickiness: string,
    variants: object[],
    context: object,
  ): { name: string } | null;
};
const { normalizedStrategyValue } = require("unleash-client/lib/strategy/util") as {
  normalizedStrategyValue(id: string, groupId: string): number;
};

const SUBJECTS = 100_000;

/** A seeded generator (mulberry32), so every run checks the same subjects. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shapes a platform passes: UUID-like ids, Convex-like ids, workspace slugs, emails. */
function subjects(count = SUBJECTS): string[] {
  const random = generator(16);
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const made: string[] = [];
  for (let n = 0; n < count; n++) {
    const kind = n % 4;
    if (kind === 0) made.push(`${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
    else if (kind === 1)
      made.push(Array.from({ length: 32 }, () => alphabet[Math.floor(random() * 36)]).join(""));
    else if (kind === 2) made.push(`workspace-${Math.floor(random() * 1e9)}`);
    else made.push(`user${Math.floor(random() * 1e6)}@example-${Math.floor(random() * 100)}.com`);
  }
  return made;
}

const split = [
  { name: "control", weight: 300 },
  { name: "new-flow", weight: 450 },
  { name: "beta", weight: 250 },
];

describe("bucketing against unleash-client (npm)", () => {
  const all = subjects();

  test("enabled and variant equal the SDK's for 100,000 subjects", () => {
    const strategy = new FlexibleRolloutStrategy();
    const parameters = { rollout: "37", stickiness: "workspaceId", groupId: "stripe" };
    const sdkVariants = split.map((v) => ({ ...v, stickiness: "workspaceId" }));
    const mismatches: string[] = [];
    for (const subject of all) {
      const context = { properties: { workspaceId: subject } };
      const ours = bucket("stripe", subject) <= 37;
      const theirs = strategy.isEnabled(parameters, context);
      const sdkVariant = selectVariantDefinition("stripe", "workspaceId", sdkVariants, context);
      if (ours !== theirs || variantOf("stripe", subject, split) !== sdkVariant?.name) {
        mismatches.push(subject);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test("the split is within one percentage point of the weights, the ramp of its percent", () => {
    const counts = new Map<string, number>();
    let entered = 0;
    for (const subject of all) {
      const name = variantOf("checkout", subject, split)!;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      entered += bucket("checkout", subject) <= 5 ? 1 : 0;
    }
    for (const { name, weight } of split) {
      expect(Math.abs((counts.get(name) ?? 0) / SUBJECTS - weight / 1000)).toBeLessThan(0.01);
    }
    expect(Math.abs(entered / SUBJECTS - 0.05)).toBeLessThan(0.01);
  });

  test("outside ASCII the npm SDK hashes UTF-16 low bytes; ours hashes UTF-8 like the Python SDK", () => {
    // Known divergence between Unleash SDKs (murmurhash3js takes charCodeAt & 0xff): the shared
    // vectors pin UTF-8, which UnleashClient (Python) and its Rust engine use.
    const nonAscii = ["wörkspace-ü", "工作区", "ws-🙂", "équipe-7", "команда"];
    const differs = nonAscii.filter((s) => normalizedStrategyValue(s, "stripe") !== bucket("stripe", s));
    expect(differs.length).toBeGreaterThan(0);
    for (const subject of all.slice(0, 1000)) {
      expect(bucket("stripe", subject)).toBe(normalizedStrategyValue(subject, "stripe"));
    }
  });
});
