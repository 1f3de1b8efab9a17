/**
 * Rate limits over real HTTP, on each database kind: X-RateLimit-* on every authenticated answer (4xx too),
 * 429 rate_limit_exceeded with Retry-After once a small bucket is empty, organisations kept apart, and Meta's
 * per-WABA create budget refusing the create over it before Meta is called.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import {
  createCalls,
  DEMO_PHONE_NUMBER_ID,
  lastSeq,
  OTHER_PHONE_NUMBER_ID,
  orderConfirmation,
  startStack,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;

function rateHeaders(res: CallResult): { limit: string | null; remaining: string | null; reset: string | null } {
  return {
    limit: res.headers.get("x-ratelimit-limit"),
    remaining: res.headers.get("x-ratelimit-remaining"),
    reset: res.headers.get("x-ratelimit-reset"),
  };
}

describe.each(databaseKinds())("rate limits on %s", (kind) => {
  let s: Stack;
  let demoOrg = "";
  // Meta's create budget runs on the app's clock, injected here and standing still, so its Retry-After is exact.
  // Request buckets run on the database's clock (one timeline for every instance) and refill in real time, so
  // their counts are asserted with what can have refilled while the test ran.
  const clock = Date.UTC(2026, 0, 5, 9, 0, 0);

  beforeAll(async () => {
    s = await startStack(kind, {
      now: () => clock,
      core: { rateLimits: { writePerMinute: 3, readPerMinute: 5, metaCreatesPerHour: 2 } },
    });
    demoOrg = (await s.core.auth.authenticate(s.demoKey)).organisationId;
  });
  afterAll(async () => {
    await s?.close();
  });

  it("puts X-RateLimit-* on success and on 4xx answers; not on 401 (no organisation yet)", async () => {
    const startedAt = performance.now();
    const ok = await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey });
    expect(ok.status).toBe(200);
    expect(rateHeaders(ok)).toMatchObject({ limit: "5", remaining: "4" });
    const reset = Number(ok.headers.get("x-ratelimit-reset"));
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    const notFound = await call(s.baseUrl, "GET", `${TEMPLATES}/no_such_template`, { token: s.demoKey });
    expectError(notFound, 404, "resource_not_found");
    // One token taken, plus at most what refilled meanwhile (5 per minute: one per 12 s).
    const refilled = Math.floor((performance.now() - startedAt) / 12_000);
    expect(rateHeaders(notFound)).toMatchObject({ limit: "5", remaining: String(Math.min(4, 3 + refilled)) });

    const unauthenticated = await call(s.baseUrl, "GET", "/v1/accounts");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("answers 429 rate_limit_exceeded with Retry-After once the write bucket is empty; other organisations unaffected", async () => {
    const startedAt = performance.now();
    const statuses: number[] = [];
    let refused: CallResult | undefined;
    for (let i = 0; i < 10 && refused === undefined; i++) {
      const res = await call(s.baseUrl, "POST", `${TEMPLATES}/sync`, { token: s.demoKey });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    if (refused === undefined) throw new Error(`no 429 in ${statuses.join(", ")}`);
    // Three tokens, plus at most what refilled while the syncs ran (3 per minute: one per 20 s).
    const refilled = Math.floor((performance.now() - startedAt) / 20_000);
    const passed = statuses.length - 1;
    expect(
      statuses.slice(0, passed).every((st) => st === 200),
      statuses.join(", "),
    ).toBe(true);
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(passed).toBeLessThanOrEqual(3 + refilled);
    expectError(refused, 429, "rate_limit_exceeded", { type: "rate_limit_error" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20); // one token of a 3-per-minute bucket
    expect(rateHeaders(refused)).toMatchObject({ limit: "3", remaining: "0" });
    // Reads have their own bucket.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey })).status).toBe(200);
    // Another organisation has its own buckets.
    const other = await call(s.baseUrl, "POST", `/v1/${OTHER_PHONE_NUMBER_ID}/templates/sync`, { token: s.otherKey });
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toMatchObject({ limit: "3", remaining: "2" });
  });

  it("honours an organisation's own limit", async () => {
    await s.core.rateLimits.setOrganisationLimits(demoOrg, { readPerMinute: 50 });
    const res = await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey });
    expect(res.headers.get("x-ratelimit-limit")).toBe("50");
  });

  it("refuses the create over Meta's per-WABA budget with 429 meta_rate_limited before calling Meta", async () => {
    await s.core.rateLimits.setOrganisationLimits(demoOrg, { writePerMinute: 100 });
    const since = lastSeq(s.sandbox);
    for (const name of [`budget_${kind}_1`, `budget_${kind}_2`]) {
      const created = await call(s.baseUrl, "POST", TEMPLATES, {
        token: s.demoKey,
        body: { ...orderConfirmation(), name },
      });
      expect(created.status, created.text).toBe(201);
    }
    expect(createCalls(s.sandbox, since)).toBe(2);
    const refused = await call(s.baseUrl, "POST", TEMPLATES, {
      token: s.demoKey,
      body: { ...orderConfirmation(), name: `budget_${kind}_3` },
    });
    expectError(refused, 429, "meta_rate_limited", { type: "rate_limit_error" });
    expect(refused.headers.get("retry-after")).toBe("3600"); // the clock stood still since the first create
    expect(createCalls(s.sandbox, since)).toBe(2);
  });
});
