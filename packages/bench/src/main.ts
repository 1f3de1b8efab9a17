/**
 * `pnpm bench`: runs the four benchmarks of issue #8 against the built API and PostgreSQL, with baselines measured
 * in the same run on the same machine, prints the targets and rewrites the generated part of docs/benchmarks.md.
 * Not part of CI (absolute times on shared machines mean little); its pure helpers are unit-tested.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { measureCreates } from "./bench-create.js";
import { measureFanout } from "./bench-fanout.js";
import { measureGrowth } from "./bench-growth.js";
import type { GrowthBenchmark } from "./bench-growth.js";
import { idleRss, measureEmbedded } from "./bench-memory.js";
import { measureRest } from "./bench-rest.js";
import { changeOnePercent, flushedCounters, measureResync, measureScaling, measureSync } from "./bench-sync.js";
import { summariseProfile } from "./cpuprofile.js";
import type { CpuProfile } from "./cpuprofile.js";
import { BenchConfigError, loadBenchEnv } from "./env.js";
import type { BenchEnv } from "./env.js";
import { describeMachine } from "./machine.js";
import { composeDocument } from "./markdown.js";
import { checkPostgres, PostgresUnreachableError, redactUrl } from "./postgres.js";
import { apiMainJs, apiStartFlags } from "./processes.js";
import { DEFAULT_INTRO, renderReport, summarise } from "./report.js";
import type { BenchResults } from "./report.js";
import { BENCH_API_KEY, BENCH_LIMITS, startStack } from "./stack.js";
import { syncOnce } from "./http.js";
import type { Stack } from "./stack.js";

/** Meta's per-WABA maximum; the scaling table adds the smaller sizes. */
const MAIN_SIZE = 6_000;
const SCALING_SIZES = [600, 2_000] as const;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Stacks still running, so Ctrl-C can stop their processes and drop their databases. */
const openStacks = new Set<Stack>();

async function profiles(env: BenchEnv, labels: string[]): Promise<BenchResults["profile"]> {
  const out: NonNullable<BenchResults["profile"]> = [];
  for (const label of labels) {
    const dir = path.join(env.profileDir, label);
    const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")) : [];
    for (const file of files) {
      const summary = summariseProfile(JSON.parse(await readFile(path.join(dir, file), "utf8")) as CpuProfile, 25);
      out.push({
        label: `${label} (${path.relative(process.cwd(), path.join(dir, file))})`,
        functions: summary.functions,
        packages: summary.packages,
      });
      log(`\nCPU profile ${path.join(dir, file)}: self time by package`);
      for (const p of summary.packages.slice(0, 12))
        log(`  ${p.percent.toFixed(1).padStart(5)} %  ${p.selfMs.toFixed(0).padStart(7)} ms  ${p.name}`);
      log("  hottest functions:");
      for (const f of summary.functions.slice(0, 20))
        log(`  ${f.percent.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`);
    }
  }
  return out;
}

/** Two stacks of MAIN_SIZE, each synced once, for the growth measurement; closed whatever happens. */
async function measureGrowthOnNewStacks(env: BenchEnv, log: (line: string) => void): Promise<GrowthBenchmark> {
  const sides: Stack[] = [];
  try {
    for (const label of ["growth-alone", "growth-crowded"]) {
      const side = await startStack(env, MAIN_SIZE, label);
      sides.push(side);
      openStacks.add(side);
      await syncOnce(side.api.baseUrl, BENCH_API_KEY, side.phoneNumberId);
    }
    const [alone, crowded] = sides as [Stack, Stack];
    return await measureGrowth(alone, crowded, env.growthAccounts, log);
  } finally {
    for (const side of sides) {
      openStacks.delete(side);
      await side.close();
    }
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const env = loadBenchEnv();

  let postgres: string;
  try {
    postgres = await checkPostgres(env.adminDatabaseUrl);
  } catch (error) {
    if (!(error instanceof PostgresUnreachableError)) throw error;
    process.stderr.write(
      `\n${error.message}\n\n` +
        "pnpm bench measures the sync into real PostgreSQL and needs a server it may create databases on\n" +
        "(it creates bench_<random> databases and drops them at the end). Point it at one with\n" +
        "  BENCH_DATABASE_URL=postgres://user@127.0.0.1:5432/postgres pnpm bench\n" +
        "(TEST_DATABASE_URL is used when BENCH_DATABASE_URL is unset). There is no PGlite fallback on purpose:\n" +
        "PGlite is single-connection WASM and its figures would not answer the targets.\n",
    );
    return 2;
  }
  if (!existsSync(apiMainJs())) {
    process.stderr.write(
      `${apiMainJs()} is missing: run \`pnpm bench\` from the repository root (it builds the API first).\n`,
    );
    return 2;
  }
  const sizes = [...SCALING_SIZES, MAIN_SIZE];
  if (env.cpuProfile) {
    // Only our own earlier profiles go: BENCH_PROFILE_DIR may be any directory.
    for (const size of sizes) {
      const dir = path.join(env.profileDir, `sync-${size}`);
      await mkdir(dir, { recursive: true });
      for (const file of (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"))) await rm(path.join(dir, file));
    }
  }
  const machine = describeMachine(postgres);
  log(
    `pnpm bench on ${machine.cpu} × ${machine.cores}, Node ${machine.node}, PostgreSQL ${postgres} (${redactUrl(env.adminDatabaseUrl)})`,
  );
  const workDir = await mkdtemp(path.join(tmpdir(), "kirim-bench-"));

  const stacks = new Map<number, Stack>();
  const close = async (size: number): Promise<void> => {
    const stack = stacks.get(size);
    stacks.delete(size);
    if (stack) {
      openStacks.delete(stack);
      await stack.close();
    }
  };
  try {
    for (const size of sizes) {
      const stack = await startStack(env, size, `sync-${size}`);
      stacks.set(size, stack);
      openStacks.add(stack);
    }
    const mainStack = stacks.get(MAIN_SIZE);
    if (!mainStack) throw new Error("the main stack is missing");
    const idle = await idleRss(mainStack.api.pid, mainStack.api.baseUrl);
    log(`\nmemory: the API process on PostgreSQL idles at ${(idle / 2 ** 20).toFixed(1)} MiB RSS`);
    // All sizes side by side, rounds interleaved: a change in the machine's load between phases cannot bend the line.
    log(
      `\n4. scaling: ${sizes.join(", ")} templates, one API process and database each, ${env.runs} interleaved rounds`,
    );
    const scaling = await measureScaling([...stacks.values()], env.runs, log);
    for (const size of SCALING_SIZES) await close(size);

    const stack = stacks.get(MAIN_SIZE);
    if (!stack) throw new Error("the main stack is missing");
    log(
      `\n1. sync of ${MAIN_SIZE} templates: warm-up, then ${env.runs} interleaved rounds of ours, (a) fetch, (b) raw insert, (c) naive upsert`,
    );
    const sync = await measureSync(stack, env.runs, log);
    const lastSyncAt = Date.now();

    log(
      `\n2. REST list at 50 connections, ${env.runs} rounds of ${env.restSeconds} s per server (ours, database floor, bare express)`,
    );
    const rest = await measureRest(stack, env.restSeconds, env.runs, workDir, log);

    log("\n1. re-syncs: nothing changed, then 1 % changed at Meta (waiting for PostgreSQL's counters to flush)");
    const before = await flushedCounters(stack, Date.now() - lastSyncAt);
    const resyncUnchanged = await measureResync(stack, before);
    log(
      `  nothing changed: ${resyncUnchanged.templates.inserted} inserted, ${resyncUnchanged.templates.updated} updated`,
    );
    const changedAtMeta = await changeOnePercent(stack);
    const resyncChanged = { ...(await measureResync(stack, resyncUnchanged.after)), changedAtMeta };
    log(
      `  ${changedAtMeta} changed: ${resyncChanged.templates.inserted} inserted, ${resyncChanged.templates.updated} updated`,
    );

    log(`\n3. create: ${env.creates} each through REST, tRPC, straight to the sandbox and through the create floor`);
    const create = await measureCreates(stack, env.creates, env.childBaseEnv, log);
    await close(MAIN_SIZE);

    let growth;
    if (env.growthAccounts >= 2) {
      log(
        `\ngrowth: one account of ${MAIN_SIZE} templates alone, and beside ${env.growthAccounts - 1} more, measured in pairs`,
      );
      // A failure here is reported and leaves its targets out; the rest of the run still writes its report.
      growth = await measureGrowthOnNewStacks(env, log).catch((error: unknown) => {
        log(`  growth failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
    }

    log(`\nmemory: the embedded default (PGlite), a first sync of ${MAIN_SIZE}`);
    const embedded = await measureEmbedded(env, MAIN_SIZE).catch((error: unknown) => {
      log(`  the embedded measurement failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (embedded)
      log(
        `  RSS after the sync: ${(embedded.rssAfterSync / 2 ** 20).toFixed(1)} MiB (peak ${(embedded.peakDuringSync / 2 ** 20).toFixed(1)} MiB)`,
      );
    const memory = {
      idleRss: idle,
      syncPeakRss: Math.max(...sync.ours.map((x) => x.peakRss)),
      ...(embedded ? { embedded } : {}),
    };

    let fanout;
    if (env.fanoutEvents > 0) {
      log(
        `\n5. webhook fan-out: ${env.fanoutEvents} events to a loopback receiver, then a bare loop POSTing the same bodies`,
      );
      fanout = await measureFanout(env, env.fanoutEvents, workDir, log);
    }
    const main = {
      sync,
      rest,
      resyncUnchanged,
      resyncChanged,
      create,
      ...(fanout ? { fanout } : {}),
      ...(growth ? { growth } : {}),
      memory,
    };

    const profile = env.cpuProfile
      ? await profiles(
          env,
          sizes.map((size) => `sync-${size}`),
        )
      : undefined;
    const totalMs = Date.now() - (env.startedAt ?? started);
    const results: BenchResults = {
      machine,
      database: `${redactUrl(env.adminDatabaseUrl)} via ${env.adminDatabaseUrlSource === "default" ? "the default URL" : env.adminDatabaseUrlSource}, a fresh bench_<random> database per API process`,
      runs: env.runs,
      ...main,
      scaling,
      limits: { ...BENCH_LIMITS, TEMPLATE_SYNC_INTERVAL_MS: "0" },
      apiLogLevel: env.apiLogLevel,
      apiNodeFlags: apiStartFlags(),
      totalMs,
      totalIncludesBuild: env.startedAt !== undefined,
      ...(profile ? { profile } : {}),
    };
    const generated = renderReport(results);
    const existing = existsSync(env.outputPath) ? await readFile(env.outputPath, "utf8") : undefined;
    await writeFile(env.outputPath, composeDocument(existing, DEFAULT_INTRO, generated));

    const summary = summarise(results);
    log("\nTargets:");
    for (const v of summary.verdicts) log(`  ${v.verdict.met ? "MET    " : "NOT MET"}  ${v.target}: ${v.verdict.text}`);
    log(
      `\nWrote ${path.relative(process.cwd(), env.outputPath)}. Total ${(totalMs / 1000).toFixed(1)} s${results.totalIncludesBuild ? " (build included)" : ""}.`,
    );
    // Missed targets are reported, not failed: the figures are for reading, the exit code for broken runs.
    return 0;
  } finally {
    for (const size of [...stacks.keys()]) await close(size).catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function closeOpen(): Promise<void> {
  await Promise.all([...openStacks].map((stack) => stack.close().catch(() => undefined)));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping the children and dropping the bench databases`);
    void closeOpen().then(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    // A configuration mistake needs its message, not a stack trace.
    const text =
      error instanceof BenchConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`\npnpm bench failed: ${text}\n`);
    await closeOpen();
    process.exit(1);
  },
);
