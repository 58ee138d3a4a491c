import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The default output for people, then the plain `N passed, N failed` line CI reads.
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
