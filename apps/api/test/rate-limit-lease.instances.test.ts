/**
 * Leased tokens (core `rate-limit.service.ts`, RATE_LIMIT_LEASE_MS): each instance takes several tokens of the
 * shared PostgreSQL bucket per statement and spends them in memory. Two `dist/main.js` processes on one database,
 * hit alternately and concurrently, still let through one bucket's capacity — at most N × (lease − 1) more (the
 * tokens each instance may hold), at least N × (lease − 1) fewer — never a bucket per instance.
 * Real PostgreSQL only; needs `pnpm --filter @kirim/api build` first.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiProcess } from "./drills/drill-support.js";
import { call } from "./support/http.js";
import { startInstances } from "./support/instances.js";
import type { Instances } from "./support/instances.js";

const DEV_API_KEY = "kdv_live_leaseTestKey000000000000";
const READ_PER_MINUTE = 120;
const LEASE_MS = 5_000;
/** floor(120 a minute × 5 s) = 10 tokens per lease statement. */
const LEASE = 10;
const INSTANCES = 2;

describe.runIf(databaseKinds().includes("postgres"))("rate-limit leases shared by two instances on PostgreSQL", () => {
  let started: Instances | undefined;
  let instances: ApiProcess[] = [];

  beforeAll(async () => {
    started = await startInstances("lease", {
      DEV_API_KEY,
      CURSOR_SECRET: "lease-test-cursor-secret",
      RATE_LIMIT_READ_PER_MINUTE: String(READ_PER_MINUTE),
      RATE_LIMIT_LEASE_MS: String(LEASE_MS),
    });
    instances = started.instances;
  }, 150_000);

  afterAll(async () => {
    await started?.close();
  });

  it("lets through one bucket's capacity within the stated bound of N × (lease − 1) tokens", async () => {
    const [a, b] = instances;
    if (a === undefined || b === undefined) throw new Error("instances not started");
    const startedAt = performance.now();
    const statuses: number[] = [];
    const refusedBy = new Set<number>();
    // 3 × the capacity, 20 at a time, alternating between the instances.
    for (let batch = 0; batch < (3 * READ_PER_MINUTE) / 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call((i % 2 === 0 ? a : b).baseUrl, "GET", "/v1/accounts", { token: DEV_API_KEY }),
        ),
      );
      answers.forEach((r, i) => {
        statuses.push(r.status);
        if (r.status === 429) refusedBy.add(i % 2);
        expect(r.headers.get("x-ratelimit-limit")).toBe(String(READ_PER_MINUTE));
      });
    }
    const refilled = Math.floor(((performance.now() - startedAt) / 60_000) * READ_PER_MINUTE);
    const passed = statuses.filter((st) => st === 200).length;
    const held = INSTANCES * (LEASE - 1);
    expect(refilled, "the burst outlasted half a bucket: it proves little about sharing").toBeLessThan(
      READ_PER_MINUTE / 2,
    );
    expect(passed, `refilled during the burst: ${refilled}`).toBeLessThanOrEqual(READ_PER_MINUTE + refilled + held);
    expect(passed).toBeGreaterThanOrEqual(READ_PER_MINUTE - held);
    expect(statuses.filter((st) => st !== 200 && st !== 429)).toEqual([]);
    expect(refusedBy.size).toBe(INSTANCES);
  });
});
