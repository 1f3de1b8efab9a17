/**
 * Core tests of the lifecycle machinery on both database kinds: a second sync of one account joins the running
 * one (two Core instances on one database, as two processes would be), scheduled-sync slots are claimed once per
 * interval, and the in-process queue keeps its promises (singleton keys, retries, draining stop).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingGateway, startGraphDouble } from "../../test/harness.js";
import type { GraphDouble } from "../../test/harness.js";
import { createCore } from "../core.js";
import { createMetaGateway } from "../meta/gateway.js";
import type { MetaGateway } from "../meta/types.js";
import { createTestDatabase, databaseKinds, testTokenKeyring } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";
import { createInProcessQueue } from "./job-queue.js";

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
    const coreA = createCore({ db: database.db, gateway: counted, cursorSecret: "s", tokenKeyring: testTokenKeyring() });
    const coreB = createCore({ db: database.db, gateway: counted, cursorSecret: "s", tokenKeyring: testTokenKeyring() });
    const org = await coreA.admin.createOrganisation({ name: "join" });
    const key = await coreA.admin.createApiKey({ organisationId: org.id });
    await coreA.admin.connectAccount({ organisationId: org.id, phoneNumberId: "5550101", ...graph.demo });
    const principal = await coreA.auth.authenticate(key.key);

    const first = coreA.templates.sync(principal, "5550101");
    for (let i = 0; i < 200; i++) {
      if ((await database.db.selectFrom("template_sync_runs").select("id").where("status", "=", "running").execute()).length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = coreB.templates.sync(principal, "5550101", { trigger: "trpc" });
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(b).toEqual(a);
    expect(a.created).toBe(graph.count(graph.demo.wabaId));
    expect(counted.calls.listTemplates).toBe(1);
    const runs = await database.db.selectFrom("template_sync_runs").selectAll().execute();
    expect(runs.map((r) => [r.status, r.trigger])).toEqual([["succeeded", "api"]]);
  });

  it("scheduled-sync slots: claimed once per interval whoever asks, again in the next interval", async () => {
    let now = new Date("2026-11-23T10:00:00Z");
    const gateway = createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion });
    const make = () => createCore({ db: database.db, gateway, cursorSecret: "s", tokenKeyring: testTokenKeyring(), now: () => now });
    const [one, two] = [make(), make()];
    const interval = 60_000;
    const firstClaims = await one.lifecycle.claimScheduledSyncs(interval);
    const accounts = await database.db.selectFrom("whatsapp_accounts").select("id").where("status", "=", "connected").execute();
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
    await queue.send("q", { id: "flaky" });
    await queue.send("q", { id: "slow" }, { singletonKey: "acct" });
    await queue.send("q", { id: "dropped" }, { singletonKey: "acct" });
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
      void queue.work("r", async () => {
        attempts++;
        if (attempts < 3) throw new Error("again");
        resolve();
      });
    });
    await queue.send("r", {});
    await done;
    expect(attempts).toBe(3);
    await queue.stop();
  });
});
