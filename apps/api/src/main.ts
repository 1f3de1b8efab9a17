/**
 * One-command start: env → database (PGlite under DATA_DIR, or PostgreSQL) → migrations → Meta sandbox
 * (in-process, unless META_GRAPH_URL is set) → demo seed → listen → banner with ready-to-paste curl lines.
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (bounded), close sandbox and database.
 */
import type { Server } from "node:http";
import path from "node:path";
import { createCore, createDatabase, createMetaGateway, migrateToLatest } from "@kirim/core";
import type { DatabaseHandle } from "@kirim/core";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { createApp } from "./app.js";
import { ensureDataDir, readDemoKey, resolveCursorSecret, writeDemoKey, DEMO_KEY_FILE } from "./data-dir.js";
import { EnvError, loadEnv } from "./env.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import type { Logger } from "./logger.js";
import { banner } from "./banner.js";

interface Running {
  server: Server;
  sandbox: MetaSandbox | undefined;
  database: DatabaseHandle;
}

type DemoKeySource = "DEV_API_KEY" | "file" | "generated" | "unknown" | "not-seeded";

async function seedDemo(
  env: Env,
  core: ReturnType<typeof createCore>,
  graph: { wabaId: string; accessToken: string } | undefined,
  logger: Logger,
): Promise<{ apiKey: string | null; source: DemoKeySource; phoneNumberId: string | null }> {
  if (graph === undefined) {
    logger.warn("META_GRAPH_URL is set without DEMO_WABA_ID/DEMO_ACCESS_TOKEN: no demo account seeded");
    return { apiKey: null, source: "not-seeded", phoneNumberId: null };
  }
  const fromFile = env.devApiKey === undefined ? await readDemoKey(env.dataDir) : undefined;
  const given = env.devApiKey ?? fromFile;
  const result = await core.admin.seedDemo({ graph, ...(given === undefined ? {} : { apiKey: given }) });
  if (env.devApiKey !== undefined) return { apiKey: env.devApiKey, source: "DEV_API_KEY", phoneNumberId: result.phoneNumberId };
  if (fromFile !== undefined) return { apiKey: fromFile, source: "file", phoneNumberId: result.phoneNumberId };
  if (result.apiKey !== null) {
    await writeDemoKey(env.dataDir, result.apiKey);
    return { apiKey: result.apiKey, source: "generated", phoneNumberId: result.phoneNumberId };
  }
  return { apiKey: null, source: "unknown", phoneNumberId: result.phoneNumberId };
}

async function start(env: Env, logger: Logger): Promise<Running> {
  await ensureDataDir(env.dataDir);

  const database = createDatabase(
    env.databaseUrl === undefined ? { dataDir: path.join(env.dataDir, "pglite") } : { databaseUrl: env.databaseUrl },
  );
  let sandbox: MetaSandbox | undefined;
  try {
    const migrated = await migrateToLatest(database.db);
    logger.info({ database: database.kind, applied: migrated.map((m) => m.migrationName) }, "database ready");

    let graphUrl: string;
    let demoGraph =
      env.demoWabaId !== undefined && env.demoAccessToken !== undefined
        ? { wabaId: env.demoWabaId, accessToken: env.demoAccessToken }
        : undefined;
    if (env.metaGraphUrl !== undefined) {
      graphUrl = env.metaGraphUrl;
    } else {
      sandbox = await startMetaSandbox({
        port: 0,
        ...(env.sandboxReviewDelayMs === undefined ? {} : { reviewDelayMs: env.sandboxReviewDelayMs }),
      });
      graphUrl = sandbox.url;
      demoGraph = { wabaId: sandbox.demo.wabaId, accessToken: sandbox.demo.accessToken };
      logger.info({ url: sandbox.url }, "in-process Meta sandbox started");
    }

    const { secret: cursorSecret, source: secretSource } = await resolveCursorSecret(env.dataDir, env.cursorSecret);
    logger.debug({ source: secretSource }, "cursor secret resolved");

    const gateway = createMetaGateway({ graphUrl, apiVersion: env.metaApiVersion });
    const core = createCore({ db: database.db, gateway, cursorSecret });
    const demo = await seedDemo(env, core, demoGraph, logger);

    const app = createApp({
      core,
      logger,
      webDistDir: env.webDistDir,
      checkReady: async () => {
        await database.db.selectNoFrom((eb) => eb.val(1).as("one")).execute();
      },
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(env.port, env.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    server.keepAliveTimeout = 5_000;

    const address = server.address();
    const port = address !== null && typeof address === "object" ? address.port : env.port;
    const host = env.host === "0.0.0.0" || env.host === "::" ? "127.0.0.1" : env.host;
    const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    logger.info({ url: baseUrl, database: database.kind, meta: sandbox ? "sandbox" : graphUrl }, "listening");
    process.stdout.write(
      banner({
        baseUrl,
        database: database.kind === "pglite" ? `PGlite (${path.join(env.dataDir, "pglite")})` : "PostgreSQL (DATABASE_URL)",
        meta: sandbox ? `in-process sandbox at ${sandbox.url}` : `${graphUrl} (${env.metaApiVersion})`,
        phoneNumberId: demo.phoneNumberId,
        apiKey: demo.apiKey,
        keyNote:
          demo.source === "DEV_API_KEY"
            ? "from DEV_API_KEY"
            : demo.source === "generated"
              ? `generated now; plaintext saved to ${path.join(env.dataDir, DEMO_KEY_FILE)} so restarts can print it`
              : demo.source === "file"
                ? `read from ${path.join(env.dataDir, DEMO_KEY_FILE)}`
                : demo.source === "unknown"
                  ? `unknown: only its hash is stored and ${DEMO_KEY_FILE} is missing; set DEV_API_KEY to register one`
                  : "no demo account (see DEMO_WABA_ID / DEMO_ACCESS_TOKEN)",
      }),
    );
    return { server, sandbox, database };
  } catch (error) {
    await sandbox?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

function closeServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      logger.warn({ timeout_ms: timeoutMs }, "in-flight requests did not finish in time; closing connections");
      server.closeAllConnections();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: env.logLevel });

  let running: Running;
  try {
    running = await start(env, logger);
  } catch (error) {
    logger.fatal({ err: error }, "failed to start");
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    await closeServer(running.server, env.shutdownTimeoutMs, logger);
    await running.sandbox?.close().catch((err: unknown) => logger.warn({ err }, "sandbox close failed"));
    await running.database.close().catch((err: unknown) => logger.warn({ err }, "database close failed"));
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (s) => void stop(s));
  process.on("SIGINT", (s) => void stop(s));
}

void main();
