/**
 * Proof on real PostgreSQL that a no-change sync writes nothing: `n_tup_ins` / `n_tup_upd` of `templates` in
 * `pg_stat_user_tables` do not move. Runs on its own database (statistics are per database) and on single-connection
 * pools that are closed after each sync (a backend flushes its statistics when it exits), with a canary write to
 * know when the flush is visible.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphDouble } from "../../test/harness.js";
import type { GraphDouble } from "../../test/harness.js";
import { createCore } from "../core.js";
import { createDatabase } from "../db/database.js";
import type { Database } from "../db/schema.js";
import { createMetaGateway } from "../meta/gateway.js";
import { createTestDatabase, databaseKinds, testTokenKeyring } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";

/** A core on `db` with a new organisation whose account `phoneNumberId` is the graph double's demo WABA. */
async function coreWithAccount(db: Kysely<Database>, graph: GraphDouble, phoneNumberId: string) {
  const core = createCore({
    db,
    gateway: createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion }),
    cursorSecret: "s",
    tokenKeyring: testTokenKeyring(),
  });
  const org = await core.admin.createOrganisation({ name: `org ${phoneNumberId}` });
  const key = await core.admin.createApiKey({ organisationId: org.id });
  await core.admin.connectAccount({ organisationId: org.id, phoneNumberId, ...graph.demo });
  return { core, principal: await core.auth.authenticate(key.key) };
}

describe.runIf(databaseKinds().includes("postgres"))("sync writes on postgres (pg_stat_user_tables)", () => {
  let database: TestDatabase;
  let graph: GraphDouble;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    graph = await startGraphDouble();
  });
  afterAll(async () => {
    await graph?.close();
    await database?.dispose();
  });

  async function stats(db: Kysely<Database>): Promise<Record<string, { ins: number; upd: number }>> {
    await sql`SELECT pg_stat_clear_snapshot()`.execute(db);
    const r = await sql<{ relname: string; ins: number; upd: number }>`
      SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd FROM pg_stat_user_tables
      WHERE relname IN ('templates', 'template_events', 'organisations')`.execute(db);
    return Object.fromEntries(r.rows.map((x) => [x.relname, { ins: x.ins, upd: x.upd }]));
  }

  /** Runs `fn` on a fresh one-connection pool, adds a canary update, closes the pool and waits for the flush. */
  async function onOwnBackend<T>(url: string, fn: (db: Kysely<Database>) => Promise<T>, orgId: string): Promise<T> {
    const canaryBefore = (await stats(database.db))["organisations"]?.upd ?? 0;
    const handle = createDatabase({ databaseUrl: url, maxConnections: 1 });
    let result: T;
    try {
      result = await fn(handle.db);
      await handle.db.updateTable("organisations").set({ name: "canary" }).where("id", "=", orgId).execute();
    } finally {
      await handle.close();
    }
    for (let i = 0; i < 100; i++) {
      if (((await stats(database.db))["organisations"]?.upd ?? 0) > canaryBefore) return result;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("statistics were not flushed in time");
  }

  it("second sync in a row: n_tup_ins and n_tup_upd unchanged", async () => {
    const url = new URL(process.env["TEST_DATABASE_URL"] ?? "");
    const dbName = (await sql<{ d: string }>`SELECT current_database() AS d`.execute(database.db)).rows[0]?.d ?? "";
    url.pathname = `/${dbName}`;
    const gateway = createMetaGateway({ graphUrl: graph.graphUrl, apiVersion: graph.apiVersion });
    const setupCore = createCore({ db: database.db, gateway, cursorSecret: "s", tokenKeyring: testTokenKeyring() });
    const org = await setupCore.admin.createOrganisation({ name: "stats" });
    const key = await setupCore.admin.createApiKey({ organisationId: org.id });
    await setupCore.admin.connectAccount({ organisationId: org.id, phoneNumberId: "5550001", ...graph.demo });
    const upstream = graph.count(graph.demo.wabaId);
    const victim = graph.sandbox.control.templates(graph.demo.wabaId).find((x) => x.status !== "REJECTED");
    if (!victim) throw new Error("no template to change");
    const principal = await setupCore.auth.authenticate(key.key);

    const sync = (db: Kysely<Database>) =>
      createCore({ db, gateway, cursorSecret: "s", tokenKeyring: testTokenKeyring() }).templates.sync(
        principal,
        "5550001",
      );
    const first = await onOwnBackend(url.toString(), sync, org.id);
    expect(first).toMatchObject({ created: upstream, updated: 0 });
    const afterFirst = (await stats(database.db))["templates"];
    expect(afterFirst?.ins).toBeGreaterThanOrEqual(upstream);
    // A first sync writes one history row per template (first seen), in the same statement as the templates.
    const eventsAfterFirst = (await stats(database.db))["template_events"];
    expect(eventsAfterFirst?.ins).toBe(upstream);

    const second = await onOwnBackend(url.toString(), sync, org.id);
    expect(second).toMatchObject({ synced: upstream, created: 0, updated: 0, unchanged: upstream });
    expect((await stats(database.db))["templates"]).toEqual(afterFirst);
    expect((await stats(database.db))["template_events"]).toEqual(eventsAfterFirst);

    graph.setStatus(graph.demo.wabaId, victim.name, victim.language, "REJECTED");
    const third = await onOwnBackend(url.toString(), sync, org.id);
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: upstream - 1 });
    expect((await stats(database.db))["templates"]).toEqual({ ins: afterFirst?.ins, upd: (afterFirst?.upd ?? 0) + 1 });
    // Exactly its history row: the status change.
    expect((await stats(database.db))["template_events"]).toEqual({
      ins: (eventsAfterFirst?.ins ?? 0) + 1,
      upd: eventsAfterFirst?.upd,
    });
  });
});

describe.runIf(databaseKinds().includes("postgres"))("planner statistics after a large first sync (postgres)", () => {
  let database: TestDatabase;
  let graph: GraphDouble;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    graph = await startGraphDouble({ demoTemplateCount: 1_200 });
  });
  afterAll(async () => {
    await graph?.close();
    await database?.dispose();
  });

  /** pg_class.reltuples: -1 until VACUUM or ANALYZE has looked at the table, then its estimated row count. */
  async function estimatedRows(): Promise<number> {
    const r = await sql<{
      reltuples: number;
    }>`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'templates'`.execute(database.db);
    return r.rows[0]?.reltuples ?? Number.NaN;
  }

  it("a sync that created over 1,000 rows leaves statistics for them (no wait for autovacuum)", async () => {
    const { core, principal } = await coreWithAccount(database.db, graph, "5550777");
    expect(await estimatedRows()).toBeLessThan(1); // a fresh table: never analysed (-1) or empty
    const result = await core.templates.sync(principal, "5550777");
    expect(result.created).toBe(1_200);
    expect(await estimatedRows()).toBeGreaterThanOrEqual(1_000);
  });
});

describe.runIf(databaseKinds().includes("postgres"))("the sync's page statement is prepared (postgres)", () => {
  let database: TestDatabase;
  let graph: GraphDouble;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    graph = await startGraphDouble({ demoTemplateCount: 700 });
  });
  afterAll(async () => {
    await graph?.close();
    await database?.dispose();
  });

  it("is parsed once per connection and run for every page, and two syncs still write what they should", async () => {
    // One connection, so pg_prepared_statements (a per-session view) is the sync's own session.
    const handle = createDatabase({ databaseUrl: database.url ?? "", maxConnections: 1 });
    try {
      const { core, principal } = await coreWithAccount(handle.db, graph, "5550888");
      expect(await core.templates.sync(principal, "5550888")).toMatchObject({ created: 700 });
      const victim = graph.sandbox.control.templates(graph.demo.wabaId).find((x) => x.status === "APPROVED");
      if (!victim) throw new Error("no approved template to pause");
      graph.setStatus(graph.demo.wabaId, victim.name, victim.language, "PAUSED");
      expect(await core.templates.sync(principal, "5550888")).toMatchObject({ updated: 1, unchanged: 699 });

      const prepared = await sql<{ name: string; statement: string; runs: number }>`
        SELECT name, statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
        WHERE statement LIKE '%json_to_recordset%'`.execute(handle.db);
      // Two syncs of 7 pages each (100 per page): one statement, prepared once, run 14 times.
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]?.name).toMatch(/^kirim_[0-9a-f]{24}$/);
      expect(prepared.rows[0]?.runs).toBe(14);
      const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM template_events`.execute(handle.db);
      expect(events.rows[0]?.n).toBe(701);
    } finally {
      await handle.close();
    }
  });
});
