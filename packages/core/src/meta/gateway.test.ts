import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedFakeTemplates, startFakeGraph } from "../../test/fake-graph.js";
import type { FakeGraph } from "../../test/fake-graph.js";
import { createMetaGateway, graphBaseUrl } from "./gateway.js";
import { MetaApiError } from "./meta-api-error.js";
import type { MetaGatewayOptions } from "./types.js";

const TOKEN = "test-token";
const account = { wabaId: "555000111", accessToken: TOKEN };
const body = {
  name: "order_update",
  language: "en",
  category: "UTILITY",
  components: [{ type: "BODY", text: "Your order {{1}} shipped.", example: { body_text: [["A1"]] } }],
};

let fake: FakeGraph;
let sleeps: number[];
beforeEach(async () => {
  fake = await startFakeGraph({ token: TOKEN });
  sleeps = [];
});
afterEach(async () => {
  await fake.close();
});

function gateway(overrides: Partial<MetaGatewayOptions> = {}) {
  return createMetaGateway({
    graphUrl: fake.url,
    apiVersion: "v23.0",
    timeoutMs: 2_000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...overrides,
  });
}

async function collect<T>(gen: AsyncGenerator<T[]>): Promise<T[][]> {
  const pages: T[][] = [];
  for await (const p of gen) pages.push(p);
  return pages;
}

async function caught(p: Promise<unknown>): Promise<MetaApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MetaApiError) return e;
    throw e;
  }
  throw new Error("expected a MetaApiError");
}

describe("graphBaseUrl", () => {
  it.each([
    ["https://graph.facebook.com", "v23.0", "https://graph.facebook.com/v23.0"],
    ["https://graph.facebook.com/", "v23.0", "https://graph.facebook.com/v23.0"],
    ["http://127.0.0.1:4010/v23.0", "v25.0", "http://127.0.0.1:4010/v23.0"],
    ["http://127.0.0.1:4010/v23.0/", "v23.0", "http://127.0.0.1:4010/v23.0"],
  ])("%s + %s → %s", (url, version, expected) => expect(graphBaseUrl(url, version)).toBe(expected));
});

describe("listTemplates", () => {
  it("follows the after cursor against OUR base URL until paging.next is absent", async () => {
    seedFakeTemplates(fake, account.wabaId, 250);
    const pages = await collect(gateway().listTemplates(account));
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(new Set(pages.flat().map((t) => t.id)).size).toBe(250);
    // next links point at another host; every request still went to the fake with the token
    expect(fake.requests).toHaveLength(3);
    for (const r of fake.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.path).toBe(`/v23.0/${account.wabaId}/message_templates`);
      expect(r.query.get("limit")).toBe("100");
    }
    expect(fake.requests[0]?.query.get("after")).toBeNull();
    expect(fake.requests[1]?.query.get("after")).not.toBeNull();
  });

  it("tolerates unknown fields and defaults missing components", async () => {
    fake.intercept(() => ({
      body: { data: [{ id: "1", name: "a", language: "en", status: "APPROVED", category: "UTILITY", brand_new: 1 }] },
    }));
    const pages = await collect(gateway().listTemplates(account));
    expect(pages).toEqual([
      [{ id: "1", name: "a", language: "en", status: "APPROVED", category: "UTILITY", components: [] }],
    ]);
  });

  it("a missing required field is a malformed_response MetaApiError, not a crash", async () => {
    fake.intercept(() => ({ body: { data: [{ id: "1", language: "en", status: "APPROVED", category: "UTILITY" }] } }));
    const e = await caught(collect(gateway().listTemplates(account)));
    expect(e.kind).toBe("malformed_response");
    expect(e.message).toContain("data.0.name");
  });

  it("a non-JSON 200 to a read is read again; when it persists it is malformed_response", async () => {
    seedFakeTemplates(fake, account.wabaId, 3);
    fake.intercept(() => ({ raw: "<html>oops</html>" }));
    const pages = await collect(gateway().listTemplates(account));
    expect(pages.flat()).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);

    for (let i = 0; i < 3; i++) fake.intercept(() => ({ raw: "<html>oops</html>" }));
    expect((await caught(collect(gateway().listTemplates(account)))).kind).toBe("malformed_response");
  });

  it("retries a 500 on GET and then succeeds", async () => {
    seedFakeTemplates(fake, account.wabaId, 3);
    fake.intercept(() => ({
      status: 500,
      body: { error: { message: "Unknown error", type: "OAuthException", code: 1, is_transient: true } },
    }));
    const pages = await collect(gateway().listTemplates(account));
    expect(pages.flat()).toHaveLength(3);
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });
});

describe("error parsing", () => {
  it("parses Meta's envelope into MetaApiError without the token", async () => {
    const e = await caught(gateway().createTemplate({ ...account, accessToken: "wrong-secret-token" }, body));
    expect(e).toMatchObject({
      kind: "graph",
      status: 401,
      code: 190,
      type: "OAuthException",
      fbtraceId: "TRACE190",
      isTransient: false,
    });
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain("wrong-secret-token");
    expect(fake.requests).toHaveLength(1); // 190 is never retried
  });

  it("parses subcode, user title/message of a validation refusal and does not retry it", async () => {
    fake.intercept(() => ({
      status: 400,
      body: {
        error: {
          message: "Invalid parameter",
          type: "OAuthException",
          code: 100,
          error_subcode: 2388293,
          is_transient: false,
          error_user_title: "Parameters words ratio exceeds limit",
          error_user_msg: "This template has too many variables for its length.",
          fbtrace_id: "AbC",
        },
      },
    }));
    const e = await caught(gateway().createTemplate(account, body));
    expect(e).toMatchObject({
      status: 400,
      code: 100,
      subcode: 2388293,
      userTitle: "Parameters words ratio exceeds limit",
      userMessage: "This template has too many variables for its length.",
      fbtraceId: "AbC",
    });
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("honours Retry-After on a rate limit and retries", async () => {
    fake.intercept(() => ({
      status: 400,
      headers: { "retry-after": "3" },
      body: { error: { message: "(#80008) Too many calls", type: "OAuthException", code: 80008 } },
    }));
    const created = await gateway().createTemplate(account, body);
    expect(created.status).toBe("PENDING");
    expect(sleeps).toEqual([3_000]);
    // a refused rate-limited create is not ambiguous: no landed-check list call
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("gives up on a rate limit whose stated wait is too long", async () => {
    fake.intercept(() => ({
      status: 400,
      headers: { "retry-after": "3600" },
      body: {
        error: {
          message: "(#4) Application request limit reached",
          type: "OAuthException",
          code: 4,
          is_transient: true,
        },
      },
    }));
    const e = await caught(gateway().createTemplate(account, body));
    expect(e).toMatchObject({ code: 4, retryAfterMs: 3_600_000 });
    expect(fake.requests).toHaveLength(1);
  });

  it("reads Meta's x-business-use-case-usage wait (minutes)", async () => {
    fake.intercept(() => ({
      status: 400,
      headers: {
        "x-business-use-case-usage": JSON.stringify({
          "555000111": [{ type: "whatsapp_business_management", estimated_time_to_regain_access: 2 }],
        }),
      },
      body: { error: { message: "(#80007) Rate limit", type: "OAuthException", code: 80007 } },
    }));
    const e = await caught(gateway().createTemplate(account, body));
    expect(e.retryAfterMs).toBe(120_000);
  });

  it("a connection failure is a network MetaApiError", async () => {
    const g = createMetaGateway({ graphUrl: "http://127.0.0.1:1", apiVersion: "v23.0", retry: { maxAttempts: 1 } });
    expect((await caught(g.createTemplate(account, body))).kind).toBe("network");
  });

  it("a missing field in the create answer is malformed_response", async () => {
    fake.intercept(() => ({ body: { status: "PENDING" } }));
    expect((await caught(gateway().createTemplate(account, body))).kind).toBe("malformed_response");
  });
});

describe("createTemplate: never sent twice without checking", () => {
  it("after a timeout whose create landed, finds it by name+language and does not POST again", async () => {
    // The first POST is processed by Meta but the answer arrives after our timeout.
    fake.intercept((r) => (r.method === "POST" ? { passThrough: true, delayMs: 600 } : undefined));
    const created = await gateway({ timeoutMs: 200 }).createTemplate(account, body);
    const stored = fake.templates.get(account.wabaId) ?? [];
    expect(stored).toHaveLength(1);
    expect(created).toEqual({ id: stored[0]?.id, status: "PENDING", category: "UTILITY" });
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
    const check = fake.requests[1];
    expect(check?.query.get("name")).toBe("order_update");
    expect(check?.query.get("language")).toBe("en");
  });

  it("after a timeout whose create did NOT land, checks and then POSTs again", async () => {
    fake.intercept((r) => (r.method === "POST" ? { status: 200, body: {}, delayMs: 600 } : undefined));
    const created = await gateway({ timeoutMs: 200 }).createTemplate(account, body);
    expect(created.status).toBe("PENDING");
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
    expect(fake.templates.get(account.wabaId)).toHaveLength(1);
  });

  it("after a 500 that actually landed, the check finds it", async () => {
    fake.intercept((r) =>
      r.method === "POST"
        ? {
            passThrough: true,
            status: 500,
            body: { error: { message: "boom", type: "OAuthException", code: 2, is_transient: true } },
          }
        : undefined,
    );
    const created = await gateway().createTemplate(account, body);
    expect(fake.templates.get(account.wabaId)?.[0]?.id).toBe(created.id);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("checks after the LAST attempt too: a landed create is a success, not an upstream error", async () => {
    fake.intercept((r) => (r.method === "POST" ? { passThrough: true, delayMs: 600 } : undefined));
    const created = await gateway({ timeoutMs: 200, retry: { maxAttempts: 1 } }).createTemplate(account, body);
    expect(created.id).toBe(fake.templates.get(account.wabaId)?.[0]?.id);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("an unreadable 2xx answer to a create is resolved by the landed check, not resent", async () => {
    fake.intercept((r) => (r.method === "POST" ? { passThrough: true, raw: '{"id":"12' } : undefined));
    const created = await gateway().createTemplate(account, body);
    expect(created.id).toBe(fake.templates.get(account.wabaId)?.[0]?.id);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("an unreadable 2xx answer whose create did not land is surfaced (malformed answers are not retried)", async () => {
    fake.intercept((r) => (r.method === "POST" ? { raw: "<html>proxy</html>" } : undefined));
    expect((await caught(gateway().createTemplate(account, body))).kind).toBe("malformed_response");
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("a 503 stating a wait longer than we honour is surfaced at once with that wait", async () => {
    fake.intercept(() => ({
      status: 503,
      headers: { "retry-after": "3600" },
      body: {
        error: { message: "Service temporarily unavailable", type: "OAuthException", code: 2, is_transient: true },
      },
    }));
    const e = await caught(gateway().createTemplate(account, body));
    expect(e).toMatchObject({ status: 503, retryAfterMs: 3_600_000 });
    expect(sleeps).toEqual([]);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET"]); // checked, not resent
  });

  it("surfaces the original failure when the landed-check itself fails", async () => {
    fake.intercept((r) => (r.method === "POST" ? { status: 503, raw: "busy" } : undefined));
    fake.intercept((r) =>
      r.method === "GET"
        ? { status: 400, body: { error: { message: "bad", type: "OAuthException", code: 100 } } }
        : undefined,
    );
    const e = await caught(gateway().createTemplate(account, body));
    expect(e.status).toBe(503);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });
});
