import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../errors.js";
import type { MetaGateway } from "../../meta/types.js";
import { createTestDatabase, databaseKinds } from "../../testing/index.js";
import type { TestDatabase } from "../../testing/index.js";
import { bucketForMethod, createRateLimitService, rateLimitError, withMetaCreateBudget } from "./rate-limit.service.js";
import { describeBucket, take, tokensAt } from "./token-bucket.js";

describe("token bucket arithmetic", () => {
  it("starts full, takes one token per request and refuses when empty", () => {
    let state = take(undefined, 3, 1000);
    expect(state.decision).toEqual({ allowed: true, limit: 3, remaining: 2, resetAt: 1020, retryAfterSeconds: 1 });
    state = take(state.next, 3, 1000);
    state = take(state.next, 3, 1000);
    expect(state.decision.remaining).toBe(0);
    const refused = take(state.next, 3, 1000);
    expect(refused.decision).toEqual({ allowed: false, limit: 3, remaining: 0, resetAt: 1060, retryAfterSeconds: 20 });
  });

  it("refills continuously at capacity per minute, never above capacity, and not when the clock goes back", () => {
    expect(tokensAt({ tokens: 0, at: 0 }, 60, 1)).toBe(1);
    expect(tokensAt({ tokens: 0, at: 0 }, 60, 30)).toBe(30);
    expect(tokensAt({ tokens: 0, at: 0 }, 60, 600)).toBe(60);
    expect(tokensAt({ tokens: 5, at: 100 }, 60, 50)).toBe(5);
    const afterRefill = take({ tokens: 0, at: 0 }, 3, 20);
    expect(afterRefill.decision.allowed).toBe(true);
    expect(afterRefill.next.tokens).toBeCloseTo(0, 9);
  });

  it("derives Reset (bucket full again) and Retry-After (one token) in whole seconds", () => {
    expect(describeBucket(600, 599.5, 1000.2, true)).toEqual({
      allowed: true,
      limit: 600,
      remaining: 599,
      resetAt: 1001,
      retryAfterSeconds: 1,
    });
    expect(describeBucket(60, 0.25, 0, false)).toMatchObject({ remaining: 0, resetAt: 60, retryAfterSeconds: 1 });
    expect(describeBucket(6, 0, 0, false)).toMatchObject({ retryAfterSeconds: 10, resetAt: 60 });
  });

  it("classes methods: GET/HEAD read, the rest write", () => {
    expect(["GET", "HEAD", "get"].map(bucketForMethod)).toEqual(["read", "read", "read"]);
    expect(["POST", "PUT", "PATCH", "DELETE"].map(bucketForMethod)).toEqual(["write", "write", "write", "write"]);
  });

  it("the 429 carries Retry-After", () => {
    const error = rateLimitError("write", describeBucket(60, 0, 0, false));
    expect({ code: error.code, status: error.status, headers: error.headers }).toEqual({
      code: "rate_limit_exceeded",
      status: 429,
      headers: { "Retry-After": "1" },
    });
  });
});

describe.each(databaseKinds())("rate limits on %s", (kind) => {
  let db: TestDatabase;
  let clock: Date;
  let n = 0;
  async function newOrg(): Promise<string> {
    const id = `org_rl_${kind}_${++n}`;
    await db.db.insertInto("organisations").values({ id, name: id }).execute();
    return id;
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    clock = new Date("2026-11-23T10:00:00Z");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("empties a small write bucket and refuses the next request with the numbers for the headers", async () => {
    const limits = createRateLimitService({
      db: db.db,
      now: () => clock,
      options: { writePerMinute: 3, readPerMinute: 100 },
    });
    const org = await newOrg();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limits.consume(org, "write"));
    expect(decisions.map((d) => [d.allowed, d.limit, d.remaining])).toEqual([
      [true, 3, 2],
      [true, 3, 1],
      [true, 3, 0],
      [false, 3, 0],
    ]);
    const refused = decisions[3];
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(20);
    const nowSeconds = Date.now() / 1000;
    expect(refused?.resetAt).toBeGreaterThan(nowSeconds);
    expect(refused?.resetAt).toBeLessThanOrEqual(Math.ceil(nowSeconds) + 61);
    // The read bucket is separate.
    expect((await limits.consume(org, "read")).allowed).toBe(true);
  });

  it("keeps organisations apart and honours an organisation's own limit", async () => {
    const limits = createRateLimitService({ db: db.db, now: () => clock, options: { writePerMinute: 2 } });
    const a = await newOrg();
    const b = await newOrg();
    await limits.consume(a, "write");
    await limits.consume(a, "write");
    expect((await limits.consume(a, "write")).allowed).toBe(false);
    expect((await limits.consume(b, "write")).allowed).toBe(true);

    await limits.setOrganisationLimits(b, { writePerMinute: 10, readPerMinute: 7 });
    const raised = await limits.consume(b, "write");
    // Raised from 2 to 10 with 1 used: the 8 new tokens are there at once, the used one stays used.
    expect(raised).toMatchObject({ allowed: true, limit: 10, remaining: 8 });
    expect((await limits.consume(b, "read")).limit).toBe(7);
    await limits.setOrganisationLimits(b, { writePerMinute: null });
    expect((await limits.consume(b, "write")).limit).toBe(2);
  });

  it("never lets more requests through than the capacity under concurrency", async () => {
    const limits = createRateLimitService({ db: db.db, now: () => clock, options: { writePerMinute: 5 } });
    const org = await newOrg();
    const decisions = await Promise.all(Array.from({ length: 25 }, () => limits.consume(org, "write")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  });

  describe("Meta's create budget per WABA", () => {
    it("refuses the create over the budget with Retry-After until the oldest leaves the hour", async () => {
      const limits = createRateLimitService({ db: db.db, now: () => clock, options: { metaCreatesPerHour: 3 } });
      const waba = `waba-${kind}-1`;
      const start = clock;
      try {
        await limits.reserveMetaCreate(waba);
        clock = new Date(start.getTime() + 10 * 60_000);
        await limits.reserveMetaCreate(waba);
        await limits.reserveMetaCreate(waba);
        clock = new Date(start.getTime() + 20 * 60_000);
        const error = await limits.reserveMetaCreate(waba).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DomainError);
        const domain = error as DomainError;
        expect({ code: domain.code, status: domain.status, headers: domain.headers }).toEqual({
          code: "meta_rate_limited",
          status: 429,
          headers: { "Retry-After": String(40 * 60) },
        });
        // Another WABA has its own budget.
        await limits.reserveMetaCreate(`waba-${kind}-2`);
        // Once the oldest create is an hour old, one slot is free again.
        clock = new Date(start.getTime() + 60 * 60_000);
        await limits.reserveMetaCreate(waba);
        await expect(limits.reserveMetaCreate(waba)).rejects.toMatchObject({ code: "meta_rate_limited" });
      } finally {
        clock = start;
      }
    });

    it("does not overshoot under concurrent creates", async () => {
      const limits = createRateLimitService({ db: db.db, now: () => clock, options: { metaCreatesPerHour: 4 } });
      const waba = `waba-${kind}-race`;
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => limits.reserveMetaCreate(waba)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    });

    it("the wrapped gateway does not call Meta when the budget is used up", async () => {
      const limits = createRateLimitService({ db: db.db, now: () => clock, options: { metaCreatesPerHour: 1 } });
      let calls = 0;
      const inner: MetaGateway = {
        createTemplate: () => {
          calls++;
          return Promise.resolve({ id: "1", status: "PENDING", category: "UTILITY" });
        },
        // eslint-disable-next-line require-yield -- never listed in this test
        listTemplates: async function* () {
          await Promise.resolve();
        },
      };
      const gateway = withMetaCreateBudget(inner, limits);
      const account = { wabaId: `waba-${kind}-wrapped`, accessToken: "t" };
      const body = { name: "a", language: "en", category: "UTILITY", components: [] };
      await gateway.createTemplate(account, body);
      await expect(gateway.createTemplate(account, body)).rejects.toMatchObject({ code: "meta_rate_limited" });
      expect(calls).toBe(1);
    });
  });
});
