/**
 * Core tests of the lifecycle machinery on both database kinds: a second sync of one account joins the running
 * one (two Core instances on one database, as two processes would be), scheduled-sync slots are claimed once per
 * interval, and the in-process queue keeps its promises (singleton keys, retries, draining stop).
 */
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { countingGateway, startGraphDouble } from "../../test/harness.js";
import type { GraphDouble } from "../../test/harness.js";
import { createCore } from "../core.js";
import { createMetaGateway } from "../meta/gateway.js";
import type { MetaGateway } from "../meta/types.js";
import { createTestDatabase, databaseKinds, testTokenKeyring } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";
import { HEARTBEAT_MS } from "../templates/template-sync.js";
import { createInProcessQueue } from "../scheduler/job-queue.js";

describe.each(databaseKinds())("sync runs on %s", (kind) => {
  let database: TestDatabase;
  let graph: GraphDouble;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    graph = await startGraphDouble();
  });
  afterAll(async () => {
    await graph?.close();
    await database?.dispose();
  });

  it("a live run keeps its heartbeat fresh while Meta keeps it waiting, so it is never taken for abandoned", async () => {
    const real = createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stalled: MetaGateway = {
      createTemplate: (a, b) => real.createTemplate(a, b),
      async *listTemplates(account, options) {
        await gate;
        yield* real.listTemplates(account, options);
      },
    };
    const core = createCore({ db: database.db, gateway: stalled, cursorSecret: "s", tokenKeyring: testTokenKeyring() });
    const org = await core.admin.createOrganisation({ name: "heartbeat" });
    const key = await core.admin.createApiKey({ organisationId: org.id });
    await core.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: "5550199",
      ...graph.demo,
      allowSharedWaba: true,
    });
    const principal = await core.auth.authenticate(key.key);
    const runOf = () =>
      database.db
        .selectFrom("template_sync_runs")
        .innerJoin("whatsapp_accounts as a", "a.id", "template_sync_runs.account_id")
        .select(["template_sync_runs.status", "template_sync_runs.started_at", "template_sync_runs.heartbeat_at"])
        .where("a.phone_number_id", "=", "5550199")
        .executeTakeFirst();

    // Only setInterval is faked: the database and the gate keep real time.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const sync = core.templates.sync(principal, "5550199");
      let run = await runOf();
      for (let i = 0; i < 200 && run === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
        run = await runOf();
      }
      expect(run?.status).toBe("running");
      const startedAt = run?.started_at.getTime() ?? 0;
      await new Promise((r) => setTimeout(r, 5)); // so a beat's timestamp is measurably later than the start
      vi.advanceTimersByTime(HEARTBEAT_MS);
      let beat = startedAt;
      for (let i = 0; i < 200 && beat === startedAt; i++) {
        await new Promise((r) => setTimeout(r, 10));
        beat = (await runOf())?.heartbeat_at.getTime() ?? startedAt;
      }
      expect(beat).toBeGreaterThan(startedAt);
      release();
      await sync;
      expect((await runOf())?.status).toBe("succeeded");
    } finally {
      release();
      vi.useRealTimers();
    }
  });

  it("a second sync while one runs joins it: one run, one read of Meta, the same result for both", async () => {
    const real = createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated: MetaGateway = {
      createTemplate: (a, b) => real.createTemplate(a, b),
      async *listTemplates(account, options) {
        await gate;
        yield* real.listTemplates(account, options);
      },
    };
    const counted = countingGateway(gated);
    const coreA = createCore({
      db: database.db,
      gateway: counted,
      cursorSecret: "s",
      tokenKeyring: testTokenKeyring(),
    });
    const coreB = createCore({
      db: database.db,
      gateway: counted,
      cursorSecret: "s",
      tokenKeyring: testTokenKeyring(),
    });
    const org = await coreA.admin.createOrganisation({ name: "join" });
    const key = await coreA.admin.createApiKey({ organisationId: org.id });
    await coreA.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: "5550101",
      ...graph.demo,
      allowSharedWaba: true,
    });
    const principal = await coreA.auth.authenticate(key.key);

    const first = coreA.templates.sync(principal, "5550101");
    for (let i = 0; i < 200; i++) {
      if (
        (await database.db.selectFrom("template_sync_runs").select("id").where("status", "=", "running").execute())
          .length > 0
      )
        break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = coreB.templates.sync(principal, "5550101", { trigger: "trpc" });
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(b).toEqual(a);
    expect(a.created).toBe(graph.count(graph.demo.wabaId));
    expect(counted.calls.listTemplates).toBe(1);
    const runs = await database.db
      .selectFrom("template_sync_runs")
      .innerJoin("whatsapp_accounts as a", "a.id", "template_sync_runs.account_id")
      .select(["template_sync_runs.status", "template_sync_runs.trigger"])
      .where("a.phone_number_id", "=", "5550101")
      .execute();
    expect(runs.map((r) => [r.status, r.trigger])).toEqual([["succeeded", "api"]]);
  });

  // Issue 8 concurrency drill: a joiner re-looked for "a running run" on every poll, so a run that finished between
  // two polls looked like no run at all and the joiner started a second full sync (a second pass over Meta's pages).
  it("a joiner follows the run it found to its end: a run that finishes between two polls is joined, not run again", async () => {
    const gateway = countingGateway(createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion }));
    const setup = createCore({ db: database.db, gateway, cursorSecret: "s", tokenKeyring: testTokenKeyring() });
    const org = await setup.admin.createOrganisation({ name: "join race" });
    const key = await setup.admin.createApiKey({ organisationId: org.id });
    await setup.admin.connectAccount({ organisationId: org.id, phoneNumberId: "5550202", ...graph.addWaba() });
    const principal = await setup.auth.authenticate(key.key);
    const account = await database.db
      .selectFrom("whatsapp_accounts")
      .select("id")
      .where("phone_number_id", "=", "5550202")
      .executeTakeFirstOrThrow();
    // Another process's run of this account, in progress.
    const startedAt = new Date();
    await database.db
      .insertInto("template_sync_runs")
      .values({
        id: "tsr_other_process",
        account_id: account.id,
        trigger: "schedule",
        status: "running",
        started_at: startedAt,
        heartbeat_at: startedAt,
        finished_at: null,
        error_code: null,
        error_message: null,
      })
      .execute();
    // It finishes between the joiner's second and third read: the finishing update starts as soon as the joiner has
    // first seen the run (it runs while the joiner sleeps between polls: on PGlite it is queued on the one connection
    // ahead of the joiner's next read), and the second read answers "running" as if it had been served just before
    // the commit. Awaiting the update there cannot deadlock: it has already had its turn on the connection.
    let reads = 0;
    let finishing: Promise<unknown> = Promise.resolve();
    const finishBetweenPolls: KyselyPlugin = {
      transformQuery: ({ node }) => node,
      async transformResult({ result }) {
        const row = result.rows[0];
        if (row?.["id"] !== "tsr_other_process") return result;
        reads++;
        if (reads === 1) {
          finishing = database.db
            .updateTable("template_sync_runs")
            .set({ status: "succeeded", finished_at: new Date(), pages: 1, synced: 7, created: 7 })
            .where("id", "=", "tsr_other_process")
            .execute();
        }
        if (reads === 2) {
          await finishing;
          return { ...result, rows: [{ ...row, status: "running", finished_at: null }] };
        }
        return result;
      },
    };
    const joiner = createCore({
      db: database.db.withPlugin(finishBetweenPolls),
      gateway,
      cursorSecret: "s",
      tokenKeyring: testTokenKeyring(),
    });

    const result = await joiner.templates.sync(principal, "5550202");
    expect(result).toEqual({
      object: "template_sync_result",
      synced: 7,
      created: 7,
      updated: 0,
      unchanged: 0,
      removed: 0,
    });
    expect(gateway.calls.listTemplates).toBe(0);
    const runs = await database.db
      .selectFrom("template_sync_runs")
      .select(["id", "status"])
      .where("account_id", "=", account.id)
      .execute();
    expect(runs).toEqual([{ id: "tsr_other_process", status: "succeeded" }]);
  });

  it("scheduled-sync slots: claimed once per interval whoever asks, again in the next interval", async () => {
    let now = new Date("2026-11-23T10:00:00Z");
    const gateway = createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion });
    const make = () =>
      createCore({ db: database.db, gateway, cursorSecret: "s", tokenKeyring: testTokenKeyring(), now: () => now });
    const [one, two] = [make(), make()];
    const interval = 60_000;
    const firstClaims = await one.lifecycle.claimScheduledSyncs(interval);
    const accounts = await database.db
      .selectFrom("whatsapp_accounts")
      .select("id")
      .where("status", "=", "connected")
      .execute();
    expect(firstClaims.map((c) => c.accountId).sort()).toEqual(accounts.map((a) => a.id).sort());
    expect(await two.lifecycle.claimScheduledSyncs(interval)).toEqual([]);
    expect(await one.lifecycle.claimScheduledSyncs(interval)).toEqual([]);
    now = new Date(now.getTime() + interval);
    const next = await two.lifecycle.claimScheduledSyncs(interval);
    expect(next.map((c) => c.slot)).toEqual(firstClaims.map((c) => c.slot + 1));
  });
});

describe("in-process job queue", () => {
  it("a singleton key holds one queued-or-active job; failures are retried; stop drains what is in flight", async () => {
    const queue = createInProcessQueue({ retryUnitMs: 1 });
    await queue.start();
    await queue.createQueue({ name: "q", exclusive: true, retryLimit: 2, retryDelaySeconds: 1 });
    const seen: string[] = [];
    let failures = 1;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    await queue.work<{ id: string }>("q", async ({ id }) => {
      if (id === "slow") {
        started();
        await gate;
      }
      if (id === "flaky" && failures-- > 0) throw new Error("transient");
      seen.push(id);
    });
    expect(await queue.send("q", { id: "flaky" })).toBe(true);
    expect(await queue.send("q", { id: "slow" }, { singletonKey: "acct" })).toBe(true);
    // The scheduler logs this refusal as a skipped slot.
    expect(await queue.send("q", { id: "dropped" }, { singletonKey: "acct" })).toBe(false);
    await startedP;
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(seen).toContain("slow");
    expect(seen).not.toContain("dropped");
  });

  it("retries a failing job until it succeeds", async () => {
    const queue = createInProcessQueue({ retryUnitMs: 1 });
    await queue.createQueue({ name: "r", retryLimit: 3, retryDelaySeconds: 1 });
    let attempts = 0;
    const done = new Promise<void>((resolve) => {
      void queue.work("r", () => {
        attempts++;
        if (attempts < 3) return Promise.reject(new Error("again"));
        resolve();
        return Promise.resolve();
      });
    });
    await queue.send("r", {});
    await done;
    expect(attempts).toBe(3);
    await queue.stop();
  });
});
