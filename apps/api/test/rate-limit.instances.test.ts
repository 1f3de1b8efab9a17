/**
 * The buckets are shared by every instance: two API processes (the built `dist/main.js`) on one PostgreSQL
 * database, hit alternately and concurrently, let through exactly ONE bucket's capacity between them.
 * Real PostgreSQL only (PGlite is one process); needs `pnpm --filter @kirim/api build` first.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID } from "./support/stack.js";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MAIN_JS = path.join(APP_DIR, "dist", "main.js");
const DEV_API_KEY = "kdv_live_instancesTestKey000000";
const WRITE_PER_MINUTE = 4;

interface Instance {
  child: ChildProcessWithoutNullStreams;
  baseUrl: string;
  output: () => string;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [MAIN_JS], { cwd: APP_DIR, env });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const baseUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (baseUrl !== undefined) return { child, baseUrl, output: () => out };
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}\n${out}`);
    if (Date.now() > deadline) throw new Error(`instance did not start within 60 s\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stop(instance: Instance): Promise<void> {
  return new Promise((resolve) => {
    if (instance.child.exitCode !== null) return resolve();
    instance.child.once("exit", () => resolve());
    instance.child.kill("SIGTERM");
  });
}

describe.runIf(databaseKinds().includes("postgres"))("rate limits shared by two instances on PostgreSQL", () => {
  let db: TestDatabase;
  let sandbox: MetaSandbox;
  let dataDir = "";
  const instances: Instance[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`pnpm --filter @kirim/api build\` first`);
    db = await createTestDatabase("postgres");
    const { name } = await db.db.selectNoFrom((eb) => eb.fn<string>("current_database", []).as("name")).executeTakeFirstOrThrow();
    const databaseUrl = new URL(process.env["TEST_DATABASE_URL"] ?? "");
    databaseUrl.pathname = `/${name}`;
    sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-instances-"));
    const env = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      // One DATA_DIR: both instances must share the generated token-encryption key and cursor secret.
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl.toString(),
      META_GRAPH_URL: sandbox.url,
      DEMO_WABA_ID: sandbox.demo.wabaId,
      DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
      DEV_API_KEY,
      CURSOR_SECRET: "instances-test-cursor-secret",
      RATE_LIMIT_WRITE_PER_MINUTE: String(WRITE_PER_MINUTE),
      LOG_LEVEL: "warn",
    };
    // One after the other: the first applies the migrations and seeds the demo organisation.
    instances.push(await startInstance(env));
    instances.push(await startInstance(env));
  }, 150_000);

  afterAll(async () => {
    await Promise.all(instances.map(stop));
    await sandbox?.close();
    await db?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("lets through exactly one bucket's capacity of writes across both instances", async () => {
    const [a, b] = instances;
    if (a === undefined || b === undefined) throw new Error("instances not started");
    expect(a.baseUrl).not.toBe(b.baseUrl);
    const phoneNumberId = DEMO_PHONE_NUMBER_ID;
    const answers = await Promise.all(
      Array.from({ length: 3 * WRITE_PER_MINUTE }, (_, i) =>
        call((i % 2 === 0 ? a : b).baseUrl, "POST", `/v1/${phoneNumberId}/templates/sync`, { token: DEV_API_KEY }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(WRITE_PER_MINUTE);
    expect(statuses.filter((st) => st === 429)).toHaveLength(2 * WRITE_PER_MINUTE);
    // Both instances answered some of the 429s: neither kept a bucket of its own.
    const refusedBy = new Set(answers.flatMap((r, i) => (r.status === 429 ? [i % 2] : [])));
    expect(refusedBy.size).toBe(2);
    for (const r of answers) expect(r.headers.get("x-ratelimit-limit")).toBe(String(WRITE_PER_MINUTE));
  });
});
