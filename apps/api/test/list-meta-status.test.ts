/**
 * Issue 15 §1: the template list filters by Meta's own status (`meta_status`), which `status` folds (PAUSED →
 * pending, DISABLED → rejected). Over REST and tRPC, per database kind, checked against Meta's inventory (the sandbox).
 */
import { databaseKinds } from "@kirim/core/testing";
import { ZTemplate, zListEnvelope } from "@kirim/schema";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;
type Template = z.infer<typeof ZTemplate>;

describe.each(databaseKinds())("template list meta_status filter (REST, tRPC) on %s", (kind) => {
  let s: Stack;
  const get = (path: string) => call(s.baseUrl, "GET", path, { token: s.demoKey });

  async function all(query: string, limit = 3): Promise<Template[]> {
    const seen: Template[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page += 1) {
      const res = await get(
        `${TEMPLATES}?${query}&limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(res.status, res.text).toBe(200);
      const body = zListEnvelope(ZTemplate).parse(res.body);
      seen.push(...body.data);
      if (!body.has_more) return seen;
      cursor = body.next_cursor;
    }
    throw new Error("pagination did not end");
  }
  const onMeta = (status: string) =>
    s.sandbox.control
      .templates(s.sandbox.demo.wabaId)
      .filter((t) => t.status === status)
      .map((t) => `${t.name}/${t.language}`)
      .sort();
  const keys = (rows: Template[]) => rows.map((t) => `${t.name}/${t.language}`).sort();

  beforeAll(async () => {
    s = await startStack(kind);
    const approved = s.sandbox.control.templates(s.sandbox.demo.wabaId).filter((t) => t.status === "APPROVED");
    expect(approved.length).toBeGreaterThan(6);
    // Meta pauses for low quality and disables after repeated pauses (docs/reference/meta-templates.md, template pausing).
    for (const t of approved.slice(0, 4))
      s.sandbox.control.setStatus(t.id, {
        status: "PAUSED",
        otherInfo: { title: "FIRST_PAUSE", description: "Paused for 3 hours." },
      });
    for (const t of approved.slice(4, 6)) s.sandbox.control.setStatus(t.id, { status: "DISABLED" });
    const sync = await call(s.baseUrl, "POST", `${TEMPLATES}/sync`, { token: s.demoKey });
    expect(sync.status, sync.text).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("meta_status=PAUSED finds exactly Meta's paused templates, which status folds into pending", async () => {
    const rows = await all("meta_status=PAUSED");
    expect(keys(rows)).toEqual(onMeta("PAUSED"));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((t) => t.meta_status === "PAUSED" && t.status === "pending")).toBe(true);
    // The folded filter cannot tell them apart from templates in review.
    expect((await all("status=pending", 100)).length).toBeGreaterThan(rows.length);
  });

  it("meta_status=DISABLED finds Meta's disabled templates (status rejected); APPROVED and REJECTED match Meta too", async () => {
    const disabled = await all("meta_status=DISABLED");
    expect(keys(disabled)).toEqual(onMeta("DISABLED"));
    expect(disabled.every((t) => t.status === "rejected")).toBe(true);
    expect(keys(await all("meta_status=APPROVED", 100))).toEqual(onMeta("APPROVED"));
    expect(keys(await all("meta_status=REJECTED", 100))).toEqual(onMeta("REJECTED"));
    expect(keys(await all("meta_status=IN_APPEAL"))).toEqual(onMeta("IN_APPEAL"));
    // Combined with the folded status: a paused template is never approved.
    expect(await all("meta_status=PAUSED&status=approved")).toEqual([]);
  });

  it("binds the cursor to meta_status", async () => {
    const first = await get(`${TEMPLATES}?meta_status=PAUSED&limit=2`);
    expect(first.status, first.text).toBe(200);
    const cursor = encodeURIComponent(first.body.next_cursor as string);
    for (const changed of ["meta_status=DISABLED", "", "status=pending"]) {
      expectError(await get(`${TEMPLATES}?${changed}&limit=2&cursor=${cursor}`), 400, "invalid_cursor", {
        param: "cursor",
      });
    }
    const plain = await get(`${TEMPLATES}?limit=2`);
    expectError(
      await get(
        `${TEMPLATES}?meta_status=PAUSED&limit=2&cursor=${encodeURIComponent(plain.body.next_cursor as string)}`,
      ),
      400,
      "invalid_cursor",
    );
    const next = await get(`${TEMPLATES}?meta_status=PAUSED&limit=2&cursor=${cursor}`);
    expect(next.status, next.text).toBe(200);
    expect(next.body.data.map((t: Template) => t.meta_status)).toEqual(["PAUSED", "PAUSED"]);
  });

  it.each([
    {
      what: "lower-case value",
      query: "meta_status=paused",
      message: 'meta_status must be upper-case: use "PAUSED", not "paused".',
    },
    {
      what: "unknown value",
      query: "meta_status=FROZEN",
      message: expect.stringContaining("meta_status must be one of APPROVED"),
    },
    { what: "empty value", query: "meta_status=", message: expect.stringContaining("meta_status must be one of") },
    {
      what: "repeated value",
      query: "meta_status=PAUSED&meta_status=DISABLED",
      message: expect.stringContaining("meta_status must be one of"),
    },
  ])("400 invalid_field_value for a $what", async ({ query, message }) => {
    const res = await get(`${TEMPLATES}?${query}`);
    expectError(res, 400, "invalid_field_value", { type: "invalid_request_error", param: "meta_status" });
    expect(res.body.error.message).toEqual(message);
  });

  it("tRPC templates.list takes meta_status and refuses an unknown one", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${s.baseUrl}/trpc`, headers: { authorization: `Bearer ${s.demoKey}` } })],
    });
    const page = await client.templates.list.query({ phone_number_id: PID, meta_status: "DISABLED", limit: 100 });
    expect(keys(page.data)).toEqual(onMeta("DISABLED"));
    const error = await client.templates.list.query({ phone_number_id: PID, meta_status: "FROZEN" as "PAUSED" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      trpcCode: "BAD_REQUEST",
      code: "invalid_field_value",
      param: "meta_status",
    });
  });

  it("template_counts: totals per Meta status and per folded status, the same over REST and tRPC", async () => {
    const res = await get(`/v1/${PID}/template_counts`);
    expect(res.status, res.text).toBe(200);
    const counts = res.body.data;
    const every = await all("status=all", 100);
    expect(counts.total).toBe(every.length);
    const byMeta: Record<string, number> = {};
    for (const t of every) byMeta[t.meta_status] = (byMeta[t.meta_status] ?? 0) + 1;
    expect(counts.by_meta_status).toEqual(byMeta);
    expect(counts.by_meta_status.PAUSED).toBe(onMeta("PAUSED").length);
    expect(counts.by_status).toEqual({
      approved: every.filter((t) => t.status === "approved").length,
      pending: every.filter((t) => t.status === "pending").length,
      rejected: every.filter((t) => t.status === "rejected").length,
    });
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${s.baseUrl}/trpc`, headers: { authorization: `Bearer ${s.demoKey}` } })],
    });
    expect(await client.templates.counts.query({ phone_number_id: PID })).toEqual(counts);
    expectError(await get(`/v1/${PID}/template_counts?status=approved`), 400, "unknown_parameter");
    expectError(
      await call(s.baseUrl, "GET", `/v1/${PID}/template_counts`, { token: s.otherKey }),
      404,
      "resource_not_found",
    );
  });

  it("sort=name_asc / name_desc pages through every template by name (languages of a name side by side)", async () => {
    const every = keys(await all("status=all", 100));
    const byName = await all("sort=name_asc", 7);
    expect(keys(byName)).toEqual(every);
    const names = byName.map((t) => t.name);
    expect(names).toEqual([...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1)));
    // Every name's rows are contiguous.
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (i > 0 && names[i - 1] !== n) expect(seen.has(n), n).toBe(false);
      seen.add(n);
    });
    const desc = (await all("sort=name_desc", 7)).map((t) => t.name);
    expect(desc).toEqual([...names].reverse());
  });

  it("sort=updated_desc orders by last change; the cursor is bound to the sort; an unknown sort is a 400", async () => {
    const rows = await all("sort=updated_desc", 9);
    const times = rows.map((t) => Date.parse(t.updated_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(rows.length).toBe((await all("status=all", 100)).length);
    const first = await get(`${TEMPLATES}?sort=name_asc&limit=2`);
    const cursor = encodeURIComponent(first.body.next_cursor as string);
    expectError(await get(`${TEMPLATES}?limit=2&cursor=${cursor}`), 400, "invalid_cursor");
    expectError(await get(`${TEMPLATES}?sort=name_desc&limit=2&cursor=${cursor}`), 400, "invalid_cursor");
    const res = await get(`${TEMPLATES}?sort=name`);
    expectError(res, 400, "invalid_field_value", { param: "sort" });
    expect(res.body.error.message).toBe(
      "sort must be one of created_desc, name_asc, name_desc, updated_desc, updated_asc.",
    );
  });
});
