/**
 * The endpoint table (src/endpoints/table.ts) is the one declaration of every endpoint. This enumerates it and checks
 * that REST (over HTTP), tRPC (the router, and over HTTP) and the OpenAPI document expose every entry, that the 405
 * answers list exactly the table's methods, and that no surface exposes anything the table lacks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Core } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import type { Router } from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { MCP_PATH, META_WEBHOOK_PATH } from "../src/endpoints/paths.js";
import { allowedMethods } from "../src/endpoints/rest.js";
import { ENDPOINTS } from "../src/endpoints/table.js";
import { dashboardRouter } from "../src/http/dashboard.js";
import { createMcpRouter } from "../src/mcp/mcp-server.js";
import { getOpenApiDocument } from "../src/openapi/document.js";
import { openApiRouter } from "../src/openapi/router.js";
import { createV1Router } from "../src/rest/v1.js";
import { appRouter } from "../src/trpc/root.js";
import { createMetaWebhookRouter } from "../src/webhooks/meta-webhooks.js";
import { listen } from "./support/http.js";
import type { Listening } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const kind = databaseKinds()[0] ?? "pglite";
const DASHBOARD_ASSET = "app.js";
/** Static files served with GET only (no 405 there: another method falls through to 404, as any unknown file). */
const STATIC_PATHS = new Set(["/", "/assets/{name}", "/docs/assets/scalar-standalone.js", "/docs/assets/init.js"]);

const op = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const tableOps = new Set(ENDPOINTS.map((entry) => op(entry.method, entry.path)));
const tablePaths = new Set(ENDPOINTS.map((entry) => entry.path));

/** A concrete URL for a path template: the demo account, a template name and a subscription id nobody has. */
function concrete(path: string): string {
  return path
    .replace("{phone_number_id}", DEMO_PHONE_NUMBER_ID)
    .replace("/assets/{name}", `/assets/${DASHBOARD_ASSET}`)
    .replace("{name}", "route_table_probe")
    .replace("{id}", "whs_route_table_probe");
}

async function send(baseUrl: string, method: string, url: string, token: string, body?: unknown) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: "application/json, text/event-stream",
  };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    const json = JSON.parse(text) as { error?: { code?: string; data?: { code?: string } } };
    code = json.error?.data?.code ?? json.error?.code;
  } catch {
    code = undefined; // HTML, JavaScript, a challenge
  }
  return { status: response.status, allow: response.headers.get("allow"), code };
}

/** Every `METHOD path` an Express router registers (OpenAPI form, under `mount`), and the paths its 405s answer. */
function registered(router: Router, mount: string): { routes: Set<string>; methodNotAllowed: Set<string> } {
  const stack = (router as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> })
    .stack;
  const routes = new Set<string>();
  const methodNotAllowed = new Set<string>();
  for (const layer of stack) {
    if (layer.route === undefined) continue;
    const path = `${mount}${layer.route.path.replace(/:([a-z_]+)/g, "{$1}")}`.replace(/(.)\/$/, "$1");
    if (layer.route.methods._all === true) methodNotAllowed.add(path);
    else for (const [method, on] of Object.entries(layer.route.methods)) if (on) routes.add(op(method, path));
  }
  return { routes, methodNotAllowed };
}

describe("the endpoint table", () => {
  let s: Stack;
  let dashboard: Listening;
  let distDir: string;

  beforeAll(async () => {
    s = await startStack(kind);
    distDir = mkdtempSync(join(tmpdir(), "kirim-endpoint-table-"));
    mkdirSync(join(distDir, "assets"));
    writeFileSync(join(distDir, "index.html"), "<!doctype html><title>dashboard</title>");
    writeFileSync(join(distDir, "assets", DASHBOARD_ASSET), "export {};");
    dashboard = await listen(createApp({ core: s.core, logger: pino({ level: "silent" }), webDistDir: distDir }));
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    await s?.close();
    if (distDir !== undefined) rmSync(distDir, { recursive: true, force: true });
  });

  it("declares each method + path once, and every tRPC procedure name once", () => {
    expect(tableOps.size).toBe(ENDPOINTS.length);
    const names = ENDPOINTS.flatMap((entry) =>
      entry.kind === "api" && entry.trpc !== undefined ? [entry.trpc.name] : [],
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives every entry a rate-limit class that matches its REST method and its tRPC kind", () => {
    for (const entry of ENDPOINTS) {
      if (entry.kind !== "api") continue;
      const where = op(entry.method, entry.path);
      expect(entry.rateLimit, where).toBe(entry.method === "get" ? "read" : "write");
      expect(entry.trpc?.kind, where).toBe(entry.rateLimit === "read" ? "query" : "mutation");
      if (entry.idempotent) expect(entry.trpc?.kind, where).toBe("mutation");
    }
  });

  it("REST: every entry answers over HTTP (never 404 route_not_found, never 405)", async () => {
    for (const entry of ENDPOINTS) {
      const baseUrl = entry.path === "/" || entry.path.startsWith("/assets/") ? dashboard.baseUrl : s.baseUrl;
      // An empty object body: every write refuses it (400) before doing anything.
      const body = entry.method === "get" || entry.method === "delete" ? undefined : {};
      const res = await send(baseUrl, entry.method.toUpperCase(), concrete(entry.path), s.demoKey, body);
      const where = `${op(entry.method, entry.path)} → ${res.status} ${res.code ?? ""}`;
      expect(res.status, where).not.toBe(405);
      expect(res.status === 404 && res.code === "route_not_found", where).toBe(false);
    }
  });

  it("REST: another method on a table path is 405 with Allow = the table's methods for it (HEAD beside GET)", async () => {
    for (const path of tablePaths) {
      if (STATIC_PATHS.has(path)) continue;
      const res = await send(s.baseUrl, "PUT", concrete(path), s.demoKey, {});
      expect(res.status, path).toBe(405);
      expect(res.code, path).toBe("method_not_allowed");
      const methods = allowedMethods(path);
      expect(methods.length, path).toBeGreaterThan(0);
      const withHead = methods.includes("GET") && path !== META_WEBHOOK_PATH ? [...methods, "HEAD"] : methods;
      expect(res.allow, path).toBe(withHead.join(", "));
    }
    // `sync` is a template name too: the one literal path with the methods of `{name}` besides its own POST.
    expect(allowedMethods("/v1/{phone_number_id}/templates/sync")).toEqual(["GET", "POST", "PATCH", "DELETE"]);
  });

  it("REST: the routers register exactly the table's routes and 405 answers, nothing else", () => {
    const core = {} as Core;
    const logger = pino({ level: "silent" });
    const dashboardRoutes = dashboardRouter(distDir);
    expect(dashboardRoutes).toBeDefined();
    const routers = [
      registered(createV1Router({ core }), "/v1"),
      registered(openApiRouter(), ""),
      registered(
        createMetaWebhookRouter({ core, logger, config: undefined, dispatch: () => Promise.resolve() }),
        META_WEBHOOK_PATH,
      ),
      registered(createMcpRouter({ core, logger }), MCP_PATH),
      registered(dashboardRoutes as Router, ""),
    ];
    const routes = new Set(routers.flatMap((router) => [...router.routes]));
    const methodNotAllowed = new Set(routers.flatMap((router) => [...router.methodNotAllowed]));
    expect([...routes].sort()).toEqual([...tableOps].sort());
    expect([...methodNotAllowed].sort()).toEqual([...tablePaths].filter((path) => !STATIC_PATHS.has(path)).sort());
  });

  it("tRPC: the router has exactly the table's procedures, each of its kind, and each answers over HTTP", async () => {
    const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> })
      .procedures;
    const declared = ENDPOINTS.flatMap((entry) =>
      entry.kind === "api" && entry.trpc !== undefined ? [entry.trpc] : [],
    );
    expect(Object.keys(procedures).sort()).toEqual(declared.map((trpc) => trpc.name).sort());
    for (const trpc of declared) {
      expect(procedures[trpc.name]?._def.type, trpc.name).toBe(trpc.kind);
      // `{}` is an invalid input for every mutation (each needs an account, an id or a url), so nothing changes.
      const res =
        trpc.kind === "query"
          ? await send(s.baseUrl, "GET", `/trpc/${trpc.name}?input=${encodeURIComponent("{}")}`, s.demoKey)
          : await send(s.baseUrl, "POST", `/trpc/${trpc.name}`, s.demoKey, {});
      const where = `${trpc.name} → ${res.status} ${res.code ?? ""}`;
      expect(res.status, where).not.toBe(405);
      expect(res.code, where).not.toBe("route_not_found");
    }
    const unknown = await send(s.baseUrl, "GET", "/trpc/templates.notInTheTable", s.demoKey);
    expect(unknown.code).toBe("route_not_found");
  });

  it("OpenAPI: the document has exactly the table's documented entries, in the table's order", () => {
    const document = getOpenApiDocument();
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => op(method, path)),
    );
    const expected = ENDPOINTS.filter((entry) => entry.docs !== undefined).map((entry) => op(entry.method, entry.path));
    expect(documented.sort()).toEqual([...expected].sort());
    expect(Object.keys(document.paths ?? {})).toEqual([
      ...new Set(ENDPOINTS.filter((entry) => entry.docs !== undefined).map((entry) => entry.path)),
    ]);
  });
});
