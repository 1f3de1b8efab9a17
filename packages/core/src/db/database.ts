import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema.js";

export interface DatabaseConfig {
  /** `postgres://…` — when set, a node-postgres Pool is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, used when `databaseUrl` is not set. In-memory when neither is given. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL (default 10). */
  maxConnections?: number | undefined;
  /**
   * Called when an IDLE pooled connection fails (e.g. the server restarted). The pool drops that connection and
   * the next query opens a new one; without a listener node-postgres' 'error' event would crash the process.
   */
  onPoolError?: ((error: Error) => void) | undefined;
  /** PostgreSQL `application_name` of the pool's connections, so operators can tell them apart in pg_stat_activity. Default "kirim". */
  applicationName?: string | undefined;
  /**
   * PostgreSQL: how long opening a connection may take, TCP connect AND the server's first answer included (a server
   * that accepts the connection and never answers would otherwise hold `connect()` forever). Default 10 s.
   */
  connectTimeoutMs?: number | undefined;
  /**
   * PostgreSQL: how long one statement may take, enforced by the server (`statement_timeout`) and, for a server that
   * stops answering altogether, by the client (`query_timeout`). Unset = no limit.
   */
  statementTimeoutMs?: number | undefined;
}

export const DEFAULT_DB_CONNECT_TIMEOUT_MS = 10_000;

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the database is, for messages: `host:port/database` of a PostgreSQL URL (no credentials), or the PGlite directory. */
  location: string;
  /** Destroys the Kysely instance (and with it the pool / PGlite instance). */
  close(): Promise<void>;
}

const INT8_OID = 20;

/** int8 → number when it fits in a double exactly, else the decimal string (never silently rounded). */
export function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/**
 * Type parsers for node-postgres, applied per pool (not globally): int8 → number where safe.
 * timestamptz keeps node-postgres' default (a JS `Date`), matching PGlite.
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID && format !== "binary") return parseInt8;
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * Opens the database: PostgreSQL when `databaseUrl` is set, else PGlite persisted at `dataDir`
 * (in-memory when neither is set). Call `migrateToLatest(db)` before use.
 *
 * ### Examples
 * ```ts
 * const { db, close } = createDatabase({ dataDir: ".data/pglite" });
 * await migrateToLatest(db);
 * ```
 */
export function createDatabase(config: DatabaseConfig = {}): DatabaseHandle {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.maxConnections ?? 10,
      application_name: config.applicationName ?? "kirim",
      connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULT_DB_CONNECT_TIMEOUT_MS,
      ...(config.statementTimeoutMs !== undefined
        ? { statement_timeout: config.statementTimeoutMs, query_timeout: config.statementTimeoutMs + 1_000 }
        : {}),
      types: pgTypes,
    });
    pool.on("error", (error) => config.onPoolError?.(error));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", location: describePostgresUrl(config.databaseUrl), close: () => db.destroy() };
  }
  return pgliteHandle(new PGlite({ ...(config.dataDir ? { dataDir: config.dataDir } : {}), ...PGLITE_MEMORY_OPTIONS }), config.dataDir ?? "memory");
}

/**
 * PGlite's buffers live in its WASM memory, which never shrinks: PostgreSQL's default shared_buffers (128 MB) made an
 * embedded API hold ~300 MiB after one sync of 6,000 templates. 16 MB holds the working set of the embedded use (one
 * process, a few thousand templates per account; the OS page cache below keeps the rest warm): the idle process
 * measured 310 → 158 MiB RSS with it (docs/benchmarks.md, "Memory").
 */
export const PGLITE_SHARED_BUFFERS = "16MB";
const PGLITE_MEMORY_OPTIONS = { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };

/** `host:port/database` of a postgres:// URL: enough to find the server, never the password. */
export function describePostgresUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const host = url.searchParams.get("host") ?? url.hostname;
    return `${host || "localhost"}:${url.port || "5432"}${url.pathname.length > 1 ? url.pathname : ""}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

/** Wraps an existing PGlite instance (internal: used by `@kirim/core/testing` to start from a migrated snapshot). */
export function pgliteHandle(pglite: PGlite, location = "memory"): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    location,
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
