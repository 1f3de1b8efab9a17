/**
 * The one place configuration is read. Everything else receives a typed `Env` object.
 *
 * Every variable is documented in the repository's `.env.example`.
 */
import path from "node:path";
import { parseTokenKeyring, TokenKeyringError } from "@kirim/core";
import type { TokenKeyring } from "@kirim/core";
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Empty strings count as "unset" (a common `.env` habit: `DATABASE_URL=`). */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const ZEnvInput = z.object({
  PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(65_535).default(3000)),
  HOST: optionalString.pipe(z.string().default("127.0.0.1")),
  DATA_DIR: optionalString.pipe(z.string().default("./.data")),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  DATABASE_CONNECT_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(10_000)),
  DATABASE_STATEMENT_TIMEOUT_MS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(0).default(60_000),
  ),
  META_GRAPH_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .refine((url) => !/\/v\d+\.\d+\/?$/.test(url), "must not end with the API version; set META_API_VERSION instead")
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
  ),
  META_API_VERSION: optionalString.pipe(
    z
      .string()
      .regex(/^v\d+\.\d+$/, "must look like v23.0")
      .default("v23.0"),
  ),
  DEMO_WABA_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be digits").optional()),
  DEMO_ACCESS_TOKEN: optionalString.pipe(z.string().optional()),
  DEV_API_KEY: optionalString.pipe(
    z.string().min(16, "must be at least 16 characters").regex(/^\S+$/, "must not contain whitespace").optional(),
  ),
  CURSOR_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  LOG_LEVEL: optionalString.pipe(z.enum(LOG_LEVELS).default("info")),
  SANDBOX_REVIEW_DELAY_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).optional()),
  SHUTDOWN_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).default(10_000)),
  WEB_DIST_DIR: optionalString.pipe(z.string().optional()),
  // The dashboard's source maps stay private unless an operator asks (they expose the whole source).
  DASHBOARD_SOURCE_MAPS: optionalString.pipe(z.enum(["true", "false"]).default("false")).transform((v) => v === "true"),
  META_APP_SECRET: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  META_WEBHOOK_VERIFY_TOKEN: optionalString.pipe(z.string().min(8, "must be at least 8 characters").optional()),
  TEMPLATE_SYNC_INTERVAL_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).default(900_000)),
  JOB_QUEUE: optionalString.pipe(z.enum(["auto", "pg-boss", "in-process"]).default("auto")),
  // Outbound webhooks (issue 17): allow private/loopback targets and plain http (on-premises receivers, tests).
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalString
    .pipe(z.enum(["true", "false"]).default("false"))
    .transform((v) => v === "true"),
  RATE_LIMIT_WRITE_PER_MINUTE: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(60)),
  RATE_LIMIT_READ_PER_MINUTE: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(600)),
  RATE_LIMIT_LEASE_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(60_000).default(100)),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).default(20),
  ),
  META_TEMPLATE_CREATES_PER_HOUR: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(100)),
  IDEMPOTENCY_WAIT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).default(30_000)),
  TOKEN_ENCRYPTION_KEYS: optionalString,
  CORS_ORIGINS: optionalString.pipe(
    z
      .string()
      .transform((list) =>
        list
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      )
      .pipe(
        z.array(
          z
            .url({ protocol: /^https?$/, error: "each origin must be an http(s) origin like https://app.example.com" })
            .refine(
              (url) => URL.canParse(url) && new URL(url).origin === url.replace(/\/$/, ""),
              "each entry must be a bare origin (scheme://host[:port], no path)",
            )
            .transform((url) => new URL(url).origin),
        ),
      )
      .optional(),
  ),
  NODE_ENV: optionalString,
  META_APP_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be digits (the Meta app id)").optional()),
  MEDIA_FETCH_ALLOWED_PORTS: optionalString.pipe(
    z
      .string()
      .default("443")
      .transform((list) => list.split(",").map((item) => item.trim()))
      .pipe(z.array(z.coerce.number<string>().int().min(1).max(65_535)).min(1, "must list at least one port")),
  ),
  MEDIA_FETCH_CONNECT_TIMEOUT_MS: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(1).default(5_000),
  ),
  MEDIA_FETCH_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).default(60_000)),
  MEDIA_FETCH_TEST_LOOPBACK_ORIGINS: optionalString.pipe(
    z
      .string()
      .transform((list) =>
        list
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      )
      .pipe(
        z.array(
          z.url({ protocol: /^https?$/, error: "each origin must be an http(s) URL like http://127.0.0.1:40123" }),
        ),
      )
      .optional(),
  ),
});

/** Every variable this app reads: turbo must pass each through (`pnpm dev`), `.env.example` documents each. */
export const ENV_VARIABLE_NAMES: readonly string[] = Object.keys(ZEnvInput.shape);

/** Where `pnpm build` leaves the dashboard: apps/web/dist, seen from apps/api/{src,dist}/env.* */
const DEFAULT_WEB_DIST_DIR = new URL("../../web/dist/", import.meta.url).pathname;

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Env {
  port: number;
  host: string;
  /** Absolute path (resolved against the working directory at start). */
  dataDir: string;
  /** Set → PostgreSQL; unset → PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL: bound on opening a connection (TCP + the server's first answer), so a silent server cannot hang us. */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL: bound on one statement (server `statement_timeout` + a client-side timeout); 0 = none. */
  databaseStatementTimeoutMs: number;
  /** Graph base URL without the version segment; unset → start the in-process Meta sandbox. */
  metaGraphUrl: string | undefined;
  metaApiVersion: string;
  /** Demo account wiring when `metaGraphUrl` is set (the in-process sandbox provides its own). */
  demoWabaId: string | undefined;
  demoAccessToken: string | undefined;
  devApiKey: string | undefined;
  /** Unset → generated once and persisted in `dataDir/cursor-secret`. */
  cursorSecret: string | undefined;
  logLevel: LogLevel;
  sandboxReviewDelayMs: number | undefined;
  shutdownTimeoutMs: number;
  /** The built dashboard served at `/` (absolute path). */
  webDistDir: string;
  /** DASHBOARD_SOURCE_MAPS=true: serve the dashboard's `.map` files (404 otherwise). */
  dashboardSourceMaps: boolean;
  /** Meta app secret (X-Hub-Signature-256 key) and webhook verify token; unset with the in-process sandbox →
   * the sandbox's demo app secret and a generated token. Both or neither. */
  metaAppSecret: string | undefined;
  metaWebhookVerifyToken: string | undefined;
  /** Scheduled sync of every connected account (ms, jittered); 0 = off. */
  templateSyncIntervalMs: number;
  /** auto = pg-boss on PostgreSQL, the in-process queue on PGlite. */
  jobQueue: "auto" | "pg-boss" | "in-process";
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS=true: outbound webhooks may target private/loopback addresses over http. */
  webhookAllowPrivateTargets: boolean;
  /** Default request buckets per organisation (requests per minute); an organisation's own columns override them. */
  rateLimitWritePerMinute: number;
  rateLimitReadPerMinute: number;
  /** Milliseconds of an organisation bucket's rate an instance takes at once (core `leaseSize`); 0 = one token per request. */
  rateLimitLeaseMs: number;
  /** Failed authentications (401s) per client address and minute before its requests get 429 without a key lookup. */
  rateLimitAuthFailuresPerMinute: number;
  /** Meta's template-create budget per WABA per rolling hour, enforced before Meta is called. */
  metaTemplateCreatesPerHour: number;
  /** How long a request waits for a concurrent one with the same Idempotency-Key before 409. */
  idempotencyWaitMs: number;
  /**
   * Keys for Meta access tokens at rest (`TOKEN_ENCRYPTION_KEYS`, first = current). Unset → a key generated once
   * in `dataDir/token-encryption-key` (`resolveTokenKeyring`); refused when NODE_ENV=production.
   */
  tokenKeyring: TokenKeyring | undefined;
  /** Browser origins allowed to call /v1 cross-origin; unset → no CORS headers at all (same-origin only). */
  corsOrigins: string[] | undefined;
  /** Header-sample download and upload (issue 4); turned into a `MediaFetchPolicy` by `createMediaPolicy`. */
  media: MediaEnv;
}

export interface MediaEnv {
  /** Meta app id for the Resumable Upload API. Unset with the in-process sandbox → the sandbox's demo app. */
  appId: string | undefined;
  allowedPorts: number[];
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  /** TEST-ONLY loopback origins that may be fetched over http on any port. Refused when NODE_ENV=production. */
  testLoopbackOrigins: string[] | undefined;
}

export class EnvError extends Error {
  override readonly name = "EnvError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * Validates the environment. Pure apart from the default `source` (tests pass their own object).
 * Throws `EnvError` listing every invalid variable at once.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): Env {
  const parsed = ZEnvInput.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.META_GRAPH_URL === undefined && (e.DEMO_WABA_ID !== undefined || e.DEMO_ACCESS_TOKEN !== undefined)) {
    // Harmless, but almost certainly a mistake worth telling about.
    throw new EnvError(["DEMO_WABA_ID / DEMO_ACCESS_TOKEN only apply when META_GRAPH_URL is set"]);
  }
  if ((e.META_APP_SECRET === undefined) !== (e.META_WEBHOOK_VERIFY_TOKEN === undefined)) {
    throw new EnvError(["META_APP_SECRET and META_WEBHOOK_VERIFY_TOKEN must be set together"]);
  }
  if (e.JOB_QUEUE === "pg-boss" && e.DATABASE_URL === undefined) {
    throw new EnvError(["JOB_QUEUE=pg-boss needs DATABASE_URL (pg-boss does not run on PGlite)"]);
  }
  if ((e.DEMO_WABA_ID === undefined) !== (e.DEMO_ACCESS_TOKEN === undefined)) {
    throw new EnvError(["DEMO_WABA_ID and DEMO_ACCESS_TOKEN must be set together"]);
  }
  if (e.MEDIA_FETCH_TEST_LOOPBACK_ORIGINS !== undefined && e.NODE_ENV === "production") {
    throw new EnvError(["MEDIA_FETCH_TEST_LOOPBACK_ORIGINS is for tests only and is refused when NODE_ENV=production"]);
  }
  let tokenKeyring: TokenKeyring | undefined;
  if (e.TOKEN_ENCRYPTION_KEYS !== undefined) {
    try {
      tokenKeyring = parseTokenKeyring(e.TOKEN_ENCRYPTION_KEYS);
    } catch (error) {
      if (error instanceof TokenKeyringError) throw new EnvError([`TOKEN_ENCRYPTION_KEYS: ${error.message}`]);
      throw error;
    }
  } else if (e.NODE_ENV === "production") {
    throw new EnvError([
      "TOKEN_ENCRYPTION_KEYS is required when NODE_ENV=production (Meta access tokens are encrypted with it); create one with `kirim secrets generate-key`",
    ]);
  }
  if (e.MEDIA_FETCH_CONNECT_TIMEOUT_MS > e.MEDIA_FETCH_TIMEOUT_MS) {
    throw new EnvError(["MEDIA_FETCH_CONNECT_TIMEOUT_MS must not exceed MEDIA_FETCH_TIMEOUT_MS"]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    metaGraphUrl: e.META_GRAPH_URL,
    metaApiVersion: e.META_API_VERSION,
    demoWabaId: e.DEMO_WABA_ID,
    demoAccessToken: e.DEMO_ACCESS_TOKEN,
    devApiKey: e.DEV_API_KEY,
    cursorSecret: e.CURSOR_SECRET,
    logLevel: e.LOG_LEVEL,
    sandboxReviewDelayMs: e.SANDBOX_REVIEW_DELAY_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    webDistDir: e.WEB_DIST_DIR === undefined ? DEFAULT_WEB_DIST_DIR : path.resolve(cwd, e.WEB_DIST_DIR),
    metaAppSecret: e.META_APP_SECRET,
    metaWebhookVerifyToken: e.META_WEBHOOK_VERIFY_TOKEN,
    templateSyncIntervalMs: e.TEMPLATE_SYNC_INTERVAL_MS,
    jobQueue: e.JOB_QUEUE,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    dashboardSourceMaps: e.DASHBOARD_SOURCE_MAPS,
    rateLimitWritePerMinute: e.RATE_LIMIT_WRITE_PER_MINUTE,
    rateLimitReadPerMinute: e.RATE_LIMIT_READ_PER_MINUTE,
    rateLimitLeaseMs: e.RATE_LIMIT_LEASE_MS,
    rateLimitAuthFailuresPerMinute: e.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    metaTemplateCreatesPerHour: e.META_TEMPLATE_CREATES_PER_HOUR,
    idempotencyWaitMs: e.IDEMPOTENCY_WAIT_MS,
    tokenKeyring,
    corsOrigins: e.CORS_ORIGINS,
    media: {
      appId: e.META_APP_ID,
      allowedPorts: e.MEDIA_FETCH_ALLOWED_PORTS,
      connectTimeoutMs: e.MEDIA_FETCH_CONNECT_TIMEOUT_MS,
      totalTimeoutMs: e.MEDIA_FETCH_TIMEOUT_MS,
      testLoopbackOrigins: e.MEDIA_FETCH_TEST_LOOPBACK_ORIGINS,
    },
  };
}
