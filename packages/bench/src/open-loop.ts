/**
 * Open-loop load for the REST list's latency target: requests are SENT on a fixed schedule (rate per second),
 * whether or not earlier ones have been answered, and each latency is measured from the moment the request was
 * due — so a server that falls behind shows its queueing (no coordinated omission, unlike a closed loop whose
 * connections wait for their answers). Keep-alive sockets, as many as needed; loopback only.
 */
import http from "node:http";
import { percentile } from "./stats.js";

export interface OpenLoopResult {
  /** Requests per second sent (the schedule). */
  rate: number;
  /** The measured part; the warm-up before it is sent on the same schedule and not counted. */
  seconds: number;
  warmUpSeconds: number;
  /** Requests sent in the measured part. */
  sent: number;
  /** Non-2xx answers and transport errors, the warm-up's included. */
  failed: number;
  /** What failed and how often: `HTTP 500`, `ECONNRESET`, … (empty when nothing failed). */
  failures: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

/** Due times (ms from the start) of `rate` requests per second for `seconds`, evenly spaced. */
export function openLoopSchedule(rate: number, seconds: number): number[] {
  if (!(rate > 0) || !(seconds > 0))
    throw new RangeError(`open loop needs a positive rate and duration (got ${rate}/s for ${seconds} s)`);
  const count = Math.floor(rate * seconds);
  return Array.from({ length: count }, (_, i) => (i * 1000) / rate);
}

/** Latency figures from each request's due time and answer time (ms, same clock). */
export function openLoopFigures(samples: readonly { dueAt: number; answeredAt: number }[]): {
  p50: number;
  p99: number;
  max: number;
} {
  const latencies = samples.map((s) => s.answeredAt - s.dueAt);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

/**
 * `warmUpSeconds` at the same rate come first, without a gap, and only their failures count: a server that idled
 * has closed its database connections (pg's pool drops a client idle for 10 s) and the client opens its sockets, so
 * its first ~100 ms answer late whatever the steady state (docs/benchmarks.md, sixth pass).
 */
export async function openLoop(
  url: string,
  rate: number,
  seconds: number,
  headers: Record<string, string>,
  warmUpSeconds = 0,
): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const warmUp = warmUpSeconds > 0 ? openLoopSchedule(rate, warmUpSeconds).length : 0;
  const schedule = openLoopSchedule(rate, warmUpSeconds + seconds);
  const samples: { dueAt: number; answeredAt: number }[] = [];
  const failures: Record<string, number> = {};
  const fail = (reason: string): void => {
    failures[reason] = (failures[reason] ?? 0) + 1;
  };
  const inFlight: Promise<void>[] = [];
  const send = (dueAt: number, counted: boolean): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) fail(`HTTP ${status}`);
          if (counted) samples.push({ dueAt, answeredAt: performance.now() });
          resolve();
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        fail(error.code ?? error.message);
        resolve();
      });
    });
  const start = performance.now();
  let next = 0;
  // A 1 ms tick sends every request that has come due (timers are not precise enough to send each one alone).
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now() - start;
      while (next < schedule.length && (schedule[next] as number) <= now) {
        inFlight.push(send(start + (schedule[next] as number), next >= warmUp));
        next += 1;
      }
      if (next < schedule.length) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  if (samples.length === 0) throw new Error(`open loop against ${url}: no request was answered`);
  const failed = Object.values(failures).reduce((sum, n) => sum + n, 0);
  return {
    rate,
    seconds,
    warmUpSeconds,
    sent: schedule.length - warmUp,
    failed,
    failures,
    ...openLoopFigures(samples),
  };
}

/** `HTTP 500 ×2, ECONNRESET ×1`: the failures of an open loop, most frequent first. */
export function describeFailures(failures: Record<string, number>): string {
  return Object.entries(failures)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason} ×${n}`)
    .join(", ");
}
