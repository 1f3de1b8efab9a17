import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The JSON report is what .ci/run sums into its closing "N passed, N failed" line (this package's own too).
    reporters: ["default", "json"],
    outputFile: { json: "./test-results/vitest.json" },
    testTimeout: 30_000,
    passWithNoTests: false,
  },
});
