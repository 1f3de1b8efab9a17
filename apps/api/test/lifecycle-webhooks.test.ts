/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 5 over HTTP: every lifecycle transition driven on the sandbox arrives by webhook ALONE (no sync call is
 * made) through the job queue, with the right fields and history rows; forged / altered / replayed webhooks change
 * nothing; old events never move a template backwards; events route by WABA to every account on it.
 */
import { createInProcessQueue, createLifecycleWorker, createPgBossQueue } from "@kirim/core";
import type { JobQueue, LifecycleWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import type { DatabaseKind, TestDatabase } from "@kirim/core/testing";
import { signWebhookBody } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, metaWebhooksSettled, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const VERIFY_TOKEN = "lifecycle-verify-token";
const SHARED_PHONE_NUMBER_ID = "107777777777777";

type QueueKind = "in-process" | "pg-boss";
/** Every database, and on PostgreSQL also pg-boss: the queue production runs there. */
const cases: [DatabaseKind, QueueKind][] = databaseKinds().flatMap((kind): [DatabaseKind, QueueKind][] =>
  kind === "postgres"
    ? [
        [kind, "in-process"],
        [kind, "pg-boss"],
      ]
    : [[kind, "in-process"]],
);

function queueOf(queueKind: QueueKind, db: TestDatabase & { url?: string }): JobQueue {
  if (queueKind === "in-process") return createInProcessQueue({ retryUnitMs: 10 });
  if (db.url === undefined) throw new Error("pg-boss needs the PostgreSQL test database's url");
  return createPgBossQueue({ connectionString: db.url });
}

describe.each(cases)("template lifecycle by webhook on %s (%s queue)", (kind, queueKind) => {
  let stack: Stack;
  let worker: LifecycleWorker;
  let database: TestDatabase;
  /** Off = the process dies after storing an event and before queueing it. */
  let dispatching = true;
  let webhookUrl: string;
  let appSecret: string;
  let templateId: string;
  let sharedKey: string;

  beforeAll(async () => {
    stack = await startStack(kind, {
      metaWebhooks: (core, sandbox, db) => {
        database = db;
        worker = createLifecycleWorker({ lifecycle: core.lifecycle, queue: queueOf(queueKind, db) });
        return {
          config: { appSecret: sandbox.demo.appSecret, verifyToken: VERIFY_TOKEN },
          dispatch: (ids) => (dispatching ? worker.enqueueWebhookEvents(ids) : Promise.resolve()),
        };
      },
    });
    await worker.start();
    appSecret = stack.sandbox.demo.appSecret;
    webhookUrl = `${stack.baseUrl}/webhooks/meta`;
    stack.sandbox.control.webhooks.configure({
      url: webhookUrl,
      verifyToken: VERIFY_TOKEN,
      appSecret,
      retryDelaysMs: [0],
    });
    // A second organisation's account on the SAME WABA: template events must reach it too.
    const org = await stack.core.admin.createOrganisation({ name: "Shared WABA Org" });
    sharedKey = (await stack.core.admin.createApiKey({ organisationId: org.id })).key;
    await stack.core.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: SHARED_PHONE_NUMBER_ID,
      wabaId: stack.sandbox.demo.wabaId,
      accessToken: stack.sandbox.demo.accessToken,
      allowSharedWaba: true,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  });

  const api = (method: string, path: string, body?: unknown, key = stack.demoKey) =>
    call(stack.baseUrl, method, path, { token: key, ...(body === undefined ? {} : { body }) });

  const settle = () => metaWebhooksSettled(stack);

  async function template(phoneNumberId = DEMO_PHONE_NUMBER_ID, key = stack.demoKey): Promise<any> {
    const res = await api("GET", `/v1/${phoneNumberId}/templates/order_confirmation?language=en`, undefined, key);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function history(): Promise<any[]> {
    const res = await api("GET", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/order_confirmation/events?limit=100`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  function listCalls(sinceSeq: number): number {
    return stack.sandbox.control
      .requests({ method: "GET", sinceSeq })
      .filter((r) => r.path.endsWith("/message_templates")).length;
  }

  it("the GET handshake echoes hub.challenge only for the right token", async () => {
    const ok = await fetch(
      `${webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const wrong = await call(
      stack.baseUrl,
      "GET",
      `/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    expectError(wrong, 403, "webhook_verification_failed");
    expect((await stack.sandbox.control.webhooks.verify()).ok).toBe(true);
  });

  it("create writes the first history row with the request id", async () => {
    const res = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, orderConfirmation());
    expect(res.status).toBe(201);
    templateId = res.body.data.provider_template_id;
    const events = await history();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      object: "template_event",
      kind: "status",
      from: null,
      to: "PENDING",
      source: "create",
      source_id: res.body.request_id,
    });
  });

  it("approve, pause, unpause, quality, category notice + completion, components, reject, disable: each by webhook alone", async () => {
    const since = lastSeq(stack.sandbox);
    const control = stack.sandbox.control;

    control.review(templateId);
    await settle();
    expect(await template()).toMatchObject({
      status: "approved",
      meta_status: "APPROVED",
      last_synced_via: "webhook",
      rejected_reason: null,
    });

    control.setStatus(templateId, {
      status: "PAUSED",
      reason: "NONE",
      otherInfo: { title: "FIRST_PAUSE", description: "Paused for 3 hours." },
    });
    await settle();
    expect(await template()).toMatchObject({
      status: "pending",
      meta_status: "PAUSED",
      status_info: { other_info: { title: "FIRST_PAUSE" } },
    });

    control.setStatus(templateId, {
      status: "APPROVED",
      reason: "NONE",
      otherInfo: { title: "UNPAUSE", description: "Your WhatsApp message template has been unpaused." },
    });
    await settle();
    expect(await template()).toMatchObject({
      status: "approved",
      meta_status: "APPROVED",
      status_info: { other_info: { title: "UNPAUSE" } },
    });

    control.setQuality(templateId, "YELLOW");
    await settle();
    expect(await template()).toMatchObject({ quality_score: "YELLOW" });

    const effectiveAt = Math.floor(Date.now() / 1000) + 86_400;
    control.changeCategory(templateId, "MARKETING", "impending", effectiveAt);
    await settle();
    // The warning does NOT change the category: new_category in that shape is the current one.
    expect(await template()).toMatchObject({
      category: "UTILITY",
      pending_category_change: { category: "MARKETING", effective_at: new Date(effectiveAt * 1000).toISOString() },
    });

    control.changeCategory(templateId, "MARKETING", "completed");
    await settle();
    expect(await template()).toMatchObject({
      category: "MARKETING",
      previous_category: "UTILITY",
      pending_category_change: null,
    });

    control.webhooks.forge({
      wabaId: stack.sandbox.demo.wabaId,
      field: "message_template_components_update",
      value: {
        message_template_id: Number(templateId),
        message_template_name: "order_confirmation",
        message_template_language: "en",
        message_template_element: "Hi {{1}}, order {{2}} is confirmed and leaves the warehouse today.",
        message_template_footer: "Thanks for shopping",
        message_template_buttons: [
          {
            message_template_button_type: "URL",
            message_template_button_text: "Track it",
            message_template_button_url: "https://example.com/t/{{1}}",
          },
        ],
      },
    });
    await settle();
    const edited = await template();
    expect(edited.content).toBe("Hi {{1}}, order {{2}} is confirmed and leaves the warehouse today.");
    expect(edited.components.find((c: any) => c.type === "FOOTER").text).toBe("Thanks for shopping");
    expect(edited.components.find((c: any) => c.type === "BUTTONS").buttons[0]).toMatchObject({
      type: "URL",
      text: "Track it",
    });
    // What the components event does not carry is kept (the header and its example).
    expect(edited.components.find((c: any) => c.type === "HEADER")).toMatchObject({
      format: "TEXT",
      text: "Order {{1}}",
    });

    const recommendation = "Separate parameters with descriptive text.";
    control.setStatus(templateId, {
      status: "REJECTED",
      reason: "INVALID_FORMAT",
      rejectionInfo: { reason: "Adjacent parameters.", recommendation },
    });
    await settle();
    expect(await template()).toMatchObject({
      status: "rejected",
      meta_status: "REJECTED",
      rejected_reason: "INVALID_FORMAT",
      rejection_info: { reason: "Adjacent parameters.", recommendation },
    });

    control.setStatus(templateId, { status: "DISABLED", reason: "NONE" });
    await settle();
    expect(await template()).toMatchObject({
      status: "rejected",
      meta_status: "DISABLED",
      rejected_reason: null,
      rejection_info: null,
    });

    // No sync: nothing read the template list from Meta.
    expect(listCalls(since)).toBe(0);

    const events = (await history()).reverse().map((e: any) => [e.kind, e.from, e.to, e.source]);
    expect(events).toEqual([
      ["status", null, "PENDING", "create"],
      ["status", "PENDING", "APPROVED", "webhook"],
      ["status", "APPROVED", "PAUSED", "webhook"],
      ["status", "PAUSED", "APPROVED", "webhook"],
      ["quality", null, "YELLOW", "webhook"],
      ["category_notice", "UTILITY", "MARKETING", "webhook"],
      ["category", "UTILITY", "MARKETING", "webhook"],
      [
        "components",
        "Hi {{1}}, your order {{2}} is confirmed and ships today.",
        "Hi {{1}}, order {{2}} is confirmed and leaves the warehouse today.",
        "webhook",
      ],
      ["status", "APPROVED", "REJECTED", "webhook"],
      ["status", "REJECTED", "DISABLED", "webhook"],
    ]);
    const rejected = (await history()).find((e: any) => e.to === "REJECTED");
    expect(rejected).toMatchObject({ reason: "INVALID_FORMAT", detail: { rejection_info: { recommendation } } });
    expect(rejected.source_id).toMatch(/^whe_/);
  });

  it("routes by WABA: the other organisation's account on the same WABA got the same changes", async () => {
    // That account never synced, so it has no row for this template: the event is recorded as not applicable to it.
    const outcome = await stack.db.db
      .selectFrom("webhook_events")
      .select("outcome")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(outcome.outcome).toContain(`${SHARED_PHONE_NUMBER_ID}: no such template`);
    expect((await api("POST", `/v1/${SHARED_PHONE_NUMBER_ID}/templates/sync`, undefined, sharedKey)).status).toBe(200);
    stack.sandbox.control.setQuality(templateId, "RED");
    await settle();
    expect(await template(SHARED_PHONE_NUMBER_ID, sharedKey)).toMatchObject({
      quality_score: "RED",
      last_synced_via: "webhook",
    });
    expect(await template()).toMatchObject({ quality_score: "RED" });
  });

  it("a forged signature, an altered body and a missing signature are refused (401) and change nothing", async () => {
    const before = await template();
    const eventsBefore = await stack.db.db.selectFrom("webhook_events").select("id").execute();
    const forged = stack.sandbox.control.webhooks.forge(
      {
        wabaId: stack.sandbox.demo.wabaId,
        field: "message_template_status_update",
        value: {
          event: "APPROVED",
          message_template_id: Number(templateId),
          message_template_name: "order_confirmation",
          message_template_language: "en",
          reason: "NONE",
        },
      },
      { signature: "sha256=" + "0".repeat(64) },
    );
    await stack.sandbox.control.webhooks.idle();
    expect(forged?.attempts.at(-1)?.status).toBe(401);

    // A real delivery, replayed with a changed body but the original signature.
    const original = stack.sandbox.control.webhooks
      .deliveries()
      .find((d) => d.state === "delivered" && d.field === "message_template_status_update");
    if (!original) throw new Error("no delivered status webhook");
    const altered = original.body.replace(/"event":"[A-Z_]+"/, '"event":"DELETED"');
    expect(altered).not.toBe(original.body);
    const res = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": original.signature },
      body: altered,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe("webhook_signature_invalid");
    const unsigned = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: original.body,
    });
    expect(unsigned.status).toBe(401);

    expect(await template()).toEqual(before);
    expect(await stack.db.db.selectFrom("webhook_events").select("id").execute()).toHaveLength(eventsBefore.length);
  });

  it("a byte-identical redelivery is acknowledged and deduplicated", async () => {
    const before = await history();
    const delivered = stack.sandbox.control.webhooks
      .deliveries()
      .filter((d) => d.state === "delivered")
      .at(-1);
    if (!delivered) throw new Error("no delivery");
    const replayed = stack.sandbox.control.webhooks.replay(delivered.seq);
    await settle();
    expect(replayed?.attempts.at(-1)?.status).toBe(200);
    expect(await history()).toEqual(before);
  });

  it("an event older than the template's state is ignored and recorded", async () => {
    const before = await template();
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: stack.sandbox.demo.wabaId,
          time: Math.floor(Date.now() / 1000) - 3600,
          changes: [
            {
              field: "message_template_status_update",
              value: {
                event: "APPROVED",
                message_template_id: Number(templateId),
                message_template_name: "order_confirmation",
                message_template_language: "en",
                reason: "NONE",
              },
            },
          ],
        },
      ],
    });
    const res = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signWebhookBody(body, appSecret) },
      body,
    });
    expect(res.status).toBe(200);
    await settle();
    expect(await template()).toMatchObject({ meta_status: before.meta_status, status: before.status });
    const row = await stack.db.db
      .selectFrom("webhook_events")
      .select(["state", "outcome"])
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("ignored");
    expect(row.outcome).toContain("older than the template's status");
  });

  it("language en-US in an event finds the en_US template", async () => {
    const seeded = stack.sandbox.control
      .templates(stack.sandbox.demo.wabaId)
      .find((t) => t.language === "en_US" && t.status === "APPROVED");
    if (!seeded) throw new Error("no en_US template in the demo data");
    expect((await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`)).status).toBe(200);
    stack.sandbox.control.setQuality(seeded.id, "YELLOW");
    await settle();
    const delivered = stack.sandbox.control.webhooks.deliveries().at(-1);
    expect(delivered?.body).toContain('"message_template_language":"en-US"');
    const res = await api("GET", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/${seeded.name}?language=en_US`);
    expect(res.body.data).toMatchObject({ quality_score: "YELLOW" });
  });
  it("a body signed over its raw bytes is accepted; the same body signed over its re-serialised JSON is refused", async () => {
    // Spaces, a \u escape and a literal non-ASCII character: JSON.stringify(JSON.parse(raw)) gives other bytes.
    const raw = `{ "object" : "whatsapp_business_account",\n  "entry" : [ { "id" : "${stack.sandbox.demo.wabaId}", "time" : ${Math.floor(Date.now() / 1000)},
      "changes" : [ { "field" : "message_template_quality_update", "value" : { "previous_quality_score" : "RED", "new_quality_score" : "GREEN",
      "message_template_id" : ${Number(templateId)}, "message_template_name" : "order\\u005fconfirmation", "message_template_language" : "en",
      "note" : "caf\u00e9 \u2713" } } ] } ] }`;
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(raw).toContain("order\\u005fconfirmation");
    const send = (signature: string) =>
      fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signature },
        body: Buffer.from(raw, "utf8"),
      });
    const eventsBefore = await stack.db.db.selectFrom("webhook_events").select("id").execute();

    const refused = await send(signWebhookBody(reserialised, appSecret));
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe("webhook_signature_invalid");
    expect(await stack.db.db.selectFrom("webhook_events").select("id").execute()).toHaveLength(eventsBefore.length);

    const accepted = await send(signWebhookBody(raw, appSecret));
    expect(accepted.status).toBe(200);
    await settle();
    expect(await template()).toMatchObject({ quality_score: "GREEN", last_synced_via: "webhook" });
  });

  it("events stored but never queued (the process died in between) are applied when the worker next starts", async () => {
    await worker.stop();
    dispatching = false;
    const before = await template();
    stack.sandbox.control.setQuality(templateId, before.quality_score === "YELLOW" ? "RED" : "YELLOW");
    await stack.sandbox.control.webhooks.idle();
    expect(stack.sandbox.control.webhooks.deliveries().at(-1)?.attempts.at(-1)?.status).toBe(200);
    const pending = await stack.db.db
      .selectFrom("webhook_events")
      .select("id")
      .where("state", "=", "pending")
      .execute();
    expect(pending).toHaveLength(1);
    expect(await template()).toMatchObject({ quality_score: before.quality_score });

    // The next start: a fresh queue that has never heard of the event.
    worker = createLifecycleWorker({ lifecycle: stack.core.lifecycle, queue: queueOf(queueKind, database) });
    dispatching = true;
    await worker.start();
    await settle();
    expect(await template()).toMatchObject({
      quality_score: before.quality_score === "YELLOW" ? "RED" : "YELLOW",
      last_synced_via: "webhook",
    });
  });
});
