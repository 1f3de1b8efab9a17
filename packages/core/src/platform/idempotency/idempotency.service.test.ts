import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds } from "../../testing/index.js";
import type { TestDatabase } from "../../testing/index.js";
import { canonicalJson, requestFingerprint } from "./fingerprint.js";
import { createIdempotencyService, isReplayable } from "./idempotency.service.js";
import type { IdempotencyOptions, IdempotencyStart } from "./idempotency.service.js";
import { domainError } from "../../../test/harness.js";

function claimOf(started: IdempotencyStart) {
  if (started.kind !== "claimed") throw new Error(`expected a claim, got ${started.kind}`);
  return started.claim;
}

const CREATED = {
  status: 201,
  headers: { "content-type": "application/json; charset=utf-8", "x-request-id": "req_1" },
  body: '{"data":{"id":"tmpl_1"},"request_id":"req_1"}',
};

describe("canonicalJson / requestFingerprint", () => {
  it("sorts object keys recursively and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([3, 1])).not.toBe(canonicalJson([1, 3]));
    expect(canonicalJson({ a: undefined, b: "x" })).toBe('{"b":"x"}');
  });

  it("writes what the earlier recursive version wrote, for any JSON (fingerprints stored before stay valid)", () => {
    const recursive = (value: unknown): string => {
      if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
      if (Array.isArray(value))
        return `[${value.map((item) => recursive(item === undefined ? null : item)).join(",")}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursive(v)}`).join(",")}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        expect(canonicalJson(json)).toBe(recursive(json));
        expect(canonicalJson(anything)).toBe(recursive(anything));
      }),
    );
  });

  it("fingerprints a body nested 100 000 deep instead of overflowing the stack (fuzz drill: it was a 500)", () => {
    const depth = 100_000;
    const deep: unknown = JSON.parse("[".repeat(depth) + "]".repeat(depth));
    expect(canonicalJson(deep)).toBe("[".repeat(depth) + "]".repeat(depth));
    const deepObject: unknown = JSON.parse('{"a":'.repeat(depth) + "1" + "}".repeat(depth));
    expect(requestFingerprint("POST", "/v1/1/templates", deepObject)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is the same for reordered bodies and differs by method, path or body", () => {
    const base = requestFingerprint("POST", "/v1/1/templates", { name: "a", language: "en" });
    expect(requestFingerprint("post", "/v1/1/templates", { language: "en", name: "a" })).toBe(base);
    expect(requestFingerprint("POST", "/v1/2/templates", { name: "a", language: "en" })).not.toBe(base);
    expect(requestFingerprint("PUT", "/v1/1/templates", { name: "a", language: "en" })).not.toBe(base);
    expect(requestFingerprint("POST", "/v1/1/templates", { name: "b", language: "en" })).not.toBe(base);
    expect(requestFingerprint("POST", "/v1/1/templates/sync", undefined)).toBe(
      requestFingerprint("POST", "/v1/1/templates/sync", null),
    );
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stores 2xx and final 4xx answers, never 400, 429 or 5xx", () => {
    expect([200, 201, 404, 409, 422].map(isReplayable)).toEqual([true, true, true, true, true]);
    expect([400, 429, 500, 502, 503].map(isReplayable)).toEqual([false, false, false, false, false]);
  });
});

describe.each(databaseKinds())("idempotency service on %s", (kind) => {
  let db: TestDatabase;
  let clock: Date;
  let org = "";
  let otherOrg = "";
  let seq = 0;
  const key = (): string => `key-${kind}-${++seq}`;
  const service = (options: IdempotencyOptions = {}) =>
    createIdempotencyService({ db: db.db, now: () => clock, options: { waitMs: 60, pollMs: 5, ...options } });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    clock = new Date("2026-11-23T10:00:00Z");
    org = "org_idem_a";
    otherOrg = "org_idem_b";
    await db.db
      .insertInto("organisations")
      .values([
        { id: org, name: "A" },
        { id: otherOrg, name: "B" },
      ])
      .execute();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("claims a new key, then replays the stored answer for the same fingerprint", async () => {
    const idem = service();
    const k = key();
    const claim = claimOf(await idem.start(org, k, "fp1"));
    await idem.finish(claim, CREATED);
    expect(await idem.start(org, k, "fp1")).toEqual({ kind: "replay", response: CREATED });
    const rows = await db.db.selectFrom("idempotency_keys").selectAll().where("key", "=", k).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.state).toBe("completed");
    expect(rows[0]?.expires_at.getTime()).toBe(clock.getTime() + 24 * 60 * 60 * 1000);
  });

  it("refuses the same key with another fingerprint (422), while running and after completion", async () => {
    const idem = service();
    const k = key();
    const claim = claimOf(await idem.start(org, k, "fp1"));
    const running = await domainError(idem.start(org, k, "fp2"));
    expect({ code: running.code, status: running.status, param: running.param }).toEqual({
      code: "idempotency_key_reuse",
      status: 422,
      param: "Idempotency-Key",
    });
    await idem.finish(claim, CREATED);
    expect((await domainError(idem.start(org, k, "fp2"))).code).toBe("idempotency_key_reuse");
  });

  it("answers 409 idempotency_in_progress when the first request is still running after the wait", async () => {
    const idem = service({ waitMs: 30 });
    const k = key();
    claimOf(await idem.start(org, k, "fp1"));
    const error = await domainError(idem.start(org, k, "fp1"));
    expect({ code: error.code, status: error.status }).toEqual({ code: "idempotency_in_progress", status: 409 });
  });

  it("a waiting request gets the answer once the first one finishes within the wait", async () => {
    // The waiter's sleep tells us it has seen the running claim and is polling: then the first one finishes.
    let polling!: () => void;
    const isPolling = new Promise<void>((resolve) => (polling = resolve));
    const sleep = (ms: number) => {
      polling();
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    const idem = createIdempotencyService({
      db: db.db,
      now: () => clock,
      options: { waitMs: 10_000, pollMs: 5 },
      sleep,
    });
    const k = key();
    const claim = claimOf(await idem.start(org, k, "fp1"));
    const waiting = idem.start(org, k, "fp1");
    await isPolling;
    await idem.finish(claim, CREATED);
    expect(await waiting).toEqual({ kind: "replay", response: CREATED });
  });

  it.each([400, 429, 500, 502])("releases the key on a %i answer so a retry runs", async (status) => {
    const idem = service();
    const k = key();
    const claim = claimOf(await idem.start(org, k, "fp1"));
    await idem.finish(claim, { status, headers: {}, body: "{}" });
    expect(await db.db.selectFrom("idempotency_keys").selectAll().where("key", "=", k).execute()).toEqual([]);
    // After a 400 the client fixes the body and may reuse the key: another fingerprint is fine now.
    expect((await idem.start(org, k, "fp-fixed")).kind).toBe("claimed");
  });

  it("scopes keys to the organisation", async () => {
    const idem = service();
    const k = key();
    await idem.finish(claimOf(await idem.start(org, k, "fp1")), CREATED);
    expect((await idem.start(otherOrg, k, "fp-other")).kind).toBe("claimed");
  });

  it("treats a key older than 24 h as absent and purges expired rows", async () => {
    const idem = service();
    const k = key();
    await idem.finish(claimOf(await idem.start(org, k, "fp1")), CREATED);
    const before = clock;
    clock = new Date(before.getTime() + 24 * 60 * 60 * 1000);
    try {
      // Another body is accepted: the old key no longer exists.
      const claim = claimOf(await idem.start(org, k, "fp2"));
      await idem.release(claim);
      const stale = key();
      await db.db
        .insertInto("idempotency_keys")
        .values({
          organisation_id: org,
          key: stale,
          fingerprint: "x",
          claim_id: "c",
          state: "completed",
          created_at: before,
          locked_until: before,
          expires_at: before,
        })
        .execute();
      expect(await idem.purgeExpired()).toBeGreaterThanOrEqual(1);
      expect(await db.db.selectFrom("idempotency_keys").select("key").where("key", "=", stale).execute()).toEqual([]);
    } finally {
      clock = before;
    }
  });

  it("takes over a claim whose lock ran out (its instance died); the old claim can no longer complete", async () => {
    const idem = service({ lockTtlMs: 1_000 });
    const k = key();
    const abandoned = claimOf(await idem.start(org, k, "fp1"));
    expect(abandoned.resumesAbandonedAttempt).toBe(false);
    const before = clock;
    clock = new Date(before.getTime() + 1_000);
    try {
      const fresh = claimOf(await idem.start(org, k, "fp1"));
      expect(fresh.claimId).not.toBe(abandoned.claimId);
      // The same request again: the handler is told an earlier attempt may have done its work.
      expect(fresh.resumesAbandonedAttempt).toBe(true);
      await idem.finish(abandoned, { status: 201, headers: {}, body: "stale" });
      await idem.finish(fresh, CREATED);
      expect(await idem.start(org, k, "fp1")).toEqual({ kind: "replay", response: CREATED });
    } finally {
      clock = before;
    }
  });

  it("a different request taking over an abandoned key is not told it resumes anything", async () => {
    const idem = service({ lockTtlMs: 1_000 });
    const k = key();
    claimOf(await idem.start(org, k, "fp1"));
    const before = clock;
    clock = new Date(before.getTime() + 1_000);
    try {
      expect(claimOf(await idem.start(org, k, "fp-other")).resumesAbandonedAttempt).toBe(false);
    } finally {
      clock = before;
    }
  });

  it("lets exactly one of many concurrent starts claim the key", async () => {
    const idem = service({ waitMs: 5_000 });
    const k = key();
    const starts = Array.from({ length: 20 }, () => idem.start(org, k, "fp1"));
    // Complete as soon as the winner is known; every other start must then replay it.
    const claimed = await Promise.race(
      starts.map((p) => p.then((s) => (s.kind === "claimed" ? s.claim : new Promise<never>(() => undefined)))),
    );
    await idem.finish(claimed, CREATED);
    const results = await Promise.all(starts);
    expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "replay")).toHaveLength(19);
  });
});
