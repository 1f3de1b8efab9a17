/**
 * tRPC `/trpc` end to end with the typed client (`createTRPCClient<AppRouter>`) over real HTTP, per database
 * kind: the same operations as REST, the same domain errors surfacing as tRPC codes with the Kirimdev code,
 * type, param and request id in `error.data`.
 */
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpBatchLink, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter, RouterInputs, RouterOutputs } from "../src/index.js";
import { checkInvariants } from "./support/http.js";
import {
  createCalls,
  DEMO_PHONE_NUMBER_ID,
  lastSeq,
  orderConfirmation,
  OTHER_PHONE_NUMBER_ID,
  startStack,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const PID = DEMO_PHONE_NUMBER_ID;
type RouterInputsCreate = RouterInputs["templates"]["create"];

describe.each(databaseKinds())("tRPC on %s", (kind) => {
  let s: Stack;
  const responses: Array<{ headers: Headers; text: string }> = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    responses.push({ headers: res.headers, text: await res.clone().text() });
    return res;
  };
  const client = (token: string | null, batch = false) =>
    createTRPCClient<AppRouter>({
      links: [
        (batch ? httpBatchLink : httpLink)({
          url: `${s.baseUrl}/trpc`,
          headers: token === null ? {} : { authorization: `Bearer ${token}` },
          fetch: recordingFetch,
        }),
      ],
    });

  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    // Every tRPC response: X-Request-Id matches error.data.request_id, and never a stack.
    expect(responses.length).toBeGreaterThan(10);
    for (const res of responses) {
      const body = JSON.parse(res.text) as unknown;
      for (const item of Array.isArray(body) ? body : [body]) checkInvariants(res, item);
    }
  });

  it("accounts.list", async () => {
    const accounts = await client(s.demoKey).accounts.list.query({ status: "all" });
    expect(accounts.map((a) => a.phone_number_id)).toEqual([PID]);
    expect(await client(s.demoKey).accounts.list.query()).toHaveLength(1);
  });

  it("templates.create → pending template with the REST shape", async () => {
    const template = await client(s.demoKey).templates.create.mutate({
      phone_number_id: PID,
      template: orderConfirmation("en") as RouterInputsCreate["template"],
    });
    expect(template).toMatchObject({
      object: "template",
      name: "order_confirmation",
      language: "en",
      status: "pending",
    });
    expect(template.id).toMatch(/^tmpl_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(template.whatsapp_account.phone_number_id).toBe(PID);
  });

  it("a duplicate is CONFLICT with data.code template_already_exists, and Meta is not called", async () => {
    const since = lastSeq(s.sandbox);
    const error = await trpcError(
      client(s.demoKey).templates.create.mutate({
        phone_number_id: PID,
        template: orderConfirmation("en") as RouterInputsCreate["template"],
      }),
    );
    expect(error.data?.trpcCode).toBe("CONFLICT");
    expect(error.shape?.code).toBe(-32009);
    expect(error.data).toMatchObject({
      code: "template_already_exists",
      type: "conflict",
      param: "name",
      httpStatus: 409,
    });
    expect(error.data?.request_id).toMatch(/^req_/);
    expect(createCalls(s.sandbox, since)).toBe(0);
  });

  it("input validation uses the same schema and reports the field path", async () => {
    const body = orderConfirmation("en_US");
    delete (body as { name?: string }).name;
    const error = await trpcError(
      client(s.demoKey).templates.create.mutate({
        phone_number_id: PID,
        template: body as RouterInputsCreate["template"],
      }),
    );
    expect(error.data).toMatchObject({
      trpcCode: "BAD_REQUEST",
      code: "missing_required_field",
      param: "template.name",
    });
  });

  it("templates.sync", async () => {
    const result = await client(s.demoKey).templates.sync.mutate({ phone_number_id: PID });
    const onMeta = s.sandbox.control.templates(s.sandbox.demo.wabaId).length;
    expect(result).toMatchObject({ object: "template_sync_result", synced: onMeta });
    expect(result.synced).toBe(result.created + result.updated + result.unchanged);
    const again = await client(s.demoKey).templates.sync.mutate({ phone_number_id: PID });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: onMeta });
  });

  it("templates.list pages through every row once (cursor, as infinite queries use it)", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page: RouterOutputs["templates"]["list"] = await client(s.demoKey).templates.list.query({
        phone_number_id: PID,
        limit: 40,
        ...(cursor === undefined ? {} : { cursor }),
      });
      seen.push(...page.data.map((t) => t.id));
      if (!page.has_more) break;
      cursor = page.next_cursor ?? undefined;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(s.sandbox.control.templates(s.sandbox.demo.wabaId).length);
  });

  it("templates.get returns one template with the name's languages; NOT_FOUND when none", async () => {
    const found = await client(s.demoKey).templates.get.query({ phone_number_id: PID, name: "order_confirmation" });
    expect(found).toMatchObject({ object: "template", name: "order_confirmation", language: "en", languages: ["en"] });
    const error = await trpcError(
      client(s.demoKey).templates.get.query({ phone_number_id: PID, name: "nope_not_here" }),
    );
    expect(error.data).toMatchObject({
      trpcCode: "NOT_FOUND",
      code: "resource_not_found",
      type: "not_found",
      httpStatus: 404,
    });
  });

  it("another organisation's account is NOT_FOUND", async () => {
    const error = await trpcError(client(s.demoKey).templates.list.query({ phone_number_id: OTHER_PHONE_NUMBER_ID }));
    expect(error.data).toMatchObject({ trpcCode: "NOT_FOUND", code: "resource_not_found" });
  });

  it("auth failures are UNAUTHORIZED with the REST codes", async () => {
    expect((await trpcError(client(null).accounts.list.query())).data).toMatchObject({
      trpcCode: "UNAUTHORIZED",
      code: "missing_api_key",
    });
    expect((await trpcError(client("kdv_live_AAAAAAAAAAAAAAAAAAAAAAAA").accounts.list.query())).data).toMatchObject({
      trpcCode: "UNAUTHORIZED",
      code: "invalid_api_key",
      type: "authentication_error",
    });
  });

  it("bad input: invalid_phone_number_id and invalid_limit", async () => {
    const pid = await trpcError(client(s.demoKey).templates.sync.mutate({ phone_number_id: "12" }));
    expect(pid.data).toMatchObject({
      trpcCode: "BAD_REQUEST",
      code: "invalid_phone_number_id",
      param: "phone_number_id",
    });
    const limit = await trpcError(client(s.demoKey).templates.list.query({ phone_number_id: PID, limit: 0 }));
    expect(limit.data).toMatchObject({ code: "invalid_limit", param: "limit" });
  });

  it("a Meta failure is BAD_GATEWAY whatsapp_upstream_error", async () => {
    s.sandbox.control.faults.add({ kind: "server_error", method: "GET", path: "/message_templates" });
    try {
      const error = await trpcError(client(s.demoKey).templates.sync.mutate({ phone_number_id: PID }));
      expect(error.data).toMatchObject({
        trpcCode: "BAD_GATEWAY",
        code: "whatsapp_upstream_error",
        type: "api_error",
        httpStatus: 502,
      });
      expect(error.data?.meta).toMatchObject({ code: 2 });
      expect(error.message).not.toContain(s.sandbox.demo.accessToken);
    } finally {
      s.sandbox.control.faults.clear();
    }
  });

  it("batched calls share one HTTP request and one request id", async () => {
    const batch = client(s.demoKey, true);
    const [accounts, templates] = await Promise.all([
      batch.accounts.list.query(),
      batch.templates.get.query({ phone_number_id: PID, name: "order_confirmation", language: "en" }),
    ]);
    expect(accounts).toHaveLength(1);
    expect(templates.language).toBe("en");
  });
});
