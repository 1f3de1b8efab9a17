/**
 * REST `/v1` end to end: real HTTP → app → core → database (each kind) → Meta sandbox over HTTP.
 * Every response is also checked for X-Request-Id == body.request_id and the absence of stack traces
 * (support/http.ts `call`).
 */
import { databaseKinds } from "@kirim/core/testing";
import { ZAccount, ZTemplate, ZTemplateByName, ZTemplateSyncResult, zDataEnvelope, zListEnvelope } from "@kirim/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { call, expectError } from "./support/http.js";
import {
  createCalls,
  DEMO_PHONE_NUMBER_ID,
  lastSeq,
  orderConfirmation,
  OTHER_PHONE_NUMBER_ID,
  SEED_CREATE_SAMPLE_BODY,
  startStack,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;

describe.each(databaseKinds())("REST /v1 on %s", (kind) => {
  let s: Stack;
  const get = (path: string, token: string | null = s.demoKey) => call(s.baseUrl, "GET", path, { token });
  const post = (path: string, body?: unknown, token: string | null = s.demoKey) =>
    call(s.baseUrl, "POST", path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  describe("health", () => {
    it("answers without auth", async () => {
      const res = await get("/v1/health", null);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { status: "ok" }, request_id: res.headers.get("x-request-id") });
    });

    it("has a readiness variant that touches the database", async () => {
      const res = await get("/v1/health/ready", null);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ status: "ok", database: "ok" });
    });
  });

  describe("auth", () => {
    it("401 missing_api_key without a header", async () => {
      expectError(await get("/v1/accounts", null), 401, "missing_api_key", { type: "authentication_error" });
    });

    it.each([["Basic dXNlcjpwYXNz"], ["Bearer"], ["Token abc"], ["Bearer kdv_live_with space"]])(
      "401 invalid_api_key for a malformed header (%s)",
      async (header) => {
        const res = await call(s.baseUrl, "GET", "/v1/accounts", { headers: { authorization: header } });
        expectError(res, 401, "invalid_api_key", { type: "authentication_error" });
      },
    );

    it("401 invalid_api_key for an unknown key", async () => {
      expectError(await get("/v1/accounts", "kdv_live_AAAAAAAAAAAAAAAAAAAAAAAA"), 401, "invalid_api_key", {
        type: "authentication_error",
      });
    });

    it("accepts no key in the query string", async () => {
      expectError(await get(`/v1/accounts?api_key=${s.demoKey}`, null), 401, "missing_api_key");
    });
  });

  describe("GET /v1/accounts", () => {
    it("lists the organisation's connected accounts in the list envelope", async () => {
      const res = await get("/v1/accounts");
      expect(res.status).toBe(200);
      const body = zListEnvelope(ZAccount).parse(res.body);
      expect(body.has_more).toBe(false);
      expect(body.next_cursor).toBeNull();
      expect(body.data.map((a) => a.phone_number_id)).toEqual([PID]);
      expect(body.data[0]).toMatchObject({ object: "account", status: "connected" });
    });

    it("accepts status=all and rejects other values", async () => {
      expect((await get("/v1/accounts?status=all")).status).toBe(200);
      expectError(await get("/v1/accounts?status=CONNECTED"), 400, "invalid_field_value", { param: "status" });
    });

    it("never shows another organisation's accounts", async () => {
      const res = await get("/v1/accounts?status=all", s.otherKey);
      expect(res.body.data.map((a: { phone_number_id: string }) => a.phone_number_id)).toEqual([OTHER_PHONE_NUMBER_ID]);
    });
  });

  describe("POST /v1/{phone_number_id}/templates", () => {
    it("creates a template: 201 pending, the seed's shape, submitted to Meta", async () => {
      const since = lastSeq(s.sandbox);
      const res = await post(TEMPLATES, orderConfirmation("en"));
      expect(res.status, res.text).toBe(201);
      const { data } = zDataEnvelope(ZTemplate).parse(res.body);
      expect(data.id).toMatch(/^tmpl_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(data).toMatchObject({
        object: "template",
        name: "order_confirmation",
        language: "en",
        status: "pending",
        whatsapp_account: {
          phone_number_id: PID,
          phone_number: expect.any(String),
          customer: { id: expect.stringMatching(/^cus_/), name: expect.any(String) },
        },
      });
      expect(data.content).toContain("Hi {{1}}");
      expect(createCalls(s.sandbox, since)).toBe(1);
      expect(s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "order_confirmation", "en")?.status).toBe("PENDING");
    });

    it("409 template_already_exists (param name) for a duplicate, without calling Meta", async () => {
      const since = lastSeq(s.sandbox);
      const res = await post(TEMPLATES, orderConfirmation("en"));
      expectError(res, 409, "template_already_exists", { type: "conflict", param: "name" });
      expect(createCalls(s.sandbox, since)).toBe(0);
      expect(s.sandbox.control.requests({ sinceSeq: since })).toHaveLength(0);
    });

    it("creates the same name in another language", async () => {
      const res = await post(TEMPLATES, orderConfirmation("id"));
      expect(res.status, res.text).toBe(201);
      expect(res.body.data.language).toBe("id");
    });

    it("answers the seed's exact JS sample (no BODY component) with a clear 400, without calling Meta", async () => {
      const since = lastSeq(s.sandbox);
      const res = await call(s.baseUrl, "POST", TEMPLATES, {
        headers: { Authorization: `Bearer ${s.demoKey}`, "Content-Type": "application/json" },
        body: SEED_CREATE_SAMPLE_BODY,
      });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.type).toBe("invalid_request_error");
      expect(typeof res.body.error.param).toBe("string");
      expect(res.body.error.message.length).toBeGreaterThan(10);
      expect(createCalls(s.sandbox, since)).toBe(0);
    });

    it("names the offending field path", async () => {
      const body = orderConfirmation("en_US");
      (body.components as Array<Record<string, unknown>>)[3] = {
        type: "BUTTONS",
        buttons: [{ type: "QUICK_REPLY", text: "This text is far too long for a button" }],
      };
      const res = await post(TEMPLATES, body);
      expectError(res, 400, "invalid_field_value", { param: "components[3].buttons[0].text" });
    });

    it("reports a missing required field", async () => {
      const { category: _category, ...body } = orderConfirmation("en_GB");
      expectError(await post(TEMPLATES, body), 400, "missing_required_field", { param: "category" });
    });

    it("400 invalid_json for malformed JSON", async () => {
      const res = await call(s.baseUrl, "POST", TEMPLATES, { token: s.demoKey, body: '{"name": "x", ' });
      expectError(res, 400, "invalid_json", { type: "invalid_request_error" });
    });

    it("400 unsupported_content_type for a form body", async () => {
      const res = await call(s.baseUrl, "POST", TEMPLATES, {
        token: s.demoKey,
        body: "name=order_confirmation",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectError(res, 400, "unsupported_content_type");
    });

    it("400 for a JSON body that is not an object", async () => {
      expectError(
        await call(s.baseUrl, "POST", TEMPLATES, { token: s.demoKey, body: "[1,2]" }),
        400,
        "invalid_request",
      );
    });

    it("400 invalid_phone_number_id for a malformed path segment", async () => {
      expectError(await post("/v1/12345/templates", orderConfirmation()), 400, "invalid_phone_number_id", {
        param: "phone_number_id",
      });
      expectError(await post("/v1/abc123456/templates", orderConfirmation()), 400, "invalid_phone_number_id", {
        param: "phone_number_id",
      });
    });

    it("404 resource_not_found for another organisation's account, without calling Meta", async () => {
      const since = lastSeq(s.sandbox);
      expectError(
        await post(`/v1/${OTHER_PHONE_NUMBER_ID}/templates`, orderConfirmation()),
        404,
        "resource_not_found",
        { type: "not_found" },
      );
      expectError(await post(TEMPLATES, orderConfirmation("ms"), s.otherKey), 404, "resource_not_found");
      expectError(await post("/v1/999999999999/templates", orderConfirmation()), 404, "resource_not_found");
      expect(createCalls(s.sandbox, since)).toBe(0);
    });

    it("502 whatsapp_upstream_error when Meta fails (sandbox answering 503/500)", async () => {
      s.sandbox.control.faults.add({ kind: "server_error", method: "POST", path: "/message_templates" });
      try {
        const res = await post(TEMPLATES, { ...orderConfirmation("pt_BR"), name: "upstream_failure" });
        expectError(res, 502, "whatsapp_upstream_error", { type: "api_error" });
        // Meta's own error is relayed as error.meta (code 2 = temporary downtime).
        expect(res.body.error.meta).toMatchObject({ code: 2 });
      } finally {
        s.sandbox.control.faults.clear();
      }
      s.sandbox.control.faults.add({ kind: "unknown_error", method: "POST", path: "/message_templates" });
      try {
        const res = await post(TEMPLATES, { ...orderConfirmation("pt_BR"), name: "upstream_failure_two" });
        expectError(res, 502, "whatsapp_upstream_error");
        expect(res.text).not.toContain(s.sandbox.demo.accessToken);
      } finally {
        s.sandbox.control.faults.clear();
      }
    });
  });

  describe("Meta throttling", () => {
    it("429 meta_rate_limited with Retry-After and Meta's code", async () => {
      s.sandbox.control.faults.add({ kind: "waba_rate_limit", method: "POST", path: "/message_templates" });
      try {
        const res = await post(TEMPLATES, { ...orderConfirmation("pt_BR"), name: "throttled_template" });
        expectError(res, 429, "meta_rate_limited", { type: "rate_limit_error" });
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(res.body.error.meta).toMatchObject({ code: 80008 });
      } finally {
        s.sandbox.control.faults.clear();
      }
    });
  });

  describe("POST /v1/{phone_number_id}/templates/sync", () => {
    it("syncs the demo WABA across several pages; counts add up to Meta's inventory", async () => {
      const since = lastSeq(s.sandbox);
      const onMeta = s.sandbox.control.templates(s.sandbox.demo.wabaId).length;
      // The seed's sample: POST with only the Authorization header (no body, no content type).
      const res = await call(s.baseUrl, "POST", `${TEMPLATES}/sync`, {
        headers: { Authorization: `Bearer ${s.demoKey}` },
      });
      expect(res.status, res.text).toBe(200);
      const { data } = zDataEnvelope(ZTemplateSyncResult).parse(res.body);
      expect(data.object).toBe("template_sync_result");
      expect(data.synced).toBe(onMeta);
      expect(data.synced).toBe(data.created + data.updated + data.unchanged);
      // Created locally through the API (order_confirmation en + id) → not "created" by the sync.
      expect(data.created).toBe(onMeta - 2);
      const listCalls = s.sandbox.control
        .requests({ method: "GET", sinceSeq: since })
        .filter((r) => r.path.endsWith("/message_templates"));
      expect(listCalls.length).toBeGreaterThan(1);
    });

    it("is idempotent: a second sync creates and updates nothing", async () => {
      const res = await post(`${TEMPLATES}/sync`);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ created: 0, updated: 0 });
      expect(res.body.data.unchanged).toBe(res.body.data.synced);
    });

    it("tolerates an empty JSON body too", async () => {
      expect((await post(`${TEMPLATES}/sync`, {})).status).toBe(200);
    });

    it("picks up a review decided on Meta's side", async () => {
      const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "order_confirmation", "en");
      expect(onMeta).toBeDefined();
      s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "APPROVED" });
      const before = await get(`${TEMPLATES}/order_confirmation?language=en`);
      expect(before.body.data.status).toBe("pending");
      const sync = await post(`${TEMPLATES}/sync`);
      expect(sync.body.data.updated).toBe(1);
      const after = await get(`${TEMPLATES}/order_confirmation?language=en`);
      expect(after.body.data.status).toBe("approved");
    });

    it("502 whatsapp_upstream_error when a list page fails", async () => {
      s.sandbox.control.faults.configure({ failListPage: 2 });
      try {
        expectError(await post(`${TEMPLATES}/sync`), 502, "whatsapp_upstream_error", { type: "api_error" });
      } finally {
        s.sandbox.control.faults.clear();
        s.sandbox.control.faults.configure({});
      }
    });

    it("404 for another organisation's account", async () => {
      expectError(await post(`/v1/${OTHER_PHONE_NUMBER_ID}/templates/sync`), 404, "resource_not_found");
    });
  });

  describe("GET /v1/{phone_number_id}/templates", () => {
    async function all(query: string, limit: number): Promise<Array<z.infer<typeof ZTemplate>>> {
      const seen: Array<z.infer<typeof ZTemplate>> = [];
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page += 1) {
        const q: string = `${query}&limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
        const res = await get(`${TEMPLATES}?${q}`);
        expect(res.status, res.text).toBe(200);
        const body = zListEnvelope(ZTemplate).parse(res.body);
        expect(body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...body.data);
        if (!body.has_more) {
          expect(body.next_cursor).toBeNull();
          return seen;
        }
        expect(body.next_cursor).not.toBeNull();
        cursor = body.next_cursor;
      }
      throw new Error("pagination did not end");
    }

    it("visits every row exactly once", async () => {
      const rows = await all("status=all", 17);
      const ids = rows.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      const onMeta = s.sandbox.control.templates(s.sandbox.demo.wabaId).length;
      expect(ids.length).toBe(onMeta);
    });

    it("defaults to 25 per page", async () => {
      const res = await get(TEMPLATES);
      expect(res.body.data).toHaveLength(25);
      expect(res.body.has_more).toBe(true);
    });

    it("filters by status and language", async () => {
      const approved = await all("status=approved", 50);
      expect(approved.length).toBeGreaterThan(0);
      expect(approved.every((t) => t.status === "approved")).toBe(true);
      const pending = await all("status=pending", 100);
      expect(pending.every((t) => t.status === "pending")).toBe(true);
      const indonesian = await all("language=id", 100);
      expect(indonesian.length).toBeGreaterThan(0);
      expect(indonesian.every((t) => t.language === "id")).toBe(true);
    });

    it.each(["0", "101", "-1", "ten", "2.5"])("400 invalid_limit for limit=%s", async (limit) => {
      expectError(await get(`${TEMPLATES}?limit=${limit}`), 400, "invalid_limit", { param: "limit" });
    });

    it("400 for an uppercase status", async () => {
      const res = await get(`${TEMPLATES}?status=APPROVED`);
      expectError(res, 400, "invalid_field_value", { param: "status" });
    });

    it("400 invalid_cursor for a tampered cursor or one used with other filters", async () => {
      const first = await get(`${TEMPLATES}?limit=5`);
      const cursor: string = first.body.next_cursor;
      const tampered = `${cursor.slice(0, -2)}${cursor.endsWith("A") ? "BB" : "AA"}`;
      expectError(await get(`${TEMPLATES}?limit=5&cursor=${encodeURIComponent(tampered)}`), 400, "invalid_cursor", {
        param: "cursor",
      });
      expectError(
        await get(`${TEMPLATES}?limit=5&status=approved&cursor=${encodeURIComponent(cursor)}`),
        400,
        "invalid_cursor",
      );
      expectError(await get(`${TEMPLATES}?cursor=not-a-cursor`), 400, "invalid_cursor");
    });

    it("404 for another organisation's account", async () => {
      expectError(await get(`/v1/${OTHER_PHONE_NUMBER_ID}/templates`), 404, "resource_not_found");
    });
  });

  describe("GET /v1/{phone_number_id}/templates/{name}", () => {
    it("answers ONE template (Kirimdev's shape): without ?language= the earliest created, with the name's languages", async () => {
      const res = await get(`${TEMPLATES}/order_confirmation`);
      expect(res.status).toBe(200);
      const { data } = zDataEnvelope(ZTemplateByName).parse(res.body);
      // en was created first (the create test above), then id.
      expect(data.language).toBe("en");
      expect(data.languages).toEqual(["en", "id"]);
    });

    it("picks the language with ?language=", async () => {
      const res = await get(`${TEMPLATES}/order_confirmation?language=id`);
      expect(Array.isArray(res.body.data)).toBe(false);
      expect(res.body.data.language).toBe("id");
      expect(res.body.data.languages).toEqual(["en", "id"]);
    });

    it("404 resource_not_found when no template has the name", async () => {
      expectError(await get(`${TEMPLATES}/no_such_template`), 404, "resource_not_found", { type: "not_found" });
      expectError(await get(`${TEMPLATES}/order_confirmation?language=fr`), 404, "resource_not_found");
    });

    it("404 for another organisation's account", async () => {
      expectError(await get(`${TEMPLATES}/order_confirmation`, s.otherKey), 404, "resource_not_found");
    });
  });

  describe("routing", () => {
    it("404 route_not_found in the envelope", async () => {
      expectError(await get("/v1/does/not/exist"), 404, "route_not_found");
      expectError(await get("/", null), 404, "route_not_found");
    });

    it("405 method_not_allowed with Allow", async () => {
      // PATCH and DELETE on /templates/{name} are edit and delete; PUT is not a method of this path.
      const res = await call(s.baseUrl, "PUT", `${TEMPLATES}/order_confirmation`, { token: s.demoKey, body: {} });
      expectError(res, 405, "method_not_allowed");
      expect(res.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD");
      // Edit moved from POST to PATCH: a POST to a template name is 405 saying so (POST …/templates/sync is sync).
      const post = await call(s.baseUrl, "POST", `${TEMPLATES}/order_confirmation`, { token: s.demoKey, body: {} });
      expectError(post, 405, "method_not_allowed");
      expect(post.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD");
    });
  });
});
