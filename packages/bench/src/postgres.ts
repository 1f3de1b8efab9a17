/**
 * PostgreSQL for the bench: its own databases (created and dropped here, nothing else is touched), the write
 * counters of pg_stat_user_tables, and baselines (b) and (c) of the sync benchmark over the same driver (pg) the
 * API uses.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export class PostgresUnreachableError extends Error {
  override readonly name = "PostgresUnreachableError";
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The URL without its password, for messages and the report. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== "") u.password = "***";
  return u.toString();
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  return client;
}

/** Checks the admin connection and returns the server's version string ("15.20 (Debian …)"). */
export async function checkPostgres(adminUrl: string): Promise<string> {
  let client: pg.Client;
  try {
    client = await connect(adminUrl);
  } catch (error) {
    throw new PostgresUnreachableError(
      `PostgreSQL is not reachable at ${redactUrl(adminUrl)}: ${(error as Error).message}`,
    );
  }
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]?.server_version ?? "unknown";
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new empty database `bench_<random>` (the API migrates it); `drop` removes exactly that one. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString("hex")}`;
  const admin = await connect(adminUrl);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const client = await connect(adminUrl);
      try {
        // FORCE (PostgreSQL 13+): a child that died without closing its pool must not keep our database alive.
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TableWrites {
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * Cumulative row writes of one table from pg_stat_user_tables. Backends report their counters when idle, at most
 * once a second and otherwise after up to 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): callers wait for that.
 */
export async function tableWrites(client: pg.Client, table: string): Promise<TableWrites> {
  await client.query("SELECT pg_stat_clear_snapshot()");
  const { rows } = await client.query<{ n_tup_ins: string; n_tup_upd: string; n_tup_del: string }>(
    "SELECT n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relname = $1 AND schemaname = 'public'",
    [table],
  );
  const row = rows[0];
  if (!row) throw new Error(`no statistics for table ${table}`);
  return { inserted: Number(row.n_tup_ins), updated: Number(row.n_tup_upd), deleted: Number(row.n_tup_del) };
}

export function writesBetween(before: TableWrites, after: TableWrites): TableWrites {
  return {
    inserted: after.inserted - before.inserted,
    updated: after.updated - before.updated,
    deleted: after.deleted - before.deleted,
  };
}

/** The transaction id now: rows whose xmin is newer were written after this point (an exact cross-check). */
export async function currentXid(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ xid: string }>("SELECT txid_current()::text AS xid");
  return rows[0]?.xid ?? "0";
}

/** Live rows of `templates` whose current version was written by a transaction after `xid`. */
export async function rowsWrittenSince(client: pg.Client, xid: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    // xmin is 32-bit; txid_current() carries the epoch in the high bits, so compare within the epoch.
    "SELECT count(*)::text AS n FROM templates WHERE xmin::text::bigint > ($1::bigint & 4294967295)",
    [xid],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Planner statistics for templates, as autovacuum would collect them a minute after a bulk insert. */
export async function analyzeTemplates(client: pg.Client): Promise<void> {
  await client.query("ANALYZE templates");
}

/** Empties our templates table (and its history, which references it) between first-sync runs. */
export async function truncateTemplates(client: pg.Client): Promise<void> {
  await client.query("TRUNCATE templates CASCADE");
}

export interface StoredRows {
  columns: string[];
  jsonColumns: Set<string>;
  rows: Record<string, unknown>[];
}

/** Every row our sync stored, exactly as stored: the input of baselines (b) and (c). */
export async function readTemplateRows(client: pg.Client): Promise<StoredRows> {
  const result = await client.query<Record<string, unknown>>("SELECT * FROM templates ORDER BY created_at, id");
  const JSONB = 3802;
  return {
    columns: result.fields.map((f) => f.name),
    jsonColumns: new Set(result.fields.filter((f) => f.dataTypeID === JSONB).map((f) => f.name)),
    rows: result.rows,
  };
}

/**
 * A table shaped exactly like ours: same columns, defaults, checks, indexes (primary key, the unique
 * (account, name, language), the partial unique provider id, the list keyset) and the foreign key to the
 * accounts — so the baselines pay for the same index and constraint maintenance our sync does.
 */
export async function createLikeTemplates(client: pg.Client, table: string): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(
    `CREATE TABLE ${table} (LIKE templates INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
  );
  await client.query(
    `ALTER TABLE ${table} ADD FOREIGN KEY (account_id) REFERENCES whatsapp_accounts (id) ON DELETE CASCADE`,
  );
}

function parameters(stored: StoredRows, row: Record<string, unknown>): unknown[] {
  return stored.columns.map((c) => (stored.jsonColumns.has(c) && row[c] !== null ? JSON.stringify(row[c]) : row[c]));
}

/** Baseline (b): one multi-row INSERT per page of `pageSize` rows into the empty table. Returns ms. */
export async function rawMultiRowInsert(
  client: pg.Client,
  table: string,
  stored: StoredRows,
  pageSize: number,
): Promise<number> {
  await client.query(`TRUNCATE ${table}`);
  const columnList = stored.columns.join(", ");
  const started = performance.now();
  for (let offset = 0; offset < stored.rows.length; offset += pageSize) {
    const page = stored.rows.slice(offset, offset + pageSize);
    const values: unknown[] = [];
    const tuples = page.map((row) => {
      const start = values.length;
      values.push(...parameters(stored, row));
      return `(${stored.columns.map((_, i) => `$${start + i + 1}`).join(", ")})`;
    });
    await client.query(`INSERT INTO ${table} (${columnList}) VALUES ${tuples.join(", ")}`, values);
  }
  return performance.now() - started;
}

/**
 * Baseline (c): the naive upsert, one row at a time — SELECT by (account, name, language), then INSERT or UPDATE,
 * each statement its own transaction (as an ORM loop would do it). Into the empty table, so every row is an INSERT,
 * like our first sync. Returns ms.
 */
export async function naiveRowByRowUpsert(client: pg.Client, table: string, stored: StoredRows): Promise<number> {
  await client.query(`TRUNCATE ${table}`);
  const columnList = stored.columns.join(", ");
  const placeholders = stored.columns.map((_, i) => `$${i + 1}`).join(", ");
  const assignments = stored.columns.map((c, i) => `${c} = $${i + 1}`).join(", ");
  const started = performance.now();
  for (const row of stored.rows) {
    const found = await client.query(`SELECT id FROM ${table} WHERE account_id = $1 AND name = $2 AND language = $3`, [
      row["account_id"],
      row["name"],
      row["language"],
    ]);
    const params = parameters(stored, row);
    if (found.rowCount === 0)
      await client.query(`INSERT INTO ${table} (${columnList}) VALUES (${placeholders})`, params);
    else
      await client.query(`UPDATE ${table} SET ${assignments} WHERE id = $${stored.columns.length + 1}`, [
        ...params,
        (found.rows[0] as { id: string }).id,
      ]);
  }
  return performance.now() - started;
}
