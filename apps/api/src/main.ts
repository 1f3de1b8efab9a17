/**
 * One-command start: env → database (PGlite under DATA_DIR, or PostgreSQL) → migrations → Meta sandbox
 * (in-process, unless META_GRAPH_URL is set) → demo seed → listen → banner with ready-to-paste curl lines.
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (bounded), close sandbox and database.
 */
import { pino } from "pino";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import path from "node:path";
import {
  createApiKeyCache,
  createCore,
  createDatabase,
  createInProcessQueue,
  createLifecycleWorker,
  createMetaGateway,
  createOperator,
  createPgBossQueue,
  createWebhookDeliveryWorker,
  migrateToLatest,
} from "@kirim/core";
import type { DatabaseHandle, LifecycleWorker, MediaFetchPolicy, WebhookDeliveryWorker } from "@kirim/core";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { createApp } from "./app.js";
import { compileWasmWithBaselineOnly } from "./embedded-wasm.js";
import { answerClientErrorsInEnvelope } from "./http/client-error.js";
import {
  ensureDataDir,
  readDemoKey,
  resolveCursorSecret,
  resolveSandboxWebhookSecret,
  resolveTokenKeyring,
  writeDemoKey,
  DEMO_KEY_FILE,
  TOKEN_KEY_FILE,
} from "./data-dir.js";
import { EnvError, loadEnv } from "./env.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import { createMediaPolicy } from "./media-policy.js";
import type { Logger } from "./logger.js";
import { banner } from "./banner.js";

interface Running {
  server: Server;
  sandbox: MetaSandbox | undefined;
  database: DatabaseHandle;
  worker: LifecycleWorker;
  webhookWorker: WebhookDeliveryWorker;
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
  if (env.devApiKey !== undefined)
    return { apiKey: env.devApiKey, source: "DEV_API_KEY", phoneNumberId: result.phoneNumberId };
  if (fromFile !== undefined) return { apiKey: fromFile, source: "file", phoneNumberId: result.phoneNumberId };
  if (result.apiKey !== null) {
    await writeDemoKey(env.dataDir, result.apiKey);
    return { apiKey: result.apiKey, source: "generated", phoneNumberId: result.phoneNumberId };
  }
  return { apiKey: null, source: "unknown", phoneNumberId: result.phoneNumberId };
}

/** A start-up failure whose message is the whole story for the operator (printed as it is, no stack). */
class StartupError extends Error {
  override readonly name = "StartupError";
}

/** What start-up is doing right now, so a signal or a failure can say where it stopped. */
interface StartPhase {
  current: string;
}

async function start(env: Env, mediaPolicy: MediaFetchPolicy, logger: Logger, phase: StartPhase): Promise<Running> {
  await ensureDataDir(env.dataDir);

  if (env.databaseUrl === undefined) compileWasmWithBaselineOnly();
  const database = createDatabase(
    env.databaseUrl === undefined
      ? { dataDir: path.join(env.dataDir, "pglite") }
      : {
          databaseUrl: env.databaseUrl,
          applicationName: "kirim-api",
          connectTimeoutMs: env.databaseConnectTimeoutMs,
          ...(env.databaseStatementTimeoutMs > 0 ? { statementTimeoutMs: env.databaseStatementTimeoutMs } : {}),
        },
  );
  let sandbox: MetaSandbox | undefined;
  let worker: LifecycleWorker | undefined;
  let webhookWorker: WebhookDeliveryWorker | undefined;
  try {
    phase.current = `connecting to the database at ${database.location}`;
    logger.info({ database: database.kind, location: database.location }, "opening the database");
    try {
      // A probe first, so a server that never answers is reported as that, not as a failed migration.
      await database.db.selectNoFrom((eb) => eb.val(1).as("one")).execute();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const bounds =
        database.kind === "postgres"
          ? ` (DATABASE_CONNECT_TIMEOUT_MS=${env.databaseConnectTimeoutMs}, DATABASE_STATEMENT_TIMEOUT_MS=${env.databaseStatementTimeoutMs})`
          : "";
      throw new StartupError(`Cannot start: the database at ${database.location} did not answer: ${reason}${bounds}`, {
        cause: error,
      });
    }
    phase.current = `migrating the database at ${database.location}`;
    const migrated = await migrateToLatest(database.db);
    logger.info({ database: database.kind, applied: migrated.map((m) => m.migrationName) }, "database ready");
    phase.current = "starting the Meta gateway, secrets and demo data";

    let graphUrl: string;
    let metaAppId = env.media.appId;
    let demoGraph =
      env.demoWabaId !== undefined && env.demoAccessToken !== undefined
        ? { wabaId: env.demoWabaId, accessToken: env.demoAccessToken }
        : undefined;
    if (env.metaGraphUrl !== undefined) {
      graphUrl = env.metaGraphUrl;
    } else {
      // Imported only when it runs: an API pointed at Meta (or at an outside sandbox) does not carry its code.
      const { startMetaSandbox } = await import("@kirim/meta-sandbox");
      sandbox = await startMetaSandbox({
        port: 0,
        ...(env.sandboxReviewDelayMs === undefined ? {} : { reviewDelayMs: env.sandboxReviewDelayMs }),
      });
      graphUrl = sandbox.url;
      demoGraph = { wabaId: sandbox.demo.wabaId, accessToken: sandbox.demo.accessToken };
      // The sandbox only opens upload sessions for its own app.
      metaAppId ??= sandbox.demo.appId;
      logger.info({ url: sandbox.url }, "in-process Meta sandbox started");
    }

    const { secret: cursorSecret, source: secretSource } = await resolveCursorSecret(env.dataDir, env.cursorSecret);
    logger.debug({ source: secretSource }, "cursor secret resolved");

    // Meta access tokens at rest: encrypt rows still in plaintext, then refuse to start unless every stored
    // token decrypts with the configured keyring (a missing or wrong key is a start-up error, not a 500 later).
    const { keyring: tokenKeyring, source: keySource } = await resolveTokenKeyring(env.dataDir, env.tokenKeyring);
    if (keySource === "generated") {
      logger.warn(
        { file: path.join(env.dataDir, TOKEN_KEY_FILE) },
        "TOKEN_ENCRYPTION_KEYS is unset: generated a token encryption key in DATA_DIR (back it up, or set TOKEN_ENCRYPTION_KEYS)",
      );
    }
    const secrets = await createOperator({ db: database.db, tokenKeyring }).secrets.prepare();
    logger.info(
      {
        key_id: tokenKeyring.current.id,
        key_source: keySource,
        encrypted_now: secrets.encrypted,
        tokens_by_key: secrets.keys,
      },
      "token encryption ready",
    );

    const gateway = createMetaGateway({ graphUrl, apiVersion: env.metaApiVersion });
    if (metaAppId === undefined) {
      logger.warn("META_APP_ID is unset: media header samples given as URLs will be refused (Meta handles still work)");
    }
    if (mediaPolicy.allowInsecureLoopbackForTests !== undefined) {
      logger.warn(
        { origins: mediaPolicy.allowInsecureLoopbackForTests.origins },
        "MEDIA_FETCH_TEST_LOOPBACK_ORIGINS is set: test-only loopback media origins are allowed",
      );
    }
    const core = createCore({
      db: database.db,
      gateway,
      cursorSecret,
      tokenKeyring,
      media: { graphUrl, apiVersion: env.metaApiVersion, appId: metaAppId, policy: mediaPolicy },
      rateLimits: {
        writePerMinute: env.rateLimitWritePerMinute,
        readPerMinute: env.rateLimitReadPerMinute,
        leaseMs: env.rateLimitLeaseMs,
        authFailuresPerMinute: env.rateLimitAuthFailuresPerMinute,
        metaCreatesPerHour: env.metaTemplateCreatesPerHour,
      },
      idempotency: { waitMs: env.idempotencyWaitMs },
      webhooks: { allowPrivateTargets: env.webhookAllowPrivateTargets },
      // Key rows in memory, dropped on every change any instance or the CLI makes (LISTEN/NOTIFY); closed with the database.
      apiKeyCache: createApiKeyCache({ listen: (channel, handlers) => database.listen(channel, handlers) }),
    });
    if (env.webhookAllowPrivateTargets) {
      logger.warn(
        "WEBHOOK_ALLOW_PRIVATE_TARGETS=true: outbound webhooks may target private and loopback addresses over http",
      );
    }
    const demo = await seedDemo(env, core, demoGraph, logger);

    // Template lifecycle (issue 5): scheduled syncs and webhook application on a job queue shared by every
    // instance on one PostgreSQL (pg-boss), or in-process on PGlite (pg-boss does not run there).
    const usePgBoss = env.jobQueue === "pg-boss" || (env.jobQueue === "auto" && env.databaseUrl !== undefined);
    const queue =
      usePgBoss && env.databaseUrl !== undefined
        ? createPgBossQueue({
            connectionString: env.databaseUrl,
            onError: (err) => logger.warn({ err }, "job queue error"),
          })
        : createInProcessQueue({
            onError: (err, job) => logger.warn({ err, job }, "job failed; retrying with backoff"),
          });
    worker = createLifecycleWorker({
      lifecycle: core.lifecycle,
      queue,
      syncIntervalMs: env.templateSyncIntervalMs,
      onError: (err, what) => logger.warn({ err, what }, "lifecycle worker error"),
      onScheduled: (claimed) => logger.info({ accounts: claimed.length }, "scheduled template syncs enqueued"),
      onSkipped: ({ accountId, slot }) =>
        logger.info(
          { account_id: accountId, slot },
          "scheduled template sync skipped: the account's previous sync is still queued or running",
        ),
    });
    phase.current = "starting the job queue";
    await worker.start();
    logger.info({ queue: queue.kind, sync_interval_ms: env.templateSyncIntervalMs }, "job queue started");
    // Outbound webhooks (issue 17): the outbox is delivered through the same queue.
    webhookWorker = createWebhookDeliveryWorker({
      webhooks: core.webhooks,
      queue,
      onError: (err, what) => logger.warn({ err, what }, "webhook delivery error"),
    });
    await webhookWorker.start();
    // Webhooks: configured secrets, or with the in-process sandbox a random app secret kept in DATA_DIR (never the
    // sandbox's public demo secret: anyone reaching the port could sign with it) and a token generated per start.
    const webhookConfig =
      env.metaAppSecret !== undefined && env.metaWebhookVerifyToken !== undefined
        ? { appSecret: env.metaAppSecret, verifyToken: env.metaWebhookVerifyToken }
        : sandbox !== undefined
          ? {
              appSecret: (await resolveSandboxWebhookSecret(env.dataDir)).secret,
              verifyToken: randomBytes(16).toString("hex"),
            }
          : undefined;
    const lifecycleWorker = worker;

    const app = createApp({
      core,
      logger,
      metaWebhooks: { config: webhookConfig, dispatch: (ids) => lifecycleWorker.enqueueWebhookEvents(ids) },
      webDistDir: env.webDistDir,
      dashboardSourceMaps: env.dashboardSourceMaps,
      corsOrigins: env.corsOrigins,
      checkReady: async () => {
        await database.db.selectNoFrom((eb) => eb.val(1).as("one")).execute();
      },
    });
    phase.current = "opening the HTTP port";
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(env.port, env.host, (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    answerClientErrorsInEnvelope(server);
    server.keepAliveTimeout = 5_000;
    // server.requestTimeout (Node's default 300 s) bounds only RECEIVING a request; a create that spends its time
    // downloading and uploading a media sample (MEDIA_FETCH_TIMEOUT_MS + the upload) is not cut off by it.

    const address = server.address();
    const port = address !== null && typeof address === "object" ? address.port : env.port;
    const host = env.host === "0.0.0.0" || env.host === "::" ? "127.0.0.1" : env.host;
    const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    logger.info({ url: baseUrl, database: database.kind, meta: sandbox ? "sandbox" : graphUrl }, "listening");
    process.stdout.write(
      banner({
        baseUrl,
        database:
          database.kind === "pglite" ? `PGlite (${path.join(env.dataDir, "pglite")})` : "PostgreSQL (DATABASE_URL)",
        meta: sandbox ? `in-process sandbox at ${sandbox.url}` : `${graphUrl} (${env.metaApiVersion})`,
        phoneNumberId: demo.phoneNumberId,
        newApiKey: demo.source === "generated" ? demo.apiKey : null,
        keyNote:
          demo.source === "DEV_API_KEY"
            ? "it is DEV_API_KEY"
            : demo.source === "generated"
              ? `generated now and shown this once; also saved to ${path.join(env.dataDir, DEMO_KEY_FILE)} (0600)`
              : demo.source === "file"
                ? `it is in ${path.join(env.dataDir, DEMO_KEY_FILE)}`
                : demo.source === "unknown"
                  ? `unknown: only its hash is stored and ${DEMO_KEY_FILE} is missing; set DEV_API_KEY to register one`
                  : "no demo account (see DEMO_WABA_ID / DEMO_ACCESS_TOKEN)",
      }),
    );
    if (sandbox !== undefined && webhookConfig !== undefined) {
      // The sandbox sends its template webhooks to us, after the GET handshake (as Meta does).
      sandbox.control.webhooks.configure({ url: `${baseUrl}/webhooks/meta`, ...webhookConfig });
      const handshake = await sandbox.control.webhooks.verify();
      logger.info({ ok: handshake.ok }, "sandbox webhooks pointed at /webhooks/meta");
    } else if (webhookConfig === undefined) {
      logger.warn(
        "META_APP_SECRET / META_WEBHOOK_VERIFY_TOKEN are unset: /webhooks/meta is off; statuses change only by sync",
      );
    }
    return { server, sandbox, database, worker: lifecycleWorker, webhookWorker };
  } catch (error) {
    await webhookWorker?.stop().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
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
  let mediaPolicy: MediaFetchPolicy;
  try {
    env = loadEnv();
    mediaPolicy = createMediaPolicy(env.media);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  // Asynchronous writes to stdout: lines written while one write is in flight go out together (one syscall instead
  // of one per request line under load); pino flushes what is left synchronously when the process exits.
  const logger = createLogger({ level: env.logLevel, destination: pino.destination({ dest: 1, sync: false }) });

  // Signal handlers go in before start-up: a SIGTERM that arrives while we start is held and honoured gracefully as
  // soon as there is something to stop — but only for SHUTDOWN_TIMEOUT_MS: a start-up stuck (a database that never
  // answers, say) must not make the process deaf. Then, or at a second signal, it exits at once, saying where it was.
  let running: Running | undefined;
  let signalDuringStart: NodeJS.Signals | undefined;
  let stopping = false;
  const phase: StartPhase = { current: "loading configuration" };
  let startDeadline: NodeJS.Timeout | undefined;
  const abandonStart = (signal: NodeJS.Signals, why: string): void => {
    logger.error({ signal, phase: phase.current }, `${why} while ${phase.current}: exiting without finishing start-up`);
    process.stderr.write(`Stopped by ${signal} while ${phase.current} (${why}).\n`);
    process.exit(1);
  };
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (running === undefined) {
      if (signalDuringStart !== undefined) return abandonStart(signal, "second signal during start-up");
      signalDuringStart = signal;
      logger.warn(
        { signal, phase: phase.current, wait_ms: env.shutdownTimeoutMs },
        "signal during start-up: stopping once start-up finishes",
      );
      startDeadline = setTimeout(
        () =>
          abandonStart(
            signal,
            `start-up did not finish within SHUTDOWN_TIMEOUT_MS=${env.shutdownTimeoutMs} after the signal`,
          ),
        env.shutdownTimeoutMs,
      ).unref();
      return;
    }
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    const { server, worker, webhookWorker, sandbox, database } = running;
    // The listening socket closes first (synchronously): whoever reads "shutting down" is refused from then on,
    // rather than racing a connection into the backlog that the close then resets.
    const closed = closeServer(server, env.shutdownTimeoutMs, logger);
    logger.info({ signal }, "shutting down");
    await closed;
    // Drain: no new jobs; in-flight syncs and webhook applications finish (stored events not yet applied stay
    // pending in the database and are queued again at the next start).
    await webhookWorker.stop().catch((err: unknown) => logger.warn({ err }, "webhook delivery poller stop failed"));
    await worker.stop(env.shutdownTimeoutMs).catch((err: unknown) => logger.warn({ err }, "job queue stop failed"));
    logger.info("job queue drained");
    await sandbox?.close().catch((err: unknown) => logger.warn({ err }, "sandbox close failed"));
    await database
      .close()
      .then(() => logger.info({ database: database.kind }, "database closed"))
      .catch((err: unknown) => logger.warn({ err }, "database close failed"));
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (s) => void stop(s));
  process.on("SIGINT", (s) => void stop(s));

  try {
    running = await start(env, mediaPolicy, logger, phase);
  } catch (error) {
    if (error instanceof StartupError) {
      logger.fatal({ phase: phase.current, reason: error.message }, "failed to start");
      process.stderr.write(`${error.message}\n`);
    } else {
      logger.fatal({ err: error, phase: phase.current }, "failed to start");
    }
    process.exit(1);
  }
  // The last start-up line: every signal from here on stops gracefully (tests and supervisors can wait for it).
  logger.info("started");
  clearTimeout(startDeadline);
  if (signalDuringStart !== undefined) await stop(signalDuringStart);
}

void main();
