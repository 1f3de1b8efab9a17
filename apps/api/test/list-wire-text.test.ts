/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 19 over HTTP: a REST list page sends each template's JSON text as it was last written and stored with its row
 * (core: templates/template-wire-text.ts). Proven here, per database kind, the way a client meets it:
 * - a page answers the same bytes whether its texts are written now or read back, on every page of every order and
 *   filter, in the schema's key order, and the same templates as tRPC's list;
 * - what is sent is the stored text (a text altered in the database is what the next page shows), so the tests below
 *   are about that text and not about a fresh mapping;
 * - a change to a template by Meta's webhook or by a sync shows on the very next page (the trigger clears the text);
 * - the account's own fields are part of what a text is stored under (a sync moves `templates_synced_at`, which every
 *   listed template's `last_synced_at` reads);
 * - HEAD answers the GET's headers and no body.
 */
import { databaseKinds } from "@kirim/core/testing";
import { ZTemplate, zListEnvelope } from "@kirim/schema";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index.js";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, metaWebhooksSettled, startStackWithMetaWebhooks } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;
const VERIFY_TOKEN = "wire-text-verify-token";
const LIST = zListEnvelope(ZTemplate);

/** The body without its request id (the only bytes two answers of the same page may differ in). */
const withoutRequestId = (text: string) => text.replace(/,"request_id":"req_[0-9A-Z]+"\}$/, "}");

describe.each(databaseKinds())("REST list from stored template texts on %s", (kind) => {
  let stack: Stack;
  let stop: () => Promise<void>;
  const get = (path: string) => call(stack.baseUrl, "GET", path, { token: stack.demoKey });
  const storedTexts = async () =>
    (await stack.db.db.selectFrom("templates").select("id").where("wire_text", "is not", null).execute()).length;

  /** Every page of a list (its texts, whole), following next_cursor. */
  async function walk(query: string): Promise<string[]> {
    const pages: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const res = await get(`${TEMPLATES}?${query}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(res.status, res.text).toBe(200);
      // Bytes in the schema's key order with no other key: exactly what zod's parse + JSON.stringify gives.
      expect(res.text).toBe(JSON.stringify(LIST.parse(JSON.parse(res.text))));
      pages.push(withoutRequestId(res.text));
      if (res.body.has_more !== true) return pages;
      cursor = res.body.next_cursor;
    }
    throw new Error("pagination did not end");
  }

  beforeAll(async () => {
    const started = await startStackWithMetaWebhooks(kind, VERIFY_TOKEN);
    stack = started.stack;
    stop = () => started.worker.stop();
    stack.sandbox.control.webhooks.configure({
      url: `${stack.baseUrl}/webhooks/meta`,
      verifyToken: VERIFY_TOKEN,
      appSecret: stack.sandbox.demo.appSecret,
      retryDelaysMs: [0],
    });
    const sync = await call(stack.baseUrl, "POST", `${TEMPLATES}/sync`, { token: stack.demoKey });
    expect(sync.status, sync.text).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
    await stack?.close();
  });

  it.each([
    "limit=25",
    "limit=40&sort=name_asc",
    "limit=30&sort=updated_desc&status=approved",
    "limit=10&search=update&include_deleted=true",
    "limit=50&category=MARKETING&sort=name_desc",
  ])("%s: every page has the same bytes written now and read back", async (query) => {
    const written = await walk(query);
    const stored = await storedTexts();
    expect(stored).toBeGreaterThan(0);
    const readBack = await walk(query);
    expect(readBack).toEqual(written);
    expect(await storedTexts()).toBe(stored);
  });

  it("lists the same templates as tRPC's list", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });
    await get(`${TEMPLATES}?limit=60`);
    const rest = await get(`${TEMPLATES}?limit=60`);
    const trpc = await client.templates.list.query({ phone_number_id: PID, limit: 60 });
    expect(rest.body.data).toEqual(trpc.data);
    expect(rest.body.next_cursor).toBe(trpc.next_cursor);
  });

  it("sends the stored text: a text altered in the database is what the next page shows", async () => {
    const first = await get(`${TEMPLATES}?limit=5`);
    const id: string = first.body.data[0].id;
    // A write of the text itself keeps it (only other writes clear it); the content is the marker.
    const row = await stack.db.db
      .selectFrom("templates")
      .select(["wire_text", "updated_at"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.wire_text).not.toBeNull();
    const altered = (row.wire_text ?? "").replace('"object":"template"', '"object":"template","x_stored":true');
    await stack.db.db.updateTable("templates").set({ wire_text: altered }).where("id", "=", id).execute();
    const second = await get(`${TEMPLATES}?limit=5`);
    expect(second.body.data[0]).toMatchObject({ id, x_stored: true });
    // Put it back as it was: any other write clears it, and the next page writes it again.
    await stack.db.db.updateTable("templates").set({ updated_at: row.updated_at }).where("id", "=", id).execute();
    const third = await get(`${TEMPLATES}?limit=5`);
    expect(third.body.data[0]).not.toHaveProperty("x_stored");
    expect(withoutRequestId(third.text)).toBe(withoutRequestId(first.text));
  });

  it("a status change by Meta's webhook shows on the very next page", async () => {
    await get(`${TEMPLATES}?limit=25`);
    const page = await get(`${TEMPLATES}?limit=25&status=approved`);
    const target = page.body.data[0];
    expect(target.meta_status).toBe("APPROVED");
    stack.sandbox.control.setStatus(target.provider_template_id, {
      status: "PAUSED",
      reason: "NONE",
      otherInfo: { title: "FIRST_PAUSE", description: "Paused for 3 hours." },
    });
    await metaWebhooksSettled(stack);
    const after = await get(`${TEMPLATES}?limit=25`);
    const listed = after.body.data.find((t: any) => t.id === target.id);
    expect(listed).toMatchObject({
      status: "pending",
      meta_status: "PAUSED",
      last_synced_via: "webhook",
      status_info: { other_info: { title: "FIRST_PAUSE" } },
    });
    const byName = await get(`${TEMPLATES}/${target.name}?language=${target.language}`);
    expect(listed).toEqual(withoutLanguages(byName.body.data));
  });

  it("a sync that moves the account's last sync time shows it on the very next page", async () => {
    const sync = () => call(stack.baseUrl, "POST", `${TEMPLATES}/sync`, { token: stack.demoKey });
    // First whatever the earlier tests changed on Meta; then a page whose texts are all stored.
    expect((await sync()).status).toBe(200);
    await get(`${TEMPLATES}?limit=25`);
    const before = await get(`${TEMPLATES}?limit=25`);
    const unchangedSync = await sync();
    expect(unchangedSync.body.data).toMatchObject({ created: 0, updated: 0, removed: 0 });
    const after = await get(`${TEMPLATES}?limit=25`);
    // No row was written, so no trigger cleared a text. Every template's effective last_synced_at is the account's
    // last complete sync, now later: a field of the account, which the texts' key holds.
    const unchanged = after.body.data.find((t: any) => t.last_synced_via === "sync");
    const earlier = before.body.data.find((t: any) => t.id === unchanged.id);
    expect(Date.parse(unchanged.last_synced_at)).toBeGreaterThan(Date.parse(earlier.last_synced_at));
    const byName = await get(`${TEMPLATES}/${unchanged.name}?language=${unchanged.language}`);
    expect(unchanged.last_synced_at).toBe(withoutLanguages(byName.body.data).last_synced_at);
  });

  it("HEAD answers the GET's headers and no body", async () => {
    const getRes = await fetch(`${stack.baseUrl}${TEMPLATES}?limit=25`, {
      headers: { authorization: `Bearer ${stack.demoKey}` },
    });
    const body = await getRes.text();
    const head = await fetch(`${stack.baseUrl}${TEMPLATES}?limit=25`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${stack.demoKey}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(getRes.headers.get("content-type"));
    expect(Number(head.headers.get("content-length"))).toBe(Buffer.byteLength(body));
    expect(await head.text()).toBe("");
  });
});

/** A get-by-name answer is a template plus its `languages`; compared with a listed one without them. */
function withoutLanguages(template: any): any {
  const { languages: _languages, ...rest } = template as Record<string, unknown>;
  return rest;
}
