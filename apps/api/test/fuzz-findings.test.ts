/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Regressions for what the fuzz drill (test/drills/fuzz.drill.test.ts) found: each of these requests used to be
 * answered 500 `internal_error` (or, for the create, to leave a template on Meta that every later sync of the
 * account failed on). Each is now a 4xx in the envelope, matching the OpenAPI document (`call` checks), and the
 * database and Meta are left as they should be.
 */
import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, checkInvariants, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, createCalls, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const VERIFY_TOKEN = "fuzz-findings-verify-token";

describe.each(databaseKinds())("fuzz drill findings on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind, {
      metaWebhooks: (_core, sandbox) => ({ config: { appSecret: sandbox.demo.appSecret, verifyToken: VERIFY_TOKEN } }),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const api = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...options });

  /** Raw request (a body `call` cannot send: bytes, a lying Content-Encoding); the envelope is still checked. */
  async function raw(method: string, path: string, body: Buffer, headers: Record<string, string>) {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.demoKey}`, ...headers },
      body,
    });
    const text = await response.text();
    const parsed = JSON.parse(text);
    checkInvariants({ headers: response.headers, text }, parsed);
    return { status: response.status, body: parsed };
  }

  it("a path segment that is not valid percent-encoding is the parameter's own error, not a 500", async () => {
    for (const segment of ["%", "%zz", "%ED%A0%80", "%C0%AE", "%FF%FE"]) {
      expectError(await api("GET", `/v1/${segment}/templates`), 400, "invalid_phone_number_id", {
        param: "phone_number_id",
      });
      expectError(await api("POST", `/v1/${segment}/templates/sync`), 400, "invalid_phone_number_id");
      // Every phone-scoped collection, not only templates (the fuzz drill found template_library answering 404).
      for (const collection of ["template_sync_runs", "template_counts", "template_library"]) {
        expectError(await api("GET", `/v1/${segment}/${collection}`), 400, "invalid_phone_number_id", {
          param: "phone_number_id",
        });
      }
      expectError(await api("GET", `/v1/${PID}/templates/${segment}`), 404, "resource_not_found", { param: "name" });
      expectError(await api("GET", `/v1/${PID}/templates/${segment}/events`), 404, "resource_not_found");
      expectError(await api("DELETE", `/v1/${PID}/templates/${segment}`), 404, "resource_not_found");
    }
  });

  it("an unknown key named like an Object.prototype member is unknown_parameter, not a 500", async () => {
    // `constructor`, `toString`, `__proto__`… used to be looked up on a plain object and resolve to Object.prototype.
    for (const key of ["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__"]) {
      const list = await api("GET", `/v1/${PID}/templates?${key}=x&limit=5`);
      expectError(list, 400, "unknown_parameter", { param: key });
      expect(list.body.error.message).toBe(`Unknown parameter: ${key}. Remove it or check its spelling.`);
      expectError(await api("GET", `/v1/accounts?${key}=1`), 400, "unknown_parameter", { param: key });
    }
    const polluted = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    expectError(await api("POST", `/v1/${PID}/templates/sync`, { body: polluted }), 400, "unknown_parameter");
    expectError(
      await api("POST", "/v1/webhook_subscriptions", {
        body: { url: "https://127.0.0.1/x", events: ["template.created"], constructor: 1 },
      }),
      400,
      "unknown_parameter",
      { param: "constructor" },
    );
  });

  it("a webhook subscription id that cannot be ours is 404, whatever it contains", async () => {
    for (const id of ["a%00b", "whs_nope", "%ED%A0%80", "%zz", "whs_01JD4ZB0C3D4E5F6G7H8J9K0M%00"]) {
      expectError(await api("GET", `/v1/webhook_subscriptions/${id}`), 404, "resource_not_found");
      expectError(await api("GET", `/v1/webhook_subscriptions/${id}/deliveries`), 404, "resource_not_found");
      expectError(await api("DELETE", `/v1/webhook_subscriptions/${id}`), 404, "resource_not_found");
      expectError(await api("POST", `/v1/webhook_subscriptions/${id}/test`), 404, "resource_not_found");
    }
    const trpc = await api("GET", `/trpc/webhooks.get?input=${encodeURIComponent(JSON.stringify({ id: "a\u0000b" }))}`);
    expect(trpc.status).toBe(404);
  });

  it("a body whose Content-Encoding does not match it is 400 invalid_request, on /v1 and on the webhook", async () => {
    const json = Buffer.from(JSON.stringify(orderConfirmation()));
    for (const encoding of ["gzip", "deflate", "br"]) {
      const res = await raw("POST", `/v1/${PID}/templates`, json, {
        "content-type": "application/json",
        "content-encoding": encoding,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      const truncated = await raw("POST", `/v1/${PID}/templates/sync`, gzipSync(json).subarray(0, 20), {
        "content-type": "application/json",
        "content-encoding": "gzip",
      });
      expect(truncated.body.error.code).toBe("invalid_request");
    }
    const webhook = await raw("POST", "/webhooks/meta", json, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect({ status: webhook.status, code: webhook.body.error.code }).toEqual({ status: 400, code: "invalid_request" });
  });

  it("a delete Meta refuses (disabled there since the last sync) is the documented 400 meta_validation_failed", async () => {
    expect(
      (await api("POST", `/v1/${PID}/templates`, { body: { ...orderConfirmation(), name: "disabled_on_meta" } }))
        .status,
    ).toBe(201);
    const onMeta = stack.sandbox.control.findTemplate(stack.sandbox.demo.wabaId, "disabled_on_meta", "en");
    stack.sandbox.control.setStatus(onMeta?.id ?? "", { status: "DISABLED" });
    expectError(await api("DELETE", `/v1/${PID}/templates/disabled_on_meta`), 400, "meta_validation_failed");
  });

  it("a DELETE with a broken JSON body gets the documented body errors", async () => {
    expectError(await api("DELETE", `/v1/${PID}/templates/order_confirmation`, { body: "{" }), 400, "invalid_json");
    expectError(
      await api("DELETE", `/v1/${PID}/templates/order_confirmation`, {
        body: "x",
        headers: { "content-type": "text/plain" },
      }),
      400,
      "unsupported_content_type",
    );
  });

  it("an Idempotency-Key on a body nested 100 000 deep is fingerprinted, and the body refused by the schema", async () => {
    const depth = 100_000;
    const res = await api("POST", `/v1/${PID}/templates`, {
      body: `{"components":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      headers: { "idempotency-key": "deep-nesting-1" },
    });
    expect(res.status).toBe(400);
    // 40 000 levels of `{"a":` stay inside the 256 kB body limit (the recursive fingerprint overflowed at ~10 000).
    const object = await api("POST", `/v1/${PID}/templates/sync`, {
      body: `${'{"a":'.repeat(40_000)}1${"}".repeat(40_000)}`,
      headers: { "idempotency-key": "deep-nesting-2" },
    });
    // Sync takes no body fields (issue 12): the deep object is parsed and refused by name, not dropped.
    expectError(object, 400, "unknown_parameter", { param: "a" });
  });

  it("a template name holding U+0000 is an unknown template on every route and transport", async () => {
    expectError(await api("GET", `/v1/${PID}/templates/a%00b`), 404, "resource_not_found", { param: "name" });
    expectError(await api("GET", `/v1/${PID}/templates/a%00b/events`), 404, "resource_not_found");
    expectError(await api("DELETE", `/v1/${PID}/templates/a%00b`), 404, "resource_not_found");
    expectError(
      await api("PATCH", `/v1/${PID}/templates/a%00b`, {
        body: { language: "en", components: [{ type: "BODY", text: "Hi" }] },
      }),
      404,
      "resource_not_found",
    );
    const trpc = async (procedure: string, input: unknown, mutation: boolean) => {
      const encoded = encodeURIComponent(JSON.stringify(input));
      const response = await fetch(`${stack.baseUrl}/trpc/${procedure}${mutation ? "" : `?input=${encoded}`}`, {
        method: mutation ? "POST" : "GET",
        headers: { authorization: `Bearer ${stack.demoKey}`, "content-type": "application/json" },
        ...(mutation ? { body: JSON.stringify(input) } : {}),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const name = "a\u0000b";
    for (const [procedure, input, mutation] of [
      ["templates.get", { phone_number_id: PID, name }, false],
      ["templates.events", { phone_number_id: PID, name }, false],
      ["templates.delete", { phone_number_id: PID, name }, true],
      [
        "templates.edit",
        { phone_number_id: PID, name, edit: { language: "en", components: [{ type: "BODY", text: "Hi" }] } },
        true,
      ],
    ] as const) {
      const res = await trpc(procedure, input, mutation);
      expect({ procedure, status: res.status, code: res.body.error?.data?.code }).toEqual({
        procedure,
        status: 404,
        code: "resource_not_found",
      });
    }
  });

  it("create and edit refuse text the database cannot store (NUL, unpaired surrogate) before calling Meta", async () => {
    const seq = lastSeq(stack.sandbox);
    for (const bad of ["a\u0000b", "a\ud800b", "\udfff"]) {
      const body: any = { ...orderConfirmation(), name: "unstorable_text" };
      body.components[2] = { type: "FOOTER", text: bad };
      expectError(await api("POST", `/v1/${PID}/templates`, { body }), 400, "invalid_field_value", {
        param: "components[2].text",
      });
      expectError(
        await api("POST", `/v1/${PID}/templates`, {
          body: { ...orderConfirmation(), name: "unstorable_text", variables: ["x", bad] },
        }),
        400,
        "invalid_field_value",
        { param: "variables[1]" },
      );
    }
    expect(createCalls(stack.sandbox, seq)).toBe(0);

    // An editable template, then an edit with such text: refused, Meta not called, the row unchanged.
    expect(
      (await api("POST", `/v1/${PID}/templates`, { body: { ...orderConfirmation(), name: "editable_one" } })).status,
    ).toBe(201);
    const onMeta = stack.sandbox.control.findTemplate(stack.sandbox.demo.wabaId, "editable_one", "en");
    stack.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED" });
    expect((await api("POST", `/v1/${PID}/templates/sync`)).status).toBe(200);
    const editSeq = lastSeq(stack.sandbox);
    const edit = await api("PATCH", `/v1/${PID}/templates/editable_one`, {
      body: { language: "en", components: [{ type: "BODY", text: "Hello", ["key\u0000"]: 1 }] },
    });
    // An unknown key (NUL or not) is refused by name (issue 12), before anything reaches Meta.
    expectError(edit, 400, "unknown_parameter");
    expect(edit.body.error.param).toMatch(/^components\[0\]/);
    expect(stack.sandbox.control.requests({ sinceSeq: editSeq })).toEqual([]);
  });

  it("a sync stores Meta's templates whose text holds NUL or unpaired surrogates (as U+FFFD) instead of failing", async () => {
    const created = await fetch(`${stack.sandbox.graphUrl}/${stack.sandbox.demo.wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.sandbox.demo.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "made_elsewhere_odd_text",
        language: "en",
        category: "UTILITY",
        components: [
          { type: "BODY", text: "Your parcel is on its way and will arrive tomorrow morning, thank you." },
          { type: "FOOTER", text: "odd\u0000text \ud800 here" },
        ],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const sync = await api("POST", `/v1/${PID}/templates/sync`);
    expect(sync.status, sync.text).toBe(200);
    const stored = await api("GET", `/v1/${PID}/templates/made_elsewhere_odd_text`);
    expect(stored.body.data.components.find((c: any) => c.type === "FOOTER").text).toBe("odd\ufffdtext \ufffd here");
  });

  it("signed webhooks whose changes could not be stored are acknowledged and skipped, not a 500", async () => {
    const send = async (payload: string) => {
      const signature = `sha256=${createHmac("sha256", stack.sandbox.demo.appSecret).update(payload).digest("hex")}`;
      const response = await fetch(`${stack.baseUrl}/webhooks/meta`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signature },
        body: payload,
      });
      const text = await response.text();
      const parsed = JSON.parse(text);
      checkInvariants({ headers: response.headers, text }, parsed);
      return { status: response.status, body: parsed };
    };
    const envelope = (time: unknown, value: unknown) =>
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [{ id: stack.sandbox.demo.wabaId, time, changes: [{ field: "message_template_status_update", value }] }],
      });
    const value = {
      event: "APPROVED",
      message_template_id: "1",
      message_template_name: "order_confirmation",
      message_template_language: "en",
      reason: "NONE",
    };
    const before = await stack.db.db.selectFrom("webhook_events").select("id").execute();
    for (const payload of [
      envelope(1_700_000_000, { ...value, reason: "a\u0000b" }),
      envelope(1_700_000_001, { ...value, reason: "\ud800" }),
      envelope(1_700_000_002, { ...value, ["k\u0000"]: 1 }),
      envelope(1e20, value),
      envelope(-8.64e12, value),
      envelope(null, value),
      envelope([1], value),
      `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1700000003,"changes":[{"field":"message_template_status_update","value":{"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}}]}]}`,
    ]) {
      const res = await send(payload);
      expect({ status: res.status, stored: res.body.stored }).toEqual({ status: 200, stored: 0 });
    }
    expect(await stack.db.db.selectFrom("webhook_events").select("id").execute()).toHaveLength(before.length);
    // A well-formed one still goes through.
    expect((await send(envelope(1_700_000_004, value))).body.stored).toBe(1);
  });
});
