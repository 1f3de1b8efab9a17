/**
 * Test helpers (`@kirim/core/testing`). This module may read process.env (test knobs only).
 *
 * - `TEST_DATABASE_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`): also run DB tests on real PostgreSQL.
 *   Each test database is created fresh (`CREATE DATABASE core_test_<random>`) through that admin URL and dropped on
 *   dispose.
 * - `REQUIRE_POSTGRES=1`: `databaseKinds()` throws when `TEST_DATABASE_URL` is missing (CI must not silently skip PG).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { createDatabase, pgliteHandle } from "../db/database.js";
import type { DatabaseHandle, DatabaseKind } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";

export type { DatabaseKind } from "../db/database.js";
import type { TokenKeyring } from "../platform/secrets/token-cipher.js";

/**
 * A fixed keyring for tests (`CoreOptions.tokenKeyring`): the same in every process, so several cores over one
 * test database can read each other's tokens. Never use it outside tests.
 */
export function testTokenKeyring(): TokenKeyring {
  return { current: { id: "test", key: new Uint8Array(32).fill(7) } };
}

export interface TestDatabase extends DatabaseHandle {
  /** Closes the connection and (for postgres) drops the database. Safe to call twice. */
  dispose(): Promise<void>;
  /** postgres only: the URL of this test database (e.g. to point a spawned server or the CLI at it). */
  url?: string;
}

export function databaseKinds(): DatabaseKind[] {
  const url = process.env["TEST_DATABASE_URL"];
  // CI (CI=true) and REQUIRE_POSTGRES=1 never skip the PostgreSQL tests: a missing database is a failure.
  if (!url && (process.env["REQUIRE_POSTGRES"] === "1" || process.env["CI"] === "true")) {
    throw new Error(
      "TEST_DATABASE_URL is not set under CI or REQUIRE_POSTGRES=1: refusing to skip the PostgreSQL tests.",
    );
  }
  return url ? ["pglite", "postgres"] : ["pglite"];
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let migratedSnapshot: Promise<Blob> | undefined;

/**
 * A migrated, empty PGlite data directory, made once per process: booting PGlite from it is several times faster
 * than a fresh initdb + migrations. (Migrations from empty are tested on their own in db/migrate.test.ts.)
 */
function pgliteSnapshot(): Promise<Blob> {
  migratedSnapshot ??= (async () => {
    const pglite = new PGlite();
    const handle = pgliteHandle(pglite);
    try {
      await migrateToLatest(handle.db);
      return await pglite.dumpDataDir("none");
    } finally {
      await handle.close();
    }
  })();
  return migratedSnapshot;
}

/** A fresh, migrated database of the given kind. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const handle = pgliteHandle(new PGlite({ loadDataDir: await pgliteSnapshot() }));
    await migrateToLatest(handle.db); // a no-op unless the snapshot is stale
    let disposed = false;
    return {
      ...handle,
      dispose: async () => {
        if (disposed) return;
        disposed = true;
        await handle.close();
      },
    };
  }
  const adminUrl = process.env["TEST_DATABASE_URL"];
  if (!adminUrl) throw new Error("createTestDatabase('postgres') needs TEST_DATABASE_URL");
  const name = `core_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const handle = createDatabase({ databaseUrl: withDatabase(adminUrl, name), maxConnections: 5 });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await handle.close();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { ...handle, dispose, url: withDatabase(adminUrl, name) };
}

// Media pipeline fixtures (tiny valid files with the right magic bytes, a loopback file server, an injected
// resolver, a loopback-only connector guard), for the API's end-to-end media tests.
export {
  fakeResolver,
  loopbackOnlyConnector,
  send,
  startFileServer,
  tinyJpeg,
  tinyMp4,
  tinyPdf,
  tinyPng,
} from "../media/testing/fixtures.js";
export type {
  CountingConnector,
  FakeResolver,
  Handler as FileRouteHandler,
  LoopbackServer,
} from "../media/testing/fixtures.js";

/** Raw SQL for tests that install faults in the database (e.g. a trigger that fails a transaction). */
export { sql } from "kysely";

// Internals tests and tools reach (not part of the public `@kirim/core` surface).
export { MIGRATIONS } from "../db/migrate.js";
export { HEARTBEAT_MS, STALE_RUN_MS } from "../templates/template-sync.js";
export { accountOffset } from "../scheduler/scheduler.service.js";
export { SYNC_QUEUE, WEBHOOK_QUEUE } from "../scheduler/lifecycle.worker.js";
export { WEBHOOK_DELIVERY_QUEUE } from "../webhooks-out/index.js";
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../lib/keyset-page.js";
