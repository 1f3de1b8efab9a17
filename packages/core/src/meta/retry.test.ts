import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MetaApiError } from "./meta-api-error.js";
import type { MetaApiErrorInit } from "./meta-api-error.js";
import { DEFAULT_RETRY_POLICY, backoffMs, isAmbiguousFailure, shouldRetry } from "./retry.js";

const err = (init: Partial<MetaApiErrorInit>): MetaApiError =>
  new MetaApiError({ kind: "graph", message: "x", ...init });
const policy = DEFAULT_RETRY_POLICY; // maxAttempts 3, maxRetryAfterMs 10 000

describe("shouldRetry", () => {
  const cases: [string, MetaApiError, number, boolean][] = [
    ["network error", err({ kind: "network" }), 1, true],
    ["timeout", err({ kind: "timeout" }), 1, true],
    ["timeout at the last attempt", err({ kind: "timeout" }), 3, false],
    ["network error past the budget", err({ kind: "network" }), 4, false],
    ["HTTP 500", err({ status: 500, code: 1 }), 1, true],
    ["HTTP 503 without envelope", err({ status: 503 }), 2, true],
    ["code 2 transient", err({ status: 503, code: 2, isTransient: true }), 1, true],
    ["is_transient on a 400", err({ status: 400, code: 1, isTransient: true }), 1, true],
    ["code 100 validation", err({ status: 400, code: 100, subcode: 2388293 }), 1, false],
    ["code 100 even if flagged transient", err({ status: 400, code: 100, isTransient: true }), 1, false],
    ["duplicate 2388024", err({ status: 400, code: 100, subcode: 2388024 }), 1, false],
    ["190 token", err({ status: 401, code: 190 }), 1, false],
    ["10 permission", err({ status: 403, code: 10 }), 1, false],
    ["200 permission", err({ status: 403, code: 200 }), 1, false],
    ["4 app rate limit", err({ status: 400, code: 4 }), 1, true],
    ["80007 WABA rate limit", err({ status: 400, code: 80007 }), 1, true],
    ["80008 too many calls", err({ status: 400, code: 80008 }), 2, true],
    ["130429 throughput", err({ status: 400, code: 130429 }), 1, true],
    ["rate limit with an acceptable Retry-After", err({ status: 429, code: 4, retryAfterMs: 2_000 }), 1, true],
    ["rate limit with a too-long stated wait", err({ status: 400, code: 80007, retryAfterMs: 60_000 }), 1, false],
    ["HTTP 429 without a code", err({ status: 429 }), 1, true],
    ["other 4xx (803 not found)", err({ status: 404, code: 803 }), 1, false],
    ["malformed 2xx", err({ kind: "malformed_response", status: 200 }), 1, false],
    [
      "503 with an acceptable Retry-After",
      err({ status: 503, code: 2, isTransient: true, retryAfterMs: 5_000 }),
      1,
      true,
    ],
    [
      "503 stating a wait longer than we honour",
      err({ status: 503, code: 2, isTransient: true, retryAfterMs: 3_600_000 }),
      1,
      false,
    ],
    [
      "is_transient with a too-long stated wait",
      err({ status: 400, code: 1, isTransient: true, retryAfterMs: 20_000 }),
      1,
      false,
    ],
    ["190 with Retry-After is still final", err({ status: 401, code: 190, retryAfterMs: 1_000 }), 1, false],
    ["rate limit at the last attempt", err({ status: 400, code: 80008 }), 3, false],
  ];
  it.each(cases)("%s → attempt %#", (_label, error, attempt, expected) => {
    expect(shouldRetry(error, attempt, policy)).toBe(expected);
  });

  it("retries a malformed answer to a read (idempotent), never to a write, and not past the budget", () => {
    const malformed = err({ kind: "malformed_response", status: 200 });
    expect(shouldRetry(malformed, 1, policy, { idempotent: true })).toBe(true);
    expect(shouldRetry(malformed, 1, policy, { idempotent: false })).toBe(false);
    expect(shouldRetry(malformed, policy.maxAttempts, policy, { idempotent: true })).toBe(false);
  });
});

describe("isAmbiguousFailure (create may have landed)", () => {
  const cases: [string, MetaApiError, boolean][] = [
    ["timeout", err({ kind: "timeout" }), true],
    ["network", err({ kind: "network" }), true],
    ["500", err({ status: 500 }), true],
    ["503 code 2", err({ status: 503, code: 2, isTransient: true }), true],
    ["unreadable 2xx (the create was accepted)", err({ kind: "malformed_response", status: 200 }), true],
    ["HTTP 429 refused", err({ status: 429, code: 4 }), false],
    ["token refused", err({ status: 401, code: 190 }), false],
    ["rate limit refused", err({ status: 400, code: 80008 }), false],
    ["validation", err({ status: 400, code: 100 }), false],
  ];
  it.each(cases)("%s", (_l, error, expected) => expect(isAmbiguousFailure(error)).toBe(expected));
});

describe("backoffMs", () => {
  const base = { baseMs: 500, maxMs: 5_000 };
  const cases: [string, number, number, number | undefined, number][] = [
    // label, attempt, random, retryAfterMs, expected
    ["attempt 1, random 0 → 50 % but never below base", 1, 0, undefined, 500],
    ["attempt 1, random ~1 → full", 1, 0.999999, undefined, 500],
    ["attempt 2, random 0 → 50 % of 1000", 2, 0, undefined, 500],
    ["attempt 2, random 0.5 → 75 % of 1000", 2, 0.5, undefined, 750],
    ["attempt 3, random 0.5 → 75 % of 2000", 3, 0.5, undefined, 1_500],
    ["attempt 4, random 0 → 50 % of 4000", 4, 0, undefined, 2_000],
    ["attempt 10 capped at max", 10, 0.999999, undefined, 5_000],
    ["Retry-After longer than backoff wins", 1, 0.5, 3_000, 3_000],
    ["Retry-After shorter than backoff: never earlier than backoff", 3, 0.5, 100, 1_500],
    ["Retry-After 0", 1, 0, 0, 500],
  ];
  it.each(cases)("%s", (_label, attempt, random, retryAfterMs, expected) => {
    expect(backoffMs(attempt, { ...base, retryAfterMs, random: () => random })).toBe(expected);
  });

  it("stays within [base, max] for any random value", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      for (const r of [0, 0.1, 0.37, 0.5, 0.9, 0.999]) {
        const ms = backoffMs(attempt, { ...base, random: () => r });
        expect(ms).toBeGreaterThanOrEqual(500);
        expect(ms).toBeLessThanOrEqual(5_000);
      }
    }
  });
});

describe("backoffMs (property)", () => {
  it("is within [base, max] and never below a stated wait", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
        (attempt, r, retryAfterMs) => {
          const ms = backoffMs(attempt, { baseMs: 500, maxMs: 5_000, retryAfterMs, random: () => r });
          expect(ms).toBeGreaterThanOrEqual(500);
          if (retryAfterMs === undefined) expect(ms).toBeLessThanOrEqual(5_000);
          else expect(ms).toBeGreaterThanOrEqual(retryAfterMs);
        },
      ),
    );
  });
});
