/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as integrations_bundle from "../integrations/bundle.js";
import type * as integrations_init from "../integrations/init.js";
import type * as integrations_manifests from "../integrations/manifests.js";
import type * as integrations_rollout from "../integrations/rollout.js";
import type * as integrations_seeder from "../integrations/seeder.js";
import type * as integrations_usage from "../integrations/usage.js";
import type * as seeding from "../seeding.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  "integrations/bundle": typeof integrations_bundle;
  "integrations/init": typeof integrations_init;
  "integrations/manifests": typeof integrations_manifests;
  "integrations/rollout": typeof integrations_rollout;
  "integrations/seeder": typeof integrations_seeder;
  "integrations/usage": typeof integrations_usage;
  seeding: typeof seeding;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
