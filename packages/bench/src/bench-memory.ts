/**
 * Issue 19, target 5 (memory): RSS of the API process idle on PostgreSQL (just after start-up and one request, before
 * any sync) and of the embedded default — PGlite in DATA_DIR, no DATABASE_URL — after a first sync of N templates.
 * The peak during a sync on PostgreSQL comes from the sync benchmark (VmHWM reset before each sync).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchEnv } from "./env.js";
import { expectStatus, syncOnce } from "./http.js";
import { readMemory, resetPeakRss, sampleRss, startApi, startSandbox } from "./processes.js";
import { BENCH_API_KEY, BENCH_LIMITS } from "./stack.js";

/** How long a process is left alone before its idle RSS is read. */
export const IDLE_SETTLE_MS = 5_000;

export interface EmbeddedMemory {
  templates: number;
  /** RSS after start-up (fresh DATA_DIR: initdb included) and one request. */
  rssStarted: number;
  /** Peak RSS during the sync (VmHWM reset just before it). */
  peakDuringSync: number;
  /** RSS a few seconds after the sync answered. */
  rssAfterSync: number;
  syncMs: number;
}

/** RSS of a just-started API process, after one request and `settleMs` of rest. */
export async function idleRss(pid: number, baseUrl: string, settleMs = IDLE_SETTLE_MS): Promise<number> {
  await expectStatus(200, "GET", `${baseUrl}/v1/accounts`, { token: BENCH_API_KEY });
  await sleep(settleMs);
  return readMemory(pid).rss;
}

/** The embedded default as `pnpm start` runs it, but pointed at the bench's sandbox of `templates` templates. */
export async function measureEmbedded(env: BenchEnv, templates: number): Promise<EmbeddedMemory> {
  const workDir = await mkdtemp(path.join(tmpdir(), "kirim-bench-embedded-"));
  const sandbox = await startSandbox(templates, env.childBaseEnv);
  try {
    const api = await startApi({
      logFile: path.join(workDir, "api.log"),
      env: {
        ...env.childBaseEnv,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: path.join(workDir, "data"),
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.accessToken,
        DEV_API_KEY: BENCH_API_KEY,
        CURSOR_SECRET: "bench-cursor-secret-0000",
        LOG_LEVEL: env.apiLogLevel,
        TEMPLATE_SYNC_INTERVAL_MS: "0",
        ...BENCH_LIMITS,
      },
    });
    try {
      const accounts = await expectStatus<{ data: { phone_number_id: string }[] }>(
        200,
        "GET",
        `${api.baseUrl}/v1/accounts`,
        { token: BENCH_API_KEY },
      );
      const phoneNumberId = accounts.body.data[0]?.phone_number_id;
      if (phoneNumberId === undefined) throw new Error("the embedded API seeded no demo account");
      const rssStarted = await idleRss(api.pid, api.baseUrl);
      const exact = resetPeakRss(api.pid);
      const sampler = sampleRss(api.pid);
      const { ms, result } = await syncOnce(api.baseUrl, BENCH_API_KEY, phoneNumberId);
      const sampled = sampler.stop();
      const peakDuringSync = exact ? Math.max(readMemory(api.pid).peak, sampled) : sampled;
      if (result.created !== templates)
        throw new Error(`the embedded sync created ${result.created} templates, expected ${templates}`);
      await sleep(IDLE_SETTLE_MS);
      return { templates, rssStarted, peakDuringSync, rssAfterSync: readMemory(api.pid).rss, syncMs: ms };
    } finally {
      await api.stop();
    }
  } finally {
    await sandbox.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
