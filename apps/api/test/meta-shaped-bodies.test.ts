/* eslint-disable @typescript-eslint/no-explicit-any -- request and response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 12 §6 over HTTP: bodies written the way Meta documents them are accepted, normalised and reach Meta whole;
 * an unknown field anywhere in any request is 400 `unknown_parameter` naming it, never dropped; Meta's other create
 * fields are forwarded or refused by name (meta-rules/DECISIONS.md D30–D35).
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
const BODY = {
  type: "body",
  text: "Hi {{1}}, your order has shipped and will arrive today.",
  example: { body_text: [["Budi"]] },
};

describe.each(databaseKinds())("Meta-shaped bodies on %s", (kind) => {
  let stack: Stack;
  const sentToMeta: Record<string, any>[] = [];
  const api = (method: string, path: string, body?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });
  const metaRequestsSince = (seq: number) => stack.sandbox.control.requests({ sinceSeq: seq });

  beforeAll(async () => {
    stack = await startStack(kind, {
      gateway: {
        fetch: async (input, init) => {
          const url = String(input instanceof Request ? input.url : input);
          if (init?.method === "POST" && url.endsWith("/message_templates") && typeof init.body === "string")
            sentToMeta.push(JSON.parse(init.body));
          return fetch(input, init);
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("normalises lower-case enums, a phone number without +, a COPY_CODE string and Meta's TTL as a numeric string", async () => {
    const res = await api("POST", TEMPLATES, {
      name: "meta_shaped_marketing",
      language: "en_US",
      category: "marketing",
      parameter_format: "positional",
      message_send_ttl_seconds: "43200",
      components: [
        { type: "header", format: "text", text: "Our sale is on!" },
        BODY,
        {
          type: "buttons",
          buttons: [
            { type: "phone_number", text: "Call", phone_number: "15550051310" },
            { type: "copy_code", example: "250FF" },
          ],
        },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ category: "MARKETING" });
    expect(res.body.data.components[2].buttons[0]).toMatchObject({
      type: "PHONE_NUMBER",
      phone_number: "+15550051310",
    });
    expect(sentToMeta.at(-1)).toMatchObject({
      category: "MARKETING",
      message_send_ttl_seconds: 43200,
      components: [
        { type: "HEADER", format: "TEXT" },
        { type: "BODY" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "PHONE_NUMBER", phone_number: "+15550051310" },
            { type: "COPY_CODE", example: "250FF" },
          ],
        },
      ],
    });
  });

  it("sends a one-tap app given on the button (Meta's older syntax) to Meta as supported_apps", async () => {
    const res = await api("POST", TEMPLATES, {
      name: "meta_shaped_one_tap",
      language: "en_US",
      category: "AUTHENTICATION",
      components: [
        { type: "BODY", add_security_recommendation: true },
        {
          type: "BUTTONS",
          buttons: [
            {
              type: "OTP",
              otp_type: "ONE_TAP",
              text: "Copy Code",
              autofill_text: "Autofill",
              package_name: "com.example.luckyshrub",
              signature_hash: "K8a%2FAINcGX7",
            },
          ],
        },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(sentToMeta.at(-1)?.components[1].buttons[0]).toEqual({
      type: "OTP",
      otp_type: "ONE_TAP",
      text: "Copy Code",
      autofill_text: "Autofill",
      supported_apps: [{ package_name: "com.example.luckyshrub", signature_hash: "K8a/AINcGX7" }],
    });
  });

  it("forwards Meta's sub_category, cta_url_link_tracking_opted_out and allow_category_change", async () => {
    const res = await api("POST", TEMPLATES, {
      name: "meta_shaped_extras",
      language: "en",
      category: "UTILITY",
      sub_category: "order_status",
      cta_url_link_tracking_opted_out: true,
      allow_category_change: false,
      components: [BODY],
    });
    expect(res.status, res.text).toBe(201);
    expect(sentToMeta.at(-1)).toMatchObject({
      sub_category: "ORDER_STATUS",
      cta_url_link_tracking_opted_out: true,
      allow_category_change: false,
    });
  });

  const UNKNOWN_FIELDS: [string, string, string, unknown, string][] = [
    [
      "create: top level",
      "POST",
      TEMPLATES,
      { name: "x_unknown", category: "UTILITY", components: [BODY], sender: "me" },
      "sender",
    ],
    [
      "create: a component",
      "POST",
      TEMPLATES,
      { name: "x_unknown", category: "UTILITY", components: [{ ...BODY, colour: "red" }] },
      "components[0].colour",
    ],
    [
      "create: an example",
      "POST",
      TEMPLATES,
      {
        name: "x_unknown",
        category: "UTILITY",
        components: [{ ...BODY, example: { body_text: [["a"]], header_text_x: [] } }],
      },
      "components[0].example.header_text_x",
    ],
    [
      "create: a button",
      "POST",
      TEMPLATES,
      {
        name: "x_unknown",
        category: "UTILITY",
        components: [BODY, { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Ok", payload: "p" }] }],
      },
      "components[1].buttons[0].payload",
    ],
    [
      "create: a Meta field refused by name",
      "POST",
      TEMPLATES,
      { name: "x_unknown", category: "UTILITY", language: "en", send_type: "MARKETING_MESSAGES", components: [BODY] },
      "send_type",
    ],
    [
      "edit: top level",
      "PATCH",
      `${TEMPLATES}/some_template`,
      { language: "en", components: [BODY], name: "renamed" },
      "name",
    ],
    ["sync: a body field", "POST", `${TEMPLATES}/sync`, { full: true }, "full"],
    ["list: a query parameter", "GET", `${TEMPLATES}?statuz=approved`, undefined, "statuz"],
    ["get by name: a query parameter", "GET", `${TEMPLATES}/some_template?lang=en`, undefined, "lang"],
    ["events: a query parameter", "GET", `${TEMPLATES}/some_template/events?page=2`, undefined, "page"],
    ["sync runs: a query parameter", "GET", `${TEMPLATES}/sync_runs?offset=1`, undefined, "offset"],
    ["delete: a query parameter", "DELETE", `${TEMPLATES}/some_template?force=true`, undefined, "force"],
    ["accounts: a query parameter", "GET", "/v1/accounts?state=all", undefined, "state"],
  ];

  it.each(UNKNOWN_FIELDS)(
    "%s → 400 unknown_parameter naming it, Meta not called",
    async (_label, method, path, body, param) => {
      const seq = lastSeq(stack.sandbox);
      const res = await api(method, path, body);
      expectError(res, 400, "unknown_parameter", { type: "invalid_request_error", param });
      expect(res.body.error.message).toContain(param);
      expect(metaRequestsSince(seq)).toEqual([]);
    },
  );

  it("tRPC create refuses an unknown field inside the template by name", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });
    const error = await trpcError(
      client.templates.create.mutate({
        phone_number_id: DEMO_PHONE_NUMBER_ID,
        template: { name: "x_unknown", category: "UTILITY", components: [{ ...BODY, flow_id: "1" }] } as any,
      }),
    );
    expect(error.data).toMatchObject({
      httpStatus: 400,
      code: "unknown_parameter",
      param: "template.components[0].flow_id",
    });
  });
});
