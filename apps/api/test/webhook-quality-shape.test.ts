/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 12 §6: Meta's own message_template_quality_update reference (Oct 2025) prints its example under the field
 * `message_template_status_update`, with quality scores and no `event`. Delivered as printed, it must be applied as
 * the quality change it is — never as a status change to "" that wipes Meta's status.
 */
import type { LifecycleWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { signWebhookBody } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStackWithMetaWebhooks, webhookEventsApplied } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const VERIFY_TOKEN = "quality-shape-verify-token";

/**
 * Verbatim from https://developers.facebook.com/docs/whatsapp/business-management-api/webhooks/components — the
 * message_template_quality_update reference, "Example" (Updated Oct 22, 2025; copy at
 * https://support.chatarchitect.com/books/meta-whatsapp/page/message-template-quality-update-webhook-reference-developer-documentation).
 * Its WABA id (102290129340398) is also the sandbox's demo WABA.
 */
const META_DOCUMENTED_QUALITY_EXAMPLE = {
  entry: [
    {
      id: "102290129340398",
      time: 1674864290,
      changes: [
        {
          value: {
            previous_quality_score: "GREEN",
            new_quality_score: "YELLOW",
            message_template_id: 806312974732579,
            message_template_name: "welcome_template",
            message_template_language: "en-US",
          },
          field: "message_template_status_update",
        },
      ],
    },
  ],
  object: "whatsapp_business_account",
};

describe.each(databaseKinds())("Meta's documented quality example on %s", (kind) => {
  let stack: Stack;
  let worker: LifecycleWorker;

  beforeAll(async () => {
    ({ stack, worker } = await startStackWithMetaWebhooks(kind, VERIFY_TOKEN, { sandbox: { demoTemplateCount: 0 } }));
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  });

  const settle = () => webhookEventsApplied(stack);

  async function welcomeTemplate(): Promise<any> {
    const res = await call(stack.baseUrl, "GET", `/v1/${DEMO_PHONE_NUMBER_ID}/templates?search=welcome_template`, {
      token: stack.demoKey,
    });
    expect(res.status).toBe(200);
    return res.body.data.find((t: any) => t.name === "welcome_template" && t.language === "en_US");
  }

  it("is applied as a quality change; Meta's status is kept", async () => {
    const created = await call(stack.baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
      token: stack.demoKey,
      body: {
        name: "welcome_template",
        category: "MARKETING",
        language: "en_US",
        components: [{ type: "BODY", text: "Welcome to our shop, we are happy to see you here." }],
      },
    });
    expect(created.status, created.text).toBe(201);
    const before = await welcomeTemplate();
    expect(before).toMatchObject({ meta_status: "PENDING", status: "pending", quality_score: null });

    // The one account-specific value: the event must be newer than the template, so it gets the current time.
    const [entry] = META_DOCUMENTED_QUALITY_EXAMPLE.entry;
    const payload = {
      ...META_DOCUMENTED_QUALITY_EXAMPLE,
      entry: [{ ...entry, time: Math.floor(Date.now() / 1000) + 1 }],
    };
    const raw = JSON.stringify(payload);
    const res = await fetch(`${stack.baseUrl}/webhooks/meta`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": signWebhookBody(raw, stack.sandbox.demo.appSecret),
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    await settle();

    const after = await welcomeTemplate();
    expect(after).toMatchObject({ meta_status: "PENDING", status: "pending", quality_score: "YELLOW" });
    const events = await call(
      stack.baseUrl,
      "GET",
      `/v1/${DEMO_PHONE_NUMBER_ID}/templates/welcome_template/events?language=en_US`,
      { token: stack.demoKey },
    );
    expect(events.status).toBe(200);
    const fromWebhook = events.body.data.filter((e: any) => e.source === "webhook");
    expect(fromWebhook).toEqual([expect.objectContaining({ kind: "quality", from: null, to: "YELLOW" })]);
    const stored = await stack.db.db.selectFrom("webhook_events").select(["state", "field"]).executeTakeFirstOrThrow();
    expect(stored).toEqual({ state: "applied", field: "message_template_status_update" });
  });

  it("a status change without an event changes nothing", async () => {
    const raw = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          time: Math.floor(Date.now() / 1000) + 2,
          changes: [
            {
              field: "message_template_status_update",
              value: { message_template_name: "welcome_template", message_template_language: "en_US" },
            },
          ],
        },
      ],
    });
    const res = await fetch(`${stack.baseUrl}/webhooks/meta`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": signWebhookBody(raw, stack.sandbox.demo.appSecret),
      },
      body: raw,
    });
    expect(res.status).toBe(200);
    await settle();
    expect(await welcomeTemplate()).toMatchObject({
      meta_status: "PENDING",
      status: "pending",
      quality_score: "YELLOW",
    });
  });
});
