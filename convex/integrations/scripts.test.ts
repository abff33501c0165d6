// The PRD's package.json scripts that run `integrations/init` (predev, seed, seed:force, seed:env,
// seed:specific): each names a function that exists, with arguments its validator accepts, and
// the call succeeds under convex-test as `npx convex run` would make it. The scripts that need
// no deployment (validate:manifests) are run for real by tests/native/test_package_scripts.py.
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import schema from "../schema";
import { modules } from "../test.setup";
import * as init from "./init";

const packages = import.meta.glob<{ scripts: Record<string, string> }>("../../package.json", {
  eager: true,
  import: "default",
});
const { scripts } = Object.values(packages)[0];

/** `convex run PATH ['ARGS']` or `convex dev --until-success --run PATH`: the path and args. */
function convexCall(script: string): { path: string; args: Record<string, unknown> } {
  const found = /^convex (?:run|dev --until-success --run) (\S+)(?: '([^']*)')?$/.exec(script);
  expect(found, `not a convex run: ${script}`).not.toBeNull();
  return { path: found![1], args: found![2] === undefined ? {} : JSON.parse(found![2]) };
}

const INIT_SCRIPTS = ["predev", "seed", "seed:force", "seed:env", "seed:specific"];

describe("the PRD's package.json scripts", () => {
  test("every one of them is there", () => {
    expect(Object.keys(scripts)).toEqual(
      expect.arrayContaining([...INIT_SCRIPTS, "validate:manifests", "report:seeding"]),
    );
    expect(scripts["validate:manifests"]).toBe("seeding-suite validate");
    expect(scripts["report:seeding"]).toBe("seeding-suite report");
  });

  test.each(INIT_SCRIPTS)("%s runs integrations/init with arguments it accepts", async (name) => {
    const { path, args } = convexCall(scripts[name]);
    // `npx convex run integrations/init` runs the module's default export.
    expect(path).toBe("integrations/init");
    expect((init.default as unknown as { isMutation: boolean }).isMutation).toBe(true);
    const t = convexTest({ schema, modules, transactionLimits: true });
    const result = await t.mutation(makeFunctionReference<"mutation">(`${path}:default`), args);
    expect(result.errors).toEqual([]);
    expect(result.integrationNodesCreated).toBeGreaterThan(0);
  });
});
