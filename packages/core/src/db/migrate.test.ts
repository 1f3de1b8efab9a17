import { NO_MIGRATIONS, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase } from "./database.js";
import type { DatabaseHandle } from "./database.js";
import { MIGRATIONS, createMigrator, migrateToLatest } from "./migrate.js";
import { createTestDatabase, databaseKinds } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";

const TABLES = [
  "api_keys",
  "customers",
  "idempotency_keys",
  "meta_create_attempts",
  "organisations",
  "rate_limit_buckets",
  "scheduled_sync_slots",
  "template_events",
  "template_sync_runs",
  "templates",
  "webhook_deliveries",
  "webhook_delivery_attempts",
  "webhook_events",
  "webhook_out_events",
  "webhook_subscriptions",
  "whatsapp_accounts",
];

describe.each(databaseKinds())("migrations on %s", (kind) => {
  let handle: TestDatabase | undefined;
  afterEach(async () => {
    await handle?.dispose();
    handle = undefined;
  });

  it("migrates an empty database to the latest version, and re-running is a no-op", async () => {
    const empty = kind === "pglite" ? createDatabase({}) : undefined;
    const fresh = empty ?? (await createTestDatabase(kind));
    try {
      if (empty) {
        expect((await migrateToLatest(empty.db)).map((r) => [r.migrationName, r.status])).toEqual(
          Object.keys(MIGRATIONS).map((n) => [n, "Success"]),
        );
      }
      expect(await migrateToLatest(fresh.db)).toEqual([]);
    } finally {
      await (empty ? empty.close() : (fresh as TestDatabase).dispose());
    }
  });

  it("createTestDatabase gives a migrated database, and re-running is a no-op", async () => {
    handle = await createTestDatabase(kind);
    expect(handle.kind).toBe(kind);
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name`.execute(handle.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(TABLES);
    expect(await migrateToLatest(handle.db)).toEqual([]);
    const applied = await createMigrator(handle.db).getMigrations();
    expect(applied.map((m) => [m.name, m.executedAt !== undefined])).toEqual(
      Object.keys(MIGRATIONS).map((n) => [n, true]),
    );
  });

  it("migrates down to empty and back up", async () => {
    handle = await createTestDatabase(kind);
    const migrator = createMigrator(handle.db);
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    expect(down.error).toBeUndefined();
    const none = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY(${TABLES})`.execute(
      handle.db,
    );
    expect(none.rows[0]?.n).toBe(0);
    const up = await migrateToLatest(handle.db);
    expect(up.map((r) => r.status)).toEqual(Object.keys(MIGRATIONS).map(() => "Success"));
  });
});

describe("createDatabase", () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("is in-memory PGlite when neither databaseUrl nor dataDir is given", async () => {
    handle = createDatabase({});
    expect(handle.kind).toBe("pglite");
    const r = await sql<{ big: number; at: Date }>`SELECT 9007199254740991::int8 AS big, now() AS at`.execute(
      handle.db,
    );
    expect(r.rows[0]?.big).toBe(9007199254740991);
    expect(r.rows[0]?.at).toBeInstanceOf(Date);
  });

  it.runIf(databaseKinds().includes("postgres"))(
    "parses int8 as number where safe and keeps timestamptz as Date on PostgreSQL",
    async () => {
      handle = createDatabase({ databaseUrl: process.env["TEST_DATABASE_URL"] });
      expect(handle.kind).toBe("postgres");
      const r = await sql<{ big: number; huge: string; at: Date }>`
      SELECT 9007199254740991::int8 AS big, 9007199254740993::int8 AS huge, now() AS at`.execute(handle.db);
      expect(r.rows[0]).toMatchObject({ big: 9007199254740991, huge: "9007199254740993" });
      expect(r.rows[0]?.at).toBeInstanceOf(Date);
    },
  );
});
