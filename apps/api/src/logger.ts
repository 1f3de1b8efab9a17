import { pino } from "pino";
import type { Logger } from "pino";
import type { LogLevel } from "./env.js";

export type { Logger };

/**
 * Paths pino censors wherever they appear. The request logger never passes headers at all; this is the
 * second line of defence for anything a future log call might include by accident.
 */
export const REDACT_PATHS: string[] = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
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
  "token",
  "*.token",
  "cursorSecret",
  "*.cursorSecret",
];

export function createLogger(options: { level: LogLevel; name?: string }): Logger {
  return pino({
    name: options.name ?? "kirim-api",
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
