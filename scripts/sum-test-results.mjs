#!/usr/bin/env node
// Sums every package's vitest JSON report into the one closing line CI reads: "N passed, N failed".
// A task that failed before its tests could run (lint, typecheck, build) is counted as one failure,
// so a red run can never print "0 failed".
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const workspaceDirs = ["packages", "apps"].flatMap((group) => {
  try {
    return readdirSync(join(root, group)).map((name) => join(root, group, name));
  } catch {
    return [];
  }
});

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of workspaceDirs) {
  let reports = [];
  try {
    // vitest.json, plus vitest-e2e.json where a package has a separate end-to-end suite.
    reports = readdirSync(join(dir, "test-results")).filter((f) => /^vitest.*\.json$/.test(f));
  } catch {
    continue;
  }
  for (const file of reports) {
  const json = JSON.parse(readFileSync(join(dir, "test-results", file), "utf8"));
  passed += json.numPassedTests ?? 0;
  failed += (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A suite that failed to load (syntax error, failing beforeAll) has no failed tests but is a failure.
  for (const suite of json.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).every((t) => t.status !== "failed")) failed += 1;
  }
  }
}
const runExitCode = Number(process.argv[2] ?? "0");
if (runExitCode !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
