// Runs the reporter samples (never part of the real suite: they fail on purpose) with the
// project's summary reporter, so test/reporter/summary-reporter.test.ts can check its line.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reporter/samples/*.sample.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
