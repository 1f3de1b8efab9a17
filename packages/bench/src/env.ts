/**
 * The one place @kirim/bench reads configuration. Every variable is optional; `pnpm bench` with none set measures
 * against PostgreSQL at 127.0.0.1:5432 (user postgres) and rewrites docs/benchmarks.md.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The repository root, seen from packages/bench/{src,dist}/env.*. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const postgresUrl = optional.pipe(
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
);
const positiveInt = (fallback: number) =>
  optional.pipe(z.coerce.number<string | undefined>().int().positive().default(fallback));

const ZBenchEnv = z.object({
  /** Admin connection: the bench creates (and drops) its own `bench_<random>` databases through it. */
  BENCH_DATABASE_URL: postgresUrl,
  /** The test suites' PostgreSQL, used when BENCH_DATABASE_URL is unset. */
  TEST_DATABASE_URL: postgresUrl,
  /** Where the report goes (resolved against the repository root). */
  BENCH_OUTPUT: optional.pipe(z.string().default("docs/benchmarks.md")),
  /** Timed repetitions of each cheap measurement (the median is reported). */
  BENCH_RUNS: positiveInt(3),
  /** Seconds of each autocannon run (after a warm-up of a third of it). */
  BENCH_REST_SECONDS: positiveInt(10),
  /**
   * Timed creates per transport. Meta allows 100 per WABA per hour and REST and tRPC share the demo WABA, each with
   * 3 warm-ups: at most 47, checked here rather than after minutes of benchmarking.
   */
  BENCH_CREATES: optional.pipe(z.coerce.number<string | undefined>().int().positive().max(47).default(44)),
  /** Events of the fan-out benchmark (issue 17); 0 skips it. A smaller number makes a quick run. */
  BENCH_FANOUT_EVENTS: optional.pipe(z.coerce.number<string | undefined>().int().min(0).max(100_000).default(10_000)),
  /** Issue 19 growth: accounts of 6,000 templates in the database for the second measurement; below 2 skips it. */
  BENCH_GROWTH_ACCOUNTS: optional.pipe(z.coerce.number<string | undefined>().int().min(0).max(1_000).default(100)),
  /** `1`: run the API processes under `node --cpu-prof` and print their hottest functions. */
  BENCH_CPU_PROFILE: optional.pipe(z.enum(["0", "1"]).default("0")),
  /** Where `BENCH_CPU_PROFILE=1` leaves the .cpuprofile files (resolved against the repository root). */
  BENCH_PROFILE_DIR: optional.pipe(z.string().default("packages/bench/profiles")),
  /** LOG_LEVEL of the API processes (their logs go to a file, as a supervisor would keep them). */
  BENCH_API_LOG_LEVEL: optional.pipe(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  /** Set by the root `pnpm bench` script before the build, so the printed total includes it. */
  BENCH_STARTED_AT: optional.pipe(z.coerce.number<string | undefined>().int().positive().optional()),
  PATH: optional,
  HOME: optional,
});

export interface BenchEnv {
  adminDatabaseUrl: string;
  /** Which variable the admin URL came from, for the report and error messages. */
  adminDatabaseUrlSource: "BENCH_DATABASE_URL" | "TEST_DATABASE_URL" | "default";
  outputPath: string;
  runs: number;
  restSeconds: number;
  creates: number;
  fanoutEvents: number;
  growthAccounts: number;
  cpuProfile: boolean;
  profileDir: string;
  apiLogLevel: string;
  startedAt: number | undefined;
  /** Passed on to child processes (node itself needs neither, pg-boss and pino do not care). */
  childBaseEnv: Record<string, string>;
}

export class BenchConfigError extends Error {
  override readonly name = "BenchConfigError";
}

export const DEFAULT_ADMIN_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export function loadBenchEnv(source: Record<string, string | undefined> = process.env): BenchEnv {
  const parsed = ZBenchEnv.safeParse(source);
  if (!parsed.success) {
    throw new BenchConfigError(
      `Invalid bench configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  }
  const e = parsed.data;
  const adminDatabaseUrlSource = e.BENCH_DATABASE_URL
    ? "BENCH_DATABASE_URL"
    : e.TEST_DATABASE_URL
      ? "TEST_DATABASE_URL"
      : "default";
  return {
    adminDatabaseUrl: e.BENCH_DATABASE_URL ?? e.TEST_DATABASE_URL ?? DEFAULT_ADMIN_DATABASE_URL,
    adminDatabaseUrlSource,
    outputPath: path.resolve(REPO_ROOT, e.BENCH_OUTPUT),
    runs: e.BENCH_RUNS,
    restSeconds: e.BENCH_REST_SECONDS,
    creates: e.BENCH_CREATES,
    fanoutEvents: e.BENCH_FANOUT_EVENTS,
    growthAccounts: e.BENCH_GROWTH_ACCOUNTS,
    cpuProfile: e.BENCH_CPU_PROFILE === "1",
    profileDir: path.resolve(REPO_ROOT, e.BENCH_PROFILE_DIR),
    apiLogLevel: e.BENCH_API_LOG_LEVEL,
    startedAt: e.BENCH_STARTED_AT,
    childBaseEnv: { PATH: e.PATH ?? "", HOME: e.HOME ?? "" },
  };
}
