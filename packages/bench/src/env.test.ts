import path from "node:path";
import { describe, expect, it } from "vitest";
import { BenchConfigError, DEFAULT_ADMIN_DATABASE_URL, loadBenchEnv, REPO_ROOT } from "./env.js";

describe("loadBenchEnv", () => {
  it("defaults to PostgreSQL on 127.0.0.1:5432 and docs/benchmarks.md", () => {
    const env = loadBenchEnv({});
    expect(env.adminDatabaseUrl).toBe(DEFAULT_ADMIN_DATABASE_URL);
    expect(env.adminDatabaseUrlSource).toBe("default");
    expect(env.outputPath).toBe(path.join(REPO_ROOT, "docs", "benchmarks.md"));
    expect(env).toMatchObject({
      runs: 3,
      restSeconds: 10,
      creates: 44,
      fanoutEvents: 10_000,
      growthAccounts: 100,
      cpuProfile: false,
      apiLogLevel: "info",
      startedAt: undefined,
    });
  });

  it("prefers BENCH_DATABASE_URL over TEST_DATABASE_URL, and empty values count as unset", () => {
    const both = loadBenchEnv({
      BENCH_DATABASE_URL: "postgres://b@127.0.0.1/x",
      TEST_DATABASE_URL: "postgres://t@127.0.0.1/test",
    });
    expect(both).toMatchObject({
      adminDatabaseUrl: "postgres://b@127.0.0.1/x",
      adminDatabaseUrlSource: "BENCH_DATABASE_URL",
    });
    const testOnly = loadBenchEnv({ BENCH_DATABASE_URL: " ", TEST_DATABASE_URL: "postgres://t@127.0.0.1/test" });
    expect(testOnly).toMatchObject({
      adminDatabaseUrl: "postgres://t@127.0.0.1/test",
      adminDatabaseUrlSource: "TEST_DATABASE_URL",
    });
  });

  it("reads the knobs and the start time the root script passes", () => {
    const env = loadBenchEnv({
      BENCH_RUNS: "5",
      BENCH_REST_SECONDS: "3",
      BENCH_CPU_PROFILE: "1",
      BENCH_STARTED_AT: "1700000000000",
      BENCH_OUTPUT: "/tmp/b.md",
      BENCH_FANOUT_EVENTS: "500",
    });
    expect(env).toMatchObject({
      fanoutEvents: 500,
      runs: 5,
      restSeconds: 3,
      cpuProfile: true,
      startedAt: 1_700_000_000_000,
      outputPath: "/tmp/b.md",
    });
  });

  it("lists every invalid variable", () => {
    expect(() => loadBenchEnv({ BENCH_DATABASE_URL: "mysql://x", BENCH_RUNS: "0" })).toThrow(
      /BENCH_DATABASE_URL[\s\S]*BENCH_RUNS/,
    );
    expect(() => loadBenchEnv({ BENCH_CPU_PROFILE: "yes" })).toThrow(BenchConfigError);
    expect(() => loadBenchEnv({ BENCH_FANOUT_EVENTS: "-1" })).toThrow(/BENCH_FANOUT_EVENTS/);
    expect(loadBenchEnv({ BENCH_FANOUT_EVENTS: "0" }).fanoutEvents).toBe(0);
    expect(loadBenchEnv({ BENCH_GROWTH_ACCOUNTS: "0" }).growthAccounts).toBe(0);
    expect(() => loadBenchEnv({ BENCH_GROWTH_ACCOUNTS: "-1" })).toThrow(/BENCH_GROWTH_ACCOUNTS/);
  });
});
