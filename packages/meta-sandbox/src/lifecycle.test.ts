// WABA-level rules (limits, rates, cooldowns, sibling categories), GET/edit/delete and the upload API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, DEMO_APP_ID, DEMO_WABA_ID, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let clock = Date.UTC(2026, 10, 23, 12);
let sandbox: MetaSandbox;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.control.reset();
  clock = Date.UTC(2026, 10, 23, 12);
});

async function create(
  payload: Record<string, unknown>,
  waba = DEMO_WABA_ID,
  token = DEMO_ACCESS_TOKEN,
): Promise<{ status: number; body: GraphErrorShape & { id: string; category: string } }> {
  return call(`${sandbox.graphUrl}/${waba}/message_templates`, { token, json: payload });
}

async function createApproved(name: string, language = "en"): Promise<string> {
  const created = await create(utilityTemplate(name, language));
  expect(created.status).toBe(200);
  sandbox.control.review(created.body.id);
  expect(sandbox.control.template(created.body.id)?.status).toBe("APPROVED");
  return created.body.id;
}

describe("WABA limits", () => {
  it("refuses creates beyond the template limit with 2388019", async () => {
    sandbox.control.addWaba({ id: "400000000000001", accessToken: "small", templateLimit: 2 });
    expect((await create(utilityTemplate("first_one"), "400000000000001", "small")).status).toBe(200);
    expect((await create(utilityTemplate("second_one"), "400000000000001", "small")).status).toBe(200);
    const third = await create(utilityTemplate("third_one"), "400000000000001", "small");
    expect(third.status).toBe(400);
    expect(third.body.error).toMatchObject({
      code: 100,
      error_subcode: 2388019,
      error_user_title: "Message Template Limit Exceeded",
    });
  });

  it("allows 100 creates per rolling hour, then answers code 80008", async () => {
    sandbox.control.addWaba({ id: "400000000000002", accessToken: "busy", templateLimit: 6000 });
    for (let index = 0; index < 100; index += 1) {
      const response = await create(utilityTemplate(`bulk_${index}`), "400000000000002", "busy");
      expect(response.status).toBe(200);
    }
    const limited = await create(utilityTemplate("bulk_100"), "400000000000002", "busy");
    expect(limited.status).toBe(400);
    expect(limited.body.error).toMatchObject({ code: 80008, is_transient: true });
    clock += HOUR + 1;
    expect((await create(utilityTemplate("bulk_100"), "400000000000002", "busy")).status).toBe(200);
  });

  it("locks an approved template's name + language for 30 days after delete (2388023)", async () => {
    await createApproved("order_confirmation", "en_US");
    const deleted = await call(templatesUrl(sandbox, "?name=order_confirmation"), {
      method: "DELETE",
      token: DEMO_ACCESS_TOKEN,
    });
    expect(deleted.body).toEqual({ success: true });
    const again = await create(utilityTemplate("order_confirmation", "en_US"));
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 100, error_subcode: 2388023 });
    expect(again.body.error.error_user_msg).toBe(
      "New English (US) content can't be added while the existing English (US) content is being deleted. Try again in 4 weeks or consider creating a new message template.",
    );
    expect((await create(utilityTemplate("order_confirmation", "id"))).status).toBe(200);
    clock += 30 * DAY + 1;
    expect((await create(utilityTemplate("order_confirmation", "en_US"))).status).toBe(200);
  });

  it("does not lock the name of a template that was never approved", async () => {
    await create(utilityTemplate("order_confirmation"));
    await call(templatesUrl(sandbox, "?name=order_confirmation"), { method: "DELETE", token: DEMO_ACCESS_TOKEN });
    expect((await create(utilityTemplate("order_confirmation"))).status).toBe(200);
  });

  it("requires the same category across a name's languages (observed message, no subcode)", async () => {
    await create(utilityTemplate("order_confirmation", "en"));
    const marketing = { ...utilityTemplate("order_confirmation", "es"), category: "MARKETING" };
    const response = await create(marketing);
    expect(response.status).toBe(400);
    expect(response.body.error.error_subcode).toBeUndefined();
    expect(response.body.error.error_user_msg).toBe(
      "The category MARKETING doesn't match the one that's already associated with this template, UTILITY.",
    );
  });

  it("answers a promotional UTILITY submission with category MARKETING", async () => {
    const promotional = {
      ...utilityTemplate("spring_news"),
      components: [
        {
          type: "BODY",
          text: "Hi {{1}}, enjoy 20% off everything this weekend with code SPRING in our app.",
          example: { body_text: [["Ana"]] },
        },
      ],
    };
    const response = await create(promotional);
    expect(response.body).toEqual({ id: expect.any(String), status: "PENDING", category: "MARKETING" });
    expect(sandbox.control.template(response.body.id)).toMatchObject({
      category: "MARKETING",
      previous_category: "UTILITY",
    });
  });
});

describe("GET /{template_id}", () => {
  it("returns the template, with ?fields honoured and id always present", async () => {
    const hello = sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US");
    const full = await call(`${sandbox.graphUrl}/${String(hello?.id)}`, { token: DEMO_ACCESS_TOKEN });
    expect(full.body).toMatchObject({
      name: "hello_world",
      language: "en_US",
      status: "APPROVED",
      category: "MARKETING",
      previous_category: "ACCOUNT_UPDATE",
      id: hello?.id,
    });
    const some = await call(`${sandbox.graphUrl}/${String(hello?.id)}?fields=status,quality_score`, {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(some.body).toEqual({
      status: "APPROVED",
      quality_score: { score: "GREEN", date: expect.any(Number) },
      id: hello?.id,
    });
  });

  it("answers an unknown id with HTTP 400, code 100, subcode 33", async () => {
    const response = await call<GraphErrorShape>(`${sandbox.graphUrl}/999999999999999`, { token: DEMO_ACCESS_TOKEN });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" });
    expect(response.body.error.message).toContain(
      "Unsupported get request. Object with ID '999999999999999' does not exist",
    );
  });

  it("shows media header samples as CDN URLs and REJECTED templates' rejected_reason", async () => {
    const coupon = sandbox.control.findTemplate(DEMO_WABA_ID, "weekend_coupon", "en_US");
    const read = await call<{ components: Array<{ type: string; example?: { header_handle: string[] } }> }>(
      `${sandbox.graphUrl}/${String(coupon?.id)}`,
      { token: DEMO_ACCESS_TOKEN },
    );
    const header = read.body.components.find((component) => component.type === "HEADER");
    expect(header?.example?.header_handle[0]).toMatch(/^https:\/\/scontent\.whatsapp\.net\/v\/t61\.29466-34\//);
    const rejected = sandbox.control.findTemplate(DEMO_WABA_ID, "abandoned_cart", "en");
    const reason = await call(`${sandbox.graphUrl}/${String(rejected?.id)}?fields=status,rejected_reason`, {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(reason.body).toEqual({ status: "REJECTED", rejected_reason: "INVALID_FORMAT", id: rejected?.id });
  });
});

describe("edit", () => {
  const newComponents = [
    {
      type: "BODY",
      text: "Hello {{1}}, your order {{2}} is confirmed. We will message you when it ships.",
      example: { body_text: [["Ana", "#7"]] },
    },
  ];

  it("refuses to edit a PENDING template with 2388039", async () => {
    const created = await create(utilityTemplate("order_confirmation"));
    const response = await call<GraphErrorShape>(`${sandbox.graphUrl}/${created.body.id}`, {
      token: DEMO_ACCESS_TOKEN,
      json: { components: newComponents },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 100,
      error_subcode: 2388039,
      error_user_title: "Message template status can't be changed",
    });
  });

  it("replaces the components of an APPROVED template and sends it back to PENDING", async () => {
    const id = await createApproved("order_confirmation");
    const response = await call(`${sandbox.graphUrl}/${id}`, {
      token: DEMO_ACCESS_TOKEN,
      json: { components: newComponents },
    });
    expect(response.body).toEqual({ success: true });
    expect(sandbox.control.template(id)).toMatchObject({
      status: "PENDING",
      components: [{ type: "BODY", text: newComponents[0]?.text }],
    });
  });

  it("allows one approved edit per 24 h and ten per 30 days", async () => {
    const id = await createApproved("order_confirmation");
    const edit = (): Promise<{ status: number; body: GraphErrorShape }> =>
      call(`${sandbox.graphUrl}/${id}`, { token: DEMO_ACCESS_TOKEN, json: { components: newComponents } });
    expect((await edit()).status).toBe(200);
    sandbox.control.review(id);
    const tooSoon = await edit();
    expect(tooSoon.body.error).toMatchObject({ error_subcode: 2388039 });
    expect(tooSoon.body.error.error_user_msg).toContain("once every 24 hours");
    for (let index = 1; index < 10; index += 1) {
      clock += DAY + 1;
      expect((await edit()).status).toBe(200);
      sandbox.control.review(id);
    }
    clock += DAY + 1;
    const eleventh = await edit();
    expect(eleventh.body.error.error_user_msg).toContain("10 times in 30 days");
  });

  it("edits REJECTED templates without a quota but refuses category changes on APPROVED ones", async () => {
    const created = await create(utilityTemplate("order_confirmation"));
    sandbox.control.setStatus(created.body.id, { status: "REJECTED", reason: "INVALID_FORMAT" });
    for (let index = 0; index < 3; index += 1) {
      expect(
        (
          await call(`${sandbox.graphUrl}/${created.body.id}`, {
            token: DEMO_ACCESS_TOKEN,
            json: { components: newComponents },
          })
        ).status,
      ).toBe(200);
      sandbox.control.setStatus(created.body.id, { status: "REJECTED", reason: "INVALID_FORMAT" });
    }
    const approved = await createApproved("shipping_notice_x");
    const change = await call<GraphErrorShape>(`${sandbox.graphUrl}/${approved}`, {
      token: DEMO_ACCESS_TOKEN,
      json: { category: "MARKETING", components: newComponents },
    });
    expect(change.status).toBe(400);
    expect(change.body.error.error_user_title).toBe("Category can't be changed");
  });

  it("validates edited components with the create rules", async () => {
    const id = await createApproved("order_confirmation");
    const response = await call<GraphErrorShape>(`${sandbox.graphUrl}/${id}`, {
      token: DEMO_ACCESS_TOKEN,
      json: {
        components: [{ type: "BODY", text: "{{1}} is here and it is a fine day.", example: { body_text: [["a"]] } }],
      },
    });
    expect(response.body.error.error_subcode).toBe(2388299);
    expect(sandbox.control.template(id)?.status).toBe("APPROVED");
  });
});

describe("delete", () => {
  it("deletes every language of a name", async () => {
    await create(utilityTemplate("order_confirmation", "en"));
    await create(utilityTemplate("order_confirmation", "es"));
    const response = await call(templatesUrl(sandbox, "?name=order_confirmation"), {
      method: "DELETE",
      token: DEMO_ACCESS_TOKEN,
    });
    expect(response.body).toEqual({ success: true });
    expect(
      sandbox.control.templates(DEMO_WABA_ID).filter((template) => template.name === "order_confirmation"),
    ).toEqual([]);
  });

  it("deletes one language with hsm_id + name", async () => {
    const en = await create(utilityTemplate("order_confirmation", "en"));
    await create(utilityTemplate("order_confirmation", "es"));
    await call(templatesUrl(sandbox, `?hsm_id=${en.body.id}&name=order_confirmation`), {
      method: "DELETE",
      token: DEMO_ACCESS_TOKEN,
    });
    expect(
      sandbox.control
        .templates(DEMO_WABA_ID)
        .filter((template) => template.name === "order_confirmation")
        .map((template) => template.language),
    ).toEqual(["es"]);
  });

  it("refuses to delete DISABLED templates and unknown names", async () => {
    const disabled = await call<GraphErrorShape>(templatesUrl(sandbox, "?name=account_suspended_notice"), {
      method: "DELETE",
      token: DEMO_ACCESS_TOKEN,
    });
    expect(disabled.status).toBe(400);
    expect(disabled.body.error.error_user_msg).toContain("Disabled message templates can't be deleted");
    expect(sandbox.control.findTemplate(DEMO_WABA_ID, "account_suspended_notice", "en")).toBeDefined();
    const unknown = await call<GraphErrorShape>(templatesUrl(sandbox, "?name=never_existed"), {
      method: "DELETE",
      token: DEMO_ACCESS_TOKEN,
    });
    expect(unknown.body.error).toMatchObject({ code: 100, error_user_title: "Message template not found" });
    const noName = await call<GraphErrorShape>(templatesUrl(sandbox), { method: "DELETE", token: DEMO_ACCESS_TOKEN });
    expect(noName.body.error.message).toBe("(#100) The parameter name is required");
  });
});

describe("resumable upload", () => {
  it("uploads in two chunks, resumes from file_offset, and the handle works in a create", async () => {
    const start = await call<{ id: string }>(
      `${sandbox.graphUrl}/${DEMO_APP_ID}/uploads?file_name=menu.pdf&file_length=10&file_type=application/pdf`,
      {
        method: "POST",
        token: DEMO_ACCESS_TOKEN,
      },
    );
    expect(start.body.id).toMatch(/^upload:/);
    const session = `${sandbox.graphUrl}/${start.body.id}`;
    const oauth = { authorization: `OAuth ${DEMO_ACCESS_TOKEN}` };
    const partial = await call(session, {
      method: "POST",
      headers: { ...oauth, file_offset: "0" },
      body: Buffer.from("%PDF-"),
    });
    expect(partial.status).toBe(200);
    expect((await call(session, { headers: oauth })).body).toEqual({ id: start.body.id, file_offset: "5" });
    const wrongOffset = await call<GraphErrorShape>(session, {
      method: "POST",
      headers: { ...oauth, file_offset: "0" },
      body: Buffer.from("12345"),
    });
    expect(wrongOffset.body.error.code).toBe(100);
    const done = await call<{ h: string }>(session, {
      method: "POST",
      headers: { ...oauth, file_offset: "5" },
      body: Buffer.from("1.7 \n"),
    });
    expect(done.body.h).toMatch(/^4::/);

    const created = await create({
      name: "order_confirmation",
      language: "en",
      category: "UTILITY",
      components: [
        { type: "HEADER", format: "DOCUMENT", example: { header_handle: [done.body.h] } },
        { type: "BODY", text: "Your receipt for the order is attached to this message." },
      ],
    });
    expect(created.status).toBe(200);
    const header = (
      sandbox.control.template(created.body.id)?.components as Array<{
        type: string;
        example?: { header_handle: string[] };
      }>
    )[0];
    expect(header?.example?.header_handle[0]).toMatch(/^https:\/\/scontent\.whatsapp\.net\/.*\.pdf\?/);
  });

  it("refuses file types outside Meta's list", async () => {
    const response = await call<GraphErrorShape>(
      `${sandbox.graphUrl}/${DEMO_APP_ID}/uploads?file_name=a.gif&file_length=10&file_type=image/gif`,
      { method: "POST", token: DEMO_ACCESS_TOKEN },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("file_type");
  });
});
