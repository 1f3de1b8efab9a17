import { describe, expect, it } from "vitest";
import {
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  JITTER,
  judgeAttempt,
  MAX_ATTEMPTS,
  RETRY_BASE_MS,
  RETRY_CAP_MS,
  retryDelayMs,
} from "./retry-policy.js";

const now = new Date("2026-12-01T00:00:00Z");
const mid = () => 0.5;

describe("webhook retry policy", () => {
  it("any 2xx delivers and resets the failure count", () => {
    for (const statusCode of [200, 201, 204, 299]) {
      expect(judgeAttempt({ result: { statusCode }, attempt: 3, consecutiveFailures: 7, now, random: mid })).toEqual({
        outcome: "delivered",
        consecutiveFailures: 0,
      });
    }
  });

  it("410 disables the subscription at once; 3xx, 4xx, 5xx and transport errors retry", () => {
    expect(
      judgeAttempt({ result: { statusCode: 410 }, attempt: 1, consecutiveFailures: 0, now, random: mid }),
    ).toMatchObject({ outcome: "subscription_disabled", reason: "endpoint_gone" });
    for (const result of [
      { statusCode: 301 },
      { statusCode: 400 },
      { statusCode: 500 },
      { error: "ECONNREFUSED" },
      { error: "timeout after 10000 ms" },
    ]) {
      expect(judgeAttempt({ result, attempt: 1, consecutiveFailures: 0, now, random: mid })).toMatchObject({
        outcome: "retrying",
        consecutiveFailures: 1,
      });
    }
  });

  it("backs off exponentially from 50 s, capped at 6 h, with ±20 % jitter", () => {
    expect(retryDelayMs(1, mid)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(2, mid)).toBe(2 * RETRY_BASE_MS);
    expect(retryDelayMs(5, mid)).toBe(16 * RETRY_BASE_MS);
    expect(retryDelayMs(12, mid)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(3, () => 0)).toBe(Math.round(4 * RETRY_BASE_MS * (1 - JITTER)));
    expect(retryDelayMs(3, () => 0.999999)).toBeCloseTo(4 * RETRY_BASE_MS * (1 + JITTER), -1);
    const verdict = judgeAttempt({ result: { statusCode: 503 }, attempt: 2, consecutiveFailures: 1, now, random: mid });
    expect(verdict).toEqual({
      outcome: "retrying",
      nextAttemptAt: new Date(now.getTime() + 2 * RETRY_BASE_MS),
      consecutiveFailures: 2,
    });
  });

  it("spreads a delivery's attempts over about 31 hours", () => {
    let total = 0;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) total += retryDelayMs(attempt, mid);
    expect(total / 3_600_000).toBeGreaterThan(29);
    expect(total / 3_600_000).toBeLessThan(33);
  });

  it("gives up on a delivery after its last attempt, and disables the subscription at the 24th consecutive failure", () => {
    expect(
      judgeAttempt({ result: { statusCode: 500 }, attempt: MAX_ATTEMPTS, consecutiveFailures: 0, now, random: mid }),
    ).toEqual({ outcome: "failed", consecutiveFailures: 1 });
    expect(
      judgeAttempt({
        result: { statusCode: 500 },
        attempt: 1,
        consecutiveFailures: DISABLE_AFTER_CONSECUTIVE_FAILURES - 2,
        now,
        random: mid,
      }).outcome,
    ).toBe("retrying");
    expect(
      judgeAttempt({
        result: { statusCode: 500 },
        attempt: 1,
        consecutiveFailures: DISABLE_AFTER_CONSECUTIVE_FAILURES - 1,
        now,
        random: mid,
      }),
    ).toEqual({
      outcome: "subscription_disabled",
      reason: "consecutive_failures",
      consecutiveFailures: DISABLE_AFTER_CONSECUTIVE_FAILURES,
    });
  });
});
