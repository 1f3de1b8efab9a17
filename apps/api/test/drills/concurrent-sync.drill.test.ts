/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 8, drill 2: 20 concurrent sync requests for one account, split across two API processes (the built
 * `dist/main.js`) on one PostgreSQL database. One sync runs (the `template_sync_runs` claim: one running run per
 * account, the others join it), every caller gets its result, Meta sees exactly one pass over the list pages, and the
 * table equals the sandbox's inventory. Real PostgreSQL only: PGlite is one process. Under REQUIRE_POSTGRES=1 without
 * TEST_DATABASE_URL, `databaseKinds()` throws instead of skipping.
 *
 * The sync answer does not name its run, so "the same run" is shown three ways: identical answers, one row in the
 * run list, and one set of list pages in the sandbox's request log.
 *
 * Found by this drill: a joiner looked for "a running run" afresh on every poll, so when the run finished between two
 * of its polls it saw none and started a second full sync (about one drill in three). Joiners now follow the run
 * they found by id (core template-sync.ts; regression test in core lifecycle.test.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox, RequestLogEntry } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http.js";
import { DEMO_PHONE_NUMBER_ID } from "../support/stack.js";
import {
  accountIdOf,
  baseApiEnv,
  expectTableEqualsInventory,
  keyOf,
  requireUrl,
  startApiProcess,
  stopApiProcess,
  storedTemplates,
} from "./drill-support.js";
import type { ApiProcess } from "./drill-support.js";

const PID = DEMO_PHONE_NUMBER_ID;
const DEV_API_KEY = "kdv_live_concurrentSyncDrill0000";
const CALLERS = 20;
const INVENTORY_SIZE = 1_000;
const PAGES = INVENTORY_SIZE / 100;
/**
 * Added to every Graph answer so one run lasts ≥ PAGES × this (2 s): the 19 requests that lose the claim find the
 * run still running when they look for it (a few ms later) and must join it rather than start their own.
 */
const META_LATENCY_MS = 200;

describe.runIf(databaseKinds().includes("postgres"))(
  "concurrency drill: 20 syncs of one account across two API processes on PostgreSQL",
  () => {
    let db: TestDatabase;
    let sandbox: MetaSandbox;
    let dataDir = "";
    let accountId = "";
    const instances: ApiProcess[] = [];

    beforeAll(async () => {
      db = await createTestDatabase("postgres");
      sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null, demoTemplateCount: INVENTORY_SIZE });
      dataDir = await mkdtemp(path.join(tmpdir(), "kirim-sync-drill-"));
      const env = baseApiEnv({
        // One DATA_DIR: both processes must share the generated token-encryption key.
        DATA_DIR: dataDir,
        DATABASE_URL: requireUrl(db.url),
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.demo.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
        DEV_API_KEY,
        CURSOR_SECRET: "concurrent-sync-drill-cursor-secret",
      });
      // One after the other: the first applies the migrations and seeds the demo organisation.
      instances.push(await startApiProcess(env));
      instances.push(await startApiProcess(env));
      accountId = await accountIdOf(db.db, PID);
      sandbox.control.faults.configure({ latencyMs: META_LATENCY_MS });
    }, 150_000);

    afterAll(async () => {
      await Promise.all(instances.map((instance) => stopApiProcess(instance)));
      await sandbox?.close();
      await db?.dispose();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    /** Sessions blocked on a lock while inserting a sync run: the requests waiting at the claim. */
    async function waitingAtTheClaim(): Promise<number> {
      const row = await db.db
        .withTables<{ pg_stat_activity: { datname: string; wait_event_type: string | null; query: string } }>()
        .selectFrom("pg_stat_activity")
        .select((eb) => eb.fn.countAll<number | string>().as("waiting"))
        .where((eb) => eb("datname", "=", eb.fn<string>("current_database", [])))
        .where("wait_event_type", "=", "Lock")
        .where("query", "ilike", 'insert into "template_sync_runs"%')
        .executeTakeFirstOrThrow();
      return Number(row.waiting);
    }

    /**
     * Fires CALLERS syncs at once, alternating between the two processes, and makes them truly simultaneous: the test
     * holds an uncommitted `running` run of the account, so every claim INSERT waits for the test's transaction (the
     * one-running-run index cannot decide yet). Once all CALLERS are blocked there, the transaction rolls back and
     * they race for the claim together. Without this gate a request delayed on a loaded machine could arrive after the
     * run finished and rightly start a second one, which would say nothing about joining.
     */
    async function concurrentSyncs(): Promise<any[]> {
      const [a, b] = instances;
      if (a === undefined || b === undefined) throw new Error("instances not started");
      expect(a.baseUrl).not.toBe(b.baseUrl);
      let answers: Promise<any[]> = Promise.resolve([]);
      const released = new Error("gate released");
      const gate = db.db.transaction().execute(async (trx) => {
        const now = new Date();
        await trx
          .insertInto("template_sync_runs")
          .values({
            id: "tsr_drill_gate",
            account_id: accountId,
            trigger: "drill-gate",
            status: "running",
            started_at: now,
            heartbeat_at: now,
            finished_at: null,
            error_code: null,
            error_message: null,
          })
          .execute();
        answers = Promise.all(
          Array.from({ length: CALLERS }, (_, i) =>
            call((i % 2 === 0 ? a : b).baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: DEV_API_KEY }),
          ),
        );
        const deadline = Date.now() + 60_000;
        for (let waiting = await waitingAtTheClaim(); waiting < CALLERS; waiting = await waitingAtTheClaim()) {
          if (Date.now() > deadline)
            throw new Error(`only ${waiting} of ${CALLERS} sync requests reached the claim within 60 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
        throw released; // roll back: the gate run never existed
      });
      await expect(gate).rejects.toBe(released);
      return answers;
    }

    function listPageCalls(sinceSeq: number): RequestLogEntry[] {
      return sandbox.control.requests({ sinceSeq, method: "GET" }).filter((r) => r.path.endsWith("/message_templates"));
    }

    /** Exactly one pass over the list: PAGES requests, one first page (no cursor), no cursor asked for twice. */
    function expectOnePassOverTheList(calls: RequestLogEntry[], pages: number): void {
      const cursors = calls.map((r) => r.query["after"] ?? "(first page)");
      expect(
        cursors.filter((c) => c === "(first page)"),
        "runs that started (first-page requests)",
      ).toHaveLength(1);
      expect(new Set(cursors).size, `cursors: ${cursors.join(", ")}`).toBe(cursors.length);
      expect(calls).toHaveLength(pages);
      for (const r of calls) expect(r.status).toBe(200);
    }

    async function runs(): Promise<any[]> {
      const [a] = instances;
      const res = await call(a?.baseUrl ?? "", "GET", `/v1/${PID}/template_sync_runs?limit=100`, {
        token: DEV_API_KEY,
      });
      expect(res.status).toBe(200);
      return res.body.data;
    }

    it("runs one sync; all 20 callers get its result; Meta sees one set of list pages; the table equals the inventory", async () => {
      const since = sandbox.control.requests().at(-1)?.seq ?? 0;
      const answers = await concurrentSyncs();

      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: CALLERS }, () => 200));
      const expected = {
        object: "template_sync_result",
        synced: INVENTORY_SIZE,
        created: INVENTORY_SIZE,
        updated: 0,
        unchanged: 0,
        removed: 0,
      };
      for (const r of answers) expect(r.body.data).toEqual(expected);

      const recorded = await runs();
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        status: "succeeded",
        trigger: "api",
        pages: PAGES,
        synced: INVENTORY_SIZE,
        created: INVENTORY_SIZE,
        removed: 0,
      });
      expectOnePassOverTheList(listPageCalls(since), PAGES);

      const inventory = sandbox.control.templates(sandbox.demo.wabaId);
      expect(expectTableEqualsInventory(await storedTemplates(db.db, accountId), inventory)).toEqual([]);
    }, 120_000);

    it("after Meta changes, 20 more concurrent syncs again run once and all report the same changes", async () => {
      const upstream = sandbox.control.templates(sandbox.demo.wabaId);
      const deleted = upstream.filter((t) => t.status === "APPROVED").slice(0, 7);
      for (const t of deleted) sandbox.control.deleteTemplate(t.id);
      const paused = upstream.filter((t) => t.status === "APPROVED").slice(7, 12);
      for (const t of paused) sandbox.control.setStatus(t.id, { status: "PAUSED" });
      const since = sandbox.control.requests().at(-1)?.seq ?? 0;

      const answers = await concurrentSyncs();
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: CALLERS }, () => 200));
      const remaining = INVENTORY_SIZE - deleted.length;
      const expected = {
        object: "template_sync_result",
        synced: remaining,
        created: 0,
        updated: paused.length,
        unchanged: remaining - paused.length,
        removed: deleted.length,
      };
      for (const r of answers) expect(r.body.data).toEqual(expected);

      const recorded = await runs();
      expect(recorded).toHaveLength(2);
      expect(recorded[0]).toMatchObject({ status: "succeeded", removed: deleted.length, updated: paused.length });
      expectOnePassOverTheList(listPageCalls(since), Math.ceil(remaining / 100));

      const tombstones = expectTableEqualsInventory(
        await storedTemplates(db.db, accountId),
        sandbox.control.templates(sandbox.demo.wabaId),
      );
      expect(new Set(tombstones.map(keyOf))).toEqual(new Set(deleted.map(keyOf)));
    }, 120_000);
  },
);
