/// <reference types="node" />
/**
 * The pieces an end-to-end run needs (`openDashboard` puts them together with the browser): the real API as a child process on a loopback port it binds itself (PORT=0;
 * the address is read from its start banner, so no other process can take the port in between), and a tiny
 * static server for `dist/` that proxies /trpc and /v1 to it (the same origin the production build expects).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";

export interface RunningApi {
  url: string;
  apiKey: string;
  output: () => string;
  /** Base URL of the in-process Meta sandbox (its `/_sandbox/*` control API slows or breaks Meta on demand). */
  sandboxUrl: () => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * Starts `node apps/api/dist/main.js` on the embedded default (PGlite in a temp DATA_DIR, in-process Meta sandbox);
 * `extraEnv` adds operator settings a test needs (e.g. WEBHOOK_ALLOW_PRIVATE_TARGETS for a loopback receiver).
 */
export async function startApi(apiMain: string, extraEnv: Record<string, string> = {}): Promise<RunningApi> {
  if (!existsSync(apiMain))
    throw new Error(`${apiMain} is missing: build the API first (pnpm --filter @kirim/api build).`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "kirim-web-e2e-"));
  const apiKey = "kirim_e2e_dev_key_0123456789abcdef";
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The embedded default: no external database, no real Meta.
  for (const name of [
    "DATABASE_URL",
    "META_GRAPH_URL",
    "META_API_VERSION",
    "DEMO_WABA_ID",
    "DEMO_ACCESS_TOKEN",
    "CURSOR_SECRET",
  ])
    delete env[name];
  Object.assign(env, {
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DEV_API_KEY: apiKey,
    // Keep created templates pending for the whole run.
    SANDBOX_REVIEW_DELAY_MS: String(60 * 60 * 1000),
    // No scheduled sync: the syncs (and the runs the dashboard shows) are the test's own.
    TEMPLATE_SYNC_INTERVAL_MS: "0",
    LOG_LEVEL: "warn",
    ...extraEnv,
  });
  // Debugging knob: run the API from another entry (e.g. its TypeScript source through tsx) with extra node flags.
  const nodeArgs = (process.env.KIRIM_E2E_API_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  let log = "";
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, apiMain], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  // The API binds port 0 and prints where it listens; then it must answer its health check.
  const deadline = Date.now() + 90_000;
  let url = "";
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The API exited with code ${child.exitCode} before it was ready:\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The API did not start within 90 s:\n${log}`);
    }
    if (url === "") url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1] ?? "";
    if (
      url !== "" &&
      (await fetch(`${url}/v1/health`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      break;
    // Look again when it prints more or exits, or after 100 ms (the printed address may not answer yet).
    // (The abandoned `once` listener is removed, or every lap leaves one behind on stdout.)
    const lap = new AbortController();
    await Promise.race([
      once(child.stdout ?? child, "data", { signal: lap.signal }).catch(() => undefined),
      exited,
      new Promise((r) => setTimeout(r, 100).unref()),
    ]);
    lap.abort();
  }

  return {
    url,
    apiKey,
    output: () => log,
    // From the start banner ("Meta      in-process sandbox at http://127.0.0.1:…"), which may follow readiness.
    sandboxUrl: async () => {
      for (let waited = 0; waited < 10_000; waited += 100) {
        const match = /in-process sandbox at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (match?.[1] !== undefined) return match[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`The API's banner names no in-process sandbox:\n${log}`);
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface RunningWeb {
  url: string;
  close: () => Promise<void>;
}

/** Serves `distDir` (any unknown path → index.html, the SPA fallback) and proxies /trpc and /v1 to `apiUrl`. */
export async function serveWeb(distDir: string, apiUrl: string): Promise<RunningWeb> {
  if (!existsSync(path.join(distDir, "index.html")))
    throw new Error(`${distDir}/index.html is missing: build the web app first (pnpm --filter @kirim/web build).`);
  const api = new URL(apiUrl);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (
      url.pathname === "/trpc" ||
      url.pathname.startsWith("/trpc/") ||
      url.pathname === "/v1" ||
      url.pathname.startsWith("/v1/")
    ) {
      const upstream = http.request(
        {
          hostname: api.hostname,
          port: api.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: api.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy error: ${error.message}`);
      });
      req.pipe(upstream);
      return;
    }
    void (async () => {
      const wanted = path.normalize(path.join(distDir, decodeURIComponent(url.pathname)));
      const inside = wanted.startsWith(distDir + path.sep);
      const isFile =
        inside &&
        (await stat(wanted).then(
          (s) => s.isFile(),
          () => false,
        ));
      const file = isFile ? wanted : path.join(distDir, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "cache-control": file.includes(`${path.sep}assets${path.sep}`)
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      });
      res.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ── The browser side: every e2e file opens the dashboard the same way ──

const e2eDir = path.dirname(fileURLToPath(import.meta.url));
export const webRoot = path.resolve(e2eDir, "..");
export const apiMain = path.resolve(webRoot, process.env.KIRIM_E2E_API_MAIN ?? "../api/dist/main.js");
export const distDir = path.resolve(webRoot, "dist");
export const screenshotsDir = path.resolve(webRoot, "test-results/screenshots");
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = existsSync(chromiumPath);

/**
 * Without Debian's chromium the browser tests only run in CI, where a missing browser is a failed test, never a
 * silent skip (each file then runs its own tests with `describe.runIf(haveChromium)`).
 */
export function requireChromiumInCi(subject: string): void {
  if (haveChromium) return;
  if (!process.env.CI) {
    console.warn(
      `\n[e2e] SKIPPED ${subject}: no chromium at ${chromiumPath}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.\n`,
    );
    return;
  }
  describe(`browser for ${subject}`, () => {
    it("has Debian's chromium installed (CI must not skip the browser tests)", () => {
      expect.fail(`chromium not found at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
    });
  });
}

export interface DashboardOptions {
  /** Operator settings for the API (e.g. WEBHOOK_ALLOW_PRIVATE_TARGETS for a loopback receiver). */
  apiEnv?: Record<string, string>;
  /**
   * "session": the key is in sessionStorage before any page loads (signed in, nothing opened yet);
   * "form": through the sign-in page, which lands on the demo account's templates; "none": the test signs in.
   */
  signIn?: "session" | "form" | "none";
  /** Playwright's default timeout for every wait on the page. */
  timeoutMs?: number;
  /** Console errors become problems, except those matching this (e.g. the expected 401 of a wrong key); unset → not watched. */
  consoleErrors?: { except?: RegExp };
  /** Accept every confirm() (the form's "leave this page?" on reload). */
  acceptDialogs?: boolean;
  /** Browser permissions to grant where Chromium knows them (e.g. the clipboard). */
  permissions?: string[];
}

export interface Dashboard {
  api: RunningApi;
  web: RunningWeb;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What went wrong beside the assertions: non-loopback requests, page errors, console errors if watched. */
  problems: string[];
  /** The dashboard's address for a hash route, e.g. url("#/accounts/…/templates"). */
  url: (hash?: string) => string;
  close: () => Promise<void>;
}

// Headless, no sandbox (root in CI), nothing that reaches the network by itself.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The real API and the built dashboard, and Debian's chromium on them at 1280×900: only loopback traffic (anything
 * else is refused and reported in `problems`), optionally already signed in with the API's development key.
 */
export async function openDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const {
    apiEnv = {},
    signIn = "none",
    timeoutMs = 30_000,
    consoleErrors,
    acceptDialogs = false,
    permissions = [],
  } = options;
  const problems: string[] = [];
  const api = await startApi(apiMain, apiEnv);
  let web: RunningWeb | undefined;
  let browser: Browser | undefined;
  try {
    web = await serveWeb(distDir, api.url);
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (permissions.length > 0) await context.grantPermissions(permissions).catch(() => undefined);
    // Only loopback traffic (and the page's own blob: URLs, e.g. a picked file's thumbnail).
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|blob:)/, (route) => {
      problems.push(`non-loopback request: ${route.request().url()}`);
      return route.abort();
    });
    // The dashboard keeps the key in sessionStorage.
    if (signIn === "session")
      await context.addInitScript((key) => sessionStorage.setItem("kirim.apiKey", key), api.apiKey);
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    if (consoleErrors !== undefined) {
      page.on("console", (message) => {
        if (message.type() === "error" && !(consoleErrors.except?.test(message.text()) ?? false))
          problems.push(`console: ${message.text()}`);
      });
    }
    if (acceptDialogs) page.on("dialog", (dialog) => void dialog.accept());
    const webUrl = web.url;
    const dashboard: Dashboard = {
      api,
      web,
      browser,
      context,
      page,
      problems,
      url: (hash = "") => `${webUrl}/${hash}`,
      close: async () => {
        await browser?.close();
        await web?.close();
        await api.stop();
      },
    };
    if (signIn === "form") {
      await signInThroughForm(page, webUrl, api.apiKey);
      // The demo organisation has one account: sign-in lands on its templates.
      await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    }
    return dashboard;
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await web?.close().catch(() => undefined);
    await api.stop();
    throw error;
  }
}

/** Opens `address` (the sign-in page, or a page behind it) and signs in with `apiKey` as a person does. */
export async function signInThroughForm(page: Page, address: string, apiKey: string): Promise<void> {
  await page.goto(address);
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * The text of every template row in the list, without the language count beside a name. That count completes later
 * (a templates.get per name answers after the list), so the same rows read a moment apart can differ in it alone.
 */
export function templateRowTexts(page: Page): Promise<string[]> {
  return page.getByTestId("template-row").evaluateAll((rows) =>
    rows.map((row) => {
      const copy = row.cloneNode(true) as HTMLElement;
      for (const count of copy.querySelectorAll('[data-testid="language-count"]')) count.remove();
      return copy.textContent ?? "";
    }),
  );
}
