/**
 * docs/benchmarks.md, generated part: every table and each target as met / not met with the measured ratio.
 * Pure (results in, markdown out), so it is unit-tested without running a benchmark.
 */
import type { CreateBenchmark } from "./bench-create.js";
import type { FanoutBenchmark } from "./bench-fanout.js";
import type { RestBenchmark } from "./bench-rest.js";
import type { ResyncMeasurement, ScalingRow, SyncBenchmark } from "./bench-sync.js";
export type { ScalingRow };
import type { SelfTime } from "./cpuprofile.js";
import type { Machine } from "./machine.js";
import type { GrowthBenchmark } from "./bench-growth.js";
import { growthMemoryVerdicts, renderGrowthMemory } from "./report-growth-memory.js";
import type { MemoryBenchmark } from "./report-growth-memory.js";
import { renderTable } from "./markdown.js";
import { describeFailures } from "./open-loop.js";
import {
  formatInteger,
  formatMiB,
  formatMs,
  formatRatio,
  formatSeconds,
  linearFit,
  median,
  percentile,
  ratio,
  sum,
  verdict,
} from "./stats.js";
import type { Verdict } from "./stats.js";

export const TARGETS = {
  /** ours / (fetch alone + raw insert); issue 19 (issue 8 asked for 1.3) */
  syncRatio: 1.5,
  /** ours / the one-query floor (bare express + the keyset page statement), requests per second (issue 19) */
  restFloorRatio: 0.85,
  /** ours / bare express, requests per second (issue 19) */
  restBareRatio: 0.3,
  /** ours open-loop at half its peak rate: p99, ms (issue 19) */
  restOpenLoopP99Ms: 10,
  /** create: REST − sandbox p50, ms (issue 19) */
  createOwnP50Ms: 3,
  /** Sync time ∝ templates^k: k above this is worse than linear (noise allowance included). */
  scalingExponent: 1.1,
  /** Live heap during the sync at the largest size / at the smallest: "flat" within this. */
  memoryGrowth: 1.25,
  /** ours / bare loop, webhook events delivered per second */
  fanoutRatio: 0.5,
  /** ours / bare loop, p99 from the change's commit to the receiver */
  fanoutP99Ratio: 2,
} as const;

export interface BenchResults {
  machine: Machine;
  database: string;
  runs: number;
  sync: SyncBenchmark;
  resyncUnchanged: ResyncMeasurement;
  resyncChanged: ResyncMeasurement & { changedAtMeta: number };
  rest: RestBenchmark;
  create: CreateBenchmark;
  /** Absent when BENCH_FANOUT_EVENTS=0. */
  fanout?: FanoutBenchmark;
  scaling: ScalingRow[];
  /** Issue 19: absent when BENCH_GROWTH_ACCOUNTS < 2. */
  growth?: GrowthBenchmark;
  /** Issue 19: RSS idle, peak during a sync, embedded default after a sync. */
  memory?: MemoryBenchmark;
  limits: Record<string, string>;
  apiLogLevel: string;
  /** The node flags of the documented production start (apps/api's `start` script), which the bench's API runs with. */
  apiNodeFlags: string[];
  /** Wall time of `pnpm bench` including the build when the root script passed its start; else the bench's own. */
  totalMs: number;
  totalIncludesBuild: boolean;
  profile?: { label: string; functions: SelfTime[]; packages: SelfTime[] }[];
}

export interface Summary {
  syncRatio: number;
  naiveRatio: number;
  restRatio: number;
  restFloorRatio: number;
  restP50: number;
  restP99: number;
  openLoopP99: number;
  createOwnP50: number;
  /** The create floor's own time (floor − sandbox), p50, ms: what this machine gives the work a create cannot skip. */
  createFloorOwnP50: number;
  scalingExponent: number;
  memoryGrowth: number;
  fanoutRatio?: number;
  fanoutP99Ratio?: number;
  verdicts: { target: string; measured: string; verdict: Verdict }[];
}

const ms = (values: readonly number[]) => median(values);

export function summarise(r: BenchResults): Summary {
  const ours = ms(r.sync.ours.map((x) => x.ms));
  const fetchAlone = ms(r.sync.fetchAlone.map((x) => x.ms));
  const raw = ms(r.sync.rawInsertMs);
  const syncRatio = ratio(ours, fetchAlone + raw);
  const naiveRatio = ratio(ours, ms(r.sync.naiveUpsertMs));
  const restRatio = median(r.rest.rounds.map((x) => ratio(x.ours.requestsPerSecond, x.bare.requestsPerSecond)));
  const restFloorRatio = median(r.rest.rounds.map((x) => ratio(x.ours.requestsPerSecond, x.floor.requestsPerSecond)));
  const openLoopP99 = r.rest.openLoop.p99;
  const createOwnP50 = percentile(r.create.restMs, 50) - percentile(r.create.directMs, 50);
  const createFloorOwnP50 = percentile(r.create.floorMs, 50) - percentile(r.create.directMs, 50);
  const restP50 = median(r.rest.rounds.map((x) => x.ours.p50));
  const restP99 = median(r.rest.rounds.map((x) => x.ours.p99));
  const bySize = [...r.scaling].sort((a, b) => a.templates - b.templates);
  const smallest = bySize[0];
  const largest = bySize[bySize.length - 1];
  if (!smallest || !largest || smallest === largest) throw new Error("scaling needs at least two sizes");
  const t = (row: ScalingRow) => ms(row.runs.map((x) => x.ms));
  const scalingExponent = Math.log(t(largest) / t(smallest)) / Math.log(largest.templates / smallest.templates);
  const memoryGrowth = ratio(largest.liveHeap.max, smallest.liveHeap.max);

  const unchangedWrites =
    r.resyncUnchanged.templates.inserted + r.resyncUnchanged.templates.updated + r.resyncUnchanged.templates.deleted;
  const changedWrites =
    r.resyncChanged.templates.inserted + r.resyncChanged.templates.updated + r.resyncChanged.templates.deleted;
  const exactly = (measured: number, expected: number): Verdict => ({
    met: measured === expected,
    text:
      measured === expected
        ? `met (${formatInteger(measured)} = ${formatInteger(expected)})`
        : `not met (${formatInteger(measured)} ≠ ${formatInteger(expected)})`,
  });
  const fanout = r.fanout ? fanoutVerdicts(r.fanout) : undefined;
  return {
    syncRatio,
    naiveRatio,
    restRatio,
    restFloorRatio,
    restP50,
    restP99,
    openLoopP99,
    createOwnP50,
    createFloorOwnP50,
    scalingExponent,
    memoryGrowth,
    ...(fanout ? { fanoutRatio: fanout.ratio, fanoutP99Ratio: fanout.p99Ratio } : {}),
    verdicts: [
      {
        target: `1. sync of ${formatInteger(r.sync.templates)}: ours / (fetch alone + raw INSERT) ≤ ${TARGETS.syncRatio}`,
        measured: formatRatio(syncRatio),
        verdict: verdict(syncRatio, "<=", TARGETS.syncRatio),
      },
      {
        target: "1. re-sync, nothing changed: template rows written = 0",
        measured: formatInteger(unchangedWrites),
        verdict: exactly(unchangedWrites, 0),
      },
      {
        target: `1. re-sync, 1 % changed at Meta: template rows written = the ${formatInteger(r.resyncChanged.changedAtMeta)} changed`,
        measured: formatInteger(changedWrites),
        verdict: exactly(changedWrites, r.resyncChanged.changedAtMeta),
      },
      {
        target: `2. REST list at ${r.rest.connections} connections: req/s ≥ ${TARGETS.restFloorRatio} × the one-query floor`,
        measured: formatRatio(restFloorRatio),
        verdict: verdict(restFloorRatio, ">=", TARGETS.restFloorRatio),
      },
      {
        target: `2. REST list at ${r.rest.connections} connections: req/s ≥ ${TARGETS.restBareRatio} × bare express`,
        measured: formatRatio(restRatio),
        verdict: verdict(restRatio, ">=", TARGETS.restBareRatio),
      },
      {
        target: `2. REST list open-loop at half our peak (${formatInteger(r.rest.openLoop.rate)} req/s): p99 ≤ ${TARGETS.restOpenLoopP99Ms} ms`,
        measured: `${openLoopP99.toFixed(1)} ms`,
        verdict: verdict(openLoopP99, "<=", TARGETS.restOpenLoopP99Ms, { digits: 1, unit: " ms" }),
      },
      {
        target: `3. create: our own time (REST − sandbox) p50 ≤ ${TARGETS.createOwnP50Ms} ms`,
        measured: `${createOwnP50.toFixed(1)} ms (the create floor's own: ${createFloorOwnP50.toFixed(1)} ms)`,
        verdict: verdict(createOwnP50, "<=", TARGETS.createOwnP50Ms, { digits: 1, unit: " ms" }),
      },
      {
        target: `4. sync time grows linearly (time ∝ templates^k, k ≤ ${TARGETS.scalingExponent})`,
        measured: `k = ${scalingExponent.toFixed(2)}`,
        verdict: verdict(scalingExponent, "<=", TARGETS.scalingExponent),
      },
      {
        target: `4. memory flat: live heap during a sync of ${formatInteger(largest.templates)} ≤ ${TARGETS.memoryGrowth} × during one of ${formatInteger(smallest.templates)}`,
        measured: `${formatRatio(memoryGrowth)}×`,
        verdict: verdict(memoryGrowth, "<=", TARGETS.memoryGrowth),
      },
      ...(fanout?.verdicts ?? []),
      ...growthMemoryVerdicts(r.growth, r.memory),
    ],
  };
}

/** Whether the create floor alone is within the create target: a floor above it puts the target out of reach. */
export function createFloorVerdict(floorOwnP50: number): string {
  return floorOwnP50 > TARGETS.createOwnP50Ms
    ? ` (${formatMs(floorOwnP50)} at p50 here: above the ${TARGETS.createOwnP50Ms} ms target by itself)`
    : ` (${formatMs(floorOwnP50)} at p50 here, within the ${TARGETS.createOwnP50Ms} ms target)`;
}

/** Issue 17's fan-out targets: throughput and p99 as ratios to the bare loop of the same run. */
export function fanoutVerdicts(f: FanoutBenchmark): { ratio: number; p99Ratio: number; verdicts: Summary["verdicts"] } {
  const eventsRatio = ratio(f.ours.eventsPerSecond, f.bare.eventsPerSecond);
  const p99Ratio = ratio(f.ours.p99, f.bare.p99);
  return {
    ratio: eventsRatio,
    p99Ratio,
    verdicts: [
      {
        target: `5. webhook fan-out of ${formatInteger(f.events)} events: events/s ≥ ${TARGETS.fanoutRatio} × bare loop`,
        measured: formatRatio(eventsRatio),
        verdict: verdict(eventsRatio, ">=", TARGETS.fanoutRatio),
      },
      {
        target: `5. webhook fan-out p99, change committed → received: ≤ ${TARGETS.fanoutP99Ratio} × bare loop's`,
        measured: `${formatRatio(p99Ratio)} (${formatMs(f.ours.p99)} vs ${formatMs(f.bare.p99)})`,
        verdict: verdict(p99Ratio, "<=", TARGETS.fanoutP99Ratio),
      },
    ],
  };
}

/** Table rows of the fan-out section: ours, the bare loop, and ours ÷ bare. */
export function fanoutRows(f: FanoutBenchmark): string[][] {
  const row = (label: string, x: FanoutBenchmark["ours"]) => [
    label,
    formatInteger(x.eventsPerSecond),
    formatMs(x.p50),
    formatMs(x.p99),
    formatMs(x.max),
    formatInteger(x.count),
  ];
  return [
    row("**ours**: re-sync → outbox → job queue → signed POST", f.ours),
    row("bare loop: the same bodies and headers, one at a time, same release schedule", f.bare),
    [
      "ours ÷ bare",
      `**${formatRatio(ratio(f.ours.eventsPerSecond, f.bare.eventsPerSecond))}**`,
      formatRatio(ratio(f.ours.p50, f.bare.p50)),
      `**${formatRatio(ratio(f.ours.p99, f.bare.p99))}**`,
      "",
      "",
    ],
  ];
}

const runsCell = (values: readonly number[]) => values.map((v) => formatInteger(v)).join(" / ");

function resyncRow(label: string, m: ResyncMeasurement): string[] {
  const r = m.result;
  return [
    label,
    formatMs(m.ms),
    `${formatInteger(r.synced)} / ${formatInteger(r.created)} / ${formatInteger(r.updated)} / ${formatInteger(r.unchanged)} / ${formatInteger(r.removed)}`,
    `${formatInteger(m.templates.inserted)} / ${formatInteger(m.templates.updated)} / ${formatInteger(m.templates.deleted)}`,
    formatInteger(m.events.inserted),
    formatInteger(m.rowsWithNewVersion),
  ];
}

export function renderReport(r: BenchResults): string {
  const s = summarise(r);
  const out: string[] = [];
  const m = r.machine;
  out.push(`## Last run: ${m.date.slice(0, 10)}`, "");
  out.push(
    renderTable(
      ["", ""],
      [
        ["date", m.date],
        ["CPU", `${m.cpu}, ${m.cores} cores (1-minute load average at start: ${m.loadAverage.toFixed(2)})`],
        ["memory", `${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB`],
        ["OS", m.os],
        ["Node.js", m.node],
        ["database", `PostgreSQL ${m.postgres} (${r.database})`],
        [
          "API process",
          `\`${apiCommand(r)}\`, LOG_LEVEL=${r.apiLogLevel} to a file, ${Object.entries(r.limits)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`,
        ],
        ["repetitions", `median of ${r.runs} timed runs after a warm-up, baselines interleaved with ours`],
        [
          r.totalIncludesBuild ? "`pnpm bench` wall time (build included)" : "bench wall time (build not included)",
          formatSeconds(r.totalMs),
        ],
      ],
    ),
    "",
  );

  out.push("### Targets", "");
  out.push(
    renderTable(
      ["target", "measured", "verdict"],
      s.verdicts.map((v) => [v.target, v.measured, `**${v.verdict.text}**`]),
    ),
    "",
  );

  // 1. sync
  const sync = r.sync;
  const oursMs = sync.ours.map((x) => x.ms);
  const fetchMs = sync.fetchAlone.map((x) => x.ms);
  const aPlusB = median(fetchMs) + median(sync.rawInsertMs);
  out.push(
    `### 1. Sync of ${formatInteger(sync.templates)} templates (${sync.pages} pages of ${sync.query["limit"] ?? "?"}, ${formatMiB(sync.bytes)} of JSON) into PostgreSQL`,
    "",
  );
  out.push(
    renderTable(
      ["what", "median", "runs (ms)", "ours ÷ this"],
      [
        [
          "**ours**: `POST /v1/{id}/templates/sync` into an empty table (HTTP pages → zod → upsert per page → history rows → run row)",
          formatMs(median(oursMs)),
          runsCell(oursMs),
          "1.00",
        ],
        [
          "(a) the same pages fetched alone (plain fetch loop in its own process, JSON.parse only)",
          formatMs(median(fetchMs)),
          runsCell(fetchMs),
          formatRatio(median(oursMs) / median(fetchMs)),
        ],
        [
          "(b) raw multi-row INSERT of the same rows, 100 per statement, into an empty table like ours (same indexes, checks, foreign key)",
          formatMs(median(sync.rawInsertMs)),
          runsCell(sync.rawInsertMs),
          formatRatio(median(oursMs) / median(sync.rawInsertMs)),
        ],
        ["(a) + (b)", formatMs(aPlusB), "", `**${formatRatio(s.syncRatio)}**`],
        [
          "(c) naive upsert: SELECT, then INSERT or UPDATE, one row and one transaction at a time",
          formatMs(median(sync.naiveUpsertMs)),
          runsCell(sync.naiveUpsertMs),
          formatRatio(s.naiveRatio),
        ],
      ],
      ["left", "right", "right", "right"],
    ),
    "",
  );
  const peak = Math.max(...sync.ours.map((x) => x.peakRss));
  const before = median(sync.ours.map((x) => x.rssBefore));
  const cpu = median(sync.ours.map((x) => x.cpuMs));
  out.push(
    `The API process was busy (CPU, user + system) for ${formatMs(cpu)} of the ${formatMs(median(oursMs))} sync; the rest it waited for PostgreSQL and the sandbox.`,
    "",
    `Peak RSS of the API process during a sync of ${formatInteger(sync.templates)}: **${formatMiB(peak)}** (RSS before the sync: ${formatMiB(before)}; VmHWM reset before each sync). Under the REST load below: ${formatMiB(r.rest.apiPeakRss)}.`,
    "",
  );
  out.push(
    `Re-syncs against the stored ${formatInteger(sync.templates)} (row writes counted by PostgreSQL in \`pg_stat_user_tables\`, read after the counters were flushed):`,
    "",
  );
  out.push(
    renderTable(
      [
        "re-sync",
        "time",
        "synced / created / updated / unchanged / removed",
        "`templates` rows inserted / updated / deleted",
        "`template_events` rows inserted",
        "rows with a new version (xmin check)",
      ],
      [
        resyncRow("nothing changed at Meta", r.resyncUnchanged),
        resyncRow(`${formatInteger(r.resyncChanged.changedAtMeta)} templates (1 %) paused at Meta`, r.resyncChanged),
      ],
      ["left", "right", "right", "right", "right", "right"],
    ),
    "",
  );

  // 2. REST
  const rest = r.rest;
  out.push(
    `### 2. \`GET /v1/{phone_number_id}/templates?limit=25\`, ${rest.connections} connections, ${rest.seconds} s per run (autocannon)`,
    "",
  );
  const bareRps = median(rest.rounds.map((x) => x.bare.requestsPerSecond));
  const floorRps = median(rest.rounds.map((x) => x.floor.requestsPerSecond));
  const restRow = (
    label: string,
    pick: (x: RestBenchmark["rounds"][number]) => RestBenchmark["rounds"][number]["ours"],
    floorCell: string,
    ratioCell: string,
  ) => {
    const runs = rest.rounds.map(pick);
    return [
      label,
      formatInteger(median(runs.map((x) => x.requestsPerSecond))),
      `${median(runs.map((x) => x.p50))} ms`,
      `${median(runs.map((x) => x.p99))} ms`,
      formatMs(median(runs.map((x) => x.cpuMsPerRequest))),
      runsCell(runs.map((x) => x.requestsPerSecond)),
      floorCell,
      ratioCell,
    ];
  };
  out.push(
    renderTable(
      [
        "server (median of the rounds)",
        "req/s",
        "p50",
        "p99",
        "server CPU per request",
        "req/s per round",
        "÷ one-query floor",
        "÷ bare express",
      ],
      [
        restRow(
          `**ours**: \`${apiCommand(r)}\``,
          (x) => x.ours,
          `**${formatRatio(s.restFloorRatio)}**`,
          `**${formatRatio(s.restRatio)}**`,
        ),
        restRow(
          "one-query floor: bare express + the keyset page statement alone, over pg",
          (x) => x.floor,
          "1.00",
          formatRatio(ratio(floorRps, bareRps)),
        ),
        restRow(
          "bare express: the same body from memory",
          (x) => x.bare,
          formatRatio(ratio(bareRps, floorRps)),
          "1.00",
        ),
      ],
      ["left", "right", "right", "right", "right", "right", "right", "right"],
    ),
    "",
  );
  out.push(
    `Per round, ours ÷ bare: ${rest.rounds.map((x) => formatRatio(x.ours.requestsPerSecond / x.bare.requestsPerSecond)).join(" / ")}; ours ÷ one-query floor: ${rest.rounds.map((x) => formatRatio(x.ours.requestsPerSecond / x.floor.requestsPerSecond)).join(" / ")}.`,
    "",
    `Open loop (requests sent on a fixed schedule whatever the answers, latency from each request's due time): ours at ${formatInteger(rest.openLoop.rate)} req/s (half its median peak) for ${rest.openLoop.seconds} s, ${formatInteger(rest.openLoop.sent)} requests${rest.openLoop.warmUpSeconds > 0 ? `, after ${rest.openLoop.warmUpSeconds} s on the same schedule that are not counted (a server that idled reconnects its database pool in its first ~100 ms)` : ""}: p50 ${formatMs(rest.openLoop.p50)}, **p99 ${formatMs(rest.openLoop.p99)}**, max ${formatMs(rest.openLoop.max)}. The one-query floor on the same schedule right after: p50 ${formatMs(rest.floorOpenLoop.p50)}, p99 ${formatMs(rest.floorOpenLoop.p99)}, max ${formatMs(rest.floorOpenLoop.max)}${rest.floorOpenLoop.failed > 0 ? `, ${formatInteger(rest.floorOpenLoop.failed)} of its requests failed (${describeFailures(rest.floorOpenLoop.failures)})` : ""} (what this machine adds at that rate to one database round trip; the target is judged on ours alone).`,
    "",
    `Body: ${formatInteger(rest.bodyBytes)} bytes (25 templates), the same from all three. Requests: ${formatInteger(sum(rest.rounds.map((x) => x.ours.requests)))} to ours, all 2xx. Each server runs in its own process with the same express version and settings. Server CPU per request is that process's own (user + system); PostgreSQL's and autocannon's come on top, on the same ${r.machine.cores} cores. The table was ANALYZEd first (the steady state autovacuum reaches within a minute of a sync).`,
    "",
  );

  // 3. create
  const c = r.create;
  const row = (label: string, values: number[]) => [
    label,
    formatMs(percentile(values, 50)),
    formatMs(percentile(values, 99)),
    formatMs(Math.max(...values)),
    String(values.length),
  ];
  out.push("### 3. Create, one at a time, sandbox latency 0", "");
  out.push(
    renderTable(
      ["path", "p50", "p99", "max", "n"],
      [
        row("REST `POST /v1/{id}/templates`", c.restMs),
        row("tRPC `templates.create`", c.trpcMs),
        row("the sandbox alone (`POST /{waba}/message_templates`)", c.directMs),
        row("the create floor: bare express + the create's two statements + one fetch", c.floorMs),
        [
          "**our own time** (REST − sandbox)",
          formatMs(percentile(c.restMs, 50) - percentile(c.directMs, 50)),
          formatMs(percentile(c.restMs, 99) - percentile(c.directMs, 99)),
          "",
          "",
        ],
        [
          "**our own time** (tRPC − sandbox)",
          formatMs(percentile(c.trpcMs, 50) - percentile(c.directMs, 50)),
          formatMs(percentile(c.trpcMs, 99) - percentile(c.directMs, 99)),
          "",
          "",
        ],
        [
          "the create floor's own time (floor − sandbox)",
          formatMs(percentile(c.floorMs, 50) - percentile(c.directMs, 50)),
          formatMs(percentile(c.floorMs, 99) - percentile(c.directMs, 99)),
          "",
          "",
        ],
      ],
      ["left", "right", "right", "right", "right"],
    ),
    "",
  );
  out.push(
    `Target (issue 19): our own time (REST − sandbox) p50 ≤ ${TARGETS.createOwnP50Ms} ms. Meta allows 100 creates per WABA per hour, so ${c.count} timed creates per transport (p99 of ${c.count} is close to the maximum).`,
    "",
    `The create floor (its own process and WABA) is bare express and its JSON parser, one statement that reads the account and the template of the name and takes a slot of Meta's budget with our \`reserve_meta_create\`, the create sent to the sandbox with \`fetch\` (the gateway's client), and one statement that writes the row and its history: two durable commits, nothing else. Its own time is the least this machine gives a create that keeps those guarantees${createFloorVerdict(percentile(c.floorMs, 50) - percentile(c.directMs, 50))}; ours − floor (${formatMs(percentile(c.restMs, 50) - percentile(c.floorMs, 50))} at p50) is everything else we do: auth, limits, validation, Meta's rules, logging, the token, the mapping.`,
    "",
  );

  // 4. scaling
  const rows = [...r.scaling].sort((a, b) => a.templates - b.templates);
  const fit = linearFit(rows.map((x) => ({ x: x.templates / 1000, y: median(x.runs.map((y) => y.ms)) })));
  out.push("### 4. Scaling: first sync into an empty table, by size", "");
  out.push(
    renderTable(
      [
        "templates",
        "pages",
        "sync time (median)",
        "runs (ms)",
        "per 1,000 templates",
        "API CPU (median)",
        "live heap before → max during sync",
        "peak RSS during sync",
        "RSS before sync",
      ],
      rows.map((x) => {
        const t = median(x.runs.map((y) => y.ms));
        return [
          formatInteger(x.templates),
          String(x.pages),
          formatMs(t),
          runsCell(x.runs.map((y) => y.ms)),
          formatMs((t / x.templates) * 1000),
          formatMs(median(x.runs.map((y) => y.cpuMs))),
          `${formatMiB(x.liveHeap.before)} → ${formatMiB(x.liveHeap.max)}`,
          formatMiB(Math.max(...x.runs.map((y) => y.peakRss))),
          formatMiB(median(x.runs.map((y) => y.rssBefore))),
        ];
      }),
      ["right", "right", "right", "right", "right", "right", "right", "right", "right"],
    ),
    "",
  );
  out.push(
    `Least-squares line: time ≈ ${formatMs(fit.intercept)} + ${formatMs(fit.slope)} per 1,000 templates (R² = ${fit.r2.toFixed(3)}); exponent k = ${s.scalingExponent.toFixed(2)} (1 = linear). Each size has its own API process and database, all started together and synced in interleaved rounds, so a change in the machine's load hits every size alike and each peak RSS is its own process's.`,
    "",
    "Live heap: the API process's V8 heap left after a full GC, forced every 20 ms during one more (untimed) sync — what the sync holds on to. Peak RSS also counts garbage V8 has not collected yet, so it grows with how much a sync allocates in total, not with what it keeps.",
    "",
  );

  out.push(...renderGrowthMemory(r.growth, r.memory));

  if (r.fanout) {
    const f = r.fanout;
    out.push(
      `### 5. Webhook fan-out: ${formatInteger(f.events)} \`template.status_updated\` events to a loopback receiver`,
      "",
    );
    out.push(
      renderTable(["sender", "events/s", "p50", "p99", "max", "delivered"], fanoutRows(f), [
        "left",
        "right",
        "right",
        "right",
        "right",
        "right",
      ]),
      "",
    );
    out.push(
      `Producer: one re-sync after the first, with every template's status changed at Meta: ${formatInteger(f.events)} history rows and outbox events committed page by page within ${formatMs(f.syncMs)}. Latency runs from each event's commit (\`webhook_out_events.created_at\`) to its arrival at the receiver (its own process, answering 204); events/s from the first commit to the last arrival. The bare loop releases each body at the same offset from its start as ours was committed and POSTs them one at a time (our worker delivers one subscription's events one at a time), with the same \`webhook-id\` / \`webhook-timestamp\` / \`webhook-signature\` headers; bodies ${formatInteger(f.bodyBytes.min)}–${formatInteger(f.bodyBytes.max)} bytes. While deliveries lag behind the sync, latency is queueing: the p99 is about how far the sender falls behind the producer.`,
      "",
    );
  }

  if (r.profile && r.profile.length > 0) {
    out.push(
      "### CPU profile of the API process (BENCH_CPU_PROFILE=1)",
      "",
      "Whole process lives: start-up, every benchmark, and the full GCs the live-heap measurement forces (they inflate the garbage collector's share).",
      "",
    );
    for (const p of r.profile) {
      out.push(`${p.label}, self time by package:`, "");
      out.push(
        renderTable(
          ["package", "self ms", "%"],
          p.packages.slice(0, 12).map((x) => [x.name, formatInteger(x.selfMs), x.percent.toFixed(1)]),
          ["left", "right", "right"],
        ),
        "",
      );
      out.push(`${p.label}, hottest functions:`, "");
      out.push(
        renderTable(
          ["function", "self ms", "%"],
          p.functions.slice(0, 15).map((x) => [`\`${x.name}\``, formatInteger(x.selfMs), x.percent.toFixed(1)]),
          ["left", "right", "right"],
        ),
        "",
      );
    }
  }
  return out.join("\n");
}

export const DEFAULT_INTRO = `# Benchmarks

\`pnpm bench\` (package \`@kirim/bench\`) measures the sync, the REST list and the create against baselines measured
in the same run on the same machine, and rewrites the part of this file below the marker. The machines are shared
and noisy: compare ratios within one run, never absolute times across runs, and never gate CI on them.
`;

/** How the bench ran the API: as the documented production start does. */
function apiCommand(r: BenchResults): string {
  return ["node", ...r.apiNodeFlags, "apps/api/dist/main.js"].join(" ");
}
