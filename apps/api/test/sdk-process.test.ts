/**
 * "@kirim/sdk works on Node ≥ 20, Deno, Bun and in browsers", proven on each: the built API (dist/main.js with its
 * in-process Meta sandbox) runs as a process on 127.0.0.1, and the built SDK (packages/sdk/dist, as published)
 * talks to it from a Node child process, Deno, Bun (the npm packages `deno` and `bun`, devDependencies here) and
 * a page in headless Chromium served from another loopback origin (cross-origin: CORS_ORIGINS names it).
 * Each run pages through the synced templates, creates one (a POST with its Idempotency-Key: crypto.randomUUID,
 * which browsers only offer in a secure context), gets a typed KirimError, and verifies a signed webhook with
 * Web Crypto. A runtime that is missing fails its test; nothing is skipped.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderConfirmation } from "./support/stack.js";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SDK_DIST = path.resolve(APP_DIR, "../../packages/sdk/dist");
const BIN = (name: string) => path.join(APP_DIR, "node_modules/.bin", name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The machine may be loaded: the API's first start (migrations on an empty DATA_DIR, seed) can take minutes. */
const START_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 180_000;

const WEBHOOK_SECRET = `whsec_${Buffer.from("sdk-process-test-secret-32-bytes").toString("base64")}`;

interface RunResult {
  organization: string;
  accounts: string[];
  listed: number;
  pages: number;
  created: { name: string; language: string; status: string };
  error: { isKirimError: boolean; status: number; type: string; code: string; requestId: string };
  webhook: { type: string; tamperedRefused: string };
}

let api: ChildProcessWithoutNullStreams | undefined;
let apiOut = "";
let baseUrl = "";
let apiKey = "";
let phoneNumberId = "";
let pageServer: http.Server | undefined;
let pageOrigin = "";
let workDir = "";

/** The script every runtime runs: `import` of the SDK's entry, then `run()` returns what it saw. */
function script(sdkSpecifier: string, runtime: string): string {
  const payload = JSON.stringify({
    type: "template.status_updated",
    timestamp: new Date().toISOString(),
    data: { runtime },
  });
  const msgId = `msg_${runtime}`;
  const at = new Date();
  const signature = new Webhook(WEBHOOK_SECRET).sign(msgId, at, payload);
  const signed = {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
  const body = { ...orderConfirmation("en"), name: `sdk_runtime_${runtime}` };
  return `import { Kirim, KirimError, verifyWebhook } from ${JSON.stringify(sdkSpecifier)};
export async function run() {
  const kirim = new Kirim({ apiKey: ${JSON.stringify(apiKey)}, baseUrl: ${JSON.stringify(baseUrl)}, timeoutMs: 120000 });
  const me = await kirim.me();
  const accounts = await kirim.accounts.list();
  const templates = kirim.phoneNumbers(${JSON.stringify(phoneNumberId)}).templates;
  let listed = 0;
  for await (const t of templates.list({ limit: 100 })) if (typeof t.id === "string") listed += 1;
  let pages = 0;
  for await (const page of templates.list({ limit: 100 }).pages()) pages += page.data.length > 0 ? 1 : 0;
  const created = await templates.create(${JSON.stringify(body)});
  const missing = await templates.get("no_such_template_${runtime}").catch((e) => e);
  const hook = await verifyWebhook(${JSON.stringify(WEBHOOK_SECRET)}, ${JSON.stringify(signed)}, ${JSON.stringify(payload)});
  const tampered = await verifyWebhook(${JSON.stringify(WEBHOOK_SECRET)}, ${JSON.stringify(signed)}, ${JSON.stringify(payload.replace(runtime, "x"))}).then(() => "accepted", (e) => e.code);
  return {
    organization: me.organization.object,
    accounts: accounts.map((a) => a.phone_number_id),
    listed,
    pages,
    created: { name: created.name, language: created.language, status: created.status },
    error: { isKirimError: missing instanceof KirimError, status: missing.status, type: missing.type, code: missing.code, requestId: missing.requestId },
    webhook: { type: hook.type, tamperedRefused: tampered },
  };
}
`;
}

/** Runs `command` until it exits 0 and answers its stdout. */
async function runToEnd(
  command: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const child = spawn(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: workDir,
      DENO_DIR: path.join(workDir, "deno-cache"),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      ...extraEnv,
    },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}\n${out}\n${err}`);
  return out;
}

/** Runs a runtime script; its last stdout line is the JSON of run(). */
async function runProcess(command: string, args: string[], cwd: string): Promise<RunResult> {
  const out = await runToEnd(command, args, cwd);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "") as RunResult;
}

async function runtimeScript(runtime: string): Promise<string> {
  const dir = path.join(workDir, runtime);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const lib = path.join(dir, "run.mjs");
  await writeFile(lib, script(pathToFileURL(path.join(SDK_DIST, "index.js")).href, runtime));
  const main = path.join(dir, "main.mjs");
  await writeFile(main, `import { run } from "./run.mjs";\nconsole.log(JSON.stringify(await run()));\n`);
  return main;
}

function expectWorked(result: RunResult, runtime: string): void {
  expect(result.organization).toBe("organization");
  expect(result.accounts).toEqual([phoneNumberId]);
  // The demo sandbox has 150 templates, synced in beforeAll: 100 per page, so at least two cursors followed.
  expect(result.listed).toBeGreaterThanOrEqual(150);
  expect(result.pages).toBeGreaterThanOrEqual(2);
  expect(result.created).toEqual({ name: `sdk_runtime_${runtime}`, language: "en", status: "pending" });
  expect(result.error).toMatchObject({ isKirimError: true, status: 404, type: "not_found" });
  expect(result.error.requestId).toMatch(/^req_/);
  expect(result.webhook).toEqual({ type: "template.status_updated", tamperedRefused: "webhook_signature_invalid" });
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "kirim-sdk-process-"));
  // The page's origin: the SDK's dist and the runtime script, served as ES modules from loopback.
  pageServer = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const file = url.pathname.startsWith("/sdk/")
        ? path.join(SDK_DIST, path.normalize(url.pathname.slice("/sdk/".length)))
        : url.pathname === "/run.mjs"
          ? path.join(workDir, "browser", "run.mjs")
          : undefined;
      if (url.pathname === "/")
        return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>sdk</title>");
      if (file === undefined || (!file.startsWith(SDK_DIST) && !file.startsWith(workDir)))
        return res.writeHead(404).end();
      try {
        res.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(file));
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => pageServer?.listen(0, "127.0.0.1", resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;

  api = spawn(process.execPath, ["dist/main.js"], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: path.join(workDir, "data"),
      LOG_LEVEL: "warn",
      CORS_ORIGINS: pageOrigin,
    },
  });
  let err = "";
  api.stdout.on("data", (chunk: Buffer) => (apiOut += chunk.toString()));
  api.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!/Sync templates from Meta:\ncurl .*\n/.test(apiOut)) {
    if (api.exitCode !== null) throw new Error(`dist/main.js exited with ${api.exitCode}\n${apiOut}\n${err}`);
    if (Date.now() > deadline) throw new Error(`no banner within ${START_TIMEOUT_MS} ms\n${apiOut}\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  baseUrl = /listening on (http:\/\/\S+)/.exec(apiOut)?.[1] ?? "";
  apiKey = /API key\s+(kdv_live_\S+)/.exec(apiOut)?.[1] ?? "";
  phoneNumberId = /phone_number_id (\d+)/.exec(apiOut)?.[1] ?? "";
  expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(apiKey).not.toBe("");
  const sync = await fetch(`${baseUrl}/v1/${phoneNumberId}/templates/sync`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(sync.status).toBe(200);
}, START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  if (api !== undefined && api.exitCode === null) {
    const exited = new Promise((resolve) => api?.once("exit", resolve));
    api.kill("SIGTERM");
    await exited;
  }
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  if (workDir !== "") await rm(workDir, { recursive: true, force: true });
}, 60_000);

describe("@kirim/sdk (built) against the built API process", () => {
  it(
    "Node (a child process, the running Node ≥ 20)",
    async () => {
      const main = await runtimeScript("node");
      expectWorked(await runProcess(process.execPath, [main], path.dirname(main)), "node");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "Deno (npm package deno), network only to 127.0.0.1",
    async () => {
      const main = await runtimeScript("deno");
      const host = new URL(baseUrl).host;
      const args = [
        "run",
        "--no-config",
        "--no-prompt",
        `--allow-net=${host}`,
        `--allow-read=${SDK_DIST},${path.dirname(main)}`,
        main,
      ];
      expectWorked(await runProcess(BIN("deno"), args, path.dirname(main)), "deno");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "Bun (npm package bun)",
    async () => {
      const main = await runtimeScript("bun");
      expectWorked(await runProcess(BIN("bun"), ["run", main], path.dirname(main)), "bun");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "the README's example runs as written (its first ts block, with @kirim/sdk pointing at the build)",
    async () => {
      const readme = await readFile(path.join(SDK_DIST, "..", "README.md"), "utf8");
      const block = /## Example\n\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
      expect(block).toContain('from "@kirim/sdk"');
      const dir = path.join(workDir, "readme");
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, "example.mts");
      await writeFile(
        file,
        (block ?? "").replace('"@kirim/sdk"', JSON.stringify(pathToFileURL(path.join(SDK_DIST, "index.js")).href)),
      );
      // cwd is the app, where tsx (what the README runs it with) is installed.
      const out = await runToEnd(process.execPath, ["--import", "tsx", file], APP_DIR, {
        KIRIM_API_KEY: apiKey,
        KIRIM_BASE_URL: baseUrl,
      });
      const counts = /synced (\d+): (\d+) approved, (\d+) utility/.exec(out);
      expect(Number(counts?.[1])).toBeGreaterThanOrEqual(150);
      expect(Number(counts?.[2])).toBeGreaterThan(0);
      expect(out).toContain("created order_confirmation: pending");
      expect(out).toContain("Hi Budi, your order A123 is confirmed and ships today.");
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "a browser: headless Chromium, the SDK as ES modules on another loopback origin (CORS)",
    async () => {
      const dir = path.join(workDir, "browser");
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "run.mjs"), script("/sdk/index.js", "browser"));
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
      try {
        const page = await browser.newPage();
        await page.goto(`${pageOrigin}/`);
        expect(await page.evaluate("window.isSecureContext")).toBe(true);
        // A string, so vitest's transform does not rewrite the page's own import().
        const result = await page.evaluate(`import("/run.mjs").then((m) => m.run())`);
        expectWorked(result as RunResult, "browser");
      } finally {
        await browser.close();
      }
    },
    RUN_TIMEOUT_MS,
  );
});
