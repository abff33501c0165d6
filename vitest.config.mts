// vitest runs only the Convex module's suite (convex/**/*.test.ts) in the edge runtime that
// convex-test expects; the Python tests under tests/ belong to pytest.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "edge-runtime",
    include: ["convex/**/*.test.ts"],
    server: { deps: { inline: ["convex-test"] } },
  },
});
