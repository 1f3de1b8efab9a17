/**
 * One measured set-up: the sandbox (N demo templates) in its own process, a fresh PostgreSQL database, and the
 * built API in its own process pointed at both, with the request buckets raised so they never throttle the bench.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import type { BenchEnv } from "./env.js";
import { expectStatus } from "./http.js";
import { connect, createBenchDatabase } from "./postgres.js";
import type { BenchDatabase } from "./postgres.js";
import { startApi, startSandbox } from "./processes.js";
import type { ApiChild, SandboxChild } from "./processes.js";

export const BENCH_API_KEY = "kdv_live_benchKey000000000000000";

/**
 * Limits raised for the bench (documented in docs/benchmarks.md): the buckets still run their one SQL statement
 * per request, they just never say no. Meta's own budget (100 creates per WABA per hour) is the sandbox's and stays.
 */
export const BENCH_LIMITS = {
  RATE_LIMIT_READ_PER_MINUTE: "100000000",
  RATE_LIMIT_WRITE_PER_MINUTE: "100000000",
  META_TEMPLATE_CREATES_PER_HOUR: "100000",
} as const;

export interface Stack {
  templates: number;
  sandbox: SandboxChild;
  database: BenchDatabase;
  api: ApiChild;
  /** A connection to the bench database, for the counters and the baselines. */
  db: pg.Client;
  phoneNumberId: string;
  close(): Promise<void>;
}

export async function startStack(
  env: BenchEnv,
  templates: number,
  label: string,
  extraApiEnv: Record<string, string> = {},
): Promise<Stack> {
  const workDir = await mkdtemp(path.join(tmpdir(), `kirim-bench-${label}-`));
  const sandbox = await startSandbox(templates, env.childBaseEnv);
  let database: BenchDatabase | undefined;
  let api: ApiChild | undefined;
  let db: pg.Client | undefined;
  try {
    database = await createBenchDatabase(env.adminDatabaseUrl);
    api = await startApi({
      logFile: path.join(workDir, "api.log"),
      ...(env.cpuProfile ? { cpuProfileDir: path.join(env.profileDir, label) } : {}),
      env: {
        ...env.childBaseEnv,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: path.join(workDir, "data"),
        DATABASE_URL: database.url,
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.accessToken,
        DEV_API_KEY: BENCH_API_KEY,
        CURSOR_SECRET: "bench-cursor-secret-0000",
        LOG_LEVEL: env.apiLogLevel,
        // No scheduled sync: every sync the bench measures is one it asked for.
        TEMPLATE_SYNC_INTERVAL_MS: "0",
        ...BENCH_LIMITS,
        ...extraApiEnv,
      },
    });
    db = await connect(database.url);
    const accounts = await expectStatus<{ data: { phone_number_id: string }[] }>(
      200,
      "GET",
      `${api.baseUrl}/v1/accounts`,
      { token: BENCH_API_KEY },
    );
    const phoneNumberId = accounts.body.data[0]?.phone_number_id;
    if (phoneNumberId === undefined) throw new Error("the API seeded no demo account");
    const [openDb, openApi, openDatabase] = [db, api, database];
    return {
      templates,
      sandbox,
      database,
      api,
      db,
      phoneNumberId,
      close: async () => {
        await openDb.end().catch(() => undefined);
        await openApi.stop();
        await sandbox.stop();
        await openDatabase.drop();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await db?.end().catch(() => undefined);
    await api?.stop().catch(() => undefined);
    await sandbox.stop().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
