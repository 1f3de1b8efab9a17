// The `/_sandbox/*` control surface over HTTP, and the 6,000-template benchmark seed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, DEMO_WABA_ID, MAX_PAGE_LIMIT, startMetaSandbox } from "./index.js";
import type { ControlTemplate, ControlWaba, MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate, waitUntil } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;
const control = (path: string): string => `${sandbox.url}/_sandbox${path}`;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.control.reset();
});

describe("/_sandbox over HTTP", () => {
  it("describes itself", async () => {
    const response = await call(control(""));
    expect(response.body).toEqual({ url: sandbox.url, graphUrl: sandbox.graphUrl, demo: sandbox.demo });
  });

  it("adds a WABA whose token then works on the Graph API", async () => {
    const added = await call<ControlWaba>(control("/wabas"), {
      json: { id: "310000000000001", access_token: "fresh-token", template_limit: 6000 },
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: "310000000000001",
      name: "Sandbox WABA 310000000000001",
      access_tokens: ["fresh-token"],
      template_limit: 6000,
      template_count: 0,
      phone_numbers: [],
    });
    const created = await call(`${sandbox.graphUrl}/310000000000001/message_templates`, {
      token: "fresh-token",
      json: utilityTemplate("order_confirmation"),
    });
    expect(created.status).toBe(200);
    const listed = await call<{ data: ControlTemplate[] }>(control("/wabas/310000000000001/templates"));
    expect(listed.body.data.map((template) => template.name)).toEqual(["order_confirmation"]);
  });

  it("registers a phone number to a WABA; Graph lists and reads it only with that WABA's token", async () => {
    await call(control("/wabas"), { json: { id: "310000000000002", name: "Toko Budi", access_token: "budi-token" } });
    const added = await call<ControlWaba>(control("/wabas/310000000000002/phone_numbers"), {
      json: { id: "106540355555555", display_phone_number: "+62 811-5555-5555" },
    });
    expect(added.status).toBe(201);
    expect(added.body.phone_numbers).toEqual([
      { id: "106540355555555", display_phone_number: "+62 811-5555-5555", verified_name: "Toko Budi" },
    ]);
    const listed = await call(`${sandbox.graphUrl}/310000000000002/phone_numbers?fields=id,display_phone_number`, {
      token: "budi-token",
    });
    expect(listed.body).toMatchObject({ data: [{ id: "106540355555555", display_phone_number: "+62 811-5555-5555" }] });
    const read = await call(`${sandbox.graphUrl}/106540355555555`, { token: "budi-token" });
    // M-API GET /{Phone-Number-ID}: without `fields`, id, display_phone_number, verified_name and quality_rating.
    expect(read.body).toEqual({
      id: "106540355555555",
      display_phone_number: "+62 811-5555-5555",
      verified_name: "Toko Budi",
      quality_rating: "GREEN",
    });
    // Another WABA's token: the number is hidden (100/33), the WABA's edge is Meta's permission error (200).
    const hidden = await call<{ error: { code: number; error_subcode: number } }>(
      `${sandbox.graphUrl}/106540355555555`,
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(hidden.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const denied = await call<{ error: { code: number } }>(`${sandbox.graphUrl}/310000000000002/phone_numbers`, {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(denied.body.error.code).toBe(200);
    const bogus = await call<{ error: { code: number } }>(`${sandbox.graphUrl}/310000000000002`, {
      token: "not-a-token",
    });
    expect(bogus.body.error.code).toBe(190);
    // A number belongs to one WABA.
    expect(
      (await call(control(`/wabas/${DEMO_WABA_ID}/phone_numbers`), { json: { id: "106540355555555" } })).status,
    ).toBeGreaterThanOrEqual(400);
  });

  it("imports templates as Meta's reads show them and serves them back verbatim, any component kind included", async () => {
    const carousel = {
      type: "carousel",
      cards: [
        {
          components: [
            { type: "header", format: "product" },
            { type: "buttons", buttons: [{ type: "spm", text: "View" }] },
          ],
        },
      ],
    };
    const read = {
      name: "imported_carousel",
      language: "en_US",
      status: "APPROVED",
      category: "MARKETING",
      id: "1387372356726668",
      components: [
        { type: "body", text: "Rare succulents for sale! {{1}}", example: { body_text: "Pablo" } },
        carousel,
        { type: "ALBUM", future_field: [1, 2] },
      ],
      quality_score: { score: "GREEN", date: 1758754645, reasons: ["example"] },
    };
    const imported = await call<{ data: ControlTemplate[] }>(control(`/wabas/${DEMO_WABA_ID}/templates`), {
      json: { data: [read] },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.data[0]).toMatchObject({ id: "1387372356726668", name: "imported_carousel" });
    const listed = await call<{ data: Array<Record<string, unknown>> }>(
      templatesUrl(sandbox, "?name=imported_carousel&fields=name,components,quality_score,status,category,language"),
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(listed.body.data).toEqual([
      {
        name: "imported_carousel",
        components: read.components,
        quality_score: read.quality_score,
        status: "APPROVED",
        category: "MARKETING",
        language: "en_US",
        id: "1387372356726668",
      },
    ]);
    const again = await call<{ error: { message: string } }>(control(`/wabas/${DEMO_WABA_ID}/templates`), {
      json: read,
    });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain("already exists");
  });

  it("sets a status with a reason, which the Graph API then reports", async () => {
    const created = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    const rejected = await call<ControlTemplate>(control(`/templates/${created.body.id}/status`), {
      json: { status: "REJECTED", reason: "PROMOTIONAL" },
    });
    expect(rejected.body).toMatchObject({ status: "REJECTED", rejected_reason: "PROMOTIONAL" });
    const read = await call(`${sandbox.graphUrl}/${created.body.id}?fields=status,rejected_reason`, {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(read.body).toEqual({ status: "REJECTED", rejected_reason: "PROMOTIONAL", id: created.body.id });
  });

  it("reviews one template or every pending one", async () => {
    const created = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(
      (await call<ControlTemplate>(control(`/templates/${created.body.id}/review`), { method: "POST" })).body.status,
    ).toBe("APPROVED");
    const pendingBefore = sandbox.control
      .templates(DEMO_WABA_ID)
      .filter((template) => template.status === "PENDING").length;
    expect(pendingBefore).toBeGreaterThan(0);
    const all = await call<{ reviewed: number }>(control(`/review?waba_id=${DEMO_WABA_ID}`), { method: "POST" });
    expect(all.body.reviewed).toBe(pendingBefore);
    expect(sandbox.control.templates(DEMO_WABA_ID).filter((template) => template.status === "PENDING")).toEqual([]);
  });

  it("changes quality and category, deletes, and resets to the seeded start", async () => {
    const hello = String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id);
    expect(
      (await call<ControlTemplate>(control(`/templates/${hello}/quality`), { json: { score: "RED" } })).body
        .quality_score,
    ).toMatchObject({ score: "RED" });
    expect(
      (await call<ControlTemplate>(control(`/templates/${hello}/category`), { json: { category: "UTILITY" } })).body,
    ).toMatchObject({ category: "UTILITY", previous_category: "MARKETING" });
    expect((await call(control(`/templates/${hello}`), { method: "DELETE" })).status).toBe(200);
    expect((await call(control(`/templates/${hello}`))).status).toBe(404);
    expect((await call(control("/reset"), { method: "POST" })).body).toEqual({ success: true });
    expect(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")).toMatchObject({
      id: hello,
      category: "MARKETING",
    });
  });

  it("switches to timed review through /settings", async () => {
    await call(control("/settings"), { json: { review_delay_ms: 30 } });
    const created = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    await waitUntil(() => sandbox.control.template(created.body.id)?.status !== "PENDING");
    expect(sandbox.control.template(created.body.id)?.status).toBe("APPROVED");
  });

  it("hands out upload handles that create accepts", async () => {
    const handle = await call<{ h: string }>(control("/uploads"), { json: { file_type: "image/png" } });
    const created = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: {
        ...utilityTemplate("order_confirmation"),
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: [handle.body.h] } },
          { type: "BODY", text: "Your order is confirmed and a photo of it is attached above." },
        ],
      },
    });
    expect(created.status).toBe(200);
  });

  it("answers unknown routes with 404 and invalid bodies with 400", async () => {
    expect((await call(control("/nope"))).status).toBe(404);
    expect((await call(control("/wabas"), { json: { id: "not-numeric" } })).status).toBe(400);
    expect(
      (
        await call(
          control(
            `/templates/${String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id)}/status`,
          ),
          { json: { status: "SHINY" } },
        )
      ).status,
    ).toBe(400);
  });

  it("needs no Meta token and never appears in the request log", async () => {
    sandbox.control.clearRequests();
    await call(control("/wabas"));
    await call(control("/faults"));
    expect((await call<{ data: unknown[] }>(control("/requests"))).body.data).toEqual([]);
  });
});

describe("Graph details", () => {
  it("uses the same id for the x-fb-trace-id header and the error's fbtrace_id", async () => {
    const response = await call<GraphErrorShape>(templatesUrl(sandbox));
    expect(response.headers.get("x-fb-trace-id")).toBe(response.body.error.fbtrace_id);
  });

  it("refuses a malformed JSON body with FB-OAS's MalformedRequest error", async () => {
    const response = await fetch(templatesUrl(sandbox), {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_ACCESS_TOKEN}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: "Invalid JSON in request body", code: 100 } });
  });

  it("deletes by hsm_ids and unpauses a paused template", async () => {
    const a = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("bulk_delete_a"),
    });
    const b = await call<{ id: string }>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("bulk_delete_b"),
    });
    const deleted = await call(
      templatesUrl(sandbox, `?hsm_ids=${encodeURIComponent(JSON.stringify([a.body.id, b.body.id]))}`),
      { method: "DELETE", token: DEMO_ACCESS_TOKEN },
    );
    expect(deleted.body).toEqual({ success: true });
    expect(sandbox.control.template(a.body.id)).toBeUndefined();
    const hello = String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id);
    sandbox.control.setStatus(hello, { status: "PAUSED" });
    expect(
      (await call(`${sandbox.graphUrl}/${hello}/unpause`, { method: "POST", token: DEMO_ACCESS_TOKEN })).body,
    ).toEqual({ success: true });
    expect(sandbox.control.template(hello)?.status).toBe("APPROVED");
  });
});

describe("benchmark seed", () => {
  it("seeds 6,000 unique templates with a 6,000 limit and clamps limit to 1000", async () => {
    const big = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 6000 });
    try {
      const templates = big.control.templates(DEMO_WABA_ID);
      expect(templates).toHaveLength(6000);
      expect(new Set(templates.map((template) => `${template.name}:${template.language}`)).size).toBe(6000);
      expect(big.control.wabas()[0]).toMatchObject({ template_limit: 6000, template_count: 6000 });
      const page = await call<{ data: unknown[]; paging: { next: string } }>(
        `${big.graphUrl}/${DEMO_WABA_ID}/message_templates?limit=5000&fields=name`,
        { token: DEMO_ACCESS_TOKEN },
      );
      expect(page.body.data).toHaveLength(MAX_PAGE_LIMIT);
      expect(new URL(page.body.paging.next).searchParams.get("limit")).toBe(String(MAX_PAGE_LIMIT));
      const full = await call<GraphErrorShape>(`${big.graphUrl}/${DEMO_WABA_ID}/message_templates`, {
        token: DEMO_ACCESS_TOKEN,
        json: utilityTemplate("order_confirmation"),
      });
      expect(full.body.error.error_subcode).toBe(2388019);
    } finally {
      await big.close();
    }
  });
});
