/**
 * @kirim/sdk against the real app and the Meta sandbox over HTTP (no mocks): every method, paging over the
 * sandbox's 150 demo templates plus ours, a 429 retried after Retry-After, and a POST whose answer is lost to a
 * dropped connection retried with the same Idempotency-Key → one template on Meta and in the database.
 */
import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { createInProcessQueue, createWebhookDeliveryWorker } from "@kirim/core";
import type { WebhookDeliveryWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { Kirim, KirimError, verifyWebhook } from "@kirim/sdk";
import type { Template } from "@kirim/sdk";
import { ZTemplate } from "@kirim/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalls, DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { present, startReceiver } from "./support/webhook-receiver.js";
import type { Receiver } from "./support/webhook-receiver.js";

const PID = DEMO_PHONE_NUMBER_ID;

/** A TCP proxy that forwards everything, except that it swallows the answer to the first POST matching `path`
 * and closes that connection: the server did the work, the client never hears about it. */
async function startDroppingProxy(
  target: string,
  path: string,
): Promise<{ url: string; dropped: () => number; close: () => Promise<void> }> {
  const { port: targetPort } = new URL(target);
  let dropped = 0;
  let armed = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    let dropThisAnswer = false;
    const upstream = connect({ port: Number(targetPort), host: "127.0.0.1" });
    sockets.add(client).add(upstream);
    client.on("data", (chunk: Buffer) => {
      const head = chunk.toString("latin1", 0, 200);
      if (armed && head.startsWith(`POST ${path} `)) {
        armed = false;
        dropThisAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (dropThisAnswer) {
        dropped += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", closeBoth).on("close", closeBoth);
    upstream.on("error", closeBoth).on("close", closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.each(databaseKinds())("@kirim/sdk over HTTP on %s", (kind) => {
  let s: Stack;
  let kirim: Kirim;
  let delivery: WebhookDeliveryWorker;
  let receiver: Receiver | undefined;
  const templates = () => kirim.phoneNumbers(PID).templates;

  beforeAll(async () => {
    // Loopback webhook receivers are private targets: allowed here as in webhooks-out.test.ts.
    s = await startStack(kind, { core: { webhooks: { allowPrivateTargets: true, timeoutMs: 5_000 } } });
    kirim = new Kirim({ apiKey: s.demoKey, baseUrl: s.baseUrl });
    const queue = createInProcessQueue();
    await queue.start();
    delivery = createWebhookDeliveryWorker({ webhooks: s.core.webhooks, queue, pollMs: 20 });
    await delivery.start();
  }, 180_000);
  afterAll(async () => {
    await delivery?.stop();
    await receiver?.close();
    await s?.close();
  });

  it("accounts.list, templates.sync, then for-await pages through every cursor (150+ templates) and .all() agrees", async () => {
    expect((await kirim.accounts.list()).map((a) => a.phone_number_id)).toEqual([PID]);
    const sync = await templates().sync();
    expect(sync.synced).toBeGreaterThanOrEqual(150);

    const seen: Template[] = [];
    for await (const template of templates().list({ limit: 40 })) seen.push(template);
    expect(seen.length).toBe(sync.synced);
    expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
    for (const template of seen.slice(0, 5)) ZTemplate.parse(template);

    const all = await templates().list({ limit: 100 }).all();
    expect(all.map((t) => t.id)).toEqual(seen.map((t) => t.id));
    const approved = await templates().list({ status: "approved", limit: 100 }).all();
    expect(approved.length).toBeGreaterThan(0);
    expect(approved.every((t) => t.status === "approved")).toBe(true);
    const pages = [];
    for await (const page of templates().list({ limit: 40 }).pages()) pages.push(page.data.length);
    expect(pages.length).toBe(Math.ceil(sync.synced / 40));
  });

  it("create, events, render and delete; a refusal is a KirimError with type, code, param, status, request id", async () => {
    const created = await templates().create(orderConfirmation("en") as never);
    expect(created).toMatchObject({ name: "order_confirmation", language: "en", status: "pending" });

    const events = await templates().events("order_confirmation", { language: "en" }).all();
    expect(events.map((e) => e.object)).toContain("template_event");

    const rendered = await templates().render("order_confirmation", {
      language: "en",
      components: [
        { type: "header", parameters: [{ type: "text", text: "A1" }] },
        {
          type: "body",
          parameters: [
            { type: "text", text: "Budi" },
            { type: "text", text: "A1" },
          ],
        },
        { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "A1" }] },
      ],
    });
    expect(rendered.body).toBe("Hi Budi, your order A1 is confirmed and ships today.");

    const badRender = await templates()
      .render("order_confirmation", { language: "en", components: [{ type: "body", parameters: [] }] })
      .catch((error: unknown) => error);
    expect(badRender).toBeInstanceOf(KirimError);
    expect(badRender).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      code: "template_parameter_invalid",
      metaCode: 132000,
    });
    expect((badRender as KirimError).requestId).toMatch(/^req_/);

    const duplicate = await templates()
      .create(orderConfirmation("en") as never)
      .catch((error: unknown) => error);
    expect(duplicate).toMatchObject({ status: 409, type: "conflict", code: "template_already_exists", param: "name" });

    const deleted = await templates().delete("order_confirmation", { language: "en" });
    expect(deleted.deleted).toEqual([{ language: "en", template_id: created.id }]);
  });

  it("Meta's refusal reaches the caller with Meta's code and subcode (a name+language made in Meta's UI, unknown here)", async () => {
    const upstream = await fetch(`${s.sandbox.graphUrl}/${s.sandbox.demo.wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.sandbox.demo.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ...orderConfirmation("en"), name: "made_in_meta_ui" }),
    });
    expect(upstream.status).toBe(200);
    const refused = await templates()
      .create({ ...orderConfirmation("en"), name: "made_in_meta_ui" } as never)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KirimError);
    expect(refused).toMatchObject({
      status: 409,
      code: "template_already_exists",
      metaCode: 100,
      metaSubcode: 2388024,
    });
    expect((refused as KirimError).meta?.fbtrace_id).toEqual(expect.any(String));
  });

  it("a wrong API key is a KirimError 401, not retried", async () => {
    let calls = 0;
    const client = new Kirim({
      apiKey: "kirim_live_wrong",
      baseUrl: s.baseUrl,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    await expect(client.accounts.list()).rejects.toMatchObject({ status: 401, type: "authentication_error" });
    expect(calls).toBe(1);
  });

  it("a POST whose answer is lost to a dropped connection is retried with the same Idempotency-Key: one template", async () => {
    const proxy = await startDroppingProxy(s.baseUrl, `/v1/${PID}/templates`);
    const keys: string[] = [];
    try {
      const client = new Kirim({
        apiKey: s.demoKey,
        baseUrl: proxy.url,
        sleep: () => Promise.resolve(),
        fetch: (input, init) => {
          keys.push(new Headers(init?.headers).get("idempotency-key") ?? "");
          return fetch(input, init);
        },
      });
      const callsBefore = createCalls(s.sandbox);
      const template = await client
        .phoneNumbers(PID)
        .templates.create({ ...orderConfirmation("en"), name: "dropped_answer" } as never);
      expect(proxy.dropped()).toBe(1);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[1]).toBe(keys[0]);
      expect(createCalls(s.sandbox) - callsBefore).toBe(1);
      const stored = await templates().list({ search: "dropped_answer" }).all();
      expect(stored.map((t) => t.id)).toEqual([template.id]);
    } finally {
      await proxy.close();
    }
  });

  it("webhookSubscriptions: create, get, list, update, sendTest (verifyWebhook checks it), deliveries, redeliver, rotateSecret, delete", async () => {
    const r = await startReceiver();
    receiver = r;
    const subs = kirim.webhookSubscriptions;
    const created = await subs.create({ url: r.url, events: ["template.created"], description: "sdk" });
    expect(created).toMatchObject({
      object: "webhook_subscription",
      url: r.url,
      events: ["template.created"],
      enabled: true,
    });
    const secret = present(created.secret);
    expect(secret).toMatch(/^whsec_/);

    const got = await subs.get(created.id);
    expect(got.id).toBe(created.id);
    expect(got.secret).toBeUndefined();
    expect((await subs.list({ limit: 1 }).all()).map((x) => x.id)).toContain(created.id);

    const updated = await subs.update(created.id, {
      events: ["template.created", "template.deleted"],
      description: "renamed",
    });
    expect(updated).toMatchObject({
      id: created.id,
      events: ["template.created", "template.deleted"],
      description: "renamed",
    });

    const test = await subs.sendTest(created.id);
    expect(test).toMatchObject({ object: "webhook_test", event_id: expect.stringMatching(/^evt_/) as unknown });
    await r.waitFor((got) => got.some((h) => h.headers["webhook-id"] === test.event_id), 60_000);
    const hook = present(r.received.find((h) => h.headers["webhook-id"] === test.event_id));
    expect(await verifyWebhook(secret, hook.headers, hook.body)).toMatchObject({
      id: test.event_id,
      type: "webhook.test",
    });
    await expect(verifyWebhook(secret, hook.headers, `${hook.body} `)).rejects.toMatchObject({
      code: "webhook_signature_invalid",
    });

    // The attempt is logged once the worker records the receiver's answer.
    let attempts = await subs.deliveries(created.id).all();
    while (!attempts.some((a) => a.event_id === test.event_id && a.outcome === "delivered"))
      attempts = await subs.deliveries(created.id).all();
    expect(attempts.find((a) => a.event_id === test.event_id)).toMatchObject({
      object: "webhook_delivery_attempt",
      status_code: 200,
      attempt: 1,
    });

    const redelivered = await subs.redeliver(created.id, { event_id: test.event_id });
    expect(redelivered).toMatchObject({ object: "webhook_redelivery", queued: 1, event_ids: [test.event_id] });
    await r.waitFor((got) => got.filter((h) => h.headers["webhook-id"] === test.event_id).length === 2, 60_000);

    const rotated = await subs.rotateSecret(created.id);
    expect(present(rotated.secret)).not.toBe(secret);
    expect(rotated.previous_secret_expires_at).not.toBeNull();

    const badUpdate = await subs.update(created.id, { events: [] }).catch((error: unknown) => error);
    expect(badUpdate).toBeInstanceOf(KirimError);
    expect(badUpdate).toMatchObject({ status: 400, type: "invalid_request_error", param: "events" });

    expect(await subs.delete(created.id)).toEqual({ id: created.id, object: "webhook_subscription", deleted: true });
    await expect(subs.get(created.id)).rejects.toMatchObject({ status: 404 });
  });

  describe("Kirimdev's shapes: GET one object, PATCH edit, /v1/me, /template_sync_runs", () => {
    it("me() answers who the key belongs to", async () => {
      const me = await kirim.me();
      expect(me.api_key.object).toBe("api_key");
      expect(me.organization.object).toBe("organization");
      expect(me.rate_limits.write_per_minute).toBeGreaterThan(0);
    });

    it("get(name, { language }) answers ONE template; edit() is a PATCH; syncRuns() pages the runs", async () => {
      const template = await templates().create({ ...orderConfirmation("en"), name: "edit_me" } as never);
      const got = await templates().get("edit_me", { language: "en" });
      expect(got.id).toBe(template.id);
      expect(got.languages).toEqual(["en"]);
      const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "edit_me", "en");
      s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED" });
      await templates().sync();
      const edited = await templates().edit("edit_me", {
        language: "en",
        components: [{ type: "BODY", text: "Hello {{1}}, your order is ready.", example: { body_text: [["Budi"]] } }],
      });
      expect(edited.content).toBe("Hello {{1}}, your order is ready.");
      const runs = await templates().syncRuns().all();
      expect(runs.length).toBeGreaterThan(0);
    });
  });
});

describe("@kirim/sdk rate limits", () => {
  let s: Stack;
  beforeAll(async () => {
    // 60 reads a minute: one token a second, so Retry-After is 1 s once the bucket is empty.
    s = await startStack("pglite", {
      core: { rateLimits: { readPerMinute: 60, writePerMinute: 1_000_000, metaCreatesPerHour: 1_000_000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  /** Reads until the API answers 429 and returns that answer: the bucket is empty when the SDK sees it, however
   * long the machine took between requests (emptying first and then calling raced the one-a-second refill). */
  async function emptyReadBucket(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    for (;;) {
      const res = await fetch(input, init);
      if (res.status === 429) return res;
      await res.text();
    }
  }

  it("a 429 is retried after Retry-After, and succeeds", async () => {
    const statuses: number[] = [];
    const waits: number[] = [];
    let first = true;
    const kirim = new Kirim({
      apiKey: s.demoKey,
      baseUrl: s.baseUrl,
      fetch: async (input, init) => {
        const res = first ? await emptyReadBucket(input, init) : await fetch(input, init);
        first = false;
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers.get("retry-after")).toBe("1");
        return res;
      },
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const accounts = await kirim.accounts.list();
    expect(accounts).toHaveLength(1);
    expect(statuses).toEqual([429, 200]);
    expect(waits).toEqual([1000]);
  });

  it("with maxRetries 0 the 429 reaches the caller as a KirimError with retryAfterSeconds", async () => {
    let calls = 0;
    const kirim = new Kirim({
      apiKey: s.demoKey,
      baseUrl: s.baseUrl,
      maxRetries: 0,
      fetch: (input, init) => {
        calls += 1;
        return emptyReadBucket(input, init);
      },
    });
    await expect(kirim.accounts.list()).rejects.toMatchObject({
      status: 429,
      code: "rate_limit_exceeded",
      type: "rate_limit_error",
      retryAfterSeconds: 1,
    });
    expect(calls).toBe(1);
  });
});
