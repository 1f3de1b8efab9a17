/**
 * Meta's answers → Kirimdev's envelope, end to end: each row makes the sandbox give one real answer (a rule
 * refusal from its state, a fault, a wrong token) and asserts what a REST client sees — status, type, code,
 * `param` when it can be inferred, `error.meta` relayed verbatim, `Retry-After` on 429 — and never a 500.
 * The table itself lives in packages/core/src/meta/meta-error-mapping.ts.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_ACCESS_TOKEN, OTHER_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
const FBTRACE = /^A[\w-]{10,}$/;

const body = (name: string, category = "UTILITY", language = "en") => ({
  name,
  category,
  language,
  components: [
    {
      type: "BODY",
      text: "Hello {{1}}, your order has been packed and will be shipped to you today.",
      example: { body_text: [["Budi"]] },
    },
  ],
});

interface Expected {
  status: number;
  type: string;
  code: string;
  param?: string | undefined;
  /** Expected `error.meta` (subset); `null` = no `meta` (Meta's answer carried no error envelope). */
  meta: Record<string, unknown> | null;
  retryAfter?: string;
}

describe.each(databaseKinds())("Meta answers → REST envelope on %s", (kind) => {
  let s: Stack;
  beforeAll(async () => {
    // A short timeout so a hung Meta costs little; retries stay instant (the harness's fast policy).
    s = await startStack(kind, { gateway: { timeoutMs: 500 } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  /** Creates a template on Meta directly (not through us), as a user of Meta's UI would. */
  async function createUpstream(wabaId: string, token: string, payload: unknown): Promise<string> {
    const res = await fetch(`${s.sandbox.graphUrl}/${wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    const json = (await res.json()) as { id?: string };
    if (!res.ok || json.id === undefined) throw new Error(`upstream create failed: ${JSON.stringify(json)}`);
    return json.id;
  }

  /** A fresh organisation whose account uses `accessToken` on the demo WABA. */
  async function accountWithToken(phoneNumberId: string, accessToken: string): Promise<string> {
    const org = await s.core.admin.createOrganisation({ name: `Token test ${phoneNumberId}` });
    const key = await s.core.admin.createApiKey({ organisationId: org.id, label: "token-test" });
    await s.core.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId,
      displayPhoneNumber: "+6281200000000",
      name: "Token test",
      wabaId: s.sandbox.demo.wabaId,
      accessToken,
      allowSharedWaba: true, // the demo organisation's WABA, on purpose
    });
    return key.key;
  }

  function expectEnvelope(res: CallResult, expected: Expected): void {
    expect(res.status, res.text).not.toBe(500);
    expectError(res, expected.status, expected.code, { type: expected.type });
    const error = res.body.error as Record<string, any>;
    if (expected.param === undefined) expect(error).not.toHaveProperty("param");
    else expect(error.param).toBe(expected.param);
    if (expected.meta === null) {
      expect(error).not.toHaveProperty("meta");
    } else {
      expect(error.meta).toMatchObject(expected.meta);
      expect(error.meta.fbtrace_id).toMatch(FBTRACE);
      // Only the documented fields of ZMetaErrorDetail are relayed.
      for (const field of Object.keys(error.meta)) {
        expect(["code", "message", "error_subcode", "error_user_title", "error_user_msg", "fbtrace_id"]).toContain(
          field,
        );
      }
    }
    if (expected.retryAfter !== undefined) expect(res.headers.get("retry-after")).toBe(expected.retryAfter);
    else if (expected.status !== 429) expect(res.headers.get("retry-after")).toBeNull();
  }

  const post = (path: string, payload: unknown, token = s.demoKey) =>
    call(s.baseUrl, "POST", path, { token, body: payload });
  const sync = (phoneNumberId = DEMO_PHONE_NUMBER_ID, token = s.demoKey) =>
    call(s.baseUrl, "POST", `/v1/${phoneNumberId}/templates/sync`, { token });

  const rows: [string, () => Promise<CallResult>, Expected][] = [
    [
      "Meta's duplicate (created on Meta, unknown here) → 409 template_already_exists",
      async () => {
        await createUpstream(s.sandbox.demo.wabaId, s.sandbox.demo.accessToken, body("made_in_meta_ui"));
        return post(TEMPLATES, body("made_in_meta_ui"));
      },
      {
        status: 409,
        type: "conflict",
        code: "template_already_exists",
        param: "name",
        meta: {
          code: 100,
          error_subcode: 2388024,
          error_user_title: "Content in This Language Already Exists",
          error_user_msg: expect.stringContaining("There is already English content"),
        },
      },
    ],
    [
      "rule refusal: category differs from the same name's other language → 400, param category",
      async () => {
        await createUpstream(
          s.sandbox.demo.wabaId,
          s.sandbox.demo.accessToken,
          body("sibling_category", "UTILITY", "en"),
        );
        return post(TEMPLATES, body("sibling_category", "MARKETING", "id"));
      },
      {
        status: 400,
        type: "invalid_request_error",
        code: "meta_validation_failed",
        param: "category",
        meta: {
          code: 100,
          error_user_title: "Category doesn't match",
          error_user_msg: expect.stringContaining("MARKETING"),
        },
      },
    ],
    [
      "rule refusal: name+language locked after an approved template was deleted → 400 with subcode, param name",
      async () => {
        const id = await createUpstream(s.sandbox.demo.wabaId, s.sandbox.demo.accessToken, body("recently_deleted"));
        s.sandbox.control.setStatus(id, { status: "APPROVED" });
        s.sandbox.control.deleteTemplate(id);
        return post(TEMPLATES, body("recently_deleted"));
      },
      {
        status: 400,
        type: "invalid_request_error",
        code: "meta_validation_failed",
        param: "name",
        meta: {
          code: 100,
          error_subcode: 2388023,
          error_user_title: "English content is being deleted",
          error_user_msg: expect.stringContaining("Try again in"),
        },
      },
    ],
    [
      "rule refusal without an inferable field: WABA template limit → 400, no param",
      async () => {
        s.sandbox.control.addWaba({ id: s.otherWabaId, templateLimit: 0 });
        return post(`/v1/${OTHER_PHONE_NUMBER_ID}/templates`, body("over_the_limit"), s.otherKey);
      },
      {
        status: 400,
        type: "invalid_request_error",
        code: "meta_validation_failed",
        meta: { code: 100, error_subcode: 2388019, error_user_title: "Message Template Limit Exceeded" },
      },
    ],
    [
      "app rate limit (HTTP 429, code 4) → 429 rate_limit_error with Retry-After",
      async () => {
        s.sandbox.control.faults.configure({
          rules: [{ kind: "app_rate_limit", method: "POST", path: "/message_templates" }],
        });
        return post(TEMPLATES, body("throttled_app"));
      },
      {
        status: 429,
        type: "rate_limit_error",
        code: "meta_rate_limited",
        meta: { code: 4, error_subcode: 2446079, message: "(#4) Application request limit reached" },
        retryAfter: "60",
      },
    ],
    [
      "WABA rate limit (code 80008) on a sync → 429 rate_limit_error with Retry-After",
      async () => {
        s.sandbox.control.faults.configure({
          rules: [{ kind: "waba_rate_limit", method: "GET", path: "/message_templates" }],
        });
        return sync();
      },
      { status: 429, type: "rate_limit_error", code: "meta_rate_limited", meta: { code: 80008 }, retryAfter: "60" },
    ],
    [
      "invalid token (190) → 502 whatsapp_account_reauthorization_required",
      async () =>
        post(
          `/v1/111222333444/templates`,
          body("bad_token"),
          await accountWithToken("111222333444", "EAAG-wrong-token-for-this-test"),
        ),
      {
        status: 502,
        type: "api_error",
        code: "whatsapp_account_reauthorization_required",
        // Meta's own message is the only explanation a 190 carries (issue 12 §6).
        meta: { code: 190, message: "Invalid OAuth access token - Cannot parse access token" },
      },
    ],
    [
      "a token without permission on this WABA (200) → 502 whatsapp_account_reauthorization_required (sync)",
      async () => sync("111222333555", await accountWithToken("111222333555", OTHER_ACCESS_TOKEN)),
      {
        status: 502,
        type: "api_error",
        code: "whatsapp_account_reauthorization_required",
        meta: { code: 200, error_user_msg: "Your app doesn't have permission to access this resource" },
      },
    ],
    [
      "Meta down (503, code 2, transient) after retries → 502 whatsapp_upstream_error with Meta's code",
      async () => {
        s.sandbox.control.faults.configure({
          rules: [{ kind: "server_error", method: "POST", path: "/message_templates" }],
        });
        return post(TEMPLATES, body("meta_down"));
      },
      { status: 502, type: "api_error", code: "whatsapp_upstream_error", meta: { code: 2 } },
    ],
    [
      "unknown Meta error (500, code 1) on a sync → 502 whatsapp_upstream_error",
      async () => {
        s.sandbox.control.faults.configure({
          rules: [{ kind: "unknown_error", method: "GET", path: "/message_templates" }],
        });
        return sync();
      },
      {
        status: 502,
        type: "api_error",
        code: "whatsapp_upstream_error",
        meta: { code: 1, message: "An unknown error occurred" },
      },
    ],
    [
      "an unreadable (truncated JSON) list answer → 502 whatsapp_upstream_error, no meta",
      async () => {
        s.sandbox.control.faults.configure({
          rules: [{ kind: "malformed_json", method: "GET", path: "/message_templates" }],
        });
        return sync();
      },
      { status: 502, type: "api_error", code: "whatsapp_upstream_error", meta: null },
    ],
    [
      "Meta never answers (hang past the timeout) → 502 whatsapp_upstream_error, no meta",
      async () => {
        s.sandbox.control.faults.configure({ rules: [{ kind: "hang", method: "GET", path: "/message_templates" }] });
        return sync();
      },
      { status: 502, type: "api_error", code: "whatsapp_upstream_error", meta: null },
    ],
  ];

  it.each(rows)("%s", async (_label, act, expected) => {
    try {
      expectEnvelope(await act(), expected);
    } finally {
      s.sandbox.control.faults.clear();
    }
  });

  it("a rule refusal is never retried, a transient failure is (sandbox request log)", async () => {
    await createUpstream(s.sandbox.demo.wabaId, s.sandbox.demo.accessToken, body("count_me", "UTILITY", "en"));
    const before = s.sandbox.control.requests({ method: "POST" }).length;
    expectError(await post(TEMPLATES, body("count_me", "MARKETING", "es")), 400, "meta_validation_failed");
    expect(s.sandbox.control.requests({ method: "POST" }).length - before).toBe(1);

    s.sandbox.control.faults.configure({
      rules: [{ kind: "server_error", method: "POST", path: "/message_templates", times: 1 }],
    });
    try {
      const res = await post(TEMPLATES, body("transient_once"));
      expect(res.status, res.text).toBe(201);
    } finally {
      s.sandbox.control.faults.clear();
    }
  });
});
