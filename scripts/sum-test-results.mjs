#!/usr/bin/env node
// Sums the test reports of a CI run into the one closing line CI reads: "N passed, N failed[, N skipped]".
//
// It counts from an explicit list of the reports the run must leave (EXPECTED_REPORTS), so a package whose tests
// never ran is a failure, not an absence. Every way a run can go red is counted, each once:
// - a report that is missing, unreadable or not a vitest JSON report: 1 failure each;
// - a failed test; a test skipped because a hook of its file failed (vitest marks those "skipped"/"pending" in a
//   failed file); a failed file with no failed test (import error, afterAll): 1;
// - a failed turbo task (lint, typecheck, build, format, …) from turbo's run summary (.turbo/runs/*.json, written
//   when TURBO_RUN_SUMMARY=true), even when tests failed too; a failed test task counts only if its reports showed
//   no failure (e.g. vitest exited non-zero on an unhandled error);
// - a non-zero exit code of the run that nothing above explains: 1.
// It never throws: whatever it reads, the closing line is printed.
//
// Usage: node scripts/sum-test-results.mjs <run exit code> [--root DIR] [--list-expected]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The JSON reports a full run writes (each vitest config's outputFile.json), relative to the repo root. */
const EXPECTED_REPORTS = [
  "packages/schema/test-results/vitest.json",
  "packages/core/test-results/vitest.json",
  "packages/meta-sandbox/test-results/vitest.json",
  "packages/bench/test-results/vitest.json",
  "packages/sdk/test-results/vitest.json",
  "apps/api/test-results/vitest.json",
  "apps/web/test-results/vitest.json",
  "apps/web/test-results/vitest-e2e.json",
  "scripts/test-results/vitest.json",
];

const TURBO_SUMMARY_DIR = ".turbo/runs";

function parseArgs(argv) {
  const options = { exitCode: 0, root: fileURLToPath(new URL("..", import.meta.url)), listExpected: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--root") options.root = argv[++i] ?? options.root;
    else if (arg === "--list-expected") options.listExpected = true;
    else if (/^-?\d+$/.test(arg)) options.exitCode = Number(arg);
  }
  return options;
}

/** The package directory ("apps/api") of a report path or of a turbo task's package. */
function packageDirOf(reportPath) {
  return reportPath.split("/").slice(0, 2).join("/");
}

/** Counts one vitest 4 JSON report. Throws when it is not one. */
function countReport(json) {
  if (!json || typeof json !== "object" || !Array.isArray(json.testResults))
    throw new Error("not a vitest JSON report (no testResults array)");
  const counts = { passed: 0, failed: 0, skipped: 0, notes: [] };
  for (const file of json.testResults) {
    const tests = Array.isArray(file?.assertionResults) ? file.assertionResults : [];
    const fileFailed = file?.status === "failed";
    let failedHere = 0;
    for (const test of tests) {
      const status = test?.status;
      if (status === "passed") counts.passed += 1;
      else if (status === "failed") failedHere += 1;
      else if (fileFailed) {
        // Skipped/pending/todo in a failed file: a failing beforeAll (or import) kept it from running.
        failedHere += 1;
        counts.notes.push(`did not run (its file failed): ${test?.fullName ?? test?.title ?? "?"}`);
      } else counts.skipped += 1;
    }
    if (fileFailed && failedHere === 0) {
      failedHere = 1;
      counts.notes.push(
        `file failed outside its tests: ${file?.name ?? "?"}${file?.message ? ` (${String(file.message).split("\n")[0]})` : ""}`,
      );
    }
    counts.failed += failedHere;
  }
  // A run marked unsuccessful (an unhandled error) whose files all passed is still a failure.
  if (json.success === false && counts.failed === 0) {
    counts.failed = 1;
    counts.notes.push("the run reported success: false (unhandled error?) with no failed test");
  }
  return counts;
}

/** Failed turbo tasks (and unreadable summaries) from every run summary in .turbo/runs; null when there is none. */
function readTurboFailures(root) {
  const dir = join(root, TURBO_SUMMARY_DIR);
  if (!existsSync(dir)) return null;
  const failures = [];
  let summaries = 0;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    try {
      const summary = JSON.parse(readFileSync(join(dir, name), "utf8"));
      if (!Array.isArray(summary?.tasks)) throw new Error("no tasks array");
      summaries += 1;
      for (const task of summary.tasks) {
        const exitCode = task?.execution?.exitCode;
        if (typeof exitCode === "number" && exitCode !== 0)
          failures.push({
            taskId: String(task.taskId),
            task: String(task.task),
            directory: String(task.directory ?? ""),
          });
      }
    } catch (error) {
      failures.push({
        taskId: `turbo run summary ${TURBO_SUMMARY_DIR}/${name} unreadable: ${error instanceof Error ? error.message : String(error)}`,
        task: "",
        directory: "",
      });
    }
  }
  return summaries > 0 || failures.length > 0 ? failures : null;
}

function main(argv) {
  const options = parseArgs(argv);
  if (options.listExpected) {
    for (const report of EXPECTED_REPORTS) console.log(report);
    return;
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const problems = [];
  const failedByPackage = new Map();

  for (const report of EXPECTED_REPORTS) {
    let counts;
    try {
      counts = countReport(JSON.parse(readFileSync(join(options.root, report), "utf8")));
    } catch (error) {
      const reason =
        error?.code === "ENOENT"
          ? "missing (its tests did not run)"
          : `unreadable: ${error instanceof Error ? error.message : String(error)}`;
      problems.push(`${report} ${reason}`);
      failed += 1;
      failedByPackage.set(packageDirOf(report), (failedByPackage.get(packageDirOf(report)) ?? 0) + 1);
      continue;
    }
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    failedByPackage.set(packageDirOf(report), (failedByPackage.get(packageDirOf(report)) ?? 0) + counts.failed);
    for (const note of counts.notes) problems.push(`${report}: ${note}`);
  }

  const turboFailures = readTurboFailures(options.root);
  for (const task of turboFailures ?? []) {
    // A red test task is already counted through its reports when they hold a failure.
    if (task.task === "test" && (failedByPackage.get(task.directory) ?? 0) > 0) {
      continue;
    }
    problems.push(task.task ? `task ${task.taskId} failed` : task.taskId);
    failed += 1;
  }
  if (options.exitCode !== 0 && failed === 0) {
    problems.push(
      `the run exited with code ${options.exitCode} and no report or task says why${turboFailures === null ? ` (no turbo run summary in ${TURBO_SUMMARY_DIR})` : ""}`,
    );
    failed = 1;
  }
  for (const problem of problems) console.log(`- ${problem}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  // Last resort: CI must still get its closing line.
  console.log(`- the summary itself failed: ${error instanceof Error ? error.message : String(error)}`);
  console.log("0 passed, 1 failed");
}
