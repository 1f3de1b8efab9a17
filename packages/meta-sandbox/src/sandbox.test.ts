import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, DEMO_WABA_ID, RESERVED_DEMO_NAMES, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate, waitUntil } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.control.reset();
});

describe("startup", () => {
  it("listens on loopback and exposes the demo credentials", () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.graphUrl).toBe(`${sandbox.url}/v23.0`);
    expect(sandbox.demo).toMatchObject({ wabaId: DEMO_WABA_ID, accessToken: DEMO_ACCESS_TOKEN });
  });

  it("seeds ~150 deterministic templates, leaving order_confirmation free", async () => {
    const templates = sandbox.control.templates(DEMO_WABA_ID);
    expect(templates.length).toBe(150);
    expect(templates.some((template) => RESERVED_DEMO_NAMES.includes(template.name))).toBe(false);
    const statuses = new Set(templates.map((template) => template.status));
    for (const status of ["APPROVED", "PENDING", "REJECTED"]) expect(statuses).toContain(status);
    const categories = new Set(templates.map((template) => template.category));
    expect([...categories].sort()).toEqual(["AUTHENTICATION", "MARKETING", "UTILITY"]);
    const languages = new Set(templates.map((template) => template.language));
    for (const language of ["en", "en_US", "id", "pt_BR", "es"]) expect(languages).toContain(language);
    expect(
      templates
        .filter((template) => template.status === "REJECTED")
        .every((template) => template.rejected_reason !== "NONE"),
    ).toBe(true);

    const again = await startMetaSandbox({ reviewDelayMs: null });
    try {
      expect(again.control.templates(DEMO_WABA_ID)).toEqual(templates);
    } finally {
      await again.close();
    }
  });

  it("reads authentication OTP buttons back as URL buttons", () => {
    const auth = sandbox.control.findTemplate(DEMO_WABA_ID, "authentication_code_copy_code_button", "en_US");
    const buttons = (auth?.components as Array<{ type: string; buttons?: Array<{ type: string; url?: string }> }>).find(
      (c) => c.type === "BUTTONS",
    );
    expect(buttons?.buttons?.[0]?.type).toBe("URL");
    expect(buttons?.buttons?.[0]?.url).toContain("otp_type=COPY_CODE");
  });
});

describe("auth", () => {
  it("answers code 104 / HTTP 401 without a token", async () => {
    const response = await call<GraphErrorShape>(templatesUrl(sandbox));
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 104, type: "OAuthException" });
    expect(response.body.error.fbtrace_id).toMatch(/^A[\w-]{22}$/);
  });

  it("answers code 190 / HTTP 401 for an unknown token", async () => {
    const response = await call<GraphErrorShape>(templatesUrl(sandbox), { token: "not-a-token" });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe(190);
  });

  it("answers code 200 / HTTP 403 for a valid token of another WABA", async () => {
    sandbox.control.addWaba({ id: "555000111222333", accessToken: "other-token" });
    const response = await call<GraphErrorShape>(templatesUrl(sandbox), { token: "other-token" });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe(200);
  });

  it("accepts the access_token query parameter", async () => {
    const response = await call(templatesUrl(sandbox, `?access_token=${DEMO_ACCESS_TOKEN}&limit=1`));
    expect(response.status).toBe(200);
  });

  it("gives every error a fresh fbtrace_id and Meta's headers", async () => {
    const first = await call<GraphErrorShape>(templatesUrl(sandbox));
    const second = await call<GraphErrorShape>(templatesUrl(sandbox));
    expect(first.body.error.fbtrace_id).not.toBe(second.body.error.fbtrace_id);
    expect(first.headers.get("facebook-api-version")).toBe("v23.0");
    expect(first.headers.get("x-fb-trace-id")).toBeTruthy();
  });

  it("serves any version prefix and echoes it", async () => {
    const response = await call(`${sandbox.url}/v25.0/${DEMO_WABA_ID}/message_templates?limit=1`, {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("facebook-api-version")).toBe("v25.0");
  });
});

describe("create", () => {
  it("returns {id, status: PENDING, category} for a valid JSON body", async () => {
    const response = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: "PENDING", category: "UTILITY" });
    const stored = sandbox.control.template(String(response.body.id));
    expect(stored).toMatchObject({ name: "order_confirmation", language: "en", status: "PENDING" });
  });

  it("accepts form-encoded bodies with components as a JSON string", async () => {
    const template = utilityTemplate("form_encoded_template", "id");
    const response = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      form: {
        name: String(template.name),
        language: "id",
        category: "utility",
        components: JSON.stringify(template.components),
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "PENDING", category: "UTILITY" });
  });

  it("refuses a duplicate name + language with 2388024 and Meta's wording", async () => {
    await call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: utilityTemplate("order_confirmation") });
    const response = await call<GraphErrorShape>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      message: "Invalid parameter",
      type: "OAuthException",
      code: 100,
      error_subcode: 2388024,
      is_transient: false,
      error_user_title: "Content in This Language Already Exists",
      error_user_msg:
        "There is already English content for this template. You can create a new template and try again.",
    });
  });

  it("allows the same name in another language", async () => {
    await call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: utilityTemplate("order_confirmation") });
    const response = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation", "pt_BR"),
    });
    expect(response.status).toBe(200);
  });
});

describe("list paging", () => {
  it("visits every template exactly once and omits next on the last page", async () => {
    const expected = sandbox.control.templates(DEMO_WABA_ID).map((template) => template.id);
    const seen: string[] = [];
    let url: string | undefined = templatesUrl(sandbox, "?limit=7&fields=name,status");
    let pages = 0;
    let lastPaging: Record<string, unknown> | undefined;
    while (url) {
      const response: {
        status: number;
        body: { data: Array<{ id: string; name: string }>; paging?: Record<string, unknown> };
      } = await call(url, {
        token: DEMO_ACCESS_TOKEN,
      });
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(7);
      for (const item of response.body.data) expect(Object.keys(item).sort()).toEqual(["id", "name", "status"]);
      seen.push(...response.body.data.map((item) => item.id));
      lastPaging = response.body.paging;
      url = typeof response.body.paging?.next === "string" ? response.body.paging.next : undefined;
      if (url) expect(url.startsWith(`${sandbox.url}/v23.0/${DEMO_WABA_ID}/message_templates?`)).toBe(true);
      pages += 1;
      expect(pages).toBeLessThan(100);
    }
    expect(seen.length).toBe(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected));
    expect(lastPaging).toBeDefined();
    expect(lastPaging).not.toHaveProperty("next");
    expect(lastPaging?.cursors).toMatchObject({ before: expect.any(String), after: expect.any(String) });
  });

  it("pages backwards with `before` to the same items", async () => {
    const first = await call<{ data: Array<{ id: string }>; paging: { next: string } }>(
      templatesUrl(sandbox, "?limit=5"),
      { token: DEMO_ACCESS_TOKEN },
    );
    const second = await call<{ data: Array<{ id: string }>; paging: { previous: string } }>(first.body.paging.next, {
      token: DEMO_ACCESS_TOKEN,
    });
    const back = await call<{ data: Array<{ id: string }>; paging: Record<string, unknown> }>(
      second.body.paging.previous,
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(back.body.data.map((item) => item.id)).toEqual(first.body.data.map((item) => item.id));
    expect(back.body.paging).not.toHaveProperty("previous");
  });

  it("defaults to 25 per page and filters by exact name, language, status and category", async () => {
    const page = await call<{ data: unknown[] }>(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN });
    expect(page.body.data.length).toBe(25);
    const byName = await call<{ data: Array<{ name: string; language: string }> }>(
      templatesUrl(sandbox, "?name=hello_world"),
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(byName.body.data).toEqual([expect.objectContaining({ name: "hello_world", language: "en_US" })]);
    const filtered = await call<{ data: Array<{ status: string; category: string; language: string }> }>(
      templatesUrl(sandbox, "?status=approved&category=MARKETING&language=en_US&limit=1000"),
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(filtered.body.data.length).toBeGreaterThan(0);
    for (const item of filtered.body.data)
      expect(item).toMatchObject({ status: "APPROVED", category: "MARKETING", language: "en_US" });
  });

  it("returns the summary only when asked", async () => {
    const plain = await call(templatesUrl(sandbox, "?limit=1"), { token: DEMO_ACCESS_TOKEN });
    expect(plain.body).not.toHaveProperty("summary");
    const withSummary = await call(
      templatesUrl(
        sandbox,
        "?limit=1&summary=total_count,message_template_count,message_template_limit&status=PENDING",
      ),
      {
        token: DEMO_ACCESS_TOKEN,
      },
    );
    const pending = sandbox.control.templates(DEMO_WABA_ID).filter((template) => template.status === "PENDING").length;
    expect(withSummary.body.summary).toEqual({
      total_count: pending,
      message_template_count: 150,
      message_template_limit: 250,
    });
  });

  it("refuses unknown fields with code 100 naming the field", async () => {
    const response = await call<GraphErrorShape>(templatesUrl(sandbox, "?fields=name,colour"), {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(100);
    expect(response.body.error.message).toContain("colour");
  });
});

describe("review", () => {
  it("approves a submitted template after reviewDelayMs", async () => {
    const quick = await startMetaSandbox({ reviewDelayMs: 500 });
    try {
      const created = await call(templatesUrl(quick), {
        token: DEMO_ACCESS_TOKEN,
        json: utilityTemplate("order_confirmation"),
      });
      const id = String(created.body.id);
      expect(quick.control.template(id)?.status).toBe("PENDING");
      await waitUntil(() => quick.control.template(id)?.status !== "PENDING");
      const read = await call(`${quick.graphUrl}/${id}?fields=status`, { token: DEMO_ACCESS_TOKEN });
      expect(read.body).toEqual({ status: "APPROVED", id });
    } finally {
      await quick.close();
    }
  });

  it("rejects adjacent parameters as INVALID_FORMAT with rejection_info", async () => {
    const created = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: {
        ...utilityTemplate("adjacent_params"),
        components: [
          {
            type: "BODY",
            text: "Hello {{1}}, your balance is {{2}}{{3}} as of today, thank you for banking with us.",
            example: { body_text: [["Ana", "10", "USD"]] },
          },
        ],
      },
    });
    const id = String(created.body.id);
    const reviewed = sandbox.control.review(id);
    expect(reviewed).toMatchObject({
      status: "REJECTED",
      rejected_reason: "INVALID_FORMAT",
      rejection_info: { reason: expect.stringContaining("next to each other") },
    });
  });

  it("rejects scam phrases as SCAM", async () => {
    const created = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: {
        ...utilityTemplate("prize_notice"),
        components: [
          {
            type: "BODY",
            text: "Congratulations, you have won a car! Reply with your bank details to claim your prize today.",
          },
        ],
      },
    });
    expect(sandbox.control.review(String(created.body.id))).toMatchObject({
      status: "REJECTED",
      rejected_reason: "SCAM",
    });
  });
});

describe("request log", () => {
  it("records Graph calls with method, path, WABA and time, but not control calls", async () => {
    sandbox.control.clearRequests();
    expect(sandbox.control.requests()).toEqual([]);
    await call(`${sandbox.url}/_sandbox/wabas`);
    expect(sandbox.control.requests()).toEqual([]);
    await call(templatesUrl(sandbox, "?limit=2"), { token: DEMO_ACCESS_TOKEN });
    const log = sandbox.control.requests();
    expect(log).toEqual([
      expect.objectContaining({
        method: "GET",
        path: `/v23.0/${DEMO_WABA_ID}/message_templates`,
        wabaId: DEMO_WABA_ID,
        status: 200,
        query: { limit: "2" },
      }),
    ]);
    expect(Date.parse(log[0]?.at ?? "")).not.toBeNaN();
  });

  it("is readable over HTTP and filterable by WABA", async () => {
    sandbox.control.addWaba({ id: "777000111222333", accessToken: "t-777" });
    await call(`${sandbox.graphUrl}/777000111222333/message_templates`, { token: "t-777" });
    const response = await call<{ data: Array<{ wabaId: string }> }>(
      `${sandbox.url}/_sandbox/requests?waba_id=${DEMO_WABA_ID}`,
    );
    expect(response.body.data).toEqual([]);
    const other = await call<{ data: Array<{ wabaId: string }> }>(
      `${sandbox.url}/_sandbox/requests?waba_id=777000111222333`,
    );
    expect(other.body.data).toHaveLength(1);
  });
});
