// The shape of convex/integrations/catalog.generated.ts (written by `seeding-suite bundle`).
// Every document type is inferred from convex/schema.ts's validators, and the generated module
// is checked with `satisfies Bundle`: when the bundle and the schema disagree, `tsc` fails.
import type { ObjectType, PropertyValidators } from "convex/values";
import type { docKeyFields, payloadFields, SeededTable } from "../schema";

type WithKeys<P> = P extends PropertyValidators ? ObjectType<typeof docKeyFields & P> : never;
/** What an upsert sends for a table: the common fields but `runId`, and the table's payload. */
type UpsertDoc<T extends SeededTable> = WithKeys<(typeof payloadFields)[T]>;

/** One document, tagged with its table (the tag picks the type the doc must have). */
export type BundledDoc = { [T in SeededTable]: { table: T; doc: UpsertDoc<T> } }[SeededTable];

/** One integration that passed every check: its documents in the Python seeder's order. */
export interface BundledIntegration {
  id: string;
  version: string;
  checksum: string;
  dependencies: { id: string; range: string }[];
  docs: BundledDoc[];
}

/** A manifest an environment's bundle does not hold: its checks failed, or the policy. */
export interface LeftOut {
  integration: string;
  file: string;
  reason: string;
  failed: boolean;
}

/** One environment's policy set, as the Python seeder would seed it there. */
export interface EnvironmentBundle {
  strategy: "full" | "incremental" | "selective";
  /** What the selective strategy seeds when no integrationIds are given. */
  named: string[];
  catalogChecksum: string;
  /** In dependency order: every integration's dependencies in this set come before it. */
  integrations: BundledIntegration[];
  leftOut: LeftOut[];
}

export interface Bundle {
  harnessVersion: string;
  environments: Record<string, EnvironmentBundle>;
}
