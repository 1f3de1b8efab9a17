/**
 * Child processes of the bench: the API (`apps/api/dist/main.js`, as it runs in production), the sandbox, the bare
 * express baseline and the page-fetch baseline — and their memory, read from /proc.
 */
import { fork, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILDREN = path.join(HERE, "children");

/** apps/api/dist/main.js, found through the workspace dependency (so the root script's turbo filter builds it). */
export function apiMainJs(): string {
  const entry = createRequire(import.meta.url).resolve("@kirim/api");
  return path.join(path.dirname(entry), "main.js");
}

/**
 * The node flags of the API's documented production start (`apps/api`'s `start` script: `node <flags> dist/main.js`),
 * so the bench measures the process an operator runs (e.g. `--max-semi-space-size`, which sets the idle RSS).
 */
export function apiStartFlags(): string[] {
  const manifest = path.join(path.dirname(path.dirname(apiMainJs())), "package.json");
  const scripts = (JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: Record<string, string> }).scripts;
  return nodeFlagsOf(scripts?.["start"] ?? "", "dist/main.js");
}

/** The flags between `node` and `entry` in the last command of `script` (`… && node <flags> <entry>`). */
export function nodeFlagsOf(script: string, entry: string): string[] {
  const words = (script.split("&&").at(-1) ?? "").trim().split(/\s+/);
  if (words[0] !== "node" || words.at(-1) !== entry)
    throw new Error(`expected a start script ending in "node … ${entry}", got: ${script}`);
  return words.slice(1, -1);
}

export interface Child {
  child: ChildProcess;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

function handle(child: ChildProcess): Child {
  if (child.pid === undefined) throw new Error("child process did not start");
  const pid = child.pid;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
  return {
    child,
    pid,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for the first stdout line of a child that announces itself with one JSON line. */
function firstJsonLine<T>(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf("\n");
      if (newline === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffered.slice(0, newline)) as T);
      } catch (error) {
        reject(new Error(`${what} printed an unexpected first line: ${buffered.slice(0, newline)} (${String(error)})`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it started`));
    });
  });
}

export interface SandboxChild extends Child {
  url: string;
  wabaId: string;
  accessToken: string;
}

export async function startSandbox(templates: number, env: Record<string, string>): Promise<SandboxChild> {
  const child = spawn(process.execPath, [path.join(CHILDREN, "sandbox.js"), "--templates", String(templates)], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const info = await firstJsonLine<{ url: string; wabaId: string; accessToken: string }>(child, "the Meta sandbox");
  return { ...handle(child), ...info };
}

export interface BareExpressChild extends Child {
  url: string;
}

export async function startBareExpress(bodyFile: string, env: Record<string, string>): Promise<BareExpressChild> {
  const child = spawn(process.execPath, [path.join(CHILDREN, "bare-express.js"), bodyFile], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const info = await firstJsonLine<{ url: string }>(child, "the bare express baseline");
  return { ...handle(child), ...info };
}

/** The fan-out benchmark's loopback webhook receiver (children/webhook-receiver.ts). */
export async function startWebhookReceiver(env: Record<string, string>): Promise<BareExpressChild> {
  const child = spawn(process.execPath, [path.join(CHILDREN, "webhook-receiver.js")], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const info = await firstJsonLine<{ url: string }>(child, "the webhook receiver");
  return { ...handle(child), ...info };
}

/** The fan-out baseline (children/bare-webhook-loop.ts): resolves when it has POSTed every body. */
export async function runBareWebhookLoop(
  eventsFile: string,
  url: string,
  secret: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ startedAt: number }> {
  const child = spawn(process.execPath, [path.join(CHILDREN, "bare-webhook-loop.js"), eventsFile, url, secret], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const running = handle(child);
  try {
    return await firstJsonLine<{ startedAt: number }>(child, "the bare webhook loop", timeoutMs);
  } finally {
    await running.stop();
  }
}

/** Bare express plus our list request's four statements (children/db-floor.ts). */
export async function startDatabaseFloor(
  bodyFile: string,
  databaseUrl: string,
  phoneNumberId: string,
  env: Record<string, string>,
): Promise<BareExpressChild> {
  const child = spawn(process.execPath, [path.join(CHILDREN, "db-floor.js"), bodyFile, databaseUrl, phoneNumberId], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const info = await firstJsonLine<{ url: string }>(child, "the one-query floor baseline");
  return { ...handle(child), ...info };
}

/** Bare express plus the create's two statements and one fetch to the sandbox (children/create-floor.ts). */
export async function startCreateFloor(
  options: { databaseUrl: string; phoneNumberId: string; sandboxUrl: string; wabaId: string; accessToken: string },
  env: Record<string, string>,
): Promise<BareExpressChild> {
  const { databaseUrl, phoneNumberId, sandboxUrl, wabaId, accessToken } = options;
  const child = spawn(
    process.execPath,
    [path.join(CHILDREN, "create-floor.js"), databaseUrl, phoneNumberId, sandboxUrl, wabaId, accessToken],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const info = await firstJsonLine<{ url: string }>(child, "the create floor baseline");
  return { ...handle(child), ...info };
}

export interface FetchResult {
  ms: number;
  pages: number;
  templates: number;
  bytes: number;
}

export interface PageFetcher extends Child {
  run(request: { url: string; query: Record<string, string>; accessToken: string }): Promise<FetchResult>;
}

export async function startPageFetcher(env: Record<string, string>): Promise<PageFetcher> {
  const child = fork(path.join(CHILDREN, "fetch-pages.js"), [], {
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the page fetcher exited with ${code}`)));
  });
  return {
    ...handle(child),
    run: (request) =>
      new Promise((resolve, reject) => {
        child.once("message", (answer: { ok: boolean; error?: string } & FetchResult) => {
          if (answer.ok)
            resolve({ ms: answer.ms, pages: answer.pages, templates: answer.templates, bytes: answer.bytes });
          else reject(new Error(`baseline fetch failed: ${answer.error ?? "unknown"}`));
        });
        child.send(request);
      }),
  };
}

export interface ApiChild extends Child {
  baseUrl: string;
  logFile: string;
}

export interface ApiChildOptions {
  env: Record<string, string>;
  logFile: string;
  /** Directory for `node --cpu-prof` output; unset = no profiling. */
  cpuProfileDir?: string;
}

/**
 * Starts the built API the way an operator would (`apps/api`'s `start`: `node <its flags> dist/main.js`), its logs
 * going to a file as a supervisor would keep them, and waits for the banner's "listening on <url>" line.
 */
export async function startApi(options: ApiChildOptions): Promise<ApiChild> {
  const main = apiMainJs();
  const fd = openSync(options.logFile, "a");
  const child = spawn(process.execPath, apiArgs(options), {
    cwd: path.dirname(path.dirname(main)),
    env: options.env,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const api = handle(child);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const log = readFileSync(options.logFile, "utf8");
    const baseUrl = /listening on (http:\/\/\S+)/.exec(log)?.[1];
    // The banner comes after migrations, seeding and the job queue; readiness (database reachable) confirms it.
    if (baseUrl !== undefined && (await ready(baseUrl))) return { ...api, baseUrl, logFile: options.logFile };
    if (child.exitCode !== null)
      throw new Error(`the API exited with ${child.exitCode} during start-up:\n${log.slice(-4000)}`);
    if (Date.now() > deadline) {
      await api.stop();
      throw new Error(`the API did not start within 90 s:\n${log.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * node's arguments for the API: the documented start's flags and entry point, plus the bench's probes (the heap
 * probe only installs a SIGUSR2 handler, see children/heap-probe.ts; --expose-gc lets it force GCs).
 */
export function apiArgs(options: Pick<ApiChildOptions, "cpuProfileDir">): string[] {
  const probe = ["--expose-gc", "--import", pathToFileURL(path.join(CHILDREN, "heap-probe.js")).href];
  const profile = options.cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`];
  return [...apiStartFlags(), ...probe, ...profile, apiMainJs()];
}

async function ready(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/v1/health/ready`);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export interface Memory {
  /** Current resident set (VmRSS), bytes. */
  rss: number;
  /** Peak resident set since start or the last `resetPeakRss` (VmHWM), bytes. */
  peak: number;
}

export function readMemory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/**
 * Resets VmHWM to the current RSS (writing 5 to /proc/<pid>/clear_refs, Linux ≥ 4.0), so the next peak is the
 * peak of one phase (a sync) rather than of the process's whole life. Returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU time (user + system) the process has used so far, in ms, from /proc/<pid>/stat. Per phase (a sync, a load
 * run) it separates "our process was busy" from "our process waited for PostgreSQL or Meta".
 */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start at the state, field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Samples VmRSS every `everyMs` while a phase runs: the fallback peak where clear_refs is refused. */
export function sampleRss(pid: number, everyMs = 25): { stop(): number } {
  let max = 0;
  const take = () => {
    try {
      max = Math.max(max, readMemory(pid).rss);
    } catch {
      // the process is gone; keep what was seen
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

export interface LiveHeap {
  /** Heap left after a full GC just before the phase, bytes. */
  before: number;
  /** The most heap left after any of the full GCs forced every 20 ms during the phase. */
  max: number;
  after: number;
}

/**
 * Live heap of a child started by `startApi` during `phase` (heap-probe.ts inside it). The forced GCs slow the
 * phase down, so this runs apart from the timed runs.
 */
export async function measureLiveHeap(pid: number, phase: () => Promise<unknown>): Promise<LiveHeap> {
  const file = path.join(tmpdir(), `kirim-bench-heap-${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  // Let the first forced GC run before the phase starts, so `before` is before it.
  await new Promise((r) => setTimeout(r, 100));
  await phase();
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the heap probe of process ${pid} wrote nothing`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const result = JSON.parse(readFileSync(file, "utf8")) as LiveHeap & { exact: boolean };
  rmSync(file, { force: true });
  if (!result.exact) throw new Error("the heap probe ran without --expose-gc");
  return { before: result.before, max: result.max, after: result.after };
}
