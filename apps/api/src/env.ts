/**
 * The one place configuration is read. Everything else receives a typed `Env` object.
 *
 * Every variable is documented in the repository's `.env.example`.
 */
import path from "node:path";
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
    z
      .string()
      .min(16, "must be at least 16 characters")
      .regex(/^\S+$/, "must not contain whitespace")
      .optional(),
  ),
  CURSOR_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  LOG_LEVEL: optionalString.pipe(z.enum(LOG_LEVELS).default("info")),
  SANDBOX_REVIEW_DELAY_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).optional()),
  SHUTDOWN_TIMEOUT_MS: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).default(10_000)),
  WEB_DIST_DIR: optionalString.pipe(z.string().optional()),
});

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
export function loadEnv(
  source: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Env {
  const parsed = ZEnvInput.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.META_GRAPH_URL === undefined && (e.DEMO_WABA_ID !== undefined || e.DEMO_ACCESS_TOKEN !== undefined)) {
    // Harmless, but almost certainly a mistake worth telling about.
    throw new EnvError(["DEMO_WABA_ID / DEMO_ACCESS_TOKEN only apply when META_GRAPH_URL is set"]);
  }
  if ((e.DEMO_WABA_ID === undefined) !== (e.DEMO_ACCESS_TOKEN === undefined)) {
    throw new EnvError(["DEMO_WABA_ID and DEMO_ACCESS_TOKEN must be set together"]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
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
  };
}
