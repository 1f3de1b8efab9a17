import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests: the real API (embedded PGlite + in-process Meta sandbox) and the built dashboard,
 * driven through Debian's chromium with playwright-core. Needs `dist/` of this package and of @kirim/api
 * (turbo builds both before `test`). The JSON report is a second file CI sums with vitest.json.
 */
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // expect.poll waits for its condition as long as a page wait does (vitest's default is 1 s, which a loaded CI
    // machine overran: status-list's "every row is Paused" while the filtered page was still on its way).
    expect: { poll: { timeout: 30_000 } },
    reporters: ["default", "json"],
    outputFile: { json: "./test-results/vitest-e2e.json" },
    passWithNoTests: false,
  },
});
