import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The CLIs tests run (as root) keep no compiled code in the host's /var/cache/qus: Node's own
    // switch, which qus's npm entry honours too. test/e2e/code-cache.test.ts turns it back on.
    env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    // The default output for people, then the plain `N passed, N failed` line CI reads.
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
