/**
 * What one delivery attempt's answer means (pure; unit-tested without a clock or network).
 *
 * Schedule: the retry after the n-th failed attempt waits 50 s × 2^(n−1), capped at 6 h, ±20 % jitter; a delivery
 * gets 14 attempts (13 waits ≈ 31 h without jitter: 50 s … 7.1 h capped to 6 h). Any 2xx delivers; 410 Gone
 * disables the subscription at once (the receiver said the endpoint is gone); every other answer, a timeout or a
 * refused connection is a failure. 24 consecutive failures of one subscription (across its deliveries) disable it.
 */
export const RETRY_BASE_MS = 50_000;
export const RETRY_CAP_MS = 6 * 60 * 60 * 1000;
export const MAX_ATTEMPTS = 14;
export const JITTER = 0.2;
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 24;

export type AttemptResult = { statusCode: number } | { error: string };

export type AttemptVerdict =
  | { outcome: "delivered"; consecutiveFailures: 0 }
  | { outcome: "retrying"; nextAttemptAt: Date; consecutiveFailures: number }
  | { outcome: "failed"; consecutiveFailures: number }
  | { outcome: "subscription_disabled"; reason: "endpoint_gone" | "consecutive_failures"; consecutiveFailures: number };

/** The wait before attempt `failedAttempts + 1`, jitter from `random()` in [0, 1). */
export function retryDelayMs(failedAttempts: number, random: () => number): number {
  const exponential = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1), RETRY_CAP_MS);
  return Math.round(exponential * (1 - JITTER + 2 * JITTER * random()));
}

export function judgeAttempt(input: {
  result: AttemptResult;
  /** Attempts of this delivery, this one included. */
  attempt: number;
  /** The subscription's consecutive failures before this attempt. */
  consecutiveFailures: number;
  now: Date;
  random: () => number;
}): AttemptVerdict {
  const { result } = input;
  if ("statusCode" in result && result.statusCode >= 200 && result.statusCode < 300)
    return { outcome: "delivered", consecutiveFailures: 0 };
  const failures = input.consecutiveFailures + 1;
  if ("statusCode" in result && result.statusCode === 410)
    return { outcome: "subscription_disabled", reason: "endpoint_gone", consecutiveFailures: failures };
  if (failures >= DISABLE_AFTER_CONSECUTIVE_FAILURES)
    return { outcome: "subscription_disabled", reason: "consecutive_failures", consecutiveFailures: failures };
  if (input.attempt >= MAX_ATTEMPTS) return { outcome: "failed", consecutiveFailures: failures };
  return {
    outcome: "retrying",
    nextAttemptAt: new Date(input.now.getTime() + retryDelayMs(input.attempt, input.random)),
    consecutiveFailures: failures,
  };
}
