/**
 * Shutdown and signals, against `dist/main.js` as a process, with every moment decided by explicit
 * synchronisation: Meta (the sandbox, in this process) sits behind a gate that holds a chosen request until the
 * test releases it, and the database can sit behind a TCP gate that holds start-up at its first connection.
 *
 * - SIGTERM/SIGINT drain: the in-flight request finishes, new connections are refused meanwhile, exit 0;
 * - SHUTDOWN_TIMEOUT_MS forces the close of a request that outlives it;
 * - a second signal exits at once (code 1);
 * - a signal during start-up is honoured (exit 0), not fatal and not lost.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApiProcess } from "./drills/drill-support.js";
import { assertBuilt, baseApiEnv, killApiProcess, MAIN_JS } from "./drills/drill-support.js";
import { call } from "./support/http.js";
import type { CallResult } from "./support/http.js";

const DEV_KEY = "kdv_live_shutdownshutdownshutdown00";
const PID = "106540352242922";

/** An HTTP proxy to `upstream` that holds every request `holds` matches until `release()`. */
interface Gate {
  url: string;
  /** Resolves when the first held request has arrived. */
  arrived: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

async function startHttpGate(upstream: string, holds: (req: http.IncomingMessage) => boolean): Promise<Gate> {
  const target = new URL(upstream);
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    void (async () => {
      if (holds(req)) {
        arrive();
        await released;
      }
      const forward = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => res.destroy());
      req.pipe(forward);
    })();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrived,
    release,
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP proxy to `upstream` (host:port) that holds every connection until `release()`. */
async function startTcpGate(upstream: URL): Promise<Gate & { port: number }> {
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    arrive();
    void released.then(() => {
      const backend = net.connect({ host: upstream.hostname, port: Number(upstream.port || 5432) });
      sockets.add(backend);
      backend.on("error", () => client.destroy());
      client.on("error", () => backend.destroy());
      client.pipe(backend).pipe(client);
      client.resume();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    port,
    arrived,
    release,
    close: () => {
      release();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `text` has appeared in the process output (checked again on each chunk it prints). */
async function printed(api: ApiProcess, text: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!api.output().includes(text)) {
    if (api.child.exitCode !== null || api.child.signalCode !== null)
      throw new Error(`exited before printing ${text}:\n${api.output()}`);
    if (Date.now() > deadline) throw new Error(`did not print ${text} within ${timeoutMs} ms:\n${api.output()}`);
    await Promise.race([
      once(api.child.stdout, "data"),
      once(api.child, "exit"),
      new Promise((r) => setTimeout(r, 1_000).unref()),
    ]);
  }
}

/** How the process ended within `ms`, or "still running". */
function exitWithin(
  api: ApiProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | "still running"> {
  if (api.child.exitCode !== null || api.child.signalCode !== null)
    return Promise.resolve({ code: api.child.exitCode, signal: api.child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("still running"), ms);
    api.child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Spawns dist/main.js with exactly `env` (stdout and stderr collected); start-up on a busy machine may be slow. */
function spawnApi(env: Record<string, string>): ApiProcess {
  assertBuilt();
  const child = spawn(process.execPath, [MAIN_JS], { env });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return { child, baseUrl: "", output: () => out };
}

/** Meta's template list: what a sync asks first. */
const isTemplateList = (req: http.IncomingMessage): boolean =>
  req.method === "GET" && (req.url ?? "").includes("/message_templates");

describe("shutdown of dist/main.js", () => {
  let sandbox: MetaSandbox;
  let gate: Gate | undefined;
  let api: ApiProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null, demoTemplateCount: 5 });
  });
  afterEach(async () => {
    if (api !== undefined) await killApiProcess(api);
    await gate?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    api = undefined;
    gate = undefined;
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  /** The API on PGlite with Meta behind a gate that holds template lists; returns once signals stop it gracefully. */
  async function startBehindGate(shutdownTimeoutMs: number): Promise<{ api: ApiProcess; gate: Gate }> {
    gate = await startHttpGate(sandbox.url, isTemplateList);
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-shutdown-"));
    api = spawnApi(
      baseApiEnv({
        LOG_LEVEL: "info",
        DATA_DIR: dataDir,
        META_GRAPH_URL: gate.url,
        DEMO_WABA_ID: sandbox.demo.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
        DEV_API_KEY: DEV_KEY,
        SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      }),
    );
    // "started" is the line after which every signal stops gracefully.
    await printed(api, '"msg":"started"', 240_000);
    const baseUrl = /listening on (http:\/\/\S+)/.exec(api.output())?.[1];
    if (baseUrl === undefined) throw new Error(`no listening URL in the banner:\n${api.output()}`);
    api = { ...api, baseUrl };
    return { api, gate };
  }

  /** A sync whose first Meta call is now held at the gate (wrapped: an async function would await the answer). */
  async function syncInFlight(running: ApiProcess, held: Gate): Promise<{ answer: Promise<CallResult | Error> }> {
    const answer = call(running.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: DEV_KEY }).catch(
      (error: unknown) => error as Error,
    );
    await held.arrived;
    return { answer };
  }

  it("SIGTERM: new connections are refused while the in-flight request finishes, then exit 0", async () => {
    const { api: running, gate: held } = await startBehindGate(30_000);
    const { answer: inFlight } = await syncInFlight(running, held);

    running.child.kill("SIGTERM");
    await printed(running, '"msg":"shutting down"');
    // Draining: the listening socket is closed, so a new connection is refused (the in-flight one stays open).
    const refused = await fetch(`${running.baseUrl}/v1/health`).then(
      () => "answered",
      (error: unknown) => (error as { cause?: { code?: string } }).cause?.code ?? String(error),
    );
    expect(refused, running.output()).toBe("ECONNREFUSED");

    held.release();
    const finished = await inFlight;
    expect(finished).not.toBeInstanceOf(Error);
    expect((finished as CallResult).status, (finished as CallResult).text).toBe(200);
    expect(await exitWithin(running, 30_000)).toEqual({ code: 0, signal: null });
    expect(running.output()).toContain('"msg":"stopped"');
  }, 360_000);

  it("SHUTDOWN_TIMEOUT_MS: a request that outlives it is cut and the process exits", async () => {
    const { api: running, gate: held } = await startBehindGate(1_000);
    const { answer: inFlight } = await syncInFlight(running, held);

    running.child.kill("SIGINT");
    // Meta never answers (the gate holds on): the forced close cuts the request (the client sees the connection
    // end, not an answer: without the close it would wait for the gateway's own timeout and get a 502).
    expect(await exitWithin(running, 60_000)).toEqual({ code: 0, signal: null });
    expect(await inFlight).toBeInstanceOf(Error);
    expect(running.output()).toContain("in-flight requests did not finish in time; closing connections");
  }, 360_000);

  it("a second signal while draining exits at once with code 1", async () => {
    const { api: running, gate: held } = await startBehindGate(60_000);
    const { answer: inFlight } = await syncInFlight(running, held);

    running.child.kill("SIGTERM");
    await printed(running, '"msg":"shutting down"');
    running.child.kill("SIGTERM");
    // Without the second-signal exit the drain would end only after Meta's timeout, with code 0.
    expect(await exitWithin(running, 30_000)).toEqual({ code: 1, signal: null });
    expect(running.output()).toContain("second signal: exiting now");
    expect(await inFlight).toBeInstanceOf(Error);
  }, 360_000);
});

describe.runIf(databaseKinds().includes("postgres"))("a signal during start-up (dist/main.js on PostgreSQL)", () => {
  let database: TestDatabase & { url?: string };
  let dbGate: (Gate & { port: number }) | undefined;
  let api: ApiProcess | undefined;
  let dataDir = "";

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    if (api !== undefined) await killApiProcess(api);
    await dbGate?.close();
    await database?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("SIGTERM while start-up waits for the database is honoured: the process stops gracefully (exit 0), not killed", async () => {
    if (database.url === undefined) throw new Error("the PostgreSQL test database has no url");
    const real = new URL(database.url);
    dbGate = await startTcpGate(real);
    const viaGate = new URL(database.url);
    viaGate.host = dbGate.url;
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-startup-signal-"));

    api = spawnApi(
      baseApiEnv({ LOG_LEVEL: "info", DATA_DIR: dataDir, DATABASE_URL: viaGate.toString(), DEV_API_KEY: DEV_KEY }),
    );
    const { child } = api;

    // Start-up is now blocked on its first database connection: the signal lands in the start-up phase.
    await dbGate.arrived;
    expect(child.exitCode).toBeNull();
    child.kill("SIGTERM");
    dbGate.release();
    expect(await exitWithin(api, 120_000), api.output()).toEqual({ code: 0, signal: null });
    expect(api.output()).not.toContain('"msg":"failed to start"');
  }, 360_000);
});
