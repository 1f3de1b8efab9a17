/**
 * Benchmark 2: `GET /v1/{phone_number_id}/templates?limit=25` at 50 connections against a bare express handler
 * that answers the same body, and against the "one-query floor" (bare express + the keyset page statement alone),
 * each in a process of its own, hit by the same autocannon settings, in rotating order. Then ours once more,
 * open-loop at half its peak rate (see open-loop.ts), for the latency target.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import { expectStatus } from "./http.js";
import { describeFailures, openLoop } from "./open-loop.js";
import type { OpenLoopResult } from "./open-loop.js";
import { analyzeTemplates } from "./postgres.js";
import { readCpuMs, readMemory, resetPeakRss, startBareExpress, startDatabaseFloor } from "./processes.js";
import { median } from "./stats.js";
import { BENCH_API_KEY } from "./stack.js";
import type { Stack } from "./stack.js";

export const CONNECTIONS = 50;
export const LIST_LIMIT = 25;

export interface LoadRun {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU time of the server process per request (user + system), ms. */
  cpuMsPerRequest: number;
}

export interface RestBenchmark {
  connections: number;
  seconds: number;
  bodyBytes: number;
  rounds: { ours: LoadRun; bare: LoadRun; floor: LoadRun }[];
  /** Peak RSS of the API process under this load. */
  apiPeakRss: number;
  /** Ours, open-loop at `OPEN_LOOP_SHARE` of its median closed-loop req/s. */
  openLoop: OpenLoopResult;
  /** The one-query floor, open-loop at the same rate right after ours: what this machine gives that rate. */
  floorOpenLoop: OpenLoopResult;
}

/** The open-loop latency run sends at this share of our peak (closed-loop) rate. */
export const OPEN_LOOP_SHARE = 0.5;
/** Sent at the open loop's rate before it is measured, for ours and for the floor alike (open-loop.ts). */
export const OPEN_LOOP_WARM_UP_SECONDS = 2;

async function load(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  serverPid: number,
): Promise<LoadRun> {
  const cpuBefore = readCpuMs(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const cpuMs = readCpuMs(serverPid) - cpuBefore;
  return {
    cpuMsPerRequest: result.requests.total > 0 ? cpuMs / result.requests.total : 0,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export async function measureRest(
  stack: Stack,
  seconds: number,
  runs: number,
  workDir: string,
  log: (line: string) => void,
): Promise<RestBenchmark> {
  // Steady state: autovacuum analyzes a table within a minute of a bulk insert; until then the planner has no
  // statistics for the freshly synced rows and sorts all of them for every page (see docs/benchmarks.md).
  await analyzeTemplates(stack.db);
  const listPath = `/v1/${stack.phoneNumberId}/templates?limit=${LIST_LIMIT}`;
  const ours = `${stack.api.baseUrl}${listPath}`;
  const sample = await expectStatus<{ data: unknown[] }>(200, "GET", ours, { token: BENCH_API_KEY });
  if (sample.body.data.length !== LIST_LIMIT)
    throw new Error(`the list answered ${sample.body.data.length} templates, expected ${LIST_LIMIT}`);
  const bodyFile = path.join(workDir, "list-body.json");
  await writeFile(bodyFile, sample.text);
  const bare = await startBareExpress(bodyFile, {});
  const floor = await startDatabaseFloor(bodyFile, stack.database.url, stack.phoneNumberId, {});
  try {
    const bareUrl = `${bare.url}${listPath}`;
    const floorUrl = `${floor.url}${listPath}`;
    for (const url of [bareUrl, floorUrl]) {
      const answer = await expectStatus(200, "GET", url);
      if (Buffer.byteLength(answer.text) !== Buffer.byteLength(sample.text))
        throw new Error(`${url} answers a body of another size than ours`);
    }
    const auth = { authorization: `Bearer ${BENCH_API_KEY}` };
    const servers = {
      ours: () => load(ours, seconds, auth, stack.api.pid),
      bare: () => load(bareUrl, seconds, auth, bare.pid),
      floor: () => load(floorUrl, seconds, auth, floor.pid),
    };
    const warmUp = Math.max(1, Math.round(seconds / 3));
    await load(ours, warmUp, auth, stack.api.pid);
    await load(bareUrl, warmUp, auth, bare.pid);
    await load(floorUrl, warmUp, auth, floor.pid);

    const exact = resetPeakRss(stack.api.pid);
    const rounds: RestBenchmark["rounds"] = [];
    const order = ["ours", "bare", "floor"] as const;
    for (let round = 1; round <= runs; round++) {
      // Rotate which server goes first, so a drift in the machine's load does not favour one.
      const results: Partial<Record<(typeof order)[number], LoadRun>> = {};
      for (let i = 0; i < order.length; i++) {
        const name = order[(round - 1 + i) % order.length] as (typeof order)[number];
        results[name] = await servers[name]();
      }
      const { ours: o, bare: b, floor: f } = results;
      if (!o || !b || !f) throw new Error("a load run is missing");
      if (o.non2xx > 0 || o.errors > 0)
        throw new Error(
          `our list answered ${o.non2xx} non-2xx and ${o.errors} errors under load (rate limits not raised?)`,
        );
      rounds.push({ ours: o, bare: b, floor: f });
      log(
        `  round ${round}: ours ${o.requestsPerSecond.toFixed(0)} req/s p99 ${o.p99} ms; one-query floor ${f.requestsPerSecond.toFixed(0)} req/s p99 ${f.p99} ms; bare ${b.requestsPerSecond.toFixed(0)} req/s p99 ${b.p99} ms`,
      );
    }
    const memory = readMemory(stack.api.pid);
    const rate = Math.max(1, Math.round(OPEN_LOOP_SHARE * median(rounds.map((x) => x.ours.requestsPerSecond))));
    const open = await openLoop(ours, rate, seconds, auth, OPEN_LOOP_WARM_UP_SECONDS);
    if (open.failed > 0)
      throw new Error(
        `our list failed ${open.failed} of ${open.sent} requests under the open-loop load: ${describeFailures(open.failures)}`,
      );
    log(
      `  open loop at ${rate} req/s for ${seconds} s after ${OPEN_LOOP_WARM_UP_SECONDS} s not counted: p50 ${open.p50.toFixed(1)} ms, p99 ${open.p99.toFixed(1)} ms, max ${open.max.toFixed(1)} ms`,
    );
    // The same schedule against the floor: the latency the machine itself adds at this rate (no verdict of its own,
    // so a failed request of the baseline is reported with its reason rather than discarding the whole run).
    const floorOpen = await openLoop(floorUrl, rate, seconds, auth, OPEN_LOOP_WARM_UP_SECONDS);
    log(
      `  one-query floor, same schedule: p50 ${floorOpen.p50.toFixed(1)} ms, p99 ${floorOpen.p99.toFixed(1)} ms, max ${floorOpen.max.toFixed(1)} ms${floorOpen.failed > 0 ? `; ${floorOpen.failed} failed (${describeFailures(floorOpen.failures)})` : ""}`,
    );
    return {
      connections: CONNECTIONS,
      seconds,
      bodyBytes: Buffer.byteLength(sample.text),
      rounds,
      apiPeakRss: exact ? memory.peak : memory.rss,
      openLoop: open,
      floorOpenLoop: floorOpen,
    };
  } finally {
    await bare.stop();
    await floor.stop();
  }
}
