/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 19 over HTTP: a sync decides "did Meta change this template?" by the stored `content_hash`. A row written by
 * any road — create, a status webhook, an edit, a components webhook, a sync — must carry the hash a sync computes
 * for Meta's copy of the same template: then a re-sync right after it writes nothing (no row, no history row).
 */
import type { LifecycleWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import {
  DEMO_PHONE_NUMBER_ID,
  metaWebhooksSettled,
  orderConfirmation,
  startStackWithMetaWebhooks,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const VERIFY_TOKEN = "content-hash-verify-token";
const EDITED_BODY = [
  {
    type: "BODY",
    text: "Hello {{1}}, your order {{2}} is confirmed and packed.",
    example: { body_text: [["Budi", "A123"]] },
  },
];

describe.each(databaseKinds())("a re-sync after each write path writes nothing on %s", (kind) => {
  let stack: Stack;
  let worker: LifecycleWorker;
  let templateId: string;
  /** Moves the one clock of core and the sandbox (see the components-webhook case). */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    ({ stack, worker } = await startStackWithMetaWebhooks(kind, VERIFY_TOKEN, {
      now: () => Date.now() + clockOffsetMs,
    }));
    stack.sandbox.control.webhooks.configure({
      url: `${stack.baseUrl}/webhooks/meta`,
      verifyToken: VERIFY_TOKEN,
      appSecret: stack.sandbox.demo.appSecret,
      retryDelaysMs: [0],
    });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });

  const settle = () => metaWebhooksSettled(stack);

  async function template(): Promise<any> {
    const res = await api("GET", `/v1/${PID}/templates/order_confirmation?language=en`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  async function history(): Promise<any[]> {
    const res = await api("GET", `/v1/${PID}/templates/order_confirmation/events?limit=100`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  /** A sync right now: nothing created, nothing updated, no history row, the row's updated_at untouched. */
  async function expectResyncWritesNothing(): Promise<void> {
    const before = { row: await template(), events: await history() };
    const res = await api("POST", `/v1/${PID}/templates/sync`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ created: 0, updated: 0, removed: 0 });
    expect(res.body.data.unchanged).toBe(res.body.data.synced);
    expect(await history()).toEqual(before.events);
    expect((await template()).updated_at).toBe(before.row.updated_at);
  }

  it("after the first sync (sync path)", async () => {
    const first = await api("POST", `/v1/${PID}/templates/sync`);
    expect(first.body.data.created).toBeGreaterThan(0);
    const again = await api("POST", `/v1/${PID}/templates/sync`);
    expect(again.body.data).toMatchObject({ created: 0, updated: 0 });
  });

  it("after a create through REST (create path)", async () => {
    const created = await api("POST", `/v1/${PID}/templates`, orderConfirmation());
    expect(created.status).toBe(201);
    templateId = created.body.data.provider_template_id;
    await settle();
    // Create does not store Meta's quality score (UNKNOWN for a new template): the first sync adds it — and only it.
    // Components, status and category written by create agree with Meta's copy (no components history row).
    const res = await api("POST", `/v1/${PID}/templates/sync`);
    expect(res.body.data).toMatchObject({ created: 0, updated: 1 });
    const bySync = (await history()).filter((e) => e.source === "sync");
    expect(bySync.map((e) => [e.kind, e.from, e.to])).toEqual([["quality", null, "UNKNOWN"]]);
    await expectResyncWritesNothing();
  });

  it("after a status webhook (approval by webhook alone)", async () => {
    stack.sandbox.control.review(templateId);
    await settle();
    expect(await template()).toMatchObject({ meta_status: "APPROVED", last_synced_via: "webhook" });
    await expectResyncWritesNothing();
  });

  it("after an edit through REST (edit path)", async () => {
    const edited = await api("PATCH", `/v1/${PID}/templates/order_confirmation`, {
      language: "en",
      components: EDITED_BODY,
    });
    expect(edited.status).toBe(200);
    await settle();
    expect((await template()).content).toBe(EDITED_BODY[0]?.text);
    await expectResyncWritesNothing();
  });

  it("after a components webhook alone (edited on Meta, not through us)", async () => {
    // A rejected template can be edited at once (an approved one only once a day, and the REST edit used that).
    stack.sandbox.control.setStatus(templateId, { status: "REJECTED", reason: "INVALID_FORMAT" });
    await settle();
    const text = "Hi {{1}}, order {{2}} left our warehouse today.";
    const res = await fetch(`${stack.sandbox.graphUrl}/${templateId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.sandbox.demo.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ components: [{ ...EDITED_BODY[0], text }] }),
    });
    expect(res.status).toBe(200);
    await settle();
    // The edit puts it back in review without a status webhook; the review's approval arrives by webhook. Meta's
    // template webhooks carry no event id, only a time in whole seconds: this approval within the same second as the
    // earlier one (same payload) would be taken for Meta redelivering it and dropped, so the review comes 2 s later.
    clockOffsetMs += 2_000;
    stack.sandbox.control.review(templateId);
    await settle();
    const row = await template();
    expect(row).toMatchObject({ content: text, meta_status: "APPROVED", last_synced_via: "webhook" });
    const edits = (await history()).filter((e) => e.kind === "components");
    expect(edits[0]).toMatchObject({ source: "webhook", to: text });
    await expectResyncWritesNothing();
  });

  it("while a real change at Meta is still written, with its history row", async () => {
    // No webhook delivery this time: only the sync can learn of it.
    stack.sandbox.control.webhooks.configure(undefined);
    stack.sandbox.control.setQuality(templateId, "RED");
    const res = await api("POST", `/v1/${PID}/templates/sync`);
    expect(res.body.data).toMatchObject({ created: 0, updated: 1 });
    expect((await history())[0]).toMatchObject({ kind: "quality", to: "RED", source: "sync" });
    await expectResyncWritesNothing();
  });
});
