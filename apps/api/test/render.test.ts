/**
 * Render-and-check (`POST /v1/{pid}/templates/{name}/render`, tRPC `templates.render`) end to end: templates
 * created through the API on the sandbox, Meta's send `template` object in, the message as the recipient sees it out,
 * or 400 `template_parameter_invalid` naming the parameter with the Meta error the send would get.
 */
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;

const text = (value: string) => ({ type: "text", text: value });
const orderParameters = (overrides: { header?: unknown[]; body?: unknown[]; button?: unknown[] } = {}) => [
  { type: "header", parameters: overrides.header ?? [text("A123")] },
  { type: "body", parameters: overrides.body ?? [text("Budi"), text("A123")] },
  { type: "button", sub_type: "url", index: "0", parameters: overrides.button ?? [text("A123")] },
];

describe.each(databaseKinds())("render-and-check on %s", (kind) => {
  let s: Stack;
  const post = (path: string, body: unknown) => call(s.baseUrl, "POST", path, { token: s.demoKey, body });
  const render = (name: string, body: unknown) => post(`${TEMPLATES}/${name}/render`, body);

  beforeAll(async () => {
    s = await startStack(kind);
    const created = [
      await post(TEMPLATES, orderConfirmation("en")),
      await post(TEMPLATES, {
        name: "named_greeting",
        category: "MARKETING",
        language: "en",
        parameter_format: "NAMED",
        components: [
          {
            type: "BODY",
            text: "Hello {{first_name}}, your {{plan}} plan renews soon.",
            example: {
              body_text_named_params: [
                { param_name: "first_name", example: "Budi" },
                { param_name: "plan", example: "Gold" },
              ],
            },
          },
          { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop" }] },
        ],
      }),
      await post(TEMPLATES, {
        name: "invoice_ready",
        category: "UTILITY",
        language: "en",
        components: [
          {
            type: "HEADER",
            format: "DOCUMENT",
            example: { header_handle: [s.sandbox.control.createMediaHandle("application/pdf")] },
          },
          { type: "BODY", text: "Your invoice of {{1}} is due on {{2}}.", example: { body_text: [["$10", "1 May"]] } },
        ],
      }),
    ];
    for (const res of created) expect(res.status, res.text).toBe(201);
    // Meta approves order_confirmation; a sync brings the status home.
    const orderOnMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "order_confirmation", "en");
    s.sandbox.control.setStatus(orderOnMeta?.id ?? "", { status: "APPROVED" });
    expect((await post(`${TEMPLATES}/sync`, {})).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("answers the message as the recipient will see it: header, body, footer, button URL", async () => {
    const res = await render("order_confirmation", {
      language: { code: "en", policy: "deterministic" },
      components: orderParameters(),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({
      object: "rendered_template",
      name: "order_confirmation",
      language: "en",
      status: "approved",
      sendable: true,
      not_sendable_reason: null,
      header: { format: "TEXT", text: "Order A123" },
      body: "Hi Budi, your order A123 is confirmed and ships today.",
      footer: "Thank you for shopping with us",
      buttons: [{ type: "URL", text: "Track order", url: "https://example.com/track/A123" }],
    });
  });

  it("language as a plain string; currency and date_time take their fallback values", async () => {
    const res = await render("invoice_ready", {
      name: "invoice_ready",
      language: "en",
      components: [
        {
          type: "header",
          parameters: [
            { type: "document", document: { link: "https://files.example.com/inv.pdf", filename: "inv.pdf" } },
          ],
        },
        {
          type: "body",
          parameters: [
            { type: "currency", currency: { fallback_value: "$10.50", code: "USD", amount_1000: 10_500 } },
            { type: "date_time", date_time: { fallback_value: "May 1, 2026" } },
          ],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.header).toEqual({
      format: "DOCUMENT",
      link: "https://files.example.com/inv.pdf",
      filename: "inv.pdf",
    });
    expect(res.body.data.body).toBe("Your invoice of $10.50 is due on May 1, 2026.");
    // Still pending on Meta: Meta would answer 132001 to any send.
    expect(res.body.data).toMatchObject({ status: "pending", sendable: false, not_sendable_reason: { code: 132001 } });
  });

  it("named parameters go by parameter_name, in any order; a quick-reply payload is shown", async () => {
    const res = await render("named_greeting", {
      language: "en",
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", parameter_name: "plan", text: "Gold" },
            { type: "text", parameter_name: "first_name", text: "Sari" },
          ],
        },
        {
          type: "button",
          sub_type: "quick_reply",
          index: 0,
          parameters: [{ type: "payload", payload: "STOP_PROMOS" }],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.body).toBe("Hello Sari, your Gold plan renews soon.");
    expect(res.body.data.buttons).toEqual([{ type: "QUICK_REPLY", text: "Stop", payload: "STOP_PROMOS" }]);
  });

  const refusals: Array<[string, string, unknown, string, number]> = [
    [
      "too few body parameters",
      "order_confirmation",
      { language: "en", components: orderParameters({ body: [text("Budi")] }) },
      "components[1].parameters",
      132000,
    ],
    [
      "a missing header component",
      "order_confirmation",
      { language: "en", components: orderParameters().slice(1) },
      "components",
      132000,
    ],
    [
      "the URL suffix missing",
      "order_confirmation",
      { language: "en", components: orderParameters().slice(0, 2) },
      "components",
      132000,
    ],
    [
      "a URL suffix too long",
      "order_confirmation",
      { language: "en", components: orderParameters({ button: [text("x".repeat(2_000))] }) },
      "components[2].parameters[0].text",
      131009,
    ],
    [
      "a body parameter with a new line",
      "order_confirmation",
      { language: "en", components: orderParameters({ body: [text("Budi\nX"), text("A123")] }) },
      "components[1].parameters[0].text",
      131009,
    ],
    [
      "a header parameter of the wrong type",
      "order_confirmation",
      {
        language: "en",
        components: orderParameters({ header: [{ type: "image", image: { link: "https://x.example/a.png" } }] }),
      },
      "components[0].parameters[0].type",
      132012,
    ],
    [
      "a header too long with its parameter",
      "order_confirmation",
      { language: "en", components: orderParameters({ header: [text("y".repeat(60))] }) },
      "components[0].parameters",
      132005,
    ],
    [
      "a named parameter missing",
      "named_greeting",
      {
        language: "en",
        components: [{ type: "body", parameters: [{ type: "text", parameter_name: "first_name", text: "Sari" }] }],
      },
      "components[0].parameters",
      132000,
    ],
    [
      "a named parameter without parameter_name",
      "named_greeting",
      { language: "en", components: [{ type: "body", parameters: [text("Sari"), text("Gold")] }] },
      "components[0].parameters[0].parameter_name",
      131008,
    ],
    [
      "a media link that is not https",
      "invoice_ready",
      {
        language: "en",
        components: [
          {
            type: "header",
            parameters: [{ type: "document", document: { link: "http://files.example.com/inv.pdf" } }],
          },
          { type: "body", parameters: [text("$10"), text("1 May")] },
        ],
      },
      "components[0].parameters[0].document.link",
      131009,
    ],
    [
      "a currency without amount_1000",
      "invoice_ready",
      {
        language: "en",
        components: [
          { type: "header", parameters: [{ type: "document", document: { id: "123456" } }] },
          {
            type: "body",
            parameters: [{ type: "currency", currency: { fallback_value: "$1", code: "USD" } }, text("1 May")],
          },
        ],
      },
      "components[1].parameters[0].currency.amount_1000",
      131008,
    ],
    [
      "a button index the template does not have",
      "order_confirmation",
      {
        language: "en",
        components: [...orderParameters(), { type: "button", sub_type: "url", index: "3", parameters: [text("x")] }],
      },
      "components[3].index",
      131009,
    ],
  ];
  it.each(refusals)(
    "%s → 400 template_parameter_invalid naming the parameter, with Meta's send error",
    async (_what, name, body, param, metaCode) => {
      const res = await render(name, body);
      expectError(res, 400, "template_parameter_invalid", { type: "invalid_request_error", param });
      expect(res.body.error.meta.code).toBe(metaCode);
      expect(res.body.error.message).toContain(String(metaCode));
    },
  );

  it("a template not in that language is 404 with Meta's 132001; a body that is not Meta's shape is 400", async () => {
    const missing = await render("order_confirmation", { language: "fr", components: [] });
    expectError(missing, 404, "resource_not_found", { param: "language" });
    expect(missing.body.error.meta.code).toBe(132001);
    expectError(await render("order_confirmation", { components: [] }), 400, "missing_required_field", {
      param: "language",
    });
    expectError(await render("order_confirmation", { language: "en", components: {} }), 400, "invalid_field_value", {
      param: "components",
    });
    expectError(await render("order_confirmation", { name: "other", language: "en" }), 400, "invalid_field_value", {
      param: "name",
    });
    expectError(
      await call(s.baseUrl, "GET", `${TEMPLATES}/order_confirmation/render`, { token: s.demoKey }),
      405,
      "method_not_allowed",
    );
  });

  it("over tRPC: the same rendering and the same error with Meta's code in data.meta", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${s.baseUrl}/trpc`, headers: { authorization: `Bearer ${s.demoKey}` } })],
    });
    const rendered = await client.templates.render.mutate({
      phone_number_id: PID,
      name: "order_confirmation",
      template: { language: "en", components: orderParameters() as never },
    });
    expect(rendered.body).toBe("Hi Budi, your order A123 is confirmed and ships today.");
    const error = await trpcError(
      client.templates.render.mutate({
        phone_number_id: PID,
        name: "order_confirmation",
        template: { language: "en", components: orderParameters({ body: [] }) as never },
      }),
    );
    expect(error.data).toMatchObject({
      code: "template_parameter_invalid",
      param: "components[1].parameters",
      meta: { code: 132000 },
    });
  });
});
