"""The catalog as a TypeScript module for `convex/integrations/init.ts` (`seeding-suite bundle`).

pytest stays the gate: `collect` runs the checks `seeding-suite validate` runs and keeps what
passed, with the documents the Python seeder writes (engine.desired, not a second builder);
`render` turns that into the typed module's text. The Convex-native `init` then seeds exactly
those documents through the seeding contract (convex/seeding.ts).
"""
