/**
 * Start-up cannot hang (issue 13 §3): a "database" that accepts the TCP connection and never answers — a loopback
 * server that reads and says nothing — must not keep `dist/main.js` waiting forever, silent and deaf to signals.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_DIR, MAIN_JS, assertBuilt } from "./drills/drill-support.js";

let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();
/** Resolves on each connection the silent server accepts (the process got as far as the database). */
let accepted: () => void = () => undefined;
const children: ChildProcessWithoutNullStreams[] = [];
let dataDir: string;

beforeAll(async () => {
  assertBuilt();
  dataDir = await mkdtemp(path.join(tmpdir(), "kirim-hang-"));
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume(); // read the startup message, answer nothing
    accepted();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

function startAgainstSilentDatabase(extraEnv: Record<string, string>): Run {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      DATABASE_URL: `postgres://kirim@127.0.0.1:${silentPort}/kirim`,
      ...extraEnv,
    },
  });
  children.push(child);
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, afterMs: Date.now() - startedAt })),
  );
  return { child, output: () => out, exited };
}

describe("start-up against a database that accepts and never answers", () => {
  it("exits non-zero within the connect timeout, naming the database host", async () => {
    const run = startAgainstSilentDatabase({ DATABASE_CONNECT_TIMEOUT_MS: "1500", SHUTDOWN_TIMEOUT_MS: "60000" });
    const result = await run.exited;
    expect(result.code, run.output()).toBe(1);
    // 1.5 s of connect timeout plus Node's start: far below the 60 s a hang would be cut at by the test runner.
    expect(result.afterMs).toBeLessThan(15_000);
    expect(run.output()).toContain(`Cannot start: the database at 127.0.0.1:${silentPort}/kirim did not answer`);
    expect(run.output()).toContain("DATABASE_CONNECT_TIMEOUT_MS=1500");
    expect(run.output()).not.toContain("listening");
  }, 30_000);

  it("honours SIGTERM while start-up waits on the database: exits promptly, saying where it was", async () => {
    const connected = new Promise<void>((resolve) => (accepted = resolve));
    // A connect timeout far longer than the test: only the signal can end this start-up.
    const run = startAgainstSilentDatabase({ DATABASE_CONNECT_TIMEOUT_MS: "600000", SHUTDOWN_TIMEOUT_MS: "1000" });
    await connected;
    const signalledAt = Date.now();
    run.child.kill("SIGTERM");
    const result = await run.exited;
    const afterSignalMs = Date.now() - signalledAt;
    expect(result.code, run.output()).toBe(1);
    expect(afterSignalMs).toBeLessThan(8_000);
    expect(run.output()).toContain(
      `Stopped by SIGTERM while connecting to the database at 127.0.0.1:${silentPort}/kirim`,
    );
  }, 30_000);

  it("a second SIGINT during that start-up exits at once", async () => {
    const connected = new Promise<void>((resolve) => (accepted = resolve));
    const run = startAgainstSilentDatabase({ DATABASE_CONNECT_TIMEOUT_MS: "600000", SHUTDOWN_TIMEOUT_MS: "600000" });
    await connected;
    run.child.kill("SIGINT");
    // The first signal is logged once it is handled; the second one must not wait for SHUTDOWN_TIMEOUT_MS.
    while (!run.output().includes("signal during start-up")) await new Promise((r) => setTimeout(r, 20));
    run.child.kill("SIGINT");
    const result = await run.exited;
    expect(result.code, run.output()).toBe(1);
    expect(run.output()).toContain("Stopped by SIGINT while connecting to the database");
    expect(run.output()).toContain("second signal during start-up");
  }, 30_000);
});
