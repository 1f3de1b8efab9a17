import type { MetaApiError } from "./meta-api-error.js";
import type { RetryPolicy } from "./types.js";

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseMs: 500,
  maxMs: 5_000,
  maxRetryAfterMs: 10_000,
});

/** Meta's rate-limit codes: app (4), WABA (80007), WABA template calls (80008), Cloud API throughput (130429). */
export const META_RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80007, 80008, 130429]);

/** Token / permission codes: retrying cannot help. */
export function isMetaAuthCode(code: number | undefined): boolean {
  return code === 190 || code === 102 || code === 10 || (code !== undefined && code >= 200 && code <= 299);
}

export function isMetaRateLimit(error: MetaApiError): boolean {
  return error.code !== undefined && META_RATE_LIMIT_CODES.has(error.code);
}

/**
 * Whether the request may have been processed by Meta although we got no usable answer
 * (so a non-idempotent create must be checked before it is sent again).
 */
export function isAmbiguousFailure(error: MetaApiError): boolean {
  if (error.kind === "timeout" || error.kind === "network") return true;
  if (error.kind === "malformed_response") return true;
  if (isMetaRateLimit(error)) return false; // refused, certainly not processed
  return error.status !== undefined && error.status >= 500;
}

/** Whether the failure is of a kind that may succeed when repeated (ignoring the attempt budget and stated waits). */
function isRetryableKind(outcome: MetaApiError, idempotent: boolean): boolean {
  switch (outcome.kind) {
    case "network":
    case "timeout":
      return true;
    case "malformed_response":
      // A truncated or garbled body (a cut connection, a proxy's error page) is worth one more read; a write's
      // unreadable answer is settled by the create-landed check instead.
      return idempotent;
    case "graph":
      break;
  }
  // Validation and auth refusals are final, even if Meta were to flag them transient.
  if (outcome.code === 100 || isMetaAuthCode(outcome.code)) return false;
  if (isMetaRateLimit(outcome) || outcome.status === 429) return true;
  if (outcome.isTransient) return true;
  return outcome.status !== undefined && outcome.status >= 500;
}

/**
 * Pure retry decision. `attempt` is the number of attempts already made (1 after the first failure).
 * Retried: network errors, timeouts, 5xx, `is_transient`, rate limits (4/80007/80008/130429, HTTP 429).
 * Malformed answers are retried only for idempotent requests (reads).
 * Never retried: validation (code 100), token/permission errors, other 4xx, a write's malformed answer, the attempt
 * after the budget, and any failure whose server-stated wait (Retry-After / usage header) is longer than
 * `maxRetryAfterMs` — the wait is honoured or the error is surfaced (with that wait as Retry-After), never cut short.
 */
export function shouldRetry(
  outcome: MetaApiError,
  attempt: number,
  policy: Pick<RetryPolicy, "maxAttempts" | "maxRetryAfterMs">,
  request: { idempotent: boolean } = { idempotent: false },
): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (!isRetryableKind(outcome, request.idempotent)) return false;
  return outcome.retryAfterMs === undefined || outcome.retryAfterMs <= policy.maxRetryAfterMs;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Server-stated wait; the delay is never shorter than it. */
  retryAfterMs?: number | undefined;
  /** Uniform random in [0, 1). */
  random: () => number;
}

/**
 * Delay before attempt `attempt + 1`: exponential `base·2^(attempt-1)` capped at `maxMs`, jittered to 50–100 %
 * (never below `baseMs`), and never shorter than a server-stated `retryAfterMs`.
 */
export function backoffMs(attempt: number, options: BackoffOptions): number {
  const exp = Math.min(options.baseMs * 2 ** Math.max(0, attempt - 1), options.maxMs);
  const r = Math.min(Math.max(options.random(), 0), 1);
  const jittered = Math.max(options.baseMs, Math.round(exp * (0.5 + 0.5 * r)));
  const capped = Math.min(jittered, Math.max(options.maxMs, options.baseMs));
  return options.retryAfterMs !== undefined ? Math.max(Math.ceil(options.retryAfterMs), capped) : capped;
}
