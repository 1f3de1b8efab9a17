/**
 * HTTP hardening: security headers on every response, CORS off for /v1 unless CORS_ORIGINS is configured,
 * 413 in the envelope for an oversized body, and the dashboard still working under the Content-Security-Policy.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCore, createMetaGateway } from "@kirim/core";
import { createTestDatabase, testTokenKeyring } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { chromium } from "playwright-core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { call, expectError, listen } from "./support/http.js";
import type { Listening } from "./support/http.js";

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");
const ALLOWED = "https://app.example.com";

describe("HTTP hardening", () => {
  let db: TestDatabase;
  let plain: Listening;
  let withCors: Listening;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    const core = createCore({
      db: db.db,
      gateway: createMetaGateway({ graphUrl: "http://127.0.0.1:9", apiVersion: "v23.0" }),
      cursorSecret: "security-test-cursor-secret",
      tokenKeyring: testTokenKeyring(),
    });
    const org = await core.admin.createOrganisation({ name: "Sec" });
    key = (await core.admin.createApiKey({ organisationId: org.id })).key;
    const logger = pino({ level: "silent" });
    plain = await listen(createApp({ core, logger, webDistDir: WEB_DIST }));
    withCors = await listen(createApp({ core, logger, corsOrigins: [ALLOWED, "http://127.0.0.1:5173"] }));
  });
  afterAll(async () => {
    await plain?.close();
    await withCors?.close();
    await db?.dispose();
  });

  it("sets security headers (helmet) on API responses and errors", async () => {
    for (const res of [
      await call(plain.baseUrl, "GET", "/v1/health"),
      await call(plain.baseUrl, "GET", "/v1/accounts"),
    ]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("upgrade-insecure-requests");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("CORS is off for /v1 by default: no Access-Control headers, preflights are not answered", async () => {
    const preflight = await fetch(`${plain.baseUrl}/v1/accounts`, {
      method: "OPTIONS",
      headers: {
        origin: ALLOWED,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.status).toBe(401);
    const get = await call(plain.baseUrl, "GET", "/v1/accounts", { token: key, headers: { origin: ALLOWED } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("with CORS_ORIGINS: only those origins, preflight answered before auth, useful headers exposed", async () => {
    const preflight = await fetch(`${withCors.baseUrl}/v1/accounts`, {
      method: "OPTIONS",
      headers: {
        origin: ALLOWED,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(preflight.headers.get("vary")).toMatch(/Origin/);

    const get = await call(withCors.baseUrl, "GET", "/v1/accounts", { token: key, headers: { origin: ALLOWED } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(get.headers.get("access-control-expose-headers")).toMatch(/X-Request-Id/);

    const other = await fetch(`${withCors.baseUrl}/v1/accounts`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.status).toBe(401);
    // Not /v1: the dashboard's tRPC is same-origin only.
    const trpc = await fetch(`${withCors.baseUrl}/trpc/accounts.list`, { headers: { origin: ALLOWED } });
    expect(trpc.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers an oversized body with 413 request_too_large in the envelope", async () => {
    const big = JSON.stringify({ name: "x", padding: "a".repeat(300 * 1024) });
    const res = await call(plain.baseUrl, "POST", "/v1/106540352242922/templates", { token: key, body: big });
    expectError(res, 413, "request_too_large", { type: "invalid_request_error" });
  });

  const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  // Locally it may skip without chromium or a built dashboard; in CI both must be there, so it runs (and fails).
  it.skipIf(!process.env.CI && (!existsSync(chromiumPath) || !existsSync(path.join(WEB_DIST, "index.html"))))(
    "the dashboard at / loads and renders under the CSP (no violations)",
    async () => {
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ],
      });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on("console", (message) => {
          if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
        });
        page.on("pageerror", (error) => violations.push(error.message));
        await page.goto(`${plain.baseUrl}/`, { waitUntil: "load" });
        // Rendered by the bundle (a CSP-blocked script would leave #root empty).
        await page.locator("#root > *").first().waitFor({ timeout: 20_000 });
        expect(violations).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
