/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 17 over HTTP: subscriptions through REST, events out to loopback receivers that verify every signature with
 * the `standardwebhooks` library. The API's clock is injected, so a 31-hour retry schedule runs in milliseconds.
 */
import { createInProcessQueue, createLifecycleWorker, createWebhookDeliveryWorker } from "@kirim/core";
import type { LifecycleWorker, WebhookDeliveryWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { sql } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { trpcError } from "./support/trpc.js";
import { DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { present, startReceiver } from "./support/webhook-receiver.js";
import type { Receiver } from "./support/webhook-receiver.js";

const VERIFY_TOKEN = "outbound-verify-token";
const HOUR = 60 * 60 * 1000;

describe.each(databaseKinds())("outbound webhooks on %s", (kind) => {
  let stack: Stack;
  let lifecycle: LifecycleWorker;
  let delivery: WebhookDeliveryWorker;
  let clock = Date.now();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startStack(kind, {
      core: { webhooks: { allowPrivateTargets: true, timeoutMs: 2_000 }, now: () => new Date(clock) },
      metaWebhooks: (core, sandbox) => {
        lifecycle = createLifecycleWorker({
          lifecycle: core.lifecycle,
          queue: createInProcessQueue({ retryUnitMs: 10 }),
        });
        return {
          config: { appSecret: sandbox.demo.appSecret, verifyToken: VERIFY_TOKEN },
          dispatch: (ids) => lifecycle.enqueueWebhookEvents(ids),
        };
      },
    });
    await lifecycle.start();
    stack.sandbox.control.webhooks.configure({
      url: `${stack.baseUrl}/webhooks/meta`,
      verifyToken: VERIFY_TOKEN,
      appSecret: stack.sandbox.demo.appSecret,
      retryDelaysMs: [0],
    });
    expect((await stack.sandbox.control.webhooks.verify()).ok).toBe(true);
    const queue = createInProcessQueue();
    await queue.start();
    delivery = createWebhookDeliveryWorker({ webhooks: stack.core.webhooks, queue, pollMs: 20 });
    await delivery.start();
  }, 180_000);
  afterAll(async () => {
    await delivery?.stop();
    await lifecycle?.stop();
    await stack?.close();
    for (const r of receivers) await r.close();
  });

  const api = (method: string, path: string, body?: unknown, key = stack.demoKey) =>
    call(stack.baseUrl, method, path, { token: key, ...(body === undefined ? {} : { body }) });

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  async function subscribe(url: string, events: string[]): Promise<{ id: string; secret: string }> {
    const res = await api("POST", "/v1/webhook_subscriptions", { url, events, description: "test" });
    expect(res.status).toBe(201);
    return { id: res.body.data.id, secret: res.body.data.secret };
  }

  it("create shows the whsec_ secret once; get/list never; another organisation gets 404 everywhere", async () => {
    const r = await receiver();
    const created = await api("POST", "/v1/webhook_subscriptions", { url: r.url, events: ["template.created"] });
    expect(created.status).toBe(201);
    expect(created.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const id = created.body.data.id as string;
    const got = await api("GET", `/v1/webhook_subscriptions/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.secret).toBeUndefined();
    const listed = await api("GET", "/v1/webhook_subscriptions");
    expect(listed.body.data.map((s: any) => s.id)).toContain(id);
    expect(listed.body.data.every((s: any) => s.secret === undefined)).toBe(true);

    for (const [method, path, body] of [
      ["GET", `/v1/webhook_subscriptions/${id}`, undefined],
      ["PATCH", `/v1/webhook_subscriptions/${id}`, { enabled: false }],
      ["DELETE", `/v1/webhook_subscriptions/${id}`, undefined],
      ["POST", `/v1/webhook_subscriptions/${id}/test`, undefined],
      ["POST", `/v1/webhook_subscriptions/${id}/rotate_secret`, undefined],
      ["GET", `/v1/webhook_subscriptions/${id}/deliveries`, undefined],
      ["POST", `/v1/webhook_subscriptions/${id}/redeliver`, { since: new Date(0).toISOString() }],
    ] as const) {
      expectError(await api(method, path, body, stack.otherKey), 404, "resource_not_found");
    }
    expect((await api("GET", "/v1/webhook_subscriptions", undefined, stack.otherKey)).body.data).toEqual([]);
    // Still there and enabled for its owner.
    expect((await api("GET", `/v1/webhook_subscriptions/${id}`)).body.data.enabled).toBe(true);
    expectError(
      await api("POST", "/v1/webhook_subscriptions", { url: r.url, events: ["template.nope"] }),
      400,
      "invalid_field_value",
      { param: "events[0]" },
    );
    expect((await api("DELETE", `/v1/webhook_subscriptions/${id}`)).status).toBe(200);
    expectError(await api("GET", `/v1/webhook_subscriptions/${id}`), 404, "resource_not_found");
  });

  it("create → template.created; sandbox review → Meta webhook → template.status_updated; signed (standardwebhooks verifies)", async () => {
    const r = await receiver();
    const sub = await subscribe(r.url, ["template.created", "template.status_updated"]);
    const created = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
      ...orderConfirmation(),
      name: "outbound_review",
    });
    expect(created.status).toBe(201);
    await r.waitFor((got) => got.some((h) => h.json.type === "template.created"));
    stack.sandbox.control.review(created.body.data.provider_template_id);
    await stack.sandbox.control.webhooks.idle();
    await r.waitFor((got) => got.some((h) => h.json.type === "template.status_updated"));
    const [createdEvent, statusEvent] = r.received;
    for (const hook of r.received) {
      expect(r.verify(hook, sub.secret)).toEqual(hook.json);
      expect(hook.headers["webhook-id"]).toBe(hook.json.id);
    }
    expect(() =>
      r.verify(present(statusEvent), "whsec_" + Buffer.from("wrong-secret-wrong-secret").toString("base64")),
    ).toThrow();
    expect(present(createdEvent).json.data.template.name).toBe("outbound_review");
    expect(present(createdEvent).json.data.source).toBe("create");
    expect(present(statusEvent).json.data.source).toBe("webhook");
    expect(present(statusEvent).json.data.previous.meta_status).toBe("PENDING");
    expect(present(statusEvent).json.data.current.meta_status).toBe(
      present(statusEvent).json.data.template.meta_status,
    );
    expect(["APPROVED", "REJECTED"]).toContain(present(statusEvent).json.data.template.meta_status);
    // Exactly once per change: two changes, two events.
    expect(r.received.map((h) => h.json.type)).toEqual(["template.created", "template.status_updated"]);
  });

  it("phone_number_ids filters: a subscription for another number gets none of this number's events", async () => {
    const mine = await receiver();
    const others = await receiver();
    const forMine = await api("POST", "/v1/webhook_subscriptions", {
      url: mine.url,
      events: ["template.created"],
      phone_number_ids: [DEMO_PHONE_NUMBER_ID],
    });
    expect(forMine.status, forMine.text).toBe(201);
    expect(forMine.body.data.phone_number_ids).toEqual([DEMO_PHONE_NUMBER_ID]);
    const forOthers = await api("POST", "/v1/webhook_subscriptions", {
      url: others.url,
      events: ["template.created"],
      phone_number_ids: ["999999999"],
    });
    expect(forOthers.status, forOthers.text).toBe(201);
    for (const name of ["filtered_first", "filtered_second"]) {
      expect(
        (await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, { ...orderConfirmation(), name })).status,
      ).toBe(201);
      await mine.waitFor((got) => got.some((h) => h.json.data.template?.name === name));
    }
    expect(mine.received.map((h) => h.json.data.template.name)).toEqual(["filtered_first", "filtered_second"]);
    expect(others.received).toEqual([]);
    expect((await api("GET", `/v1/webhook_subscriptions/${forOthers.body.data.id}/deliveries`)).body.data).toEqual([]);
  });

  it("500 three times then 200 → delivered on the 4th try with the same id; the log shows each attempt; redelivery resends it", async () => {
    const r = await receiver();
    r.respond = (i) => (i < 3 ? 500 : 200);
    const sub = await subscribe(r.url, ["template.created"]);
    const test = await api("POST", `/v1/webhook_subscriptions/${sub.id}/test`);
    expect(test.status).toBe(202);
    for (let n = 1; n <= 4; n++) {
      await r.waitFor((got) => got.length >= n);
      const log = await waitForLog(sub.id, n);
      if (n < 4) {
        expect(log[0].outcome).toBe("retrying");
        expect(Date.parse(log[0].next_retry_at)).toBeGreaterThan(clock);
        clock += 8 * HOUR; // past the longest wait (6 h + 20 % jitter)
      }
    }
    expect(new Set(r.received.map((h) => h.headers["webhook-id"]))).toEqual(new Set([test.body.data.event_id]));
    for (const hook of r.received) r.verify(hook, sub.secret);
    const log = await waitForLog(sub.id, 4);
    expect(log.map((a: any) => [a.attempt, a.status_code, a.outcome])).toEqual([
      [4, 200, "delivered"],
      [3, 500, "retrying"],
      [2, 500, "retrying"],
      [1, 500, "retrying"],
    ]);
    // Signed cursors page the log.
    const page1 = await api("GET", `/v1/webhook_subscriptions/${sub.id}/deliveries?limit=3`);
    expect(page1.body.has_more).toBe(true);
    const page2 = await api(
      "GET",
      `/v1/webhook_subscriptions/${sub.id}/deliveries?limit=3&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
    );
    expect(page2.body.data.map((a: any) => a.attempt)).toEqual([1]);
    expectError(
      await api(
        "GET",
        `/v1/webhook_subscriptions/${sub.id}/deliveries?cursor=${encodeURIComponent(page1.body.next_cursor)}x`,
      ),
      400,
      "invalid_cursor",
    );
    // Redeliver the same event: same id again.
    const again = await api("POST", `/v1/webhook_subscriptions/${sub.id}/redeliver`, {
      event_id: test.body.data.event_id,
    });
    expect(again.body.data.queued).toBe(1);
    await r.waitFor((got) => got.length === 5);
    expect(present(r.received[4]).headers["webhook-id"]).toBe(test.body.data.event_id);
  });

  it("24 consecutive failures disable the subscription and record a webhook_subscription.disabled notice", async () => {
    const dead = await receiver();
    dead.respond = () => 503;
    const watcher = await receiver();
    const sub = await subscribe(dead.url, ["template.created"]);
    const notice = await subscribe(watcher.url, ["webhook_subscription.disabled"]);
    // Two events: one delivery gives up after 14 attempts, the subscription's 24th failure comes from the second.
    expect((await api("POST", `/v1/webhook_subscriptions/${sub.id}/test`)).status).toBe(202);
    expect((await api("POST", `/v1/webhook_subscriptions/${sub.id}/test`)).status).toBe(202);
    for (let n = 1; n <= 24; n++) {
      await dead.waitFor((got) => got.length >= n);
      await waitForLog(sub.id, n);
      clock += 8 * HOUR;
    }
    await watcher.waitFor((got) => got.length === 1);
    const state = (await api("GET", `/v1/webhook_subscriptions/${sub.id}`)).body.data;
    expect(state).toMatchObject({ enabled: false, disabled_reason: "consecutive_failures", consecutive_failures: 24 });
    expect(present(watcher.received[0]).json).toMatchObject({
      type: "webhook_subscription.disabled",
      data: { subscription_id: sub.id, reason: "consecutive_failures" },
    });
    watcher.verify(present(watcher.received[0]), notice.secret);
    // Nothing more is sent to a disabled subscription.
    clock += 8 * HOUR;
    await delivery.poll();
    expect(dead.received.length).toBe(24);
    const log = await waitForLog(sub.id, 24);
    expect(log[0].outcome).toBe("subscription_disabled");
    // Both events were tried (their ordering keys differ, so neither waits for the other).
    expect(new Set(dead.received.map((h) => h.json.id)).size).toBe(2);
  });

  it("410 Gone disables at once", async () => {
    const gone = await receiver();
    gone.respond = () => 410;
    const sub = await subscribe(gone.url, ["template.created"]);
    await api("POST", `/v1/webhook_subscriptions/${sub.id}/test`);
    await gone.waitFor((got) => got.length === 1);
    await waitForLog(sub.id, 1);
    expect((await api("GET", `/v1/webhook_subscriptions/${sub.id}`)).body.data).toMatchObject({
      enabled: false,
      disabled_reason: "endpoint_gone",
    });
  });

  it("a first sync sends counts, not one event per template; a rolled-back sync page emits nothing; the next sync emits template.created once", async () => {
    const r = await receiver();
    await subscribe(r.url, ["template.created", "template_sync.completed", "template_sync.failed"]);
    const first = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`);
    expect(first.status).toBe(200);
    await r.waitFor((got) => got.some((h) => h.json.type === "template_sync.completed"));
    const completed = present(r.received.find((h) => h.json.type === "template_sync.completed"));
    expect(completed.json.data).toMatchObject({
      first_sync: true,
      created: first.body.data.created,
      synced: first.body.data.synced,
    });
    expect(first.body.data.created).toBeGreaterThan(100);
    expect(r.received.filter((h) => h.json.type === "template.created")).toHaveLength(0);

    // A template made on Meta directly (WhatsApp Manager), then a sync whose page transaction fails at its end.
    const graph = await fetch(`${stack.sandbox.url}/v23.0/${stack.sandbox.demo.wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.sandbox.demo.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ...orderConfirmation(), name: "made_in_manager" }),
    });
    expect(graph.status).toBe(200);
    const createdBefore = await stack.db.db
      .selectFrom("webhook_out_events")
      .select("id")
      .where("type", "=", "template.created")
      .execute();
    await sql`CREATE FUNCTION fail_page() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected page failure'; END $$`.execute(
      stack.db.db,
    );
    await sql`CREATE TRIGGER fail_page BEFORE UPDATE ON template_sync_runs FOR EACH ROW WHEN (NEW.status = 'running' AND NEW.pages > 0) EXECUTE FUNCTION fail_page()`.execute(
      stack.db.db,
    );
    const failed = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await sql`DROP TRIGGER fail_page ON template_sync_runs`.execute(stack.db.db);
    await r.waitFor((got) => got.some((h) => h.json.type === "template_sync.failed"));
    const outbox = await stack.db.db
      .selectFrom("webhook_out_events")
      .select("type")
      .where("type", "=", "template.created")
      .execute();
    expect(outbox).toHaveLength(createdBefore.length);
    const stored = await stack.db.db
      .selectFrom("templates")
      .select("id")
      .where("name", "=", "made_in_manager")
      .execute();
    expect(stored).toHaveLength(0);

    const next = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`);
    expect(next.status).toBe(200);
    await r.waitFor((got) => got.filter((h) => h.json.type === "template_sync.completed").length === 2);
    await r.waitFor((got) => got.some((h) => h.json.type === "template.created"));
    const createdEvents = r.received.filter((h) => h.json.type === "template.created");
    expect(createdEvents.map((h) => h.json.data.template.name)).toEqual(["made_in_manager"]);
    expect(present(createdEvents[0]).json.data.source).toBe("sync");
  });

  it("tRPC: create, rotate (both secrets sign for 24 h), test, deliveries; another organisation's id is NOT_FOUND", async () => {
    const trpc = (token: string) =>
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${token}` } })],
      });
    const r = await receiver();
    const created = await trpc(stack.demoKey).webhooks.create.mutate({ url: r.url, events: ["template.created"] });
    expect(created.secret).toMatch(/^whsec_/);
    const rotated = await trpc(stack.demoKey).webhooks.rotateSecret.mutate({ id: created.id });
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previous_secret_expires_at ?? "") - clock).toBe(24 * HOUR);
    const test = await trpc(stack.demoKey).webhooks.sendTest.mutate({ id: created.id });
    await r.waitFor((got) => got.length === 1);
    const hook = present(r.received[0]);
    expect(hook.headers["webhook-id"]).toBe(test.event_id);
    // Both the old and the new secret verify during the overlap.
    r.verify(hook, present(created.secret));
    r.verify(hook, present(rotated.secret));
    const log = await trpc(stack.demoKey).webhooks.deliveries.query({ id: created.id, limit: 10 });
    await waitForLog(created.id, 1);
    expect(log.data.length).toBeLessThanOrEqual(1);
    const error = await trpcError(trpc(stack.otherKey).webhooks.get.query({ id: created.id }));
    expect(error.data).toMatchObject({ code: "resource_not_found", httpStatus: 404 });
    // After the overlap only the new secret signs.
    clock += 25 * HOUR;
    await trpc(stack.demoKey).webhooks.sendTest.mutate({ id: created.id });
    await r.waitFor((got) => got.length === 2);
    const later = present(r.received[1]);
    r.verify(later, present(rotated.secret));
    expect(() => r.verify(later, present(created.secret))).toThrow();
  });

  async function waitForLog(subscriptionId: string, count: number): Promise<any[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await api("GET", `/v1/webhook_subscriptions/${subscriptionId}/deliveries?limit=100`);
      if (res.body.data.length >= count) return res.body.data;
      if (Date.now() > deadline)
        throw new Error(`delivery log of ${subscriptionId}: ${res.body.data.length} < ${count}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});

describe("outbound webhook targets with WEBHOOK_ALLOW_PRIVATE_TARGETS off", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("pglite");
  }, 180_000);
  afterAll(async () => stack?.close());

  it("refuses loopback, private and plain-http targets before saving anything", async () => {
    for (const url of [
      "https://127.0.0.1/hooks",
      "https://10.0.0.8/hooks",
      "https://[::1]/hooks",
      "http://127.0.0.1:8080/hooks",
      "https://user:pw@203.0.113.9/",
    ]) {
      const res = await call(stack.baseUrl, "POST", "/v1/webhook_subscriptions", {
        token: stack.demoKey,
        body: { url, events: ["template.created"] },
      });
      expectError(res, 400, "webhook_target_forbidden", { param: "url" });
    }
    const listed = await call(stack.baseUrl, "GET", "/v1/webhook_subscriptions", { token: stack.demoKey });
    expect(listed.body.data).toEqual([]);
  });
});
