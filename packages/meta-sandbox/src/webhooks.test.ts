// Template webhooks: handshake, signature, every event shape, retries, forge and replay. Loopback only.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, DEMO_APP_SECRET, DEMO_WABA_ID, signWebhookBody, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate } from "./testing/http.js";
import { startWebhookReceiver } from "./testing/webhook-receiver.js";
import type { WebhookReceiver } from "./testing/webhook-receiver.js";

let sandbox: MetaSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  receiver = await startWebhookReceiver(DEMO_APP_SECRET);
  sandbox.control.webhooks.configure({
    url: receiver.url,
    verifyToken: receiver.verifyToken,
    retryDelaysMs: [0, 20, 40],
  });
});
afterEach(async () => {
  await sandbox.control.webhooks.idle();
  sandbox.control.webhooks.configure(undefined);
  sandbox.control.reset();
  await receiver.close();
});

async function createPending(name = "order_confirmation"): Promise<string> {
  const created = await call<{ id: string }>(templatesUrl(sandbox), {
    token: DEMO_ACCESS_TOKEN,
    json: utilityTemplate(name),
  });
  return created.body.id;
}

function onlyChange(index = 0): { field: string; value: Record<string, unknown> } {
  const webhook = receiver.received[index];
  expect(webhook?.json.object).toBe("whatsapp_business_account");
  expect(webhook?.json.entry).toHaveLength(1);
  expect(webhook?.json.entry[0]?.id).toBe(DEMO_WABA_ID);
  expect(Number.isInteger(webhook?.json.entry[0]?.time)).toBe(true);
  const change = webhook?.json.entry[0]?.changes[0];
  if (!change) throw new Error("no change in webhook");
  return change;
}

describe("delivery", () => {
  it("performs the GET handshake before the first POST, then signs the raw body with the app secret", async () => {
    const id = await createPending();
    sandbox.control.review(id);
    await receiver.waitFor(1);
    expect(receiver.handshakes).toHaveLength(1);
    expect(receiver.handshakes[0]?.get("hub.mode")).toBe("subscribe");
    expect(receiver.handshakes[0]?.get("hub.verify_token")).toBe(receiver.verifyToken);
    expect(receiver.handshakes[0]?.get("hub.challenge")).toMatch(/^\d+$/);
    const webhook = receiver.received[0];
    expect(webhook?.signatureValid).toBe(true);
    expect(webhook?.signature).toBe(signWebhookBody(webhook?.rawBody ?? "", DEMO_APP_SECRET));
  });

  it("retries a non-2xx answer and records the attempts", async () => {
    receiver.failNext(2);
    sandbox.control.setQuality(
      String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id),
      "YELLOW",
    );
    await sandbox.control.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    const delivery = sandbox.control.webhooks.deliveries().at(-1);
    expect(delivery?.state).toBe("delivered");
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
  });

  it("gives up after the bounded retry schedule", async () => {
    receiver.failNext(10);
    sandbox.control.setQuality(String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id), "RED");
    await sandbox.control.webhooks.idle();
    const delivery = sandbox.control.webhooks.deliveries().at(-1);
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts).toHaveLength(3);
  });

  it("sends nothing when the handshake does not echo the challenge", async () => {
    receiver.breakHandshake();
    sandbox.control.webhooks.configure({ url: receiver.url, verifyToken: receiver.verifyToken });
    sandbox.control.review(await createPending());
    await sandbox.control.webhooks.idle();
    expect(receiver.handshakes.length).toBeGreaterThan(0);
    expect(receiver.received).toEqual([]);
    expect(sandbox.control.webhooks.deliveries().at(-1)?.state).toBe("failed");
  });

  it("refuses callback URLs that are not loopback", () => {
    expect(() => sandbox.control.webhooks.configure({ url: "https://example.com/hook", verifyToken: "x" })).toThrow(
      /loopback/,
    );
  });
});

describe("events", () => {
  it("APPROVED after review: message_template_status_update with reason NONE", async () => {
    const id = await createPending();
    sandbox.control.review(id);
    await receiver.waitFor(1);
    expect(onlyChange()).toEqual({
      field: "message_template_status_update",
      value: {
        event: "APPROVED",
        message_template_id: Number(id),
        message_template_name: "order_confirmation",
        message_template_language: "en",
        reason: "NONE",
        message_template_category: "UTILITY",
      },
    });
  });

  it("REJECTED with rejection_info for adjacent parameters", async () => {
    const created = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: {
        ...utilityTemplate("abandoned_cart_two"),
        category: "MARKETING",
        components: [
          {
            type: "BODY",
            text: "Hello {{1}}, you left {{2}}{{3}} in your cart, come back and finish your order.",
            example: { body_text: [["a", "b", "c"]] },
          },
        ],
      },
    });
    sandbox.control.review(created.body.id);
    await receiver.waitFor(1);
    expect(onlyChange().value).toMatchObject({
      event: "REJECTED",
      reason: "INVALID_FORMAT",
      message_template_category: "MARKETING",
      rejection_info: {
        reason:
          "Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",
        recommendation:
          "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
      },
    });
  });

  it("DISABLED carries disable_info, PAUSED other_info, and en_US is written en-US", async () => {
    const hello = String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id);
    sandbox.control.setStatus(hello, { status: "PAUSED" });
    await receiver.waitFor(1);
    sandbox.control.setStatus(hello, { status: "DISABLED" });
    await receiver.waitFor(2);
    const paused = onlyChange(0).value;
    expect(paused).toMatchObject({
      event: "PAUSED",
      message_template_language: "en-US",
      other_info: { title: "FIRST_PAUSE", description: expect.any(String) },
    });
    const disabled = onlyChange(1).value;
    expect(disabled).toMatchObject({ event: "DISABLED", disable_info: { disable_date: expect.any(Number) } });
    expect(disabled).not.toHaveProperty("rejection_info");
  });

  it("message_template_quality_update", async () => {
    const hello = String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id);
    sandbox.control.setQuality(hello, "YELLOW");
    await receiver.waitFor(1);
    expect(onlyChange()).toEqual({
      field: "message_template_quality_update",
      value: {
        previous_quality_score: "GREEN",
        new_quality_score: "YELLOW",
        message_template_id: Number(hello),
        message_template_name: "hello_world",
        message_template_language: "en-US",
      },
    });
  });

  it("template_category_update in both the 24-hour notice and the completed shape", async () => {
    const welcome = sandbox.control.findTemplate(DEMO_WABA_ID, "welcome_template", "en_US");
    const id = String(welcome?.id);
    sandbox.control.changeCategory(id, "MARKETING", "impending", 1_800_000_000);
    await receiver.waitFor(1);
    expect(onlyChange(0).value).toEqual({
      message_template_id: Number(id),
      message_template_name: "welcome_template",
      message_template_language: "en-US",
      new_category: "UTILITY",
      correct_category: "MARKETING",
      category_update_timestamp: 1_800_000_000,
    });
    expect(sandbox.control.template(id)).toMatchObject({ category: "UTILITY", correct_category: "MARKETING" });
    sandbox.control.changeCategory(id, "MARKETING", "completed");
    await receiver.waitFor(2);
    expect(onlyChange(1).value).toEqual({
      message_template_id: Number(id),
      message_template_name: "welcome_template",
      message_template_language: "en-US",
      previous_category: "UTILITY",
      new_category: "MARKETING",
    });
  });

  it("message_template_components_update is flattened on edit", async () => {
    const id = await createPending();
    sandbox.control.review(id);
    await receiver.waitFor(1);
    await call(`${sandbox.graphUrl}/${id}`, {
      token: DEMO_ACCESS_TOKEN,
      json: {
        components: [
          { type: "HEADER", format: "TEXT", text: "Order update" },
          {
            type: "BODY",
            text: "Hi {{1}}, your order {{2}} is confirmed and will ship soon.",
            example: { body_text: [["a", "b"]] },
          },
          { type: "FOOTER", text: "Kirim Demo Store" },
          {
            type: "BUTTONS",
            buttons: [
              { type: "URL", text: "Track", url: "https://demo.kirim.dev/t/{{1}}", example: ["1"] },
              { type: "PHONE_NUMBER", text: "Call", phone_number: "+15551234567" },
            ],
          },
        ],
      },
    });
    await receiver.waitFor(2);
    expect(onlyChange(1)).toEqual({
      field: "message_template_components_update",
      value: {
        message_template_id: Number(id),
        message_template_name: "order_confirmation",
        message_template_language: "en",
        message_template_element: "Hi {{1}}, your order {{2}} is confirmed and will ship soon.",
        message_template_title: "Order update",
        message_template_footer: "Kirim Demo Store",
        message_template_buttons: [
          {
            message_template_button_type: "URL",
            message_template_button_text: "Track",
            message_template_button_url: "https://demo.kirim.dev/t/{{1}}",
          },
          {
            message_template_button_type: "PHONE_NUMBER",
            message_template_button_text: "Call",
            message_template_button_phone_number: "+15551234567",
          },
        ],
      },
    });
  });
});

describe("forge and replay", () => {
  it("forges a payload with a bad signature and replays a delivery byte for byte", async () => {
    sandbox.control.webhooks.forge(
      { wabaId: DEMO_WABA_ID, field: "message_template_status_update", value: { event: "FLAGGED" } },
      { signature: "sha256=deadbeef" },
    );
    await receiver.waitFor(1);
    expect(receiver.received[0]?.signatureValid).toBe(false);

    const forged = sandbox.control.webhooks.forge({
      wabaId: DEMO_WABA_ID,
      field: "message_template_status_update",
      value: { event: "REINSTATED" },
    });
    await receiver.waitFor(2);
    expect(receiver.received[1]?.signatureValid).toBe(true);
    sandbox.control.webhooks.replay(forged?.seq ?? -1);
    await receiver.waitFor(3);
    expect(receiver.received[2]?.rawBody).toBe(receiver.received[1]?.rawBody);
    expect(receiver.received[2]?.signature).toBe(receiver.received[1]?.signature);
  });

  it("is reachable over the HTTP control API", async () => {
    const response = await call(`${sandbox.url}/_sandbox/webhook/forge`, {
      json: { field: "message_template_quality_update", value: { new_quality_score: "RED" } },
    });
    expect(response.status).toBe(202);
    await receiver.waitFor(1);
    expect(onlyChange().value).toEqual({ new_quality_score: "RED" });
  });
});
