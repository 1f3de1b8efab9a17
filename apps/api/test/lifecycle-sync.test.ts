/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 5 §3–4 over HTTP: a complete sync tombstones what Meta no longer returns (`removed`), restores it when it
 * comes back, lists hide tombstones unless asked, a partial failure removes nothing and is recorded, every run is
 * listable (REST + tRPC), and the history is paged newest first with a signed cursor.
 */
import type { AppRouter } from "../src/index.js";
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;

describe.each(databaseKinds())("complete sync, runs and history on %s", (kind) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(kind);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const api = (method: string, path: string) => call(stack.baseUrl, method, path, { token: stack.demoKey });
  const trpc = () =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${stack.baseUrl}/trpc`, headers: { authorization: `Bearer ${stack.demoKey}` } })],
    });

  async function listAll(query = ""): Promise<any[]> {
    const out: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(
        "GET",
        `/v1/${PID}/templates?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(res.status).toBe(200);
      out.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    return out;
  }

  it("a template deleted on Meta is marked deleted by the next sync, counted in `removed`, hidden unless asked", async () => {
    const first = await api("POST", `/v1/${PID}/templates/sync`);
    expect(first.status).toBe(200);
    const upstream = stack.sandbox.control.templates(stack.sandbox.demo.wabaId);
    expect(first.body.data).toMatchObject({ synced: upstream.length, created: upstream.length, removed: 0 });

    const victim = upstream.find((t) => t.status === "PENDING");
    if (!victim) throw new Error("no pending template");
    stack.sandbox.control.deleteTemplate(victim.id);
    const second = await api("POST", `/v1/${PID}/templates/sync`);
    expect(second.body.data).toEqual({
      object: "template_sync_result",
      synced: upstream.length - 1,
      created: 0,
      updated: 0,
      unchanged: upstream.length - 1,
      removed: 1,
    });

    const visible = await listAll();
    expect(visible).toHaveLength(upstream.length - 1);
    expect(visible.some((t) => t.provider_template_id === victim.id)).toBe(false);
    const all = await listAll("&include_deleted=true");
    expect(all).toHaveLength(upstream.length);
    const tomb = all.find((t) => t.provider_template_id === victim.id);
    expect(tomb).toMatchObject({ meta_status: "DELETED", status: "rejected" });
    expect(tomb.deleted_at).toEqual(expect.any(String));

    const events = await api("GET", `/v1/${PID}/templates/${victim.name}/events?language=${victim.language}`);
    expect(events.body.data[0]).toMatchObject({ kind: "status", from: "PENDING", to: "DELETED", source: "sync" });
    expect(events.body.data[0].source_id).toMatch(/^tsr_/);

    // A cursor issued without include_deleted does not work with it.
    const page = await api("GET", `/v1/${PID}/templates?limit=1`);
    expectError(
      await api(
        "GET",
        `/v1/${PID}/templates?limit=1&include_deleted=true&cursor=${encodeURIComponent(page.body.next_cursor)}`,
      ),
      400,
      "invalid_cursor",
    );
  });

  it("a template that comes back is restored, not created", async () => {
    const tomb = (await listAll("&include_deleted=true")).find((t) => t.deleted_at !== null);
    const created = await fetch(`${stack.sandbox.graphUrl}/${stack.sandbox.demo.wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.sandbox.demo.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: tomb.name,
        language: tomb.language,
        category: tomb.category,
        components: [{ type: "BODY", text: "Welcome back to our store, we are really glad to see you again today." }],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const res = await api("POST", `/v1/${PID}/templates/sync`);
    expect(res.body.data).toMatchObject({ created: 0, updated: 1, removed: 0 });
    const back = await api("GET", `/v1/${PID}/templates/${tomb.name}?language=${tomb.language}`);
    expect(back.body.data).toMatchObject({ deleted_at: null, meta_status: "PENDING" });
    const events = await api("GET", `/v1/${PID}/templates/${tomb.name}/events?language=${tomb.language}`);
    // The restore and the new components are two rows of the same sync run.
    expect(
      events.body.data
        .slice(0, 2)
        .map((e: any) => e.kind)
        .sort(),
    ).toEqual(["components", "status"]);
    expect(events.body.data.find((e: any) => e.kind === "status")).toMatchObject({
      from: "DELETED",
      to: "PENDING",
      source: "sync",
      reason: expect.stringContaining("restored"),
    });
  });

  it("a partial failure keeps the pages that arrived, removes nothing, says what happened and is recorded", async () => {
    const before = (await listAll()).length;
    const victim = stack.sandbox.control.templates(stack.sandbox.demo.wabaId).find((t) => t.status === "APPROVED");
    if (!victim) throw new Error("no approved template");
    stack.sandbox.control.deleteTemplate(victim.id);
    stack.sandbox.control.faults.configure({ failListPage: 2 });
    const res = await api("POST", `/v1/${PID}/templates/sync`);
    stack.sandbox.control.faults.clear();
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error.message).toContain("nothing was marked deleted");
    expect(res.body.error.message).toContain("after 1 page(s)");
    expect((await listAll()).length).toBe(before);

    const runs = await api("GET", `/v1/${PID}/template_sync_runs?limit=2`);
    expect(runs.status).toBe(200);
    expect(runs.body.data[0]).toMatchObject({
      object: "template_sync_run",
      status: "failed",
      pages: 1,
      removed: 0,
      trigger: "api",
      phone_number_id: PID,
    });
    expect(runs.body.data[0].error.code).toBe(res.body.error.code);
    expect(runs.body.data[0].finished_at).toEqual(expect.any(String));

    const next = await api("POST", `/v1/${PID}/templates/sync`);
    expect(next.body.data).toMatchObject({ removed: 1 });
    expect((await listAll()).length).toBe(before - 1);
  });

  it("every run is listed newest first (REST and tRPC), paged with a signed cursor", async () => {
    const r1 = await api("GET", `/v1/${PID}/template_sync_runs?limit=2`);
    expect(r1.body.has_more).toBe(true);
    const r2 = await api(
      "GET",
      `/v1/${PID}/template_sync_runs?limit=2&cursor=${encodeURIComponent(r1.body.next_cursor)}`,
    );
    const ids = [...r1.body.data, ...r2.body.data].map((r: any) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort().reverse());
    const viaTrpc = await trpc().templates.syncRuns.query({ phone_number_id: PID, limit: 100 });
    expect(viaTrpc.data.map((r) => r.status)).toEqual(["succeeded", "failed", "succeeded", "succeeded", "succeeded"]);
    const synced = await trpc().templates.sync.mutate({ phone_number_id: PID });
    expect(synced.removed).toBe(0);
    expect((await trpc().templates.syncRuns.query({ phone_number_id: PID, limit: 1 })).data[0]?.trigger).toBe("trpc");
    expectError(
      await api("GET", `/v1/${PID}/template_sync_runs?cursor=${encodeURIComponent(r1.body.next_cursor)}x`),
      400,
      "invalid_cursor",
    );
  });

  it("history pages newest first; tRPC templates.events gives the same rows; an unknown name is 404", async () => {
    const name = stack.sandbox.control.templates(stack.sandbox.demo.wabaId)[0]?.name ?? "";
    const all = await api("GET", `/v1/${PID}/templates/${name}/events?limit=100`);
    expect(all.body.data.length).toBeGreaterThan(0);
    const viaTrpc = await trpc().templates.events.query({ phone_number_id: PID, name, limit: 100 });
    expect(viaTrpc.data).toEqual(all.body.data);
    const first = await api("GET", `/v1/${PID}/templates/${name}/events?limit=1`);
    expect(first.body.data[0]).toEqual(all.body.data[0]);
    expectError(await api("GET", `/v1/${PID}/templates/no_such_template/events`), 404, "resource_not_found");
  });

  it("a running sync's counters move page by page: each page commits its rows and the run's counters together", async () => {
    // 250 templates in pages of 100, each of Meta's answers 300 ms late: the run is read between its pages.
    const slow = await startStack(kind, { sandbox: { demoTemplateCount: 250, faults: { latencyMs: 300 } } });
    try {
      const runs = () => call(slow.baseUrl, "GET", `/v1/${PID}/template_sync_runs?limit=1`, { token: slow.demoKey });
      const sync = call(slow.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: slow.demoKey });
      const whileRunning: { pages: number; synced: number; created: number; listed: number }[] = [];
      for (let polls = 0; polls < 400; polls++) {
        const run = (await runs()).body.data[0];
        if (run?.status === "succeeded") break;
        if (run?.status === "running") {
          const listed = await call(slow.baseUrl, "GET", `/v1/${PID}/templates?limit=100`, { token: slow.demoKey });
          whileRunning.push({
            pages: run.pages,
            synced: run.synced,
            created: run.created,
            listed: listed.body.data.length,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      const done = await sync;
      expect(done.status).toBe(200);
      expect(done.body.data).toMatchObject({ synced: 250, created: 250 });
      // Seen between pages: the counters of the pages committed so far.
      expect(whileRunning.some((r) => r.pages === 1 && r.synced === 100 && r.created === 100)).toBe(true);
      expect(whileRunning.some((r) => r.pages === 2 && r.synced === 200 && r.created === 200)).toBe(true);
      // The counters a reader sees never run ahead of the rows it can list (a page of 100 at most).
      for (const r of whileRunning) expect(r.listed).toBeGreaterThanOrEqual(Math.min(100, r.created));
      const finished = (await runs()).body.data[0];
      expect(finished).toMatchObject({ status: "succeeded", pages: 3, synced: 250, created: 250, unchanged: 0 });
    } finally {
      await slow.close();
    }
  });
});
