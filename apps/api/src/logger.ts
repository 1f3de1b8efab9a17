import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";
import type { LogLevel } from "./env.js";

export type { Logger };

/**
 * Paths pino censors wherever they appear. The request logger never passes headers or bodies at all; this is
 * the second line of defence for anything a future log call might include by accident (pino paths are
 * case-sensitive, hence both spellings of the header).
 */
export const REDACT_PATHS: string[] = [
  "authorization",
  "Authorization",
  "*.authorization",
  "*.Authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "apiKey",
  "*.apiKey",
  "api_key",
  "*.api_key",
  "key",
  "*.key",
  "accessToken",
  "*.accessToken",
  "access_token",
  "*.access_token",
  "access_token_encrypted",
  "*.access_token_encrypted",
  "token",
  "*.token",
  "cursorSecret",
  "*.cursorSecret",
  "tokenKeyring",
  "*.tokenKeyring",
];

/**
 * The third line of defence, applied to every serialised line: text that looks like one of our API keys or a
 * bearer credential (e.g. inside an error message that quotes a URL or a header) is masked. Meta tokens have
 * no recognisable shape, which is why they never reach a log call in the first place.
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/kdv_(live|test)_[A-Za-z0-9_-]{8,}/g, "kdv_$1_[REDACTED]"],
  [/(Bearer|bearer)(\s|%20)+[A-Za-z0-9\-._~+/]+=*/g, "$1 [REDACTED]"],
  [/(access_token=)[^&\s"]+/g, "$1[REDACTED]"],
];

export function scrubSecrets(line: string): string {
  let out = line;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Structured JSON logs (one object per line): `level`, ISO `time`, `msg`, plus the fields of each call — for
 * requests `request_id`, `method`, `route`, `status`, `duration_ms` and `organisation_id` (src/http/request-log.ts).
 */
export function createLogger(options: { level: LogLevel; name?: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name ?? "kirim-api",
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: scrubSecrets },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
