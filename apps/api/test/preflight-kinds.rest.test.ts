/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/**
 * Issue 16 (flows, catalog / MPM / SPM, call permission, voice call): each rule Meta documents for these kinds
 * (DECISIONS.md D60–D66) is refused over REST and tRPC with its own code and `param`, with no request reaching the
 * sandbox; and each kind created over REST survives create → sync → get with its components intact.
 */
import { createMediaFetchPolicy } from "@kirim/core";
import { databaseKinds, tinyPng } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index.js";
import { ROUTES } from "../src/openapi/routes.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
type Component = Record<string, unknown>;
const BODY: Component = { type: "BODY", text: "Check out this new offer on our newest plants today." };
const buttons = (...list: Component[]): Component => ({ type: "BUTTONS", buttons: list });
const template = (components: Component[], category = "MARKETING", name = "kinds_case") => ({
  name,
  category,
  language: "en_US",
  components,
});
const FLOW_JSON =
  '{"version":"5.0","screens":[{"id":"WELCOME_SCREEN","layout":{"type":"SingleColumnLayout","children":[]},"terminal":true}]}';
const MPM_HEADER: Component = { type: "HEADER", format: "TEXT", text: "Forget something?" };

const CASES: [string, Record<string, unknown>, string, string][] = [
  // flows (D60)
  [
    "FLOW with no flow reference",
    template([BODY, buttons({ type: "FLOW", text: "Open" })]),
    "template_flow_reference_required",
    "components[1].buttons[0].flow_id",
  ],
  [
    "FLOW with flow_id and flow_json",
    template([BODY, buttons({ type: "FLOW", text: "Open", flow_id: "1", flow_json: FLOW_JSON })]),
    "template_flow_reference_conflict",
    "components[1].buttons[0].flow_json",
  ],
  [
    "FLOW with flow_json that is not JSON",
    template([BODY, buttons({ type: "FLOW", text: "Open", flow_json: "{oops" })]),
    "template_flow_json_invalid",
    "components[1].buttons[0].flow_json",
  ],
  [
    "FLOW without text",
    template([BODY, buttons({ type: "FLOW", flow_id: "1" })]),
    "template_button_text_required",
    "components[1].buttons[0].text",
  ],
  [
    "navigate_screen on a URL button",
    template([BODY, buttons({ type: "URL", text: "Go", url: "https://example.com", navigate_screen: "A" })]),
    "template_flow_field_not_allowed",
    "components[1].buttons[0].navigate_screen",
  ],
  [
    "flow_action outside navigate / data_exchange",
    template([BODY, buttons({ type: "FLOW", text: "Open", flow_id: "1", flow_action: "jump" })]),
    "invalid_field_value",
    "components[1].buttons[0].flow_action",
  ],
  // catalog, MPM, SPM (D61–D63)
  [
    "CATALOG on a UTILITY template",
    template([BODY, buttons({ type: "CATALOG", text: "View catalog" })], "UTILITY"),
    "template_commerce_marketing_only",
    "components[1].buttons[0].type",
  ],
  [
    "CATALOG next to a URL button",
    template([
      BODY,
      buttons({ type: "CATALOG", text: "View catalog" }, { type: "URL", text: "Go", url: "https://example.com" }),
    ]),
    "template_commerce_button_not_alone",
    "components[1].buttons[1].type",
  ],
  [
    "MPM without a header",
    template([BODY, buttons({ type: "MPM", text: "View items" })]),
    "template_mpm_header_required",
    "components",
  ],
  [
    "MPM with an IMAGE header",
    template([
      { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW1hZ2U="] } },
      BODY,
      buttons({ type: "MPM", text: "View items" }),
    ]),
    "template_mpm_header_required",
    "components[0].format",
  ],
  [
    "SPM with a TEXT header",
    template([MPM_HEADER, BODY, buttons({ type: "SPM", text: "View" })]),
    "template_spm_product_header_required",
    "components[0].format",
  ],
  [
    "SPM body of 161 characters",
    template([
      { type: "HEADER", format: "PRODUCT" },
      { type: "BODY", text: "a".repeat(161) },
      buttons({ type: "SPM", text: "View" }),
    ]),
    "template_spm_body_too_long",
    "components[1].text",
  ],
  [
    "PRODUCT header without an SPM button",
    template([{ type: "HEADER", format: "PRODUCT" }, BODY]),
    "template_product_header_without_spm",
    "components[0].format",
  ],
  [
    "PRODUCT header with text",
    template([{ type: "HEADER", format: "PRODUCT", text: "x" }, BODY, buttons({ type: "SPM", text: "View" })]),
    "template_header_text_not_allowed",
    "components[0].text",
  ],
  // call permission request and voice call (D64–D65)
  [
    "call permission request on AUTHENTICATION",
    template(
      [{ type: "BODY" }, { type: "CALL_PERMISSION_REQUEST" }, buttons({ type: "OTP", otp_type: "COPY_CODE" })],
      "AUTHENTICATION",
    ),
    "template_call_permission_category",
    "components[1].type",
  ],
  [
    "call permission request with text",
    template([BODY, { type: "CALL_PERMISSION_REQUEST", text: "Call?" }], "UTILITY"),
    "template_component_field_misplaced",
    "components[1].text",
  ],
  [
    "two call permission requests",
    template([BODY, { type: "CALL_PERMISSION_REQUEST" }, { type: "CALL_PERMISSION_REQUEST" }], "UTILITY"),
    "template_component_duplicated",
    "components[2].type",
  ],
  [
    "VOICE_CALL text of 21 characters",
    template([BODY, buttons({ type: "VOICE_CALL", text: "c".repeat(21) })]),
    "template_voice_call_text_too_long",
    "components[1].buttons[0].text",
  ],
  [
    "VOICE_CALL on AUTHENTICATION",
    template(
      [{ type: "BODY" }, buttons({ type: "OTP", otp_type: "COPY_CODE" }, { type: "VOICE_CALL", text: "Call" })],
      "AUTHENTICATION",
    ),
    "template_button_not_allowed_for_category",
    "components[1].buttons[1].type",
  ],
];

/** One valid template of each kind: created, synced and read back unchanged. */
const KINDS: [string, Record<string, unknown>][] = [
  [
    "flow by id",
    template(
      [
        BODY,
        buttons({
          type: "FLOW",
          text: "Open flow",
          flow_id: "1234567890",
          flow_action: "navigate",
          navigate_screen: "WELCOME_SCREEN",
        }),
      ],
      "MARKETING",
      "kinds_flow_id",
    ),
  ],
  [
    "flow by name",
    template(
      [BODY, buttons({ type: "FLOW", text: "Open flow", flow_name: "signup_flow" })],
      "UTILITY",
      "kinds_flow_name",
    ),
  ],
  [
    "flow JSON, data_exchange",
    template(
      [BODY, buttons({ type: "FLOW", text: "Open flow", flow_json: FLOW_JSON, flow_action: "data_exchange" })],
      "MARKETING",
      "kinds_flow_json",
    ),
  ],
  [
    "catalog",
    template(
      [BODY, { type: "FOOTER", text: "Best deals on WhatsApp" }, buttons({ type: "CATALOG", text: "View catalog" })],
      "MARKETING",
      "kinds_catalog",
    ),
  ],
  ["MPM", template([MPM_HEADER, BODY, buttons({ type: "MPM", text: "View items" })], "MARKETING", "kinds_mpm")],
  [
    "SPM",
    template(
      [{ type: "HEADER", format: "PRODUCT" }, BODY, buttons({ type: "SPM", text: "View" })],
      "MARKETING",
      "kinds_spm",
    ),
  ],
  ["call permission request", template([BODY, { type: "CALL_PERMISSION_REQUEST" }], "UTILITY", "kinds_cpr")],
  [
    "voice call",
    template(
      [
        BODY,
        buttons(
          { type: "VOICE_CALL", text: "Call Now" },
          { type: "URL", text: "Support", url: "https://example.com/support" },
        ),
      ],
      "MARKETING",
      "kinds_voice",
    ),
  ],
];

describe.each(databaseKinds())("flows, commerce and calling kinds at the edge on %s", (kind) => {
  let stack: Stack;
  const trpc = () =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });

  beforeAll(async () => {
    stack = await startStack(kind, {
      sandbox: { demoTemplateCount: 0 },
      // Header samples are uploaded as the dashboard does (the examples' handles stand for such an upload).
      media: (sandbox) => ({
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: sandbox.demo.appId,
        policy: createMediaFetchPolicy(),
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it.each(CASES)("REST create: %s → 400 %s, Meta not called", async (_label, request, code, param) => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "POST", TEMPLATES, { token: stack.demoKey, body: request });
    expectError(res, 400, code, { param });
    expect(stack.sandbox.control.requests({ sinceSeq: seq })).toEqual([]);
  });

  it.each(CASES)("tRPC create: %s → BAD_REQUEST %s, Meta not called", async (_label, request, code, param) => {
    const seq = lastSeq(stack.sandbox);
    const error = await trpcError(
      trpc().templates.create.mutate({ phone_number_id: DEMO_PHONE_NUMBER_ID, template: request as any }),
    );
    expect(error.data).toMatchObject({ httpStatus: 400, code, param: `template.${param}` });
    expect(stack.sandbox.control.requests({ sinceSeq: seq })).toEqual([]);
  });

  it("the OpenAPI document has a create example of each kind, and each is accepted (201)", async () => {
    const examples = ROUTES.find((route) => route.operationId === "createTemplate")?.body?.examples ?? {};
    expect(Object.keys(examples)).toEqual(
      expect.arrayContaining([
        "flow_by_id",
        "flow_by_json",
        "catalog",
        "multi_product",
        "single_product",
        "call_permission_request",
        "voice_call",
      ]),
    );
    // A header_handle in an example stands for one the reader uploaded first: Meta (and the sandbox) accept only
    // handles its Resumable Upload issued, so upload a sample through our route and put its handle in.
    const uploaded = await fetch(`${stack.baseUrl}/v1/${DEMO_PHONE_NUMBER_ID}/uploads`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.demoKey}`, "content-type": "image/png" },
      body: tinyPng(),
    });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const { handle } = ((await uploaded.json()) as { data: { handle: string } }).data;
    const withUploadedHeader = (value: unknown): Record<string, unknown> => {
      const body = structuredClone(value) as { components?: Array<Record<string, unknown>> };
      for (const component of body.components ?? []) {
        const example = component.example as { header_handle?: unknown } | undefined;
        if (String(component.type).toUpperCase() === "HEADER" && Array.isArray(example?.header_handle))
          example.header_handle = [handle];
      }
      return body;
    };
    for (const [key, example] of Object.entries(examples)) {
      if (key === "order_confirmation") continue;
      const res = await call(stack.baseUrl, "POST", TEMPLATES, {
        token: stack.demoKey,
        body: { ...withUploadedHeader(example.value), name: `example_${key}` },
      });
      expect(res.status, `${key}: ${res.text}`).toBe(201);
    }
  });

  it.each(KINDS)("%s: create → sync → get keeps the components", async (_label, request) => {
    const created = await call(stack.baseUrl, "POST", TEMPLATES, { token: stack.demoKey, body: request });
    expect(created.status, created.text).toBe(201);
    const expected = (request.components as Component[]).map((component) => ({
      ...component,
      type: String(component.type).toUpperCase(),
    }));
    expect(created.body.data.components).toEqual(expected);
    const synced = await call(stack.baseUrl, "POST", `${TEMPLATES}/sync`, { token: stack.demoKey });
    expect(synced.status, synced.text).toBe(200);
    const got = await call(stack.baseUrl, "GET", `${TEMPLATES}/${String(request.name)}`, { token: stack.demoKey });
    expect(got.status, got.text).toBe(200);
    expect(got.body.data.components).toEqual(expected);
  });
});
