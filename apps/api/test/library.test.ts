/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/**
 * Issue 16: Meta's Template Library browsed through the gateway — `GET /v1/{pid}/template_library` and tRPC
 * `templates.library` pass Meta's filters (search, topic, usecase, industry, language) to the sandbox's
 * `GET /message_template_library` and answer its entries; a malformed filter is 400 before Meta is called.
 */
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const LIBRARY = `/v1/${DEMO_PHONE_NUMBER_ID}/template_library`;

describe.each(databaseKinds())("Meta's Template Library on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind, { sandbox: { demoTemplateCount: 0 } });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });
  const libraryCalls = (seq: number) =>
    stack.sandbox.control.requests({ sinceSeq: seq }).filter((r) => r.path.endsWith("/message_template_library"));

  it("lists the whole library without filters", async () => {
    const res = await call(stack.baseUrl, "GET", LIBRARY, { token: stack.demoKey });
    expect(res.status, res.text).toBe(200);
    const names = res.body.data.map((entry: any) => entry.name);
    expect(names).toEqual(
      expect.arrayContaining(["low_balance_warning_1", "delivery_failed_2_form", "delivery_update_1"]),
    );
    const lowBalance = res.body.data.find((entry: any) => entry.name === "low_balance_warning_1");
    expect(lowBalance).toMatchObject({
      category: "UTILITY",
      topic: "PAYMENTS",
      usecase: "LOW_BALANCE_WARNING",
      industry: ["FINANCIAL_SERVICES"],
      header: "Your account balance is low",
    });
  });

  it.each([
    ["search=payment", "?search=payment", ["payment_confirmation_1"]],
    ["topic=PAYMENTS", "?topic=PAYMENTS", ["low_balance_warning_1", "payment_confirmation_1"]],
    ["usecase=delivery_update (any case)", "?usecase=delivery_update", ["delivery_update_1"]],
    [
      "industry=FINANCIAL_SERVICES",
      "?industry=FINANCIAL_SERVICES",
      ["low_balance_warning_1", "payment_confirmation_1"],
    ],
    [
      "topic + industry",
      "?topic=ORDER_MANAGEMENT&industry=E_COMMERCE&language=en_US",
      ["delivery_failed_2_form", "delivery_update_1", "order_confirmation_1"],
    ],
  ])("filters with Meta's parameters (%s), sent on to Meta", async (_label, query, expected) => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "GET", `${LIBRARY}${query}`, { token: stack.demoKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.map((entry: any) => entry.name).sort()).toEqual(expected);
    const sent = libraryCalls(seq);
    expect(sent).toHaveLength(1);
    for (const [key, value] of new URLSearchParams(query))
      expect(sent[0]?.query[key]).toBe(key === "search" || key === "language" ? value : value.toUpperCase());
  });

  it("over tRPC too", async () => {
    const trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });
    const entries = await trpc.templates.library.query({
      phone_number_id: DEMO_PHONE_NUMBER_ID,
      query: { usecase: "FEEDBACK_SURVEY" },
    });
    expect(entries.map((entry) => entry.name)).toEqual(["feedback_survey_1"]);
  });

  // ── create from the library (Meta's create with library_template_name, M-LIB) ──
  const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
  const createCalls = (seq: number) =>
    stack.sandbox.control
      .requests({ sinceSeq: seq })
      .filter((r) => r.path.endsWith("/message_templates") && r.method === "POST");
  const fromLibrary = (name: string) => ({
    name,
    language: "en_US",
    category: "UTILITY",
    library_template_name: "delivery_update_1",
    library_template_button_inputs: [
      {
        type: "URL",
        url: {
          base_url: "https://shop.example.com/track/{{1}}",
          url_suffix_example: "https://shop.example.com/track/abc",
        },
      },
    ],
  });

  it("creates a template from the library over REST: Meta's components, with the button inputs applied", async () => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "POST", TEMPLATES, {
      token: stack.demoKey,
      body: fromLibrary("lib_rest_delivery"),
    });
    expect(res.status, res.text).toBe(201);
    expect(createCalls(seq)).toHaveLength(1);
    expect(res.body.data.library_template_name).toBe("delivery_update_1");
    expect(res.body.data.content).toBe("Good news! Your order {{1}} is on its way and should arrive by {{2}}.");
    const buttons = res.body.data.components.find((c: any) => c.type === "BUTTONS");
    expect(buttons.buttons[0]).toMatchObject({
      type: "URL",
      text: "Track order",
      url: "https://shop.example.com/track/{{1}}",
    });
    const got = await call(stack.baseUrl, "GET", `${TEMPLATES}/lib_rest_delivery?language=en_US`, {
      token: stack.demoKey,
    });
    expect(got.status, got.text).toBe(200);
    expect(got.body.data).toMatchObject({ library_template_name: "delivery_update_1", content: res.body.data.content });
    const list = await call(stack.baseUrl, "GET", `${TEMPLATES}?limit=100`, { token: stack.demoKey });
    expect(list.status, list.text).toBe(200);
    const listed = list.body.data.find((t: any) => t.name === "lib_rest_delivery");
    expect(listed.library_template_name).toBe("delivery_update_1");
    expect(
      list.body.data
        .filter((t: any) => t.name !== "lib_rest_delivery")
        .every((t: any) => t.library_template_name === null),
    ).toBe(true);
    // A sync keeps it (Meta does not return library_template_name on its default fields).
    expect((await call(stack.baseUrl, "POST", `${TEMPLATES}/sync`, { token: stack.demoKey })).status).toBe(200);
    const afterSync = await call(stack.baseUrl, "GET", `${TEMPLATES}/lib_rest_delivery?language=en_US`, {
      token: stack.demoKey,
    });
    expect(afterSync.body.data.library_template_name).toBe("delivery_update_1");
  });

  it("Meta's own library wording (a body ending in {{8}}) is created as Meta answers it: approved at once", async () => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "POST", TEMPLATES, {
      token: stack.demoKey,
      body: {
        name: "lib_rest_low_balance",
        language: "en_US",
        category: "UTILITY",
        library_template_name: "low_balance_warning_1",
        library_template_button_inputs: [
          { type: "URL", url: { base_url: "https://bank.example.com/deposit" } },
          { type: "PHONE_NUMBER", phone_number: "+15550001111" },
        ],
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(createCalls(seq)).toHaveLength(1);
    expect(res.body.data).toMatchObject({ library_template_name: "low_balance_warning_1", meta_status: "APPROVED" });
    expect(res.body.data.content).toContain("{{8}}");
    const buttons = res.body.data.components.find((c: any) => c.type === "BUTTONS");
    expect(buttons.buttons).toEqual([
      expect.objectContaining({ type: "URL" }),
      expect.objectContaining({ type: "PHONE_NUMBER", phone_number: "+15550001111" }),
    ]);
  });

  it("creates a template from the library over tRPC", async () => {
    const trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });
    const created = await trpc.templates.create.mutate({
      phone_number_id: DEMO_PHONE_NUMBER_ID,
      template: {
        name: "lib_trpc_order",
        language: "en_US",
        category: "UTILITY",
        library_template_name: "order_confirmation_1",
        library_template_button_inputs: [
          {
            type: "URL",
            url: {
              base_url: "https://shop.example.com/orders/{{1}}",
              url_suffix_example: "https://shop.example.com/orders/12345",
            },
          },
        ],
      },
    });
    expect(created.library_template_name).toBe("order_confirmation_1");
    expect(created.header_content).toBe("Order confirmed");
    const buttons = (created.components.find((c) => c.type === "BUTTONS") as any).buttons;
    expect(buttons).toEqual([expect.objectContaining({ type: "URL", url: "https://shop.example.com/orders/{{1}}" })]);
  });

  it("an unknown library name is Meta's invalid-parameter refusal in our envelope", async () => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "POST", TEMPLATES, {
      token: stack.demoKey,
      body: { ...fromLibrary("lib_unknown"), library_template_name: "no_such_library_template" },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.message).toContain("library_template_name");
    expect(createCalls(seq)).toHaveLength(1);
  });

  it.each([
    [
      "neither components nor library_template_name",
      { name: "lib_none", language: "en_US", category: "UTILITY" },
      "missing_required_field",
      "components",
    ],
    [
      "both",
      { ...fromLibrary("lib_both"), components: [{ type: "BODY", text: "Hello" }] },
      "invalid_field_value",
      "library_template_name",
    ],
    [
      "button inputs without a library name",
      {
        name: "lib_inputs",
        language: "en_US",
        category: "UTILITY",
        components: [{ type: "BODY", text: "Hello" }],
        library_template_button_inputs: [],
      },
      "invalid_field_value",
      "library_template_button_inputs",
    ],
  ])("refuses a create with %s before Meta is called", async (_label, body, code, param) => {
    const seq = lastSeq(stack.sandbox);
    expectError(await call(stack.baseUrl, "POST", TEMPLATES, { token: stack.demoKey, body }), 400, code, { param });
    expect(createCalls(seq)).toEqual([]);
  });

  it("refuses a malformed or unknown filter before Meta is called", async () => {
    const seq = lastSeq(stack.sandbox);
    expectError(
      await call(stack.baseUrl, "GET", `${LIBRARY}?topic=order%20management`, { token: stack.demoKey }),
      400,
      "invalid_field_value",
      { param: "topic" },
    );
    expectError(
      await call(stack.baseUrl, "GET", `${LIBRARY}?category=UTILITY`, { token: stack.demoKey }),
      400,
      "unknown_parameter",
      { param: "category" },
    );
    expect(libraryCalls(seq)).toEqual([]);
  });
});
