/**
 * Benchmark 1 (and the rows of 4): our sync of N templates over loopback HTTP into PostgreSQL, against baselines
 * measured in the same run — (a) fetching the same pages alone, (b) a raw multi-row INSERT of the same rows into an
 * empty table like ours, (c) a naive row-at-a-time upsert — then the write counts of two re-syncs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { sandboxControl, syncOnce } from "./http.js";
import type { SyncResult } from "./http.js";
import {
  createLikeTemplates,
  currentXid,
  naiveRowByRowUpsert,
  rawMultiRowInsert,
  readTemplateRows,
  rowsWrittenSince,
  tableWrites,
  truncateTemplates,
  writesBetween,
} from "./postgres.js";
import type { StoredRows, TableWrites } from "./postgres.js";
import { measureLiveHeap, readCpuMs, readMemory, resetPeakRss, sampleRss, startPageFetcher } from "./processes.js";
import type { FetchResult, LiveHeap } from "./processes.js";
import { BENCH_API_KEY } from "./stack.js";
import type { Stack } from "./stack.js";

/** PostgreSQL 15 backends publish their table counters after at most 10 s idle (PGSTAT_IDLE_INTERVAL). */
export const STATS_FLUSH_WAIT_MS = 11_000;
/** Our sync asks Meta for pages of this size (the gateway's DEFAULT_PAGE_SIZE); baseline (b) writes the same batches. */
export const PAGE_SIZE = 100;

export interface SyncRun {
  ms: number;
  /** Peak RSS of the API process during this sync (VmHWM after a reset; sampled where resets are refused). */
  peakRss: number;
  /** RSS of the API process just before this sync. */
  rssBefore: number;
  /** CPU time the API process used during this sync (the rest of the wall time it waited). */
  cpuMs: number;
  result: SyncResult;
}

/** One first sync into an empty templates table, with the API's memory around it. */
export async function firstSync(stack: Stack): Promise<SyncRun> {
  await truncateTemplates(stack.db);
  const rssBefore = readMemory(stack.api.pid).rss;
  const exact = resetPeakRss(stack.api.pid);
  const sampler = sampleRss(stack.api.pid);
  const cpuBefore = readCpuMs(stack.api.pid);
  const { ms, result } = await syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId);
  const cpuMs = readCpuMs(stack.api.pid) - cpuBefore;
  const sampled = sampler.stop();
  const peakRss = exact ? Math.max(readMemory(stack.api.pid).peak, sampled) : sampled;
  if (result.created !== stack.templates)
    throw new Error(`a first sync created ${result.created} templates, expected ${stack.templates}`);
  return { ms, peakRss, rssBefore, cpuMs, result };
}

/**
 * Benchmark 4: every stack (one per size) warmed up (JIT, pools, PostgreSQL caches), then `runs` rounds of one
 * first sync per size, interleaved, then one more untimed sync each with the live heap measured.
 */
export async function measureScaling(
  stacks: Stack[],
  runs: number,
  log: (line: string) => void,
): Promise<ScalingRow[]> {
  for (const stack of stacks) await firstSync(stack);
  const rows = stacks.map((stack) => ({ stack, runs: [] as SyncRun[] }));
  for (let round = 1; round <= runs; round++) {
    for (const row of rows) row.runs.push(await firstSync(row.stack));
    log(
      `  round ${round}: ${rows.map((row) => `${row.stack.templates} → ${(row.runs[row.runs.length - 1]?.ms ?? 0).toFixed(0)} ms`).join(", ")}`,
    );
  }
  const result: ScalingRow[] = [];
  for (const row of rows) {
    const liveHeap = await liveHeapDuringSync(row.stack);
    result.push({
      templates: row.stack.templates,
      pages: Math.ceil(row.stack.templates / PAGE_SIZE),
      runs: row.runs,
      liveHeap,
    });
  }
  log(
    `  live heap during a sync: ${result.map((r) => `${r.templates} → ${(r.liveHeap.max / 2 ** 20).toFixed(1)} MiB`).join(", ")}`,
  );
  return result;
}

/** One more, untimed, first sync with the live heap measured (forced GCs): is the sync streamed by page? */
export async function liveHeapDuringSync(stack: Stack): Promise<LiveHeap> {
  await truncateTemplates(stack.db);
  return measureLiveHeap(stack.api.pid, () => syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId));
}

export interface ResyncMeasurement {
  ms: number;
  result: SyncResult;
  /** templates rows written, from pg_stat_user_tables. */
  templates: TableWrites;
  /** History rows written (template_events), from pg_stat_user_tables. */
  events: TableWrites;
  /** Cross-check: rows of templates whose current version is newer than the re-sync's start (xmin). */
  rowsWithNewVersion: number;
}

export interface SyncBenchmark {
  templates: number;
  pages: number;
  bytes: number;
  ours: SyncRun[];
  fetchAlone: FetchResult[];
  rawInsertMs: number[];
  naiveUpsertMs: number[];
  /** What the API asked Meta for (the baseline fetch sends the same). */
  query: Record<string, string>;
}

export async function measureSync(stack: Stack, runs: number, log: (line: string) => void): Promise<SyncBenchmark> {
  const control = sandboxControl(stack.sandbox.url);
  // Warm-up sync: also yields the exact rows our sync stores (input of (b) and (c)) and the query it sent Meta.
  await firstSync(stack);
  const stored: StoredRows = await readTemplateRows(stack.db);
  const firstPage = (await control.listRequests("GET")).find(
    (r) => r.path.endsWith("/message_templates") && r.query["after"] === undefined,
  );
  if (!firstPage) throw new Error("the sandbox saw no list request from the API");
  const query = { ...firstPage.query };
  await control.clearRequests();

  await createLikeTemplates(stack.db, "bench_raw_templates");
  await createLikeTemplates(stack.db, "bench_naive_templates");
  const fetcher = await startPageFetcher({});
  try {
    const fetchRequest = {
      url: `${stack.sandbox.url}/v23.0/${stack.sandbox.wabaId}/message_templates`,
      query,
      accessToken: stack.sandbox.accessToken,
    };
    // Warm-ups of the baselines, as ours had one.
    const warm = await fetcher.run(fetchRequest);
    await rawMultiRowInsert(stack.db, "bench_raw_templates", stored, PAGE_SIZE);

    const result: SyncBenchmark = {
      templates: stack.templates,
      pages: warm.pages,
      bytes: warm.bytes,
      ours: [],
      fetchAlone: [],
      rawInsertMs: [],
      naiveUpsertMs: [],
      query,
    };
    // Interleaved rounds: a noisy neighbour slows a round, not one side of the ratio.
    for (let round = 1; round <= runs; round++) {
      const ours = await firstSync(stack);
      const fetched = await fetcher.run(fetchRequest);
      if (fetched.templates !== stack.templates)
        throw new Error(`baseline fetch saw ${fetched.templates} templates, expected ${stack.templates}`);
      const raw = await rawMultiRowInsert(stack.db, "bench_raw_templates", stored, PAGE_SIZE);
      const naive = await naiveRowByRowUpsert(stack.db, "bench_naive_templates", stored);
      result.ours.push(ours);
      result.fetchAlone.push(fetched);
      result.rawInsertMs.push(raw);
      result.naiveUpsertMs.push(naive);
      log(
        `  round ${round}: ours ${ours.ms.toFixed(0)} ms, fetch ${fetched.ms.toFixed(0)} ms, raw insert ${raw.toFixed(0)} ms, naive ${naive.toFixed(0)} ms`,
      );
    }
    return result;
  } finally {
    await fetcher.stop();
    await control.clearRequests();
  }
}

/** A re-sync measured by what it wrote: counters are read after they are flushed, before and after. */
export async function measureResync(
  stack: Stack,
  before: { templates: TableWrites; events: TableWrites },
): Promise<ResyncMeasurement & { after: { templates: TableWrites; events: TableWrites } }> {
  const xid = await currentXid(stack.db);
  const { ms, result } = await syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId);
  await sleep(STATS_FLUSH_WAIT_MS);
  const after = {
    templates: await tableWrites(stack.db, "templates"),
    events: await tableWrites(stack.db, "template_events"),
  };
  return {
    ms,
    result,
    templates: writesBetween(before.templates, after.templates),
    events: writesBetween(before.events, after.events),
    rowsWithNewVersion: await rowsWrittenSince(stack.db, xid),
    after,
  };
}

export async function flushedCounters(
  stack: Stack,
  alreadyIdleMs: number,
): Promise<{ templates: TableWrites; events: TableWrites }> {
  if (alreadyIdleMs < STATS_FLUSH_WAIT_MS) await sleep(STATS_FLUSH_WAIT_MS - alreadyIdleMs);
  return {
    templates: await tableWrites(stack.db, "templates"),
    events: await tableWrites(stack.db, "template_events"),
  };
}

/** Changes 1 % of the templates at Meta (APPROVED → PAUSED, as a quality pause would) and returns how many. */
export async function changeOnePercent(stack: Stack): Promise<number> {
  const control = sandboxControl(stack.sandbox.url);
  const wanted = Math.round(stack.templates / 100);
  const approved = (await control.templates(stack.sandbox.wabaId)).filter((t) => t.status === "APPROVED");
  if (approved.length < wanted) throw new Error(`only ${approved.length} APPROVED templates to change, need ${wanted}`);
  // Spread over the pages rather than all on the first one.
  const step = Math.floor(approved.length / wanted);
  for (let i = 0; i < wanted; i++) {
    const template = approved[i * step];
    if (template) await control.setStatus(template.id, "PAUSED");
  }
  return wanted;
}

export interface ScalingRow {
  templates: number;
  pages: number;
  runs: SyncRun[];
  /** From one more, untimed, sync with a full GC forced every 20 ms (heap-probe.ts). */
  liveHeap: LiveHeap;
}
