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
  const libraryCalls = (seq: number) => stack.sandbox.control.requests({ sinceSeq: seq }).filter((r) => r.path.endsWith("/message_template_library"));

  it("lists the whole library without filters", async () => {
    const res = await call(stack.baseUrl, "GET", LIBRARY, { token: stack.demoKey });
    expect(res.status, res.text).toBe(200);
    const names = res.body.data.map((entry: any) => entry.name);
    expect(names).toEqual(expect.arrayContaining(["low_balance_warning_1", "delivery_failed_2_form", "delivery_update_1"]));
    const lowBalance = res.body.data.find((entry: any) => entry.name === "low_balance_warning_1");
    expect(lowBalance).toMatchObject({ category: "UTILITY", topic: "PAYMENTS", usecase: "LOW_BALANCE_WARNING", industry: ["FINANCIAL_SERVICES"], header: "Your account balance is low" });
  });

  it.each([
    ["search=payment", "?search=payment", ["payment_confirmation_1"]],
    ["topic=PAYMENTS", "?topic=PAYMENTS", ["low_balance_warning_1", "payment_confirmation_1"]],
    ["usecase=delivery_update (any case)", "?usecase=delivery_update", ["delivery_update_1"]],
    ["industry=FINANCIAL_SERVICES", "?industry=FINANCIAL_SERVICES", ["low_balance_warning_1", "payment_confirmation_1"]],
    ["topic + industry", "?topic=ORDER_MANAGEMENT&industry=E_COMMERCE&language=en_US", ["delivery_failed_2_form", "delivery_update_1", "order_confirmation_1"]],
  ])("filters with Meta's parameters (%s), sent on to Meta", async (_label, query, expected) => {
    const seq = lastSeq(stack.sandbox);
    const res = await call(stack.baseUrl, "GET", `${LIBRARY}${query}`, { token: stack.demoKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.map((entry: any) => entry.name).sort()).toEqual(expected);
    const sent = libraryCalls(seq);
    expect(sent).toHaveLength(1);
    for (const [key, value] of new URLSearchParams(query)) expect(sent[0]?.query[key]).toBe(key === "search" || key === "language" ? value : value.toUpperCase());
  });

  it("over tRPC too", async () => {
    const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })] });
    const entries = await trpc.templates.library.query({ phone_number_id: DEMO_PHONE_NUMBER_ID, query: { usecase: "FEEDBACK_SURVEY" } });
    expect(entries.map((entry) => entry.name)).toEqual(["feedback_survey_1"]);
  });

  it("refuses a malformed or unknown filter before Meta is called", async () => {
    const seq = lastSeq(stack.sandbox);
    expectError(await call(stack.baseUrl, "GET", `${LIBRARY}?topic=order%20management`, { token: stack.demoKey }), 400, "invalid_field_value", { param: "topic" });
    expectError(await call(stack.baseUrl, "GET", `${LIBRARY}?category=UTILITY`, { token: stack.demoKey }), 400, "unknown_parameter", { param: "category" });
    expect(libraryCalls(seq)).toEqual([]);
  });
});
