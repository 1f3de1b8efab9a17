/**
 * Issue 17 drills with the built `dist/main.js` in child processes and a loopback receiver here (verifying every
 * signature with the `standardwebhooks` library):
 * - `kill -9` of the API between the commit of a change (its outbox event) and the delivery → after a restart the
 *   event is delivered, with the same id (both database kinds);
 * - two API processes on one PostgreSQL (pg-boss) → every event is delivered exactly once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { DatabaseKind, TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http.js";
import { DEMO_PHONE_NUMBER_ID, orderConfirmation } from "../support/stack.js";
import { present, startReceiver } from "../support/webhook-receiver.js";
import type { Receiver } from "../support/webhook-receiver.js";
import { baseApiEnv, killApiProcess, requireUrl, startApiProcess, stopApiProcess } from "./drill-support.js";
import type { ApiProcess } from "./drill-support.js";

const DEV_API_KEY = "kdv_live_webhooksOutDrill000000000";

async function subscribe(baseUrl: string, url: string): Promise<{ id: string; secret: string }> {
  const res = await call(baseUrl, "POST", "/v1/webhook_subscriptions", {
    token: DEV_API_KEY,
    body: { url, events: ["template.created"] },
  });
  expect(res.status).toBe(201);
  return { id: res.body.data.id, secret: res.body.data.secret };
}

function createTemplate(baseUrl: string, name: string) {
  return call(baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
    token: DEV_API_KEY,
    body: { ...orderConfirmation(), name },
  });
}

describe.each(databaseKinds())(
  "outbound webhook crash drill on %s: kill -9 between commit and delivery",
  (kind: DatabaseKind) => {
    let sandbox: MetaSandbox;
    let receiver: Receiver;
    let pgDatabase: TestDatabase | undefined;
    let dataDir = "";
    let api: ApiProcess | undefined;

    beforeAll(async () => {
      sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
      receiver = await startReceiver();
      dataDir = await mkdtemp(path.join(tmpdir(), `kirim-webhooks-drill-${kind}-`));
      if (kind === "postgres") pgDatabase = await createTestDatabase("postgres");
    }, 60_000);
    afterAll(async () => {
      await stopApiProcess(api);
      await receiver?.close();
      await sandbox?.close();
      await pgDatabase?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("delivers the committed event after a restart, with the same id", async () => {
      const env = baseApiEnv({
        DATA_DIR: dataDir,
        ...(pgDatabase !== undefined ? { DATABASE_URL: requireUrl(pgDatabase.url) } : {}),
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.demo.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
        DEV_API_KEY,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      });
      api = await startApiProcess(env);
      expect(api.output()).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=true");
      const sub = await subscribe(api.baseUrl, receiver.url);
      // The first delivery never gets an answer: the API dies while it is in flight (after the commit).
      receiver.respond = (index) => (index === 0 ? "hang" : 200);
      expect((await createTemplate(api.baseUrl, "drill_webhook_crash")).status).toBe(201);
      await receiver.waitFor((got) => got.length === 1);
      await killApiProcess(api);

      api = await startApiProcess(env);
      // The dead process's lease (10 s timeout + 5 s) runs out, then the restarted one delivers.
      await receiver.waitFor((got) => got.length === 2, 60_000);
      const [first, second] = receiver.received;
      expect(present(second).headers["webhook-id"]).toBe(present(first).headers["webhook-id"]);
      expect(receiver.verify(present(second), sub.secret)).toMatchObject({
        type: "template.created",
        data: { template: { name: "drill_webhook_crash" } },
      });
    }, 120_000);
  },
);

describe.runIf(databaseKinds().includes("postgres"))(
  "outbound webhooks from two API processes on one PostgreSQL",
  () => {
    let db: TestDatabase;
    let sandbox: MetaSandbox;
    let receiver: Receiver;
    let dataDir = "";
    const instances: ApiProcess[] = [];

    beforeAll(async () => {
      db = await createTestDatabase("postgres");
      sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
      receiver = await startReceiver();
      dataDir = await mkdtemp(path.join(tmpdir(), "kirim-webhooks-two-"));
      const env = baseApiEnv({
        DATA_DIR: dataDir,
        DATABASE_URL: requireUrl(db.url),
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.demo.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
        DEV_API_KEY,
        CURSOR_SECRET: "webhooks-two-processes-cursor-secret",
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      });
      instances.push(await startApiProcess(env));
      instances.push(await startApiProcess(env));
    }, 150_000);
    afterAll(async () => {
      await Promise.all(instances.map((i) => stopApiProcess(i)));
      await receiver?.close();
      await sandbox?.close();
      await db?.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it("delivers each event exactly once", async () => {
      const [a, b] = instances as [ApiProcess, ApiProcess];
      const sub = await subscribe(a.baseUrl, receiver.url);
      const names = Array.from({ length: 12 }, (_, i) => `drill_two_${i}`);
      const answers = await Promise.all(names.map((name, i) => createTemplate((i % 2 === 0 ? a : b).baseUrl, name)));
      expect(answers.map((r) => r.status)).toEqual(names.map(() => 201));
      await receiver.waitFor((got) => got.length >= names.length, 60_000);
      // Every delivery is settled in the database (a delivered row is never claimed again) with one attempt each.
      const settled = async () =>
        db.db
          .selectFrom("webhook_deliveries")
          .select(["state", "attempts"])
          .where("subscription_id", "=", sub.id)
          .execute();
      let deliveries = await settled();
      for (
        const deadline = Date.now() + 30_000;
        deliveries.some((d) => d.state === "pending") && Date.now() < deadline;
      ) {
        await new Promise((r) => setTimeout(r, 50));
        deliveries = await settled();
      }
      expect(deliveries).toHaveLength(names.length);
      expect(deliveries.every((d) => d.state === "delivered" && d.attempts === 1)).toBe(true);
      const attempts = await db.db
        .selectFrom("webhook_delivery_attempts")
        .select("id")
        .where("subscription_id", "=", sub.id)
        .execute();
      expect(attempts).toHaveLength(names.length);
      expect(receiver.received).toHaveLength(names.length);
      expect(new Set(receiver.received.map((h) => h.headers["webhook-id"])).size).toBe(names.length);
      expect(receiver.received.map((h) => h.json.data.template.name).sort()).toEqual([...names].sort());
      for (const hook of receiver.received) receiver.verify(hook, sub.secret);
    }, 120_000);
  },
);
