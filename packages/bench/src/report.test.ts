import { describe, expect, it } from "vitest";
import type { SyncRun } from "./bench-sync.js";
import type { OpenLoopResult } from "./open-loop.js";
import { createFloorVerdict, renderReport, summarise, TARGETS } from "./report.js";
import type { BenchResults } from "./report.js";

const MiB = 1024 * 1024;
const run = (ms: number, peakMiB = 170): SyncRun => ({
  ms,
  peakRss: peakMiB * MiB,
  rssBefore: 140 * MiB,
  cpuMs: ms / 2,
  result: { synced: 6000, created: 6000, updated: 0, unchanged: 0, removed: 0 },
});
const load = (requestsPerSecond: number, p99: number) => ({
  requestsPerSecond,
  p50: p99 / 3,
  p99,
  requests: requestsPerSecond * 10,
  non2xx: 0,
  errors: 0,
  cpuMsPerRequest: 1000 / requestsPerSecond,
});
const heap = (beforeMiB: number, maxMiB: number) => ({
  before: beforeMiB * MiB,
  max: maxMiB * MiB,
  after: beforeMiB * MiB,
});
const writes = (inserted: number, updated: number) => ({ inserted, updated, deleted: 0 });

/** 10 s at 325 req/s after a 2 s warm-up, nothing failed. */
const openLoopRun = (p50: number, p99: number, max: number): OpenLoopResult => ({
  rate: 325,
  seconds: 10,
  warmUpSeconds: 2,
  sent: 3250,
  failed: 0,
  failures: {},
  p50,
  p99,
  max,
});

function fixture(): BenchResults {
  return {
    machine: {
      cpu: "Test CPU",
      cores: 2,
      memoryBytes: 24 * 1024 * MiB,
      node: "v20.20.2",
      postgres: "15.20",
      os: "Linux",
      loadAverage: 0.5,
      date: "2026-11-23T12:00:00.000Z",
    },
    database: "postgres://postgres@127.0.0.1:5432/postgres",
    runs: 3,
    sync: {
      templates: 6000,
      pages: 60,
      bytes: 4 * MiB,
      ours: [run(500), run(520), run(480)],
      fetchAlone: [100, 110, 90].map((ms) => ({ ms, pages: 60, templates: 6000, bytes: 4 * MiB })),
      rawInsertMs: [300, 310, 290],
      naiveUpsertMs: [1500, 1400, 1600],
      query: { limit: "100", fields: "id,name" },
    },
    resyncUnchanged: {
      ms: 900,
      result: { synced: 6000, created: 0, updated: 0, unchanged: 6000, removed: 0 },
      templates: writes(0, 0),
      events: writes(0, 0),
      rowsWithNewVersion: 0,
    },
    resyncChanged: {
      ms: 950,
      result: { synced: 6000, created: 0, updated: 60, unchanged: 5940, removed: 0 },
      templates: writes(0, 60),
      events: writes(60, 0),
      rowsWithNewVersion: 60,
      changedAtMeta: 60,
    },
    rest: {
      connections: 50,
      seconds: 10,
      bodyBytes: 31_221,
      apiPeakRss: 190 * MiB,
      rounds: [
        { ours: load(700, 30), bare: load(1000, 10), floor: load(800, 12) },
        { ours: load(600, 20), bare: load(1000, 12), floor: load(800, 14) },
        { ours: load(650, 24), bare: load(1000, 11), floor: load(800, 13) },
      ],
      openLoop: openLoopRun(3, 8.5, 12),
      floorOpenLoop: openLoopRun(2, 6.25, 9),
    },
    create: {
      count: 4,
      restMs: [8, 9, 10, 11],
      trpcMs: [10, 11, 12, 13],
      directMs: [1, 1, 1, 2],
      floorMs: [4, 4.5, 5, 6],
    },
    scaling: [
      { templates: 6000, pages: 60, runs: [run(500), run(520), run(480)], liveHeap: heap(21, 23.8) },
      { templates: 600, pages: 6, runs: [run(52, 150), run(50, 150), run(51, 150)], liveHeap: heap(20, 21) },
      { templates: 2000, pages: 20, runs: [run(170, 155), run(168, 155), run(171, 155)], liveHeap: heap(20.5, 22) },
    ],
    limits: { RATE_LIMIT_READ_PER_MINUTE: "100000000" },
    apiLogLevel: "info",
    apiNodeFlags: ["--max-semi-space-size=4"],
    totalMs: 300_000,
    totalIncludesBuild: true,
  };
}

describe("createFloorVerdict", () => {
  it("says when the create floor alone is above the create target, and when it is within it", () => {
    expect(createFloorVerdict(3.4)).toBe(" (3.4 ms at p50 here: above the 3 ms target by itself)");
    expect(createFloorVerdict(2.5)).toBe(" (2.5 ms at p50 here, within the 3 ms target)");
    expect(createFloorVerdict(3)).toBe(" (3.0 ms at p50 here, within the 3 ms target)");
  });
});

describe("summarise", () => {
  it("computes the issue's ratios from medians: ours / (a + b) and ours ÷ bare per round", () => {
    const s = summarise(fixture());
    expect(s.syncRatio).toBeCloseTo(500 / (100 + 300));
    expect(s.naiveRatio).toBeCloseTo(500 / 1500);
    expect(s.restRatio).toBeCloseTo(0.65);
    expect(s.restFloorRatio).toBeCloseTo(650 / 800);
    expect(s.restP99).toBe(24);
    expect(s.openLoopP99).toBe(8.5);
    expect(s.createOwnP50).toBeCloseTo(9.5 - 1);
    expect(s.createFloorOwnP50).toBeCloseTo(4.75 - 1);
    expect(s.scalingExponent).toBeCloseTo(Math.log(500 / 51) / Math.log(10));
    expect(s.memoryGrowth).toBeCloseTo(23.8 / 21);
  });

  it("states every target as met or not met with the measured value", () => {
    const verdicts = summarise(fixture()).verdicts.map((v) => `${v.target} → ${v.verdict.text}`);
    expect(verdicts).toEqual([
      `1. sync of 6,000: ours / (fetch alone + raw INSERT) ≤ ${TARGETS.syncRatio} → met (1.25 ≤ 1.5)`,
      "1. re-sync, nothing changed: template rows written = 0 → met (0 = 0)",
      "1. re-sync, 1 % changed at Meta: template rows written = the 60 changed → met (60 = 60)",
      "2. REST list at 50 connections: req/s ≥ 0.85 × the one-query floor → not met (0.81 < 0.85)",
      "2. REST list at 50 connections: req/s ≥ 0.3 × bare express → met (0.65 ≥ 0.3)",
      "2. REST list open-loop at half our peak (325 req/s): p99 ≤ 10 ms → met (8.5 ms ≤ 10 ms)",
      "3. create: our own time (REST − sandbox) p50 ≤ 3 ms → not met (8.5 ms > 3 ms)",
      "4. sync time grows linearly (time ∝ templates^k, k ≤ 1.1) → met (0.99 ≤ 1.1)",
      "4. memory flat: live heap during a sync of 6,000 ≤ 1.25 × during one of 600 → met (1.13 ≤ 1.25)",
    ]);
  });

  it("says not met when a re-sync writes rows it should not", () => {
    const results = fixture();
    results.resyncUnchanged.templates = writes(0, 6000);
    results.resyncChanged.templates = writes(0, 61);
    const [, unchanged, changed] = summarise(results).verdicts;
    expect(unchanged?.verdict).toEqual({ met: false, text: "not met (6,000 ≠ 0)" });
    expect(changed?.verdict).toEqual({ met: false, text: "not met (61 ≠ 60)" });
  });
});

describe("renderReport", () => {
  const doc = renderReport(fixture());

  it("names the machine, the date and the wall time", () => {
    expect(doc).toContain("## Last run: 2026-11-23");
    expect(doc).toContain("| CPU | Test CPU, 2 cores");
    expect(doc).toContain("| `pnpm bench` wall time (build included) | 300.0 s |");
  });

  it("reports the floor's failed open-loop requests with their reasons, and nothing when none failed", () => {
    expect(doc).not.toContain("of its requests failed");
    const results = fixture();
    results.rest.floorOpenLoop = {
      ...results.rest.floorOpenLoop,
      failed: 3,
      failures: { ECONNRESET: 1, "HTTP 500": 2 },
    };
    expect(renderReport(results)).toContain(
      "p50 2.0 ms, p99 6.3 ms, max 9.0 ms, 3 of its requests failed (HTTP 500 ×2, ECONNRESET ×1)",
    );
  });

  it("names the API's command with the node flags of the documented start", () => {
    expect(doc).toContain("| API process | `node --max-semi-space-size=4 apps/api/dist/main.js`, LOG_LEVEL=info");
  });

  it("has a table per benchmark with the measured ratios", () => {
    expect(doc).toContain("### Targets");
    expect(doc).toContain("| (a) + (b) | 400 ms |  | **1.25** |");
    expect(doc).toMatch(
      /\| nothing changed at Meta \| 900 ms \| 6,000 \/ 0 \/ 0 \/ 6,000 \/ 0 \| 0 \/ 0 \/ 0 \| 0 \| 0 \|/,
    );
    expect(doc).toMatch(
      /\| \*\*ours\*\*: `node --max-semi-space-size=4 apps\/api\/dist\/main.js` \| 650 \| 8 ms \| 24 ms \| 1.5 ms \| 700 \/ 600 \/ 650 \| \*\*0.81\*\* \| \*\*0.65\*\* \|/,
    );
    expect(doc).toContain("| 800 / 800 / 800 | 1.00 | 0.80 |");
    expect(doc).toContain("| 1,000 / 1,000 / 1,000 | 1.25 | 1.00 |");
    expect(doc).toContain("ours ÷ one-query floor: 0.88 / 0.75 / 0.81");
    expect(doc).toContain(
      "ours at 325 req/s (half its median peak) for 10 s, 3,250 requests, after 2 s on the same schedule that are not counted (a server that idled reconnects its database pool in its first ~100 ms): p50 3.0 ms, **p99 8.5 ms**, max 12 ms.",
    );
    expect(doc).toContain("The one-query floor on the same schedule right after: p50 2.0 ms, p99 6.3 ms, max 9.0 ms");
    expect(doc).toContain("### 3. Create, one at a time, sandbox latency 0");
    expect(doc).toContain("Target (issue 19): our own time (REST − sandbox) p50 ≤ 3 ms.");
    expect(doc).toContain(
      "| the create floor: bare express + the create's two statements + one fetch | 4.8 ms | 6.0 ms | 6.0 ms | 4 |",
    );
    expect(doc).toContain("| the create floor's own time (floor − sandbox) | 3.8 ms | 4.0 ms |  |  |");
    expect(doc).toContain("(3.8 ms at p50 here: above the 3 ms target by itself); ours − floor (4.8 ms at p50)");
    expect(doc).toMatch(
      /\| 600 \| 6 \| 51 ms \| 52 \/ 50 \/ 51 \| 85 ms \| 26 ms \| 20\.0 MiB → 21\.0 MiB \| 150\.0 MiB \|/,
    );
  });

  it("orders the scaling table by size whatever order the sizes were measured in", () => {
    const rows = doc.split("\n").filter((l) => /^\| (600|2,000|6,000) \| \d+ \|/.test(l));
    expect(rows.map((l) => l.split("|")[1]?.trim())).toEqual(["600", "2,000", "6,000"]);
  });
});

describe("webhook fan-out (issue 17)", () => {
  const figures = (eventsPerSecond: number, p50: number, p99: number) => ({
    count: 10_000,
    eventsPerSecond,
    p50,
    p99,
    max: p99 * 1.1,
  });
  const withFanout = (ours: ReturnType<typeof figures>, bare: ReturnType<typeof figures>): BenchResults => ({
    ...fixture(),
    fanout: { events: 10_000, bodyBytes: { min: 1_400, max: 2_500 }, syncMs: 3_000, ours, bare },
  });

  it("adds both targets as ratios to the bare loop, met and not met", () => {
    const met = summarise(withFanout(figures(600, 20, 80), figures(1_000, 5, 50)));
    expect(met.fanoutRatio).toBeCloseTo(0.6);
    expect(met.verdicts.slice(-2).map((v) => `${v.target} → ${v.verdict.text}`)).toEqual([
      `5. webhook fan-out of 10,000 events: events/s ≥ ${TARGETS.fanoutRatio} × bare loop → met (0.60 ≥ 0.5)`,
      `5. webhook fan-out p99, change committed → received: ≤ ${TARGETS.fanoutP99Ratio} × bare loop's → met (1.60 ≤ 2)`,
    ]);
    const missed = summarise(withFanout(figures(100, 9_000, 18_000), figures(1_000, 5, 50))).verdicts.slice(-2);
    expect(missed.map((v) => v.verdict.text)).toEqual(["not met (0.10 < 0.5)", "not met (360.00 > 2)"]);
    expect(missed[1]?.measured).toBe("360.00 (18,000 ms vs 50 ms)");
  });

  it("renders its table with both figures and the ratio, and leaves it out when skipped", () => {
    const doc = renderReport(withFanout(figures(600, 20, 80), figures(1_000, 5, 50)));
    expect(doc).toContain("### 5. Webhook fan-out: 10,000 `template.status_updated` events to a loopback receiver");
    expect(doc).toMatch(
      /\| \*\*ours\*\*: re-sync → outbox → job queue → signed POST \| 600 \| 20 ms \| 80 ms \| 88 ms \| 10,000 \|/,
    );
    expect(doc).toMatch(/\| bare loop: .* \| 1,000 \| 5\.0 ms \| 50 ms \| 55 ms \| 10,000 \|/);
    expect(doc).toContain("| ours ÷ bare | **0.60** | 4.00 | **1.60** |  |  |");
    expect(renderReport(fixture())).not.toContain("### 5.");
    expect(summarise(fixture()).verdicts.some((v) => v.target.startsWith("5."))).toBe(false);
  });
});
