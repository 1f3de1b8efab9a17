/**
 * The buckets are shared by every instance: two API processes (the built `dist/main.js`) on one PostgreSQL
 * database, hit alternately and concurrently, let through exactly ONE bucket's capacity between them.
 * Real PostgreSQL only (PGlite is one process); needs `pnpm --filter @kirim/api build` first.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiProcess } from "./drills/drill-support.js";
import { call } from "./support/http.js";
import { startInstances } from "./support/instances.js";
import type { Instances } from "./support/instances.js";
import { DEMO_PHONE_NUMBER_ID } from "./support/stack.js";

const DEV_API_KEY = "kdv_live_instancesTestKey000000";
const WRITE_PER_MINUTE = 4;

describe.runIf(databaseKinds().includes("postgres"))("rate limits shared by two instances on PostgreSQL", () => {
  let started: Instances | undefined;
  let instances: ApiProcess[] = [];

  beforeAll(async () => {
    started = await startInstances("instances", {
      DEV_API_KEY,
      CURSOR_SECRET: "instances-test-cursor-secret",
      RATE_LIMIT_WRITE_PER_MINUTE: String(WRITE_PER_MINUTE),
    });
    instances = started.instances;
  }, 150_000);

  afterAll(async () => {
    await started?.close();
  });

  it("lets through exactly one bucket's capacity of writes across both instances", async () => {
    const [a, b] = instances;
    if (a === undefined || b === undefined) throw new Error("instances not started");
    expect(a.baseUrl).not.toBe(b.baseUrl);
    const phoneNumberId = DEMO_PHONE_NUMBER_ID;
    const startedAt = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 3 * WRITE_PER_MINUTE }, (_, i) =>
        call((i % 2 === 0 ? a : b).baseUrl, "POST", `/v1/${phoneNumberId}/templates/sync`, { token: DEV_API_KEY }),
      ),
    );
    // The bucket refills continuously (one token per 60/WRITE_PER_MINUTE s of real time in these processes): the
    // 200s are its capacity plus what refilled while the burst ran — never a second bucket's capacity.
    const refilled = Math.floor(((performance.now() - startedAt) / 60_000) * WRITE_PER_MINUTE);
    const statuses = answers.map((r) => r.status);
    const passed = statuses.filter((st) => st === 200).length;
    expect(passed).toBeGreaterThanOrEqual(WRITE_PER_MINUTE);
    expect(passed, `refilled during the burst: ${refilled}`).toBeLessThanOrEqual(WRITE_PER_MINUTE + refilled);
    expect(refilled, "the burst outlasted a whole bucket: it proves nothing about sharing").toBeLessThan(
      WRITE_PER_MINUTE,
    );
    expect(statuses.filter((st) => st === 429)).toHaveLength(3 * WRITE_PER_MINUTE - passed);
    // Both instances answered some of the 429s: neither kept a bucket of its own.
    const refusedBy = new Set(answers.flatMap((r, i) => (r.status === 429 ? [i % 2] : [])));
    expect(refusedBy.size).toBe(2);
    for (const r of answers) expect(r.headers.get("x-ratelimit-limit")).toBe(String(WRITE_PER_MINUTE));
  });
});
