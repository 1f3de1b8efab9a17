/**
 * The CI summary as CI runs it: `node scripts/sum-test-results.mjs <exit code>` as a process, here on crafted
 * repository folders (`--root`) holding vitest 4 JSON reports and turbo run summaries in their real shapes.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const REPO = path.resolve(import.meta.dirname, "../..");
const SCRIPT = path.join(REPO, "scripts/sum-test-results.mjs");

interface Run {
  status: number;
  lines: string[];
  last: string;
}

function sum(root: string, exitCode = 0): Run {
  let stdout: string;
  let status = 0;
  try {
    stdout = execFileSync(process.execPath, [SCRIPT, String(exitCode), "--root", root], { encoding: "utf8" });
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    status = failed.status;
    stdout = failed.stdout;
  }
  const lines = stdout.trimEnd().split("\n");
  return { status, lines, last: lines.at(-1) ?? "" };
}

const expected = execFileSync(process.execPath, [SCRIPT, "--list-expected"], { encoding: "utf8" }).trim().split("\n");

type TestStatus = "passed" | "failed" | "skipped" | "pending" | "todo";

/** One file of a vitest 4 JSON report (the shape `reporters: ["json"]` writes). */
function file(
  name: string,
  tests: TestStatus[],
  status: "passed" | "failed" = tests.includes("failed") ? "failed" : "passed",
  message = "",
) {
  return {
    startTime: 1,
    endTime: 2,
    status,
    message,
    name: `/repo/${name}`,
    assertionResults: tests.map((t, i) => ({
      ancestorTitles: ["suite"],
      fullName: `suite test ${i}`,
      status: t,
      title: `test ${i}`,
      duration: 1,
      failureMessages: t === "failed" ? ["AssertionError: expected 1 to be 2"] : [],
      meta: {},
      tags: [],
    })),
  };
}

function report(files: ReturnType<typeof file>[], extra: Record<string, unknown> = {}) {
  const all = files.flatMap((f) => f.assertionResults);
  return {
    numTotalTestSuites: files.length,
    numPassedTestSuites: files.filter((f) => f.status === "passed").length,
    numFailedTestSuites: files.filter((f) => f.status === "failed").length,
    numPendingTestSuites: 0,
    numTotalTests: all.length,
    numPassedTests: all.filter((t) => t.status === "passed").length,
    numFailedTests: all.filter((t) => t.status === "failed").length,
    numPendingTests: all.filter((t) => t.status === "skipped" || t.status === "pending").length,
    numTodoTests: all.filter((t) => t.status === "todo").length,
    snapshot: { added: 0, failure: false, total: 0 },
    startTime: 1,
    success: files.every((f) => f.status === "passed"),
    testResults: files,
    ...extra,
  };
}

function turboSummary(tasks: { pkg: string; dir: string; task: string; exitCode: number | null }[]) {
  return {
    id: "run",
    version: "1",
    execution: { command: "turbo run lint typecheck test", exitCode: tasks.some((t) => t.exitCode) ? 1 : 0 },
    tasks: tasks.map((t) => ({
      taskId: `${t.pkg}#${t.task}`,
      task: t.task,
      package: t.pkg,
      directory: t.dir,
      execution: t.exitCode === null ? null : { startTime: 1, endTime: 2, exitCode: t.exitCode },
    })),
  };
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository folder where every expected report exists with two passing tests, and turbo's summary is green. */
function greenRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), "kirim-sum-"));
  roots.push(root);
  for (const rel of expected) writeReport(root, rel, report([file("a.test.ts", ["passed", "passed"])]));
  writeTurbo(root, turboSummary([{ pkg: "@kirim/api", dir: "apps/api", task: "lint", exitCode: 0 }]));
  return root;
}

function writeReport(root: string, rel: string, content: unknown): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), typeof content === "string" ? content : JSON.stringify(content));
}

function writeTurbo(root: string, summary: unknown, name = "run.json"): void {
  mkdirSync(path.join(root, ".turbo/runs"), { recursive: true });
  writeFileSync(path.join(root, ".turbo/runs", name), typeof summary === "string" ? summary : JSON.stringify(summary));
}

describe("sum-test-results.mjs", () => {
  it("sums a green run of every expected report", () => {
    const run = sum(greenRepo());
    expect(run).toMatchObject({ status: 0, last: `${expected.length * 2} passed, 0 failed` });
  });

  it("expects exactly each package's vitest.json and, where a package has one, its vitest-e2e.json", () => {
    const workspaceDirs = ["packages", "apps"]
      .flatMap((group) => readdirSync(path.join(REPO, group)).map((name) => `${group}/${name}`))
      .concat("scripts");
    const fromConfigs: string[] = [];
    for (const dir of workspaceDirs) {
      const pkg = JSON.parse(readFileSync(path.join(REPO, dir, "package.json"), "utf8")) as {
        scripts?: Record<string, string>;
      };
      if (!pkg.scripts?.test) continue;
      for (const config of readdirSync(path.join(REPO, dir)).filter((f) => /^vitest(\..+)?\.config\.ts$/.test(f))) {
        const outputFile = /json:\s*"\.\/([^"]+)"/.exec(readFileSync(path.join(REPO, dir, config), "utf8"))?.[1];
        expect(outputFile, `${dir}/${config} writes a JSON report`).toBeDefined();
        fromConfigs.push(`${dir}/${outputFile}`);
      }
    }
    expect([...expected].sort()).toEqual(fromConfigs.sort());
    expect(expected).toContain("apps/web/test-results/vitest-e2e.json");
  });

  it("counts a missing report as a failure and names it", () => {
    const root = greenRepo();
    rmSync(path.join(root, "apps/web/test-results/vitest-e2e.json"));
    const run = sum(root, 1);
    expect(run.last).toBe(`${(expected.length - 1) * 2} passed, 1 failed`);
    expect(run.lines.join("\n")).toContain("apps/web/test-results/vitest-e2e.json missing");
  });

  it.each([
    ["truncated JSON", '{"numPassedTests": 3, "testResults": ['],
    ["empty file", ""],
    ["JSON null", "null"],
    ["not a vitest report", '{"numPassedTests": 3}'],
  ])("counts a corrupt report (%s) as a failure and still prints the closing line", (_label, content) => {
    const root = greenRepo();
    writeReport(root, "packages/core/test-results/vitest.json", content);
    const run = sum(root, 1);
    expect(run.status).toBe(0);
    expect(run.last).toBe(`${(expected.length - 1) * 2} passed, 1 failed`);
    expect(run.lines.join("\n")).toContain("packages/core/test-results/vitest.json unreadable");
  });

  it("counts a failed lint, typecheck and build even when tests failed too", () => {
    const root = greenRepo();
    writeReport(root, "apps/api/test-results/vitest.json", report([file("a.test.ts", ["passed", "failed"])]));
    writeTurbo(
      root,
      turboSummary([
        { pkg: "@kirim/api", dir: "apps/api", task: "lint", exitCode: 1 },
        { pkg: "@kirim/core", dir: "packages/core", task: "typecheck", exitCode: 2 },
        { pkg: "@kirim/web", dir: "apps/web", task: "build", exitCode: 1 },
        { pkg: "@kirim/api", dir: "apps/api", task: "test", exitCode: 1 },
        { pkg: "@kirim/schema", dir: "packages/schema", task: "lint", exitCode: 0 },
      ]),
    );
    const run = sum(root, 1);
    // 1 failed test + lint + typecheck + build; the red api test task is the failed test already counted.
    expect(run.last).toBe(`${expected.length * 2 - 1} passed, 4 failed`);
    expect(run.lines).toEqual(
      expect.arrayContaining([
        "- task @kirim/api#lint failed",
        "- task @kirim/core#typecheck failed",
        "- task @kirim/web#build failed",
      ]),
    );
  });

  it("counts a red test task whose report shows no failure (vitest exited on an unhandled error)", () => {
    const root = greenRepo();
    writeTurbo(root, turboSummary([{ pkg: "@kirim/core", dir: "packages/core", task: "test", exitCode: 1 }]));
    expect(sum(root, 1).last).toBe(`${expected.length * 2} passed, 1 failed`);
  });

  it("counts the tests a failing beforeAll kept from running, and a file that failed to import", () => {
    const root = greenRepo();
    writeReport(
      root,
      "apps/api/test-results/vitest.json",
      report([
        // vitest 4: a failing beforeAll fails the file and marks its tests "skipped".
        file("hook.test.ts", ["skipped", "skipped", "skipped"], "failed", "database unreachable"),
        // An import error: a failed file without tests.
        file("import.test.ts", [], "failed", "Cannot find package"),
        // A deliberate skip in a passing file stays a skip.
        file("fine.test.ts", ["passed", "skipped", "todo"]),
      ]),
    );
    const run = sum(root, 1);
    expect(run.last).toBe(`${(expected.length - 1) * 2 + 1} passed, 4 failed, 2 skipped`);
    expect(run.lines.join("\n")).toContain("import.test.ts (Cannot find package)");
  });

  it("counts from the tests, not from a report's totals (and ignores Jest's numRuntimeErrorTestSuites)", () => {
    const root = greenRepo();
    writeReport(
      root,
      "packages/schema/test-results/vitest.json",
      report([file("a.test.ts", ["failed", "passed"])], {
        numFailedTests: 0,
        numPassedTests: 50,
        numRuntimeErrorTestSuites: 7,
      }),
    );
    expect(sum(root, 1).last).toBe(`${expected.length * 2 - 1} passed, 1 failed`);
  });

  it("counts a report with success: false and no failed test (an unhandled error)", () => {
    const root = greenRepo();
    writeReport(
      root,
      "packages/bench/test-results/vitest.json",
      report([file("a.test.ts", ["passed"])], { success: false }),
    );
    expect(sum(root, 1).last).toBe(`${expected.length * 2 - 1} passed, 1 failed`);
  });

  it("counts a non-zero exit that nothing explains, and an unreadable turbo summary", () => {
    const root = greenRepo();
    rmSync(path.join(root, ".turbo"), { recursive: true });
    const unexplained = sum(root, 3);
    expect(unexplained.last).toBe(`${expected.length * 2} passed, 1 failed`);
    expect(unexplained.lines.join("\n")).toContain("exited with code 3");
    writeTurbo(root, "{ not json");
    const corrupt = sum(root, 1);
    expect(corrupt.last).toBe(`${expected.length * 2} passed, 1 failed`);
    expect(corrupt.lines.join("\n")).toContain("turbo run summary .turbo/runs/run.json unreadable");
  });

  it("prints the closing line for an empty folder (nothing ran): every expected report is a failure", () => {
    const root = mkdtempSync(path.join(tmpdir(), "kirim-sum-"));
    roots.push(root);
    const run = sum(root, 1);
    expect(run.status).toBe(0);
    expect(run.last).toBe(`0 passed, ${expected.length} failed`);
  });
});
