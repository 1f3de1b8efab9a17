/**
 * Issue 5 §5: two API processes on one PostgreSQL, both with the scheduler on (pg-boss), run each account's
 * scheduled sync once per interval. Counted from the database: every scheduled run names the interval slot it
 * was enqueued for, and no slot of an account has two runs, while both processes keep working. A slot claimed
 * while the account's previous sync is still queued or running is skipped, not stacked (a loaded machine can make
 * a 30-template sync outlast the 2 s interval); such a skip is logged, and it happens only while that sync is open.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const APP_DIR = path.resolve(import.meta.dirname, "..");
const INTERVAL_MS = 2_000;

/** The slot numbers between the smallest and the largest of `keys` ("sync:<account>:<slot>") that are absent. */
function missingSlots(keys: readonly string[]): number[] {
  const numbers = new Set(keys.map((k) => Number(k.split(":").at(-1))));
  const sorted = [...numbers].sort((x, y) => x - y);
  const missing: number[] = [];
  for (let n = sorted[0] ?? 0; n <= (sorted.at(-1) ?? -1); n++) if (!numbers.has(n)) missing.push(n);
  return missing;
}

describe.runIf(databaseKinds().includes("postgres"))("scheduled sync with two API processes on one PostgreSQL", () => {
  let database: TestDatabase & { url?: string };
  let sandbox: MetaSandbox;
  let dataDir: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null, demoTemplateCount: 30 });
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-sched-"));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await sandbox?.close();
    await database?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function start(
    env: Record<string, string>,
  ): Promise<{ child: ChildProcessWithoutNullStreams; out: () => string }> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    children.push(child);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 120_000;
    while (!out.includes('"msg":"job queue started"') || !out.includes("listening")) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}\n${out}`);
      if (Date.now() > deadline) throw new Error(`not started\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).toContain('"queue":"pg-boss"');
    return { child, out: () => out };
  }

  function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  }

  // One key set for every process of this file: they share the database and its encrypted Meta tokens.
  const devApiKey = `kdv_live_${randomBytes(12).toString("hex")}`;
  const tokenKeys = `k1:${randomBytes(32).toString("base64")}`;
  function processEnv(): Record<string, string> {
    return {
      PORT: "0",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      DATABASE_URL: database.url ?? "",
      META_GRAPH_URL: sandbox.url,
      DEMO_WABA_ID: sandbox.demo.wabaId,
      DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
      DEV_API_KEY: devApiKey,
      CURSOR_SECRET: "scheduler-test-cursor-secret",
      TOKEN_ENCRYPTION_KEYS: tokenKeys,
      TEMPLATE_SYNC_INTERVAL_MS: String(INTERVAL_MS),
      SHUTDOWN_TIMEOUT_MS: "10000",
    };
  }

  /** Scheduled runs that have finished, started at or after `since`. */
  function finishedScheduledRuns(since: Date) {
    return database.db
      .selectFrom("template_sync_runs")
      .select(["account_id", "trigger", "status", "started_at", "finished_at"])
      .where("trigger", "like", "schedule:%")
      .where("status", "!=", "running")
      .where("started_at", ">=", since)
      .orderBy("started_at")
      .execute();
  }

  it("each account's scheduled sync runs once per interval across both processes", async () => {
    const env = processEnv();
    const since = new Date();
    const a = await start(env);
    const b = await start(env);

    // Wait (bounded) until at least four slots of the demo account have been synced.
    const finished = () => finishedScheduledRuns(since);
    for (let i = 0; i < 600 && (await finished()).length < 4; i++) await new Promise((r) => setTimeout(r, 100));

    expect(await stop(a.child)).toBe(0);
    expect(await stop(b.child)).toBe(0);
    expect(a.out()).toContain("job queue drained");

    const runs = await finished();
    expect(runs.length, `process output:\n${a.out().slice(-3000)}`).toBeGreaterThanOrEqual(4);
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    // Once per interval: no (account, slot) pair ran twice, and no run lacks a claimed slot.
    const keys = runs.map((r) => `sync:${r.account_id}:${r.trigger.slice("schedule:".length)}`);
    expect(new Set(keys).size).toBe(keys.length);
    const slots = await database.db.selectFrom("scheduled_sync_slots").select(["key", "claimed_at"]).execute();
    const claimed = new Set(slots.map((s) => s.key));
    for (const k of keys) expect(claimed.has(k)).toBe(true);
    // Consecutive slots: while both processes ran, no interval went unclaimed.
    expect(new Set(runs.map((r) => r.account_id)).size, "one connected account (the demo)").toBe(1);
    const accountId = runs[0]?.account_id ?? "";
    const claimedSlots = slots.map((s) => s.key).filter((k) => k.startsWith(`sync:${accountId}:`));
    expect(missingSlots(claimedSlots), `claimed: ${claimedSlots.join(", ")}`).toEqual([]);
    // Every claimed slot between the first and the last run ran, or was skipped because the previous run was open:
    // the process that claimed it logged the skip, and the slot was claimed before the previous run finished.
    const logs = `${a.out()}\n${b.out()}`;
    const ran = runs
      .map((r) => ({ slot: Number(r.trigger.slice("schedule:".length)), finishedAt: r.finished_at }))
      .sort((x, y) => x.slot - y.slot);
    for (const skipped of missingSlots(keys)) {
      const skipLogged = logs
        .split("\n")
        .some((line) => line.includes('"msg":"scheduled template sync skipped') && line.includes(`"slot":${skipped}`));
      expect(skipLogged, `slot ${skipped} neither ran nor was logged as skipped; ran: ${keys.join(", ")}`).toBe(true);
      const claimedAt = slots.find((s) => s.key === `sync:${accountId}:${skipped}`)?.claimed_at;
      const previous = ran.filter((r) => r.slot < skipped).at(-1);
      expect(claimedAt, `slot ${skipped} was claimed`).toBeDefined();
      expect(previous?.finishedAt, `slot ${skipped} follows a finished run`).toBeDefined();
      // pg-boss marks the job completed a round trip after the run row, later on a loaded machine; 1 s covers that,
      // and a slot dropped without cause would come ~1.7 s after a sync's end (interval 2 s, a sync ~0.3 s).
      expect(new Date(claimedAt ?? 0).getTime()).toBeLessThan(new Date(previous?.finishedAt ?? 0).getTime() + 1_000);
    }
  }, 180_000);

  it("a sync that outlasts the interval is not stacked: the next slots are skipped and logged until it finishes", async () => {
    // Every Graph answer 2.5 s late: one sync (its list page) outlasts the 2 s interval.
    sandbox.control.faults.configure({ latencyMs: 2_500 });
    try {
      const since = new Date();
      const a = await start(processEnv());
      const b = await start(processEnv());
      const skipLine = '"msg":"scheduled template sync skipped';
      const bothOut = () => `${a.out()}\n${b.out()}`;
      for (
        let i = 0;
        i < 600 && ((await finishedScheduledRuns(since)).length < 2 || !bothOut().includes(skipLine));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(await stop(a.child)).toBe(0);
      expect(await stop(b.child)).toBe(0);

      const runs = await finishedScheduledRuns(since);
      expect(runs.length, `process output:\n${a.out().slice(-3000)}`).toBeGreaterThanOrEqual(2);
      expect(bothOut()).toContain(skipLine);
      // Never two syncs of the account at once, across both processes: each run starts after the last one ended.
      for (let i = 1; i < runs.length; i++)
        expect(new Date(runs[i]?.started_at ?? 0).getTime()).toBeGreaterThanOrEqual(
          new Date(runs[i - 1]?.finished_at ?? Infinity).getTime(),
        );
    } finally {
      sandbox.control.faults.configure({});
    }
  }, 180_000);
});
