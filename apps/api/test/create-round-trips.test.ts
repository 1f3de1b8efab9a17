/**
 * Issue 19 target 3: a create's own time is mostly round trips to PostgreSQL (and their commits), so a create sends
 * two statements — account + existing template + Meta's budget (`reserve_meta_create`), then row + history — besides
 * the request bucket. Counted by a Kysely plugin on core's handle, over REST and tRPC; what those statements must
 * still write (history row, budget row, no outbox event without a subscription, 409 for a duplicate, the budget
 * given back when the create stops before Meta) is checked too. A create with a media header reserves just before
 * Meta instead, after its sample is prepared: three statements.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { createCalls, DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { DbPlugin, Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;

/** Statements core sends, but not the request bucket's or the key lookup's (they belong to every request). */
class CreateStatements implements DbPlugin {
  statements: string[] = [];
  transformQuery(args: Parameters<DbPlugin["transformQuery"]>[0]) {
    const text = JSON.stringify(args.node);
    if (!text.includes("rate_limit_buckets") && !text.includes('"name":"api_keys"')) this.statements.push(text);
    return args.node;
  }
  transformResult(args: Parameters<DbPlugin["transformResult"]>[0]) {
    return Promise.resolve(args.result);
  }
}

describe.each(databaseKinds())("a create's round trips on %s", (kind) => {
  let s: Stack;
  const counter = new CreateStatements();

  beforeAll(async () => {
    s = await startStack(kind, { dbPlugins: [counter] });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  async function countRows(name: string) {
    const template = await s.db.db
      .selectFrom("templates")
      .select(["id", "meta_status"])
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    const events = await s.db.db
      .selectFrom("template_events")
      .select(["kind", "from_value", "to_value", "source"])
      .where("template_id", "=", template.id)
      .execute();
    const outbox = await s.db.db.selectFrom("webhook_out_events").select("id").execute();
    return { template, events, outbox: outbox.length };
  }

  const attempts = async () => (await s.db.db.selectFrom("meta_create_attempts").select("id").execute()).length;

  it("REST: two statements, and the row, its history and the budget are written", async () => {
    // Warm: the first request of a process may read what later ones do not.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey })).status).toBe(200);
    const budgetBefore = await attempts();
    counter.statements = [];
    const res = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      body: { ...orderConfirmation(), name: "round_trips_rest" },
    });
    expect(res.status).toBe(201);
    expect(counter.statements).toHaveLength(2);
    expect(counter.statements[0]).toContain("reserve_meta_create");
    const rows = await countRows("round_trips_rest");
    expect(rows.template.id).toBe(res.body.data.id);
    expect(rows.events).toEqual([{ kind: "status", from_value: null, to_value: "PENDING", source: "create" }]);
    expect(rows.outbox).toBe(0);
    expect(await attempts()).toBe(budgetBefore + 1);
  });

  it("tRPC: the same two statements", async () => {
    counter.statements = [];
    const res = await call(s.baseUrl, "POST", "/trpc/templates.create", {
      token: s.demoKey,
      body: { phone_number_id: PID, template: { ...orderConfirmation(), name: "round_trips_trpc" } },
    });
    expect(res.status).toBe(200);
    expect(counter.statements).toHaveLength(2);
    const rows = await countRows("round_trips_trpc");
    expect(rows.template.id).toBe(res.body.result.data.id);
    expect(rows.events).toHaveLength(1);
  });

  it("a duplicate is refused by the first statement, before the budget and Meta", async () => {
    const seq = lastSeq(s.sandbox);
    const budgetBefore = await attempts();
    counter.statements = [];
    const res = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      body: { ...orderConfirmation(), name: "round_trips_rest" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("template_already_exists");
    expect(counter.statements).toHaveLength(1);
    expect(createCalls(s.sandbox, seq)).toBe(0);
    expect(await attempts()).toBe(budgetBefore);
  });

  it("REST: a template deleted on Meta and removed by a sync is created again in the same two statements, its row revived", async () => {
    const body = { ...orderConfirmation(), name: "round_trips_revived" };
    const first = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, { token: s.demoKey, body });
    expect(first.status).toBe(201);
    s.sandbox.control.deleteTemplate(first.body.data.provider_template_id);
    const sync = await call(s.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: s.demoKey });
    expect(sync.status).toBe(200);
    expect(sync.body.data.removed).toBe(1);

    counter.statements = [];
    const again = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, { token: s.demoKey, body });
    expect(again.status).toBe(201);
    expect(counter.statements).toHaveLength(2);
    expect(again.body.data).toMatchObject({ id: first.body.data.id, meta_status: "PENDING", status: "pending" });
    expect(again.body.data.provider_template_id).not.toBe(first.body.data.provider_template_id);
    const rows = await s.db.db
      .selectFrom("templates")
      .select(["id", "deleted_at", "provider_template_id", "last_synced_via", "last_synced_at"])
      .where("name", "=", "round_trips_revived")
      .execute();
    expect(rows).toEqual([
      {
        id: first.body.data.id,
        deleted_at: null,
        provider_template_id: again.body.data.provider_template_id,
        last_synced_via: "create",
        last_synced_at: null,
      },
    ]);
    const history = await s.db.db
      .selectFrom("template_events")
      .select(["source", "to_value"])
      .where("template_id", "=", first.body.data.id)
      .orderBy("occurred_at")
      .orderBy("id")
      .execute();
    expect(history.at(-1)).toEqual({ source: "create", to_value: "PENDING" });
    expect(history.filter((e) => e.source === "create")).toHaveLength(2);
    // Live again: the next create of the name is the usual 409.
    const third = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, { token: s.demoKey, body });
    expect(third.status).toBe(409);
  });

  it("REST: a create that stops before Meta (the account is not connected) gives its reservation back", async () => {
    const seq = lastSeq(s.sandbox);
    const budgetBefore = await attempts();
    await s.db.db
      .updateTable("whatsapp_accounts")
      .set({ status: "disconnected" })
      .where("phone_number_id", "=", PID)
      .execute();
    try {
      counter.statements = [];
      const res = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
        token: s.demoKey,
        body: { ...orderConfirmation(), name: "round_trips_disconnected" },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("account_not_connected");
      // The first statement reserved (no live template of this name), and the second gave it back.
      expect(counter.statements[0]).toContain("reserve_meta_create");
      expect(counter.statements).toHaveLength(2);
      expect(createCalls(s.sandbox, seq)).toBe(0);
      expect(await attempts()).toBe(budgetBefore);
    } finally {
      await s.db.db
        .updateTable("whatsapp_accounts")
        .set({ status: "connected" })
        .where("phone_number_id", "=", PID)
        .execute();
    }
  });

  it("REST: a create with a media header reserves once, just before Meta, after its sample is prepared", async () => {
    const seq = lastSeq(s.sandbox);
    const budgetBefore = await attempts();
    const handle = s.sandbox.control.createMediaHandle("image/png");
    counter.statements = [];
    const res = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      body: {
        name: "round_trips_media",
        category: "MARKETING",
        language: "en_US",
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: [handle] } },
          { type: "BODY", text: "Our new collection is in." },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(counter.statements).toHaveLength(3);
    expect(counter.statements[0]).not.toContain("reserve_meta_create");
    expect(counter.statements[1]).toContain("reserve_meta_create");
    expect(createCalls(s.sandbox, seq)).toBe(1);
    expect(await attempts()).toBe(budgetBefore + 1);
  });
});
