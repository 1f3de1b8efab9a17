import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type TransactionSettings,
} from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { isPrepared, preparedStatementName } from "./prepared.js";
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
  /**
   * LISTENs on `channel` (PostgreSQL: one dedicated connection, reconnected after a loss; PGlite: the instance
   * itself). See `NotificationHandlers` for what a caller may trust. Closed by `close()` too.
   */
  listen(channel: string, handlers: NotificationHandlers): NotificationListener;
  /** Destroys the Kysely instance (and with it the pool / PGlite instance) and stops every listener. */
  close(): Promise<void>;
}

export interface NotificationHandlers {
  /** A NOTIFY on the channel, delivered after its transaction committed. */
  onNotify(payload: string): void;
  /**
   * `true` once LISTEN is in force (again); `false` as soon as the listening connection is lost, fails, or does not
   * answer its heartbeat (every `LISTEN_HEARTBEAT_MS`) in time: notifications may have been missed from then on.
   */
  onListening(listening: boolean): void;
}

export interface NotificationListener {
  close(): Promise<void>;
}

/**
 * The listening connection notifies itself on a probe channel of its own this often; a probe not heard back by the
 * next one counts as lost. Hearing it proves the notifications reach this session (a transaction-mode pooler in
 * front of PostgreSQL, which drops them, is caught too), not only that the socket answers.
 */
export const LISTEN_HEARTBEAT_MS = 400;
/** Wait before reconnecting a lost listener. */
const LISTEN_RETRY_MS = 250;

const INT8_OID = 20;

/** int8 → number when it fits in a double exactly, else the decimal string (never silently rounded). */
export function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/**
 * The pool as Kysely sees it: a statement that opens with `PREPARED` (prepared.ts) runs as a named prepared
 * statement, which node-postgres parses once per connection; every other statement runs as before.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per pooled client: Kysely keeps its connection object per client it is handed.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (statement: string | pg.Submittable, parameters?: ReadonlyArray<unknown>): unknown => {
      // A cursor (Kysely's streaming) is submitted as it is.
      if (typeof statement !== "string") return client.query(statement);
      const values = [...(parameters ?? [])];
      return isPrepared(statement)
        ? client.query({ name: preparedStatementName(statement), text: statement, values })
        : client.query(statement, values);
    };
    return { query: query as PostgresPoolClient["query"], release: () => client.release() };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * Type parsers for node-postgres, applied per pool (not globally): int8 → number where safe.
 * timestamptz keeps node-postgres' default (a JS `Date`), matching PGlite.
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8_OID && format !== "binary") return parseInt8;
    return (format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format)) as (
      value: unknown,
    ) => unknown;
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
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    const listeners = new Set<NotificationListener>();
    const databaseUrl = config.databaseUrl;
    return {
      db,
      kind: "postgres",
      location: describePostgresUrl(config.databaseUrl),
      listen: (channel, handlers) => {
        const listener = listenOnPostgres(
          {
            connectionString: databaseUrl,
            application_name: `${config.applicationName ?? "kirim"}-listen`,
            connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULT_DB_CONNECT_TIMEOUT_MS,
          },
          channel,
          handlers,
        );
        listeners.add(listener);
        return listener;
      },
      close: async () => {
        await Promise.all([...listeners].map((l) => l.close()));
        await db.destroy();
      },
    };
  }
  if (config.dataDir !== undefined && !existsSync(path.join(config.dataDir, "PG_VERSION")))
    return pgliteHandle(initThenReopen(config.dataDir), config.dataDir);
  return pgliteHandle(
    new PGlite({ ...(config.dataDir ? { dataDir: config.dataDir } : {}), ...PGLITE_MEMORY_OPTIONS }),
    config.dataDir ?? "memory",
  );
}

/**
 * A fresh data directory: PGlite runs `initdb` in a WASM instance of its own (~630 MiB of WASM memory, which never
 * shrinks) that the opening instance keeps reachable, and V8 frees it, if ever, at a full GC of its choosing. Made in
 * a short-lived child process instead, the directory costs this process nothing: everything the child allocated
 * (WASM memory, compiled WASM code, malloc arenas) goes back to the OS when it exits, which a worker thread's does not
 * (measured: 198 MiB RSS left after a worker's initdb, 51 MiB after a child's). The instance that serves opens the
 * directory as an existing one (docs/benchmarks.md, "Memory").
 */
async function initThenReopen(dataDir: string): Promise<PGlite> {
  await initInChildProcess(dataDir);
  return PGlite.create({ dataDir, ...PGLITE_MEMORY_OPTIONS });
}

// CommonJS (`node -e`); PGlite's CommonJS build, resolved from here so the child needs no module path of its own.
const INIT_SCRIPT = `
const [pglite, dataDir, startParams] = JSON.parse(process.argv[1]);
require(pglite)
  .PGlite.create({ dataDir, startParams })
  .then((db) => db.close())
  .catch((error) => {
    process.stderr.write(String((error && error.message) || error));
    process.exitCode = 1;
  });
`;

/** The last characters of the child's stderr kept for the error: its own one-line reason, or what node printed. */
const INIT_STDERR_KEPT = 4_000;

function initInChildProcess(dataDir: string): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const child = spawn(
    process.execPath,
    ["-e", INIT_SCRIPT, JSON.stringify([pglite, dataDir, PGLITE_MEMORY_OPTIONS.startParams])],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-INIT_STDERR_KEPT);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `initdb of ${dataDir} exited with ${signal ?? code}${stderr.trim() === "" ? "" : `: ${stderr.trim()}`}`,
          ),
        );
    });
  });
}

/**
 * PGlite's buffers live in its WASM memory, which never shrinks: PostgreSQL's default shared_buffers (128 MB) made an
 * embedded API hold ~300 MiB after one sync of 6,000 templates. 16 MB holds the working set of the embedded use (one
 * process, a few thousand templates per account; the OS page cache below keeps the rest warm): the idle process
 * measured 310 → 158 MiB RSS with it (docs/benchmarks.md, "Memory").
 */
export const PGLITE_SHARED_BUFFERS = "16MB";
const PGLITE_MEMORY_OPTIONS = {
  startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
};

/**
 * One dedicated client (never a pooled one: LISTEN belongs to its session). Any error, end or missed heartbeat
 * reports `onListening(false)` at once and reconnects after `LISTEN_RETRY_MS`.
 */
function listenOnPostgres(
  clientConfig: pg.ClientConfig,
  channel: string,
  handlers: NotificationHandlers,
): NotificationListener {
  let closed = false;
  let client: pg.Client | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const probe = `kirim_listen_probe_${randomBytes(8).toString("hex")}`;
  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client(clientConfig);
    let awaiting = false;
    client = c;
    let lost = false;
    const lose = (): void => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      handlers.onListening(false);
      c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), LISTEN_RETRY_MS);
    };
    c.on("error", lose);
    c.on("end", lose);
    c.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify(message.payload ?? "");
      else if (message.channel === probe) awaiting = false;
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
      await c.query(`LISTEN ${c.escapeIdentifier(probe)}`);
    } catch {
      lose();
      return;
    }
    if (closed || lost) return;
    handlers.onListening(true);
    heartbeat = setInterval(() => {
      if (awaiting) return lose();
      awaiting = true;
      c.query("SELECT pg_notify($1, '')", [probe]).catch(lose);
    }, LISTEN_HEARTBEAT_MS);
  };
  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      await client?.end().catch(() => undefined);
    },
  };
}

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

/**
 * Wraps a PGlite instance, or one still being opened (internal: used by `@kirim/core/testing` to start from a migrated
 * snapshot). Queries wait for it; if opening fails, every query fails with that error.
 */
export function pgliteHandle(instance: PGlite | Promise<PGlite>, location = "memory"): DatabaseHandle {
  const opening = Promise.resolve(instance);
  // Observed here so a failed open is reported by the queries that wait for it, not as an unhandled rejection.
  opening.catch(() => undefined);
  const db = new Kysely<Database>({
    dialect: instance instanceof PGlite ? new PGliteDialect(instance) : new OpeningPGliteDialect(opening),
  });
  const unsubscribes = new Set<Promise<() => Promise<void>>>();
  return {
    db,
    kind: "pglite",
    location,
    // One process owns a PGlite database, so every change is made by this instance and heard here.
    listen: (channel, handlers) => {
      const subscribed = opening.then((pglite) => pglite.listen(channel, (payload) => handlers.onNotify(payload)));
      unsubscribes.add(subscribed);
      subscribed.then(
        () => handlers.onListening(true),
        () => handlers.onListening(false),
      );
      return {
        close: async () => {
          unsubscribes.delete(subscribed);
          handlers.onListening(false);
          const pglite = await opening.catch(() => undefined);
          if (pglite !== undefined && !pglite.closed) await (await subscribed)().catch(() => undefined);
        },
      };
    },
    close: async () => {
      unsubscribes.clear();
      await db.destroy();
      const pglite = await opening.catch(() => undefined);
      if (pglite !== undefined && !pglite.closed) await pglite.close();
    },
  };
}

/** kysely-pglite-dialect's dialect for an instance that is still being opened: its driver waits for it in `init`. */
class OpeningPGliteDialect implements Dialect {
  constructor(private readonly opening: Promise<PGlite>) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new OpeningDriver(this.opening.then((pglite) => new PGliteDialect(pglite).createDriver()));
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/** Kysely calls `init` once before anything else (and `destroy` only after it), so `inner` is set when it is used. */
class OpeningDriver implements Driver {
  private inner: Driver | undefined;
  constructor(private readonly opening: Promise<Driver>) {}
  async init(): Promise<void> {
    const inner = await this.opening;
    await inner.init();
    this.inner = inner;
  }
  private driver(): Driver {
    if (this.inner === undefined) throw new Error("the PGlite driver was used before init");
    return this.inner;
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return this.driver().acquireConnection();
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.driver().beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver().commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver().rollbackTransaction(connection);
  }
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver().releaseConnection(connection);
  }
  async destroy(): Promise<void> {
    await this.inner?.destroy();
  }
}
