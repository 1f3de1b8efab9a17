/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 5 §6 over HTTP: edit (Meta's status rules and the approved-edit quota enforced from our history before
 * Meta is called) and delete (all languages or one, DISABLED refused, the 30-day name lock warned), REST and tRPC.
 */
import type { AppRouter } from "../src/index.js";
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const NEW_BODY = [
  {
    type: "BODY",
    text: "Hello {{1}}, your order {{2}} has been confirmed and is on its way.",
    example: { body_text: [["Budi", "A123"]] },
  },
];

describe.each(databaseKinds())("edit and delete on %s", (kind) => {
  let stack: Stack;
  let templateId: string;
  beforeAll(async () => {
    stack = await startStack(kind);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const api = (method: string, path: string, body?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });
  const graphCalls = (method: string, since: number) =>
    stack.sandbox.control.requests({ method, sinceSeq: since }).length;

  it("refuses to edit a template in review (409) without calling Meta", async () => {
    const created = await api("POST", `/v1/${PID}/templates`, orderConfirmation());
    expect(created.status).toBe(201);
    templateId = created.body.data.provider_template_id;
    const since = lastSeq(stack.sandbox);
    const res = await api("PATCH", `/v1/${PID}/templates/order_confirmation`, { language: "en", components: NEW_BODY });
    expectError(res, 409, "template_not_editable");
    expect(res.body.error.message).toContain("PENDING");
    // The catalogue promises `details.meta_status`: the body carries it.
    expect(res.body.error.details).toEqual({ meta_status: "PENDING" });
    expect(graphCalls("POST", since)).toBe(0);
  });

  it("edits an APPROVED template once, then 429 with when it becomes possible again (no Meta call)", async () => {
    stack.sandbox.control.review(templateId);
    await api("POST", `/v1/${PID}/templates/sync`);
    const edited = await api("PATCH", `/v1/${PID}/templates/order_confirmation`, {
      language: "en",
      components: NEW_BODY,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({
      meta_status: "PENDING",
      status: "pending",
      content: NEW_BODY[0]?.text,
      last_synced_via: "edit",
    });
    expect(stack.sandbox.control.template(templateId)).toMatchObject({ status: "PENDING" });

    stack.sandbox.control.review(templateId);
    await api("POST", `/v1/${PID}/templates/sync`);
    const since = lastSeq(stack.sandbox);
    const again = await api("PATCH", `/v1/${PID}/templates/order_confirmation`, {
      language: "en",
      components: NEW_BODY,
    });
    expectError(again, 429, "template_edit_quota_exceeded");
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(23 * 3600);
    expect(again.body.error.message).toMatch(/again at \d{4}-\d\d-\d\dT/);
    // `details.retry_at` (promised by the catalogue) agrees with Retry-After.
    const retryAt = Date.parse(again.body.error.details.retry_at);
    expect(Object.keys(again.body.error.details)).toEqual(["retry_at"]);
    expect(Math.abs(retryAt - Date.now() - Number(again.headers.get("retry-after")) * 1000)).toBeLessThan(5_000);
    expect(graphCalls("POST", since)).toBe(0);

    const history = await api("GET", `/v1/${PID}/templates/order_confirmation/events?limit=100`);
    const edits = history.body.data.filter((e: any) => e.source === "edit");
    expect(edits.map((e: any) => e.kind).sort()).toEqual(["components", "status"]);
    expect(edits.every((e: any) => e.source_id === edited.body.request_id)).toBe(true);
  });

  it("a REJECTED template can be edited without the quota", async () => {
    stack.sandbox.control.setStatus(templateId, { status: "REJECTED", reason: "INVALID_FORMAT" });
    await api("POST", `/v1/${PID}/templates/sync`);
    const res = await api("PATCH", `/v1/${PID}/templates/order_confirmation`, { language: "en", components: NEW_BODY });
    expect(res.status).toBe(200);
  });

  it("delete refuses DISABLED (409), deletes one language with ?language=, warns about the 30-day lock", async () => {
    const t = () =>
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
      });
    const disabled = stack.sandbox.control.templates(stack.sandbox.demo.wabaId).find((x) => x.status === "DISABLED");
    if (!disabled) throw new Error("no disabled template in the demo data");
    const since = lastSeq(stack.sandbox);
    const refused = await api("DELETE", `/v1/${PID}/templates/${disabled.name}`);
    expectError(refused, 409, "template_not_deletable");
    expect(refused.body.error.details).toEqual({ disabled_languages: [disabled.language] });
    expect(graphCalls("DELETE", since)).toBe(0);

    const approved = stack.sandbox.control
      .templates(stack.sandbox.demo.wabaId)
      .find(
        (x) =>
          x.status === "APPROVED" &&
          stack.sandbox.control.templates(stack.sandbox.demo.wabaId).filter((y) => y.name === x.name).length > 1,
      );
    if (!approved) throw new Error("no multi-language approved template");
    const res = await api("DELETE", `/v1/${PID}/templates/${approved.name}?language=${approved.language}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      object: "template_delete_result",
      name: approved.name,
      deleted: [{ language: approved.language }],
    });
    expect(res.body.data.warnings[0]).toContain("30 days");
    expect(
      stack.sandbox.control.findTemplate(stack.sandbox.demo.wabaId, approved.name, approved.language),
    ).toBeUndefined();
    // Deleted: GET by name agrees with the list (404), unless include_deleted=true.
    expectError(
      await api("GET", `/v1/${PID}/templates/${approved.name}?language=${approved.language}`),
      404,
      "resource_not_found",
      { param: "name" },
    );
    const left = await api("GET", `/v1/${PID}/templates/${approved.name}`);
    expect(left.status).toBe(200);
    expect(left.body.data.language).not.toBe(approved.language);
    expect(left.body.data.languages).not.toContain(approved.language);
    const kept = await api(
      "GET",
      `/v1/${PID}/templates/${approved.name}?language=${approved.language}&include_deleted=true`,
    );
    expect(kept.status).toBe(200);
    expect(kept.body.data).toMatchObject({
      language: approved.language,
      status: "rejected",
      meta_status: "DELETED",
      deleted_at: expect.any(String),
    });
    expect(kept.body.data.languages).toContain(approved.language);
    const events = await api("GET", `/v1/${PID}/templates/${approved.name}/events?language=${approved.language}`);
    expect(events.body.data[0]).toMatchObject({ to: "DELETED", source: "delete", source_id: res.body.request_id });

    // tRPC: delete every remaining language of the name.
    const viaTrpc = await t().templates.delete.mutate({ phone_number_id: PID, name: approved.name });
    expect(viaTrpc.deleted.length).toBeGreaterThan(0);
    expect(stack.sandbox.control.templates(stack.sandbox.demo.wabaId).filter((x) => x.name === approved.name)).toEqual(
      [],
    );
    const gone = await t()
      .templates.delete.mutate({ phone_number_id: PID, name: approved.name })
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(TRPCClientError);
    expectError(await api("GET", `/v1/${PID}/templates/${approved.name}`), 404, "resource_not_found");
    const viaTrpcGet = await t()
      .templates.get.query({ phone_number_id: PID, name: approved.name })
      .catch((e: unknown) => e);
    expect((viaTrpcGet as TRPCClientError<AppRouter>).data).toMatchObject({ code: "resource_not_found" });
    const deletedViaTrpc = await t().templates.get.query({
      phone_number_id: PID,
      name: approved.name,
      include_deleted: true,
    });
    expect(deletedViaTrpc.deleted_at).toEqual(expect.any(String));
  });
  it("tRPC edit and delete record their request id as the history rows' source, as REST does", async () => {
    const trpc = async (procedure: string, input: unknown) => {
      const res = await fetch(`${stack.baseUrl}/trpc/${procedure}`, {
        method: "POST",
        headers: { authorization: `Bearer ${stack.demoKey}`, "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return res.headers.get("x-request-id");
    };
    const name = "trpc_source_probe";
    const created = await api("POST", `/v1/${PID}/templates`, { ...orderConfirmation(), name });
    expect(created.status).toBe(201);
    stack.sandbox.control.review(created.body.data.provider_template_id);
    await api("POST", `/v1/${PID}/templates/sync`);

    const editId = await trpc("templates.edit", {
      phone_number_id: PID,
      name,
      edit: { language: "en", components: NEW_BODY },
    });
    const afterEdit = await api("GET", `/v1/${PID}/templates/${name}/events?limit=100`);
    const edits = afterEdit.body.data.filter((e: any) => e.source === "edit");
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.every((e: any) => e.source_id === editId)).toBe(true);

    const deleteId = await trpc("templates.delete", { phone_number_id: PID, name });
    const afterDelete = await api("GET", `/v1/${PID}/templates/${name}/events?language=en`);
    expect(afterDelete.body.data[0]).toMatchObject({ to: "DELETED", source: "delete", source_id: deleteId });
  });
});
