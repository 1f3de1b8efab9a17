/**
 * The HTTP shell over a fake core: request ids, body parsing, auth, envelopes, 404, error translation.
 * (The real core + sandbox are exercised in rest.test.ts / trpc.test.ts.)
 */
import { createAuthFailureGuard, DomainError } from "@kirim/core";
import type { Core, Principal } from "@kirim/core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { call, expectError, listen } from "./support/http.js";
import type { Listening } from "./support/http.js";

const GOOD_KEY = "kdv_live_goodgoodgoodgoodgoodgood";
const PRINCIPAL: Principal = {
  organisationId: "org_01HXYZABCDEFGHJKMNPQRSTVWX",
  apiKeyId: "key_01HXYZABCDEFGHJKMNPQRSTVWX",
};
const PID = "106540352242922";

const TEMPLATE = {
  id: "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX",
  object: "template",
  name: "order_confirmation",
  language: "en",
  category: "UTILITY",
  status: "pending",
  content: "Hi {{1}}, welcome to our shop.",
  variables: ["1"],
  components: [{ type: "BODY", text: "Hi {{1}}, welcome to our shop.", example: { body_text: [["Budi"]] } }],
  whatsapp_account: {
    phone_number: "+628111222333",
    phone_number_id: PID,
    customer: { id: "cus_01HXYZABCDEFGHJKMNPQRSTVWX", name: "Demo" },
  },
  provider_template_id: null,
  created_at: "2026-11-23T10:00:00.000Z",
  updated_at: "2026-11-23T10:00:00.000Z",
  meta_status: "PENDING",
  rejected_reason: null,
  quality_score: null,
  previous_category: null,
  last_synced_at: null,
  last_synced_via: null,
  rejection_info: null,
  status_info: null,
  pending_category_change: null,
  deleted_at: null,
  library_template_name: null,
  header_type: null,
  header_content: null,
  footer_content: null,
  has_variables: true,
  buttons: [],
};

let mode: "ok" | "conflict" | "crash" | "upstream" | "leak" | "drift" = "ok";
const seen: { phoneNumberId?: string; body?: unknown } = {};

const fakeCore = {
  auth: {
    authenticate: (raw: string | null | undefined) =>
      raw === GOOD_KEY
        ? Promise.resolve(PRINCIPAL)
        : Promise.reject(new DomainError("invalid_api_key", "Invalid API key.")),
  },
  accounts: { list: () => Promise.resolve([]) },
  templates: {
    create: (_p: Principal, phoneNumberId: string, input: unknown): Promise<object> => {
      seen.phoneNumberId = phoneNumberId;
      seen.body = input;
      if (mode === "conflict")
        return Promise.reject(new DomainError("template_already_exists", "exists", { param: "name" }));
      if (mode === "upstream")
        return Promise.reject(
          new DomainError("whatsapp_upstream_error", "Meta said no", { headers: { "Retry-After": "7" } }),
        );
      if (mode === "crash") return Promise.reject(new Error('relation "template" does not exist at /srv/db.ts:12:3'));
      if (mode === "leak") return Promise.resolve({ ...TEMPLATE, access_token: "EAAG-secret" });
      return Promise.resolve(TEMPLATE);
    },
    sync: () =>
      Promise.resolve({ object: "template_sync_result", synced: 0, created: 0, updated: 0, unchanged: 0, removed: 0 }),
    list: () => {
      if (mode === "leak")
        return Promise.resolve({
          data: [
            {
              ...TEMPLATE,
              access_token: "EAAG-secret",
              whatsapp_account: { ...TEMPLATE.whatsapp_account, waba_token: "EAAG-nested" },
              components: [{ type: "BODY", text: "Hi", kept_by_loose_schema: "meta-field" }],
            },
          ],
          has_more: false,
          next_cursor: null,
        });
      if (mode === "drift") {
        const { status: _missing, ...drifted } = TEMPLATE;
        return Promise.resolve({ data: [drifted], has_more: false, next_cursor: null });
      }
      return Promise.resolve({ data: [TEMPLATE], has_more: false, next_cursor: null });
    },
    // REST's list: the page's templates as the texts REST's writer gives them, as the real core writes a page whose
    // rows have no stored text (so what these tests see is the writer's output: what REST stores and sends).
    listWireText(
      _principal: Principal,
      _phoneNumberId: string,
      _query: unknown,
      writer: { write(template: unknown): string },
    ): Promise<object> {
      return this.list().then((page: { data: unknown[] }) => ({
        ...page,
        data: page.data.map((t) => writer.write(t)),
      }));
    },
    getByName: () => Promise.resolve({ ...TEMPLATE, languages: ["en"] }),
  },
  admin: {},
  // Rate limits and Idempotency-Key run on the real core in rate-limit.test.ts / idempotency.test.ts; here the
  // bucket always has room and no request sends an Idempotency-Key.
  rateLimits: {
    consume: () => Promise.resolve({ allowed: true, limit: 60, remaining: 59, resetAt: 0, retryAfterSeconds: 1 }),
    authFailures: createAuthFailureGuard({ perMinute: 1_000_000, now: () => new Date() }),
  },
  idempotency: {
    start: () => Promise.reject(new Error("app.test sends no Idempotency-Key")),
  },
} as unknown as Core;

const VALID_BODY = {
  name: "order_confirmation",
  category: "UTILITY",
  language: "en",
  components: [{ type: "BODY", text: "Hi {{1}}, welcome to our shop.", example: { body_text: [["Budi"]] } }],
};

let server: Listening;
beforeAll(async () => {
  server = await listen(createApp({ core: fakeCore, logger: pino({ level: "silent" }) }));
});
afterAll(async () => {
  await server.close();
});

describe("request id", () => {
  it("is on every response and in every body", async () => {
    const a = await call(server.baseUrl, "GET", "/v1/health");
    const b = await call(server.baseUrl, "GET", "/v1/health");
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ data: { status: "ok" }, request_id: a.headers.get("x-request-id") });
    expect(a.body.request_id).not.toBe(b.body.request_id);
  });

  it("stays a fresh ULID across many requests (its random bytes are drawn from a pool that refills)", async () => {
    const ids: string[] = [];
    // 600 ids: the pool holds 256 ids' worth of random bytes, so this crosses two refills.
    for (let batch = 0; batch < 12; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => call(server.baseUrl, "GET", "/v1/health")));
      ids.push(...answers.map((a) => String(a.headers.get("x-request-id"))));
    }
    for (const id of ids) expect(id).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids.map((id) => id.slice(-16))).size).toBe(ids.length);
  });

  it("ignores a client-supplied X-Request-Id", async () => {
    const res = await call(server.baseUrl, "GET", "/v1/health", { headers: { "x-request-id": "req_forged" } });
    expect(res.body.request_id).not.toBe("req_forged");
  });
});

describe("routing", () => {
  it("answers unknown routes with 404 route_not_found in the envelope", async () => {
    expectError(await call(server.baseUrl, "GET", "/nope"), 404, "route_not_found", { type: "not_found" });
    expectError(await call(server.baseUrl, "GET", "/v1/nope", { token: GOOD_KEY }), 404, "route_not_found");
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const del = await call(server.baseUrl, "PUT", `/v1/${PID}/templates/x`, { token: GOOD_KEY, body: {} });
    expectError(del, 405, "method_not_allowed");
    expect(del.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD");
    // `sync` is also a template name: POST (sync) is its one extra method.
    const onSync = await call(server.baseUrl, "PUT", `/v1/${PID}/templates/sync`, { token: GOOD_KEY, body: {} });
    expectError(onSync, 405, "method_not_allowed");
    expect(onSync.headers.get("allow")).toBe("GET, POST, PATCH, DELETE, HEAD");
    const put = await call(server.baseUrl, "PUT", `/v1/${PID}/templates`, { token: GOOD_KEY, body: {} });
    expectError(put, 405, "method_not_allowed");
    expect(put.headers.get("allow")).toBe("GET, POST, HEAD");
  });

  it("needs no key for health, and a key for everything else under /v1", async () => {
    expect((await call(server.baseUrl, "GET", "/v1/health")).status).toBe(200);
    expectError(await call(server.baseUrl, "GET", "/v1/accounts"), 401, "missing_api_key", {
      type: "authentication_error",
    });
  });
});

describe("auth", () => {
  it.each([
    ["no header", undefined, "missing_api_key"],
    ["empty", "", "missing_api_key"],
    ["Basic", "Basic dXNlcjpwYXNz", "invalid_api_key"],
    ["Bearer without token", "Bearer", "invalid_api_key"],
    ["Bearer with spaces inside", "Bearer a b", "invalid_api_key"],
    ["bare key", GOOD_KEY, "invalid_api_key"],
    ["unknown key", "Bearer kdv_live_unknownunknownunknownun", "invalid_api_key"],
  ])("%s → 401 %s", async (_label, header, code) => {
    const res = await call(
      server.baseUrl,
      "GET",
      "/v1/accounts",
      header === undefined ? {} : { headers: { authorization: header } },
    );
    expectError(res, 401, code, { type: "authentication_error" });
    expect(res.text).not.toContain(GOOD_KEY);
  });

  it("accepts the scheme case-insensitively", async () => {
    expect(
      (await call(server.baseUrl, "GET", "/v1/accounts", { headers: { authorization: `bearer ${GOOD_KEY}` } })).status,
    ).toBe(200);
  });
});

describe("body parsing", () => {
  it("rejects malformed JSON with 400 invalid_json", async () => {
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: '{"name": "x",' });
    expectError(res, 400, "invalid_json", { type: "invalid_request_error" });
  });

  it("rejects a non-JSON content type with 400 unsupported_content_type", async () => {
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: GOOD_KEY,
      body: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectError(res, 400, "unsupported_content_type");
  });

  it.each([["[]"], ['"text"'], ["42"], ["null"]])("rejects the JSON body %s with 400", async (raw) => {
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: raw });
    expectError(res, 400, "invalid_request");
  });

  it("rejects a create without a body with 400", async () => {
    expectError(
      await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY }),
      400,
      "invalid_request",
    );
  });

  it("rejects a body over the size limit with 413", async () => {
    const big = { ...VALID_BODY, components: [{ type: "BODY", text: "x".repeat(400_000) }] };
    expectError(
      await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: big }),
      413,
      "request_too_large",
    );
  });

  it("lets a sync through with no body and no content type", async () => {
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: GOOD_KEY });
    expect(res.status).toBe(200);
    expect(res.body.data.object).toBe("template_sync_result");
  });

  it("accepts application/json with a charset", async () => {
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: GOOD_KEY,
      body: JSON.stringify(VALID_BODY),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(res.status).toBe(201);
  });
});

describe("validation", () => {
  it("rejects a bad phone_number_id before touching core", async () => {
    const res = await call(server.baseUrl, "GET", "/v1/12ab/templates", { token: GOOD_KEY });
    expectError(res, 400, "invalid_phone_number_id", { param: "phone_number_id" });
  });

  it("names the offending field path", async () => {
    const body = {
      ...VALID_BODY,
      components: [
        ...VALID_BODY.components,
        { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "x".repeat(26) }] },
      ],
    };
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body });
    expectError(res, 400, "invalid_field_value", {
      type: "invalid_request_error",
      param: "components[1].buttons[0].text",
    });
  });

  it("reports a missing required field", async () => {
    const { name: _name, ...body } = VALID_BODY;
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body });
    expectError(res, 400, "missing_required_field", { param: "name" });
  });

  it.each(["0", "101", "abc", "1.5"])("rejects limit=%s with 400 invalid_limit", async (limit) => {
    const res = await call(server.baseUrl, "GET", `/v1/${PID}/templates?limit=${limit}`, { token: GOOD_KEY });
    expectError(res, 400, "invalid_limit", { param: "limit" });
  });

  it("rejects an uppercase status filter", async () => {
    const res = await call(server.baseUrl, "GET", `/v1/${PID}/templates?status=APPROVED`, { token: GOOD_KEY });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("status");
  });
});

describe("envelopes and error translation", () => {
  it("wraps a created template as 201 { data, request_id }", async () => {
    mode = "ok";
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: VALID_BODY });
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual(TEMPLATE);
    expect(seen.phoneNumberId).toBe(PID);
  });

  it("wraps lists in { data, has_more, next_cursor, request_id }", async () => {
    const res = await call(server.baseUrl, "GET", `/v1/${PID}/templates`, { token: GOOD_KEY });
    expect(Object.keys(res.body).sort()).toEqual(["data", "has_more", "next_cursor", "request_id"]);
    const accounts = await call(server.baseUrl, "GET", "/v1/accounts?status=all", { token: GOOD_KEY });
    expect(accounts.body).toEqual({
      data: [],
      has_more: false,
      next_cursor: null,
      request_id: accounts.body.request_id,
    });
  });

  it("maps a DomainError to its catalogue status, type and param", async () => {
    mode = "conflict";
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: VALID_BODY });
    expectError(res, 409, "template_already_exists", { type: "conflict", param: "name" });
  });

  it("passes DomainError headers (Retry-After) through", async () => {
    mode = "upstream";
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: VALID_BODY });
    expectError(res, 502, "whatsapp_upstream_error", { type: "api_error" });
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("hides unknown errors behind 500 internal_error", async () => {
    mode = "crash";
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: VALID_BODY });
    expectError(res, 500, "internal_error", { type: "api_error" });
    expect(res.text).not.toContain("relation");
    expect(res.body.error.message).toContain(res.body.error.request_id);
  });

  it("never serialises fields outside the wire schema", async () => {
    mode = "leak";
    const res = await call(server.baseUrl, "POST", `/v1/${PID}/templates`, { token: GOOD_KEY, body: VALID_BODY });
    expect(res.text).not.toContain("EAAG-secret");
    mode = "ok";
  });

  it("never lists fields outside the wire schema, at any depth; a component's own extra fields stay", async () => {
    mode = "leak";
    const res = await call(server.baseUrl, "GET", `/v1/${PID}/templates`, { token: GOOD_KEY });
    mode = "ok";
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("EAAG-secret");
    expect(res.text).not.toContain("EAAG-nested");
    expect(res.body.data[0].components).toEqual([{ type: "BODY", text: "Hi", kept_by_loose_schema: "meta-field" }]);
  });

  it("answers 500 internal_error, not a template without its status, when a listed template lost a field", async () => {
    mode = "drift";
    const res = await call(server.baseUrl, "GET", `/v1/${PID}/templates`, { token: GOOD_KEY });
    mode = "ok";
    expectError(res, 500, "internal_error", { type: "api_error" });
  });
});
