/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/**
 * Issue 12 §1: Meta's pre-flight rules (@kirim/schema meta-rules, DECISIONS.md) applied at every edge that sends a
 * template to Meta — REST create, tRPC create and tRPC/REST edit. Each row breaks one rule family and must be refused
 * with the rule's own `template_*` code and a precise `param`, while the sandbox (Meta) receives no request at all.
 */
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;

type Component = Record<string, unknown>;
const body = (text: string, example?: string[]): Component => ({
  type: "BODY",
  text,
  ...(example ? { example: { body_text: [example] } } : {}),
});
const utility = (components: Component[], extra: Record<string, unknown> = {}) => ({
  name: "preflight_case",
  category: "UTILITY",
  language: "en",
  components,
  ...extra,
});
const auth = (components: Component[], extra: Record<string, unknown> = {}) => ({
  name: "preflight_otp",
  category: "AUTHENTICATION",
  language: "en",
  components,
  ...extra,
});
const otp = (button: Record<string, unknown>): Component => ({
  type: "BUTTONS",
  buttons: [{ type: "OTP", ...button }],
});
const GOOD_BODY = body("Hi {{1}}, your order has shipped and will arrive today.", ["Budi"]);

/** [rule family, request, code, param] — one representative violation per family of DECISIONS.md. */
const CASES: [string, Record<string, unknown>, string, string][] = [
  // structure (D5)
  [
    "two HEADER components",
    utility([
      { type: "HEADER", format: "TEXT", text: "Hi" },
      GOOD_BODY,
      { type: "HEADER", format: "TEXT", text: "Again" },
    ]),
    "template_component_duplicated",
    "components[2].type",
  ],
  [
    "format on a BODY",
    utility([{ ...GOOD_BODY, format: "TEXT" }]),
    "template_component_field_misplaced",
    "components[0].format",
  ],
  // header (D6, D7)
  [
    "HEADER without format",
    utility([{ type: "HEADER", text: "Hi" }, GOOD_BODY]),
    "template_header_format_required",
    "components[0].format",
  ],
  [
    "header text of 61 characters",
    utility([{ type: "HEADER", format: "TEXT", text: "a".repeat(61) }, GOOD_BODY]),
    "template_header_text_too_long",
    "components[0].text",
  ],
  [
    "header with a line break",
    utility([{ type: "HEADER", format: "TEXT", text: "Line\nbreak" }, GOOD_BODY]),
    "template_header_text_invalid_characters",
    "components[0].text",
  ],
  [
    "header with two variables",
    utility([{ type: "HEADER", format: "TEXT", text: "{{1}} and {{1}}", example: { header_text: ["x"] } }, GOOD_BODY]),
    "template_header_too_many_variables",
    "components[0].text",
  ],
  // body (D8, D10–D14, D16)
  [
    "body starting with {{1}}",
    utility([body("{{1}} is your order number, thank you for shopping.", ["A1"])]),
    "template_variables_leading_trailing",
    "components[0].text",
  ],
  [
    "adjacent {{1}}{{2}}",
    utility([body("Dear customer {{1}}{{2}} your order has shipped today.", ["a", "b"])]),
    "template_variables_adjacent",
    "components[0].text",
  ],
  [
    "variables out of order",
    utility([body("Hello {{2}}, your order {{1}} has shipped today.", ["a", "b"])]),
    "template_variables_not_sequential",
    "components[0].text",
  ],
  [
    "malformed placeholder",
    utility([body("Hello {{ 1 }}, your order has shipped today.")]),
    "template_body_placeholder_malformed",
    "components[0].text",
  ],
  [
    "three line breaks in a row",
    utility([body("Hello there\n\n\nyour order has shipped.")]),
    "template_body_too_many_newlines",
    "components[0].text",
  ],
  ["body of 1025 characters", utility([body("a".repeat(1025))]), "template_body_too_long", "components[0].text"],
  [
    "too many variables for the words",
    utility([body("Hi {{1}} and {{2}} ok.", ["a", "b"])]),
    "template_variables_words_ratio",
    "components[0].text",
  ],
  [
    "named variable in a positional template",
    utility([body("Hello {{first_name}}, your order has shipped today.")]),
    "template_parameter_format_mismatch",
    "components[0].text",
  ],
  // footer (D9)
  [
    "footer with a variable",
    utility([GOOD_BODY, { type: "FOOTER", text: "Sent to {{1}}" }]),
    "template_footer_has_variables",
    "components[1].text",
  ],
  [
    "footer with a line break",
    utility([GOOD_BODY, { type: "FOOTER", text: "Thanks\nagain" }]),
    "template_footer_has_newlines",
    "components[1].text",
  ],
  // examples (D15)
  [
    "body variables without samples",
    utility([body("Hi {{1}}, your order has shipped and will arrive today.")]),
    "template_example_missing",
    "components[0].example.body_text",
  ],
  [
    "wrong number of samples",
    utility([body("Hi {{1}}, your order has shipped and will arrive today.", ["a", "b"])]),
    "template_example_count_mismatch",
    "components[0].example.body_text[0]",
  ],
  // buttons (D17–D22)
  [
    "three URL buttons",
    utility([
      GOOD_BODY,
      {
        type: "BUTTONS",
        buttons: [1, 2, 3].map((n) => ({ type: "URL", text: `Go ${n}`, url: `https://example.com/${n}` })),
      },
    ]),
    "template_too_many_url_buttons",
    "components[1].buttons[2].type",
  ],
  [
    "quick replies split by a URL",
    utility([
      GOOD_BODY,
      {
        type: "BUTTONS",
        buttons: [
          { type: "QUICK_REPLY", text: "A" },
          { type: "URL", text: "Go", url: "https://example.com" },
          { type: "QUICK_REPLY", text: "B" },
        ],
      },
    ]),
    "template_quick_replies_not_grouped",
    "components[1].buttons[2].type",
  ],
  [
    "URL variable not at the end",
    utility([
      GOOD_BODY,
      {
        type: "BUTTONS",
        buttons: [
          { type: "URL", text: "Go", url: "https://example.com/{{1}}/x", example: ["https://example.com/a/x"] },
        ],
      },
    ]),
    "template_button_url_variable_invalid",
    "components[1].buttons[0].url",
  ],
  [
    "COPY_CODE sample of 21 characters",
    utility([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "A".repeat(21) }] }]),
    "template_copy_code_example_too_long",
    "components[1].buttons[0].example[0]",
  ],
  [
    "OTP button on a UTILITY template",
    utility([GOOD_BODY, otp({ otp_type: "COPY_CODE" })]),
    "template_button_not_allowed_for_category",
    "components[1].buttons[0].type",
  ],
  // authentication (D23–D28)
  [
    "AUTHENTICATION body with text",
    auth([{ type: "BODY", text: "Your code" }, otp({ otp_type: "COPY_CODE" })]),
    "template_auth_free_text_not_allowed",
    "components[0].text",
  ],
  [
    "ONE_TAP without an app",
    auth([{ type: "BODY", add_security_recommendation: true }, otp({ otp_type: "ONE_TAP" })]),
    "template_auth_supported_apps_required",
    "components[1].buttons[0].supported_apps",
  ],
  [
    "bad signature hash on the button",
    auth([{ type: "BODY" }, otp({ otp_type: "one_tap", package_name: "com.example.app", signature_hash: "short" })]),
    "template_auth_signature_hash_invalid",
    "components[1].buttons[0].signature_hash",
  ],
  [
    "ZERO_TAP without the terms",
    auth([
      { type: "BODY" },
      otp({
        otp_type: "ZERO_TAP",
        supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX7" }],
      }),
    ]),
    "template_auth_zero_tap_terms_required",
    "components[1].buttons[0].zero_tap_terms_accepted",
  ],
  // time to live (D29), under both of its names
  [
    "AUTHENTICATION TTL of 1000 s",
    auth([{ type: "BODY" }, otp({ otp_type: "COPY_CODE" })], { messageSendTtlSeconds: 1000 }),
    "template_ttl_out_of_range",
    "messageSendTtlSeconds",
  ],
  [
    "Meta's TTL name, as a string",
    auth([{ type: "BODY" }, otp({ otp_type: "COPY_CODE" })], { message_send_ttl_seconds: "1000" }),
    "template_ttl_out_of_range",
    "message_send_ttl_seconds",
  ],
];

describe.each(databaseKinds())("Meta's pre-flight rules at the edge on %s", (kind) => {
  let stack: Stack;
  const trpc = () =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });
  /** Every Graph request the sandbox logged since `seq` (any method, any path). */
  const metaRequestsSince = (seq: number) => stack.sandbox.control.requests({ sinceSeq: seq });

  beforeAll(async () => {
    stack = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it.each(CASES)("REST create: %s → 400 %s, Meta not called", async (_label, request, code, param) => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "POST", TEMPLATES, { token: stack.demoKey, body: request });
    expectError(res, 400, code, { type: "invalid_request_error", param });
    expect(metaRequestsSince(seq)).toEqual([]);
  });

  it.each(CASES)("tRPC create: %s → BAD_REQUEST %s, Meta not called", async (_label, request, code, param) => {
    const seq = lastSeq(stack.sandbox);
    const error = await trpcError(
      trpc().templates.create.mutate({ phone_number_id: DEMO_PHONE_NUMBER_ID, template: request as any }),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, trpcCode: "BAD_REQUEST", code, param: `template.${param}` });
    expect(metaRequestsSince(seq)).toEqual([]);
  });

  describe("edit", () => {
    beforeAll(async () => {
      const created = await call(stack.baseUrl, "POST", TEMPLATES, {
        token: stack.demoKey,
        body: utility([GOOD_BODY], { name: "preflight_edit" }),
      });
      expect(created.status, created.text).toBe(201);
      stack.sandbox.control.review(created.body.data.provider_template_id);
      expect((await call(stack.baseUrl, "POST", `${TEMPLATES}/sync`, { token: stack.demoKey })).status).toBe(200);
    });

    it("tRPC edit applies the rules with the template's own category: {{1}}{{2}} → 400, Meta not called", async () => {
      const seq = lastSeq(stack.sandbox);
      const error = await trpcError(
        trpc().templates.edit.mutate({
          phone_number_id: DEMO_PHONE_NUMBER_ID,
          name: "preflight_edit",
          edit: {
            language: "en",
            components: [body("Dear customer {{1}}{{2}} your order has shipped today.", ["a", "b"])] as any,
          },
        }),
      );
      expect(error.data).toMatchObject({
        httpStatus: 400,
        code: "template_variables_adjacent",
        param: "components[0].text",
      });
      expect(metaRequestsSince(seq)).toEqual([]);
    });

    it("tRPC edit: a TTL the template's category does not allow (UTILITY, 50000 s) → 400, Meta not called", async () => {
      const seq = lastSeq(stack.sandbox);
      const error = await trpcError(
        trpc().templates.edit.mutate({
          phone_number_id: DEMO_PHONE_NUMBER_ID,
          name: "preflight_edit",
          edit: { language: "en", components: [GOOD_BODY] as any, message_send_ttl_seconds: 50_000 },
        }),
      );
      expect(error.data).toMatchObject({
        httpStatus: 400,
        code: "template_ttl_out_of_range",
        param: "message_send_ttl_seconds",
      });
      expect(metaRequestsSince(seq)).toEqual([]);
    });

    it("REST edit: an OTP button on the UTILITY template → 400, Meta not called", async () => {
      const seq = lastSeq(stack.sandbox);
      const res = await call(stack.baseUrl, "PATCH", `${TEMPLATES}/preflight_edit`, {
        token: stack.demoKey,
        body: { language: "en", components: [GOOD_BODY, otp({ otp_type: "COPY_CODE" })] },
      });
      expectError(res, 400, "template_button_not_allowed_for_category", { param: "components[1].buttons[0].type" });
      expect(metaRequestsSince(seq)).toEqual([]);
    });

    it("a valid edit still reaches Meta (the rules do not block what Meta accepts)", async () => {
      const seq = lastSeq(stack.sandbox);
      const res = await call(stack.baseUrl, "PATCH", `${TEMPLATES}/preflight_edit`, {
        token: stack.demoKey,
        body: {
          language: "en",
          components: [body("Hello {{1}}, your parcel is on its way and arrives today.", ["Budi"])],
        },
      });
      expect(res.status, res.text).toBe(200);
      expect(metaRequestsSince(seq).filter((r) => r.method === "POST")).toHaveLength(1);
    });
  });
});
