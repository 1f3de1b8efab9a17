/**
 * The OpenAPI 3.1 document, `GET /v1/openapi.json` and the `/docs` reference:
 * - the document passes Redocly's `recommended` ruleset (the engine of Redocly CLI) with zero errors;
 * - it documents every route the REST router registers, with errors, examples and auth per operation;
 * - every response of a real stack (app → core → database → Meta sandbox) validates against it (Ajv 2020 on the
 *   EMITTED document, see helpers/openapi-validator.ts), including error statuses;
 * - `/docs` renders in headless Chromium with every non-loopback request blocked (screenshot checked).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { createMediaFetchPolicy } from "@kirim/core";
import type { Core } from "@kirim/core";
import { tinyPng } from "@kirim/core/testing";
import {
  ERROR_CODES,
  ZCreateTemplateRequest,
  ZCreateTemplateRequestChecked,
  ZErrorEnvelope,
  isErrorCode,
} from "@kirim/schema";
import express from "express";
import type { Router } from "express";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestId } from "../src/http/request-id.js";
import { securityHeaders } from "../src/http/security.js";
import {
  buildOpenApiDocument,
  ERROR_CODES_EXTENSION,
  getOpenApiDocument,
  getOpenApiJson,
} from "../src/openapi/document.js";
import { CREATE_TEMPLATE_EXAMPLE } from "../src/openapi/examples.js";
import { openApiRouter } from "../src/openapi/router.js";
import { ROUTES } from "../src/openapi/routes.js";
import { createV1Router } from "../src/rest/v1.js";
import { createResponseValidator } from "./helpers/openapi-validator.js";
import type { ResponseToCheck } from "./helpers/openapi-validator.js";
import { call, listen } from "./support/http.js";
import type { CallOptions, CallResult, Listening } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const here = dirname(fileURLToPath(import.meta.url));
const SCREENSHOT = join(here, "..", "test-results", "screenshots", "docs.png");
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Json = Record<string, unknown>;
const doc = getOpenApiDocument() as unknown as {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: Json;
};

function operations(): Array<{ method: string; path: string; op: Json }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((method) => ({ method, path, op: item[method] as Json })),
  );
}

/**
 * A minimal app: request ids (the header the document promises), the app's security headers (helmet's CSP:
 * `script-src 'self'`, which the docs page must live with) and the OpenAPI router.
 */
function openApiOnlyApp(): express.Express {
  const app = express();
  app.use(requestId());
  app.use(securityHeaders());
  app.use(openApiRouter());
  return app;
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1, built once and served from a cache", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(getOpenApiDocument()).toBe(getOpenApiDocument());
    expect(JSON.parse(getOpenApiJson())).toEqual(buildOpenApiDocument());
  });

  it("passes Redocly's recommended ruleset with zero errors", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: getOpenApiJson(), absoluteRef: "/openapi.json", config });
    const describe = (p: (typeof problems)[number]) =>
      `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ""}: ${p.message}`;
    expect(problems.filter((p) => p.severity === "error").map(describe)).toEqual([]);
    // The public probes (liveness, readiness, this document) list their 4xx too. The one warning allowed:
    // `no-ambiguous-paths` for /v1/webhook_subscriptions/{id} next to /v1/{phone_number_id}/templates — a
    // phone_number_id is 6–20 digits, so the literal segment can never be one (issue 17).
    expect(
      problems.filter((p) => p.severity === "warn").map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ""}`),
    ).toEqual([
      "no-ambiguous-paths #/paths/~1v1~1webhook_subscriptions~1{id}",
      // The same pair for /v1/{phone_number_id}/template_library (issue 16): digits never spell webhook_subscriptions.
      "no-ambiguous-paths #/paths/~1v1~1{phone_number_id}~1template_library",
    ]);
  });

  it("leaves response objects open to additions and keeps what requests must not carry", () => {
    // Walk every schema reachable from a response (components included): no object closes itself.
    const schemas = doc.components.schemas as Record<string, Json>;
    const closed: string[] = [];
    const seen = new Set<unknown>();
    const walk = (node: unknown, where: string): void => {
      if (node === null || typeof node !== "object" || seen.has(node)) return;
      seen.add(node);
      const obj = node as Json;
      if (typeof obj.$ref === "string") {
        const name = obj.$ref.replace("#/components/schemas/", "");
        walk(schemas[name], name);
        return;
      }
      if (obj.additionalProperties === false) closed.push(where);
      for (const [key, value] of Object.entries(obj)) walk(value, `${where}.${key}`);
    };
    let responses = 0;
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        walk(
          ((response.content as Record<string, Json>)["application/json"] as Json).schema,
          `${method} ${path} ${status}`,
        );
        responses += 1;
      }
    }
    expect(responses).toBeGreaterThan(50);
    expect(closed).toEqual([]);
    // A template with a field added later still validates against the document.
    const validator = createResponseValidator();
    const created = ROUTES.find((r) => r.operationId === "createTemplate")?.success.examples.created?.value as Json;
    const future = { ...created, data: { ...(created.data as Json), added_later: { any: "shape" } } };
    expect(
      validator.validate({ method: "POST", path: `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, status: 201, body: future })
        .errors,
    ).toEqual([]);
  });

  it("promises in the error envelope exactly the detail fields the server sends", () => {
    const envelope = (doc.components.schemas as Record<string, Json>).ErrorEnvelope as Json;
    const error = ((envelope.properties as Json).error as Json).properties as Record<string, Json>;
    expect(Object.keys(error).sort()).toEqual(["code", "details", "message", "meta", "param", "request_id", "type"]);
    const details = (doc.components.schemas as Record<string, Json>).ErrorDetails as Json;
    expect(Object.keys(details.properties as Json).sort()).toEqual(["disabled_languages", "meta_status", "retry_at"]);
    // Every `details.<field>` a catalogue description promises is a field of the envelope's `details`.
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      for (const match of entry.description.matchAll(/details\.([a-z_]+)/g)) {
        expect(Object.keys(details.properties as Json), `${code} promises details.${match[1]}`).toContain(match[1]);
      }
    }
  });

  it("types edit's components with the component schema, names a contact and constrains {name}", () => {
    const edit = doc.paths["/v1/{phone_number_id}/templates/{name}"]?.patch as Json;
    const body = ((edit.requestBody as Json).content as Record<string, Json>)["application/json"]?.schema as Json;
    const editSchema = (doc.components.schemas as Record<string, Json>)[
      String(body.$ref).replace("#/components/schemas/", "")
    ] as Json;
    const components = (editSchema.properties as Record<string, Json>).components as Json;
    expect(components.items).toEqual({ $ref: "#/components/schemas/TemplateComponentInput" });
    expect((doc as unknown as { info: Json }).info.contact).toMatchObject({ name: expect.any(String) });
    for (const method of ["get", "patch", "delete"]) {
      const name = (
        (doc.paths["/v1/{phone_number_id}/templates/{name}"]?.[method] as Json).parameters as Array<{
          name: string;
          schema: Json;
        }>
      ).find((p) => p.name === "name");
      expect(name?.schema, method).toMatchObject({
        type: "string",
        pattern: "^[a-z0-9_]+$",
        minLength: 1,
        maxLength: 512,
      });
    }
    for (const path of ["/v1/health", "/v1/health/ready", "/v1/openapi.json"]) {
      const codes = Object.entries((doc.paths[path]?.get as Json).responses as Record<string, Json>)
        .filter(([status]) => status.startsWith("4"))
        .flatMap(([, response]) => response[ERROR_CODES_EXTENSION] as string[]);
      expect(codes, path).toEqual(["invalid_request"]);
    }
  });

  it("documents every route the REST router registers, with the same methods", () => {
    // The router is only introspected, never called, so a bare object stands in for core.
    const router = createV1Router({ core: {} as Core }) as Router & {
      stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
    };
    const registered = new Set<string>();
    for (const layer of router.stack) {
      if (layer.route === undefined || layer.route.methods._all === true) continue; // `router.all` = the 405 answers
      const path = `/v1${layer.route.path.replace(/:([a-z_]+)/g, "{$1}")}`;
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on) registered.add(`${method.toUpperCase()} ${path}`);
    }
    const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`));
    expect(registered.size).toBeGreaterThanOrEqual(7);
    for (const route of registered) expect(documented, `${route} is not documented`).toContain(route);
    expect([...documented].filter((op) => !registered.has(op))).toEqual(["GET /v1/openapi.json"]);
  });

  it("gives every operation an id, summary, tag, security and a 2xx with a JSON schema and example", () => {
    const ids = new Set<string>();
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      expect(typeof op.operationId, where).toBe("string");
      ids.add(op.operationId as string);
      expect(op.summary, where).toBeTruthy();
      expect(op.tags, where).toHaveLength(1);
      expect(Array.isArray(op.security), where).toBe(true);
      const responses = op.responses as Record<string, Json>;
      const success = Object.keys(responses).filter((s) => s.startsWith("2"));
      expect(success, where).toHaveLength(1);
      const media = (responses[success[0] ?? ""]?.content as Record<string, Json>)["application/json"];
      expect(media?.schema, where).toBeDefined();
      expect(Object.keys(media?.examples as Json).length, where).toBeGreaterThan(0);
    }
    expect(ids.size).toBe(operations().length);
  });

  it("declares the bearer scheme and requires it everywhere except health and this document", () => {
    const schemes = doc.components.securitySchemes as Record<string, Json>;
    expect(schemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(String(schemes.bearerAuth?.description)).toContain("kdv_live_");
    for (const { method, path, op } of operations()) {
      const isPublic = path.startsWith("/v1/health") || path === "/v1/openapi.json";
      expect(op.security, `${method} ${path}`).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
      const responses = op.responses as Record<string, Json>;
      if (isPublic) continue;
      expect(responses["401"]?.[ERROR_CODES_EXTENSION], `${method} ${path}`).toEqual([
        "missing_api_key",
        "invalid_api_key",
        "expired_api_key",
      ]);
      expect(responses["400"], `${method} ${path} documents 400`).toBeDefined();
      expect(responses["500"], `${method} ${path} documents 500`).toBeDefined();
    }
  });

  it("documents path and query parameters from the zod schemas", () => {
    const params = (path: string, method: string) =>
      (
        (doc.paths[path]?.[method] as Json).parameters as Array<{
          in: string;
          name: string;
          required?: boolean;
          schema: Json;
        }>
      ).map((p) => `${p.in}:${p.name}${p.required === true ? "!" : ""}`);
    expect(params("/v1/accounts", "get")).toEqual(["query:status"]);
    expect(params("/v1/{phone_number_id}/templates", "post")).toEqual([
      "path:phone_number_id!",
      "header:Idempotency-Key",
    ]);
    expect(params("/v1/{phone_number_id}/templates/sync", "post")).toEqual([
      "path:phone_number_id!",
      "header:Idempotency-Key",
    ]);
    expect(params("/v1/{phone_number_id}/templates", "get")).toEqual([
      "path:phone_number_id!",
      "query:status",
      "query:language",
      "query:category",
      "query:meta_status",
      "query:sort",
      "query:search",
      "query:limit",
      "query:cursor",
      "query:include_deleted",
    ]);
    expect(params("/v1/{phone_number_id}/templates/{name}", "get")).toEqual([
      "path:phone_number_id!",
      "path:name!",
      "query:language",
      "query:include_deleted",
    ]);
    expect(params("/v1/{phone_number_id}/templates/{name}", "patch")).toEqual(["path:phone_number_id!", "path:name!"]);
    expect(params("/v1/{phone_number_id}/template_sync_runs", "get")).toEqual([
      "path:phone_number_id!",
      "query:limit",
      "query:cursor",
    ]);
    const limit = (
      (doc.paths["/v1/{phone_number_id}/templates"]?.get as Json).parameters as Array<{ name: string; schema: Json }>
    ).find((p) => p.name === "limit");
    expect(limit?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 25 });
    expect(limit?.schema.anyOf).toBeUndefined();
    expect((doc.components.schemas as Record<string, Json>).PhoneNumberId).toMatchObject({
      type: "string",
      pattern: "^\\d{6,20}$",
    });
  });

  it("lists real catalogue codes per error status, each with a matching example envelope", () => {
    let checked = 0;
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        const codes = response[ERROR_CODES_EXTENSION] as string[];
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        const media = (response.content as Record<string, Json>)["application/json"] as Json;
        expect(media.schema).toEqual({ $ref: "#/components/schemas/ErrorEnvelope" });
        const examples = media.examples as Record<string, { value: unknown }>;
        for (const code of codes) {
          if (!isErrorCode(code)) throw new Error(`${code} is not in ERROR_CODES`);
          expect(ERROR_CODES[code].status, `${code} under ${status}`).toBe(Number(status));
          expect(String(response.description)).toContain(`\`${code}\``);
          const example = ZErrorEnvelope.parse(examples[code]?.value);
          expect(example.error).toMatchObject({ code, type: ERROR_CODES[code].type });
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    // Spot checks of the per-route lists.
    const create = doc.paths["/v1/{phone_number_id}/templates"]?.post as Json;
    const createResponses = create.responses as Record<string, Json>;
    expect(createResponses["409"]?.[ERROR_CODES_EXTENSION]).toEqual([
      "idempotency_in_progress",
      "template_already_exists",
    ]);
    expect(createResponses["422"]?.[ERROR_CODES_EXTENSION]).toEqual([
      "idempotency_key_reuse",
      "account_not_connected",
      "media_download_failed",
      "media_too_large",
      "media_type_unsupported",
    ]);
    expect(createResponses["429"]?.[ERROR_CODES_EXTENSION]).toEqual(["rate_limit_exceeded", "meta_rate_limited"]);
    expect(createResponses["502"]?.[ERROR_CODES_EXTENSION]).toEqual([
      "whatsapp_upstream_error",
      "whatsapp_account_reauthorization_required",
    ]);
    expect(Object.keys(createResponses).sort()).toEqual([
      "201",
      "400",
      "401",
      "404",
      "409",
      "413",
      "422",
      "429",
      "500",
      "502",
    ]);
    const createParams = (create.parameters as Array<{ in: string; name: string; required?: boolean }>).map(
      (p) => `${p.in}:${p.name}`,
    );
    expect(createParams).toEqual(["path:phone_number_id", "header:Idempotency-Key"]);
    const createdHeaders = (createResponses["201"]?.headers ?? {}) as Record<string, { required?: boolean }>;
    expect(Object.keys(createdHeaders).sort()).toEqual([
      "Idempotent-Replayed",
      "X-RateLimit-Limit",
      "X-RateLimit-Remaining",
      "X-RateLimit-Reset",
      "X-Request-Id",
    ]);
    expect(createdHeaders["X-RateLimit-Limit"]?.required).toBe(true);
    expect(createdHeaders["Idempotent-Replayed"]?.required).not.toBe(true);
    const list = doc.paths["/v1/{phone_number_id}/templates"]?.get as Json;
    expect((list.responses as Record<string, Json>)["400"]?.[ERROR_CODES_EXTENSION]).toEqual(
      expect.arrayContaining(["invalid_limit", "invalid_cursor", "invalid_phone_number_id"]),
    );
  });

  it("has examples that satisfy both the zod schemas and the emitted JSON Schema", () => {
    // The create example is a template Meta would accept: it passes every pre-flight rule too.
    expect(ZCreateTemplateRequestChecked.safeParse(CREATE_TEMPLATE_EXAMPLE).success).toBe(true);
    expect(ZCreateTemplateRequest.parse(CREATE_TEMPLATE_EXAMPLE).components).toHaveLength(3);
    // Issue 16: one create example per kind (carousel, product carousel, limited-time offer, coupon), each passing
    // every pre-flight rule too.
    const createExamples = ROUTES.find((r) => r.operationId === "createTemplate")?.body?.examples ?? {};
    for (const kind of ["media_card_carousel", "product_card_carousel", "limited_time_offer", "coupon_code"]) {
      const parsed = ZCreateTemplateRequestChecked.safeParse(createExamples[kind]?.value);
      expect(parsed.success, `${kind}: ${parsed.error?.message ?? ""}`).toBe(true);
    }
    for (const route of ROUTES) {
      for (const [name, example] of Object.entries(route.success.examples)) {
        const result = route.success.schema.safeParse(example.value);
        expect(result.success, `${route.operationId} example ${name}: ${result.error?.message ?? ""}`).toBe(true);
      }
      for (const example of Object.values(route.body?.examples ?? {}))
        expect(route.body?.schema.safeParse(example.value).success).toBe(true);
    }
    const validator = createResponseValidator();
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const examples = ((response.content as Record<string, Json>)["application/json"] as Json).examples as Record<
          string,
          { value: unknown }
        >;
        for (const [name, example] of Object.entries(examples)) {
          const result = validator.validate({ method, path, status: Number(status), body: example.value });
          expect(result.errors, `${method} ${path} ${status} example ${name}`).toEqual([]);
        }
      }
    }
  });
});

describe("response validator", () => {
  const validator = createResponseValidator();
  const template = (ROUTES.find((r) => r.operationId === "createTemplate")?.success.examples.created?.value ??
    {}) as Json;

  it("accepts a documented response and reports drift precisely", () => {
    const ok: ResponseToCheck = {
      method: "POST",
      path: `/v1/${DEMO_PHONE_NUMBER_ID}/templates`,
      status: 201,
      body: template,
    };
    expect(validator.validate(ok)).toEqual({ ok: true, operation: "POST /v1/{phone_number_id}/templates", errors: [] });

    const data = template.data as Json;
    const drifts: Array<[string, unknown, RegExp]> = [
      ["missing request_id", { data }, /request_id/],
      [
        "missing field",
        { ...template, data: { ...data, has_variables: undefined } },
        /required property 'has_variables'/,
      ],
      ["wrong status value", { ...template, data: { ...data, status: "APPROVED" } }, /enum|allowed values/],
      ["bad timestamp", { ...template, data: { ...data, created_at: "yesterday" } }, /date-time|pattern/],
    ];
    for (const [what, body, pattern] of drifts) {
      const result = validator.validate({ ...ok, body });
      expect(result.ok, what).toBe(false);
      expect(result.errors.join("\n"), what).toMatch(pattern);
    }
  });

  it("checks statuses, error codes per route, required headers and unknown routes", () => {
    const envelope = (code: string, type = "invalid_request_error") => ({
      error: { type, code, message: "m", request_id: "req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H" },
    });
    const path = `/v1/${DEMO_PHONE_NUMBER_ID}/templates?limit=5&cursor=abc`;
    expect(validator.validate({ method: "GET", path, status: 400, body: envelope("invalid_limit") }).ok).toBe(true);
    // invalid_json is a real code, but the list route does not document it under 400.
    expect(
      validator.validate({ method: "GET", path, status: 400, body: envelope("invalid_json") }).errors.join(),
    ).toMatch(/not among the documented/);
    expect(
      validator
        .validate({ method: "GET", path, status: 409, body: envelope("template_already_exists", "conflict") })
        .errors.join(),
    ).toMatch(/status 409 is not documented/);
    const rateLimited = {
      method: "POST",
      path: `/v1/${DEMO_PHONE_NUMBER_ID}/templates`,
      status: 429,
      body: envelope("meta_rate_limited", "rate_limit_error"),
    };
    expect(
      validator
        .validate({ ...rateLimited, headers: { "x-request-id": "req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H" } })
        .errors.join(),
    ).toMatch(/Retry-After is missing/);
    expect(
      validator.validate({
        ...rateLimited,
        headers: { "x-request-id": "req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H", "retry-after": "30" },
      }).ok,
    ).toBe(true);
    // `/templates/sync` is literal: a GET there is the {name} route; an unknown path may only be route_not_found.
    expect(
      validator.validate({
        method: "GET",
        path: `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`,
        status: 404,
        body: envelope("resource_not_found", "not_found"),
      }).operation,
    ).toBe("GET /v1/{phone_number_id}/templates/{name}");
    expect(
      validator.validate({
        method: "GET",
        path: "/v1/nope",
        status: 404,
        body: envelope("route_not_found", "not_found"),
      }).ok,
    ).toBe(true);
    expect(validator.validate({ method: "GET", path: "/v1/nope", status: 200, body: {} }).ok).toBe(false);
    expect(
      validator.validate({ method: "DELETE", path: "/v1/accounts", status: 405, body: envelope("method_not_allowed") })
        .ok,
    ).toBe(true);
  });
});

describe("GET /v1/openapi.json and /docs (router on a minimal app)", () => {
  let server: Listening;
  const validator = createResponseValidator();
  beforeAll(async () => {
    server = await listen(openApiOnlyApp());
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves the document as JSON without an API key, and it validates against itself", async () => {
    // Plain fetch: support/http.ts `call` expects a request_id in every body, and this document has none.
    const response = await fetch(`${server.baseUrl}/v1/openapi.json`);
    const res = { status: response.status, headers: response.headers, body: await response.json() };
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toEqual(getOpenApiDocument());
    validator.assert({
      method: "GET",
      path: "/v1/openapi.json",
      status: res.status,
      body: res.body,
      headers: res.headers,
    });
    const head = await fetch(`${server.baseUrl}/v1/openapi.json`, { method: "HEAD" });
    validator.assert({
      method: "HEAD",
      path: "/v1/openapi.json",
      status: head.status,
      body: undefined,
      headers: head.headers,
    });
    const post = await fetch(`${server.baseUrl}/v1/openapi.json`, { method: "POST" });
    expect({ status: post.status }).toEqual({ status: 405 }); // the app's error handler adds the envelope and Allow
  });

  it("serves an HTML page that loads the UI bundle and its configuration from this server only", async () => {
    const res = await fetch(`${server.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    const sources = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["/docs/assets/scalar-standalone.js", "/docs/assets/init.js"]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script

    const bundle = await fetch(`${server.baseUrl}/docs/assets/scalar-standalone.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect(Number(bundle.headers.get("content-length"))).toBeGreaterThan(1_000_000);
    await bundle.body?.cancel();

    const init = await (await fetch(`${server.baseUrl}/docs/assets/init.js`)).text();
    expect(init).toContain('"url": "/v1/openapi.json"');
    expect(init).toContain('"withDefaultFonts": false');
  });
});

describe("every response of a real stack validates against the document", () => {
  let s: Stack;
  let expiredKey: string;
  const validator = createResponseValidator();
  const PID = DEMO_PHONE_NUMBER_ID;
  const TEMPLATES = `/v1/${PID}/templates`;

  /** Calls the running app (support/http.ts checks X-Request-Id and the absence of stacks) and validates. */
  async function checked(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const res = await call(s.baseUrl, method, path, options);
    validator.assert({ method, path, status: res.status, body: res.body, headers: res.headers });
    return res;
  }
  const get = (path: string, token: string | null = s.demoKey) => checked("GET", path, { token });
  const post = (path: string, body?: unknown, token: string | null = s.demoKey) =>
    checked("POST", path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    // Webhook subscriptions to a loopback URL are accepted; no delivery worker runs here, so nothing is sent.
    s = await startStack("pglite", {
      core: { webhooks: { allowPrivateTargets: true } },
      media: (sandbox) => ({
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: sandbox.demo.appId,
        policy: createMediaFetchPolicy(),
      }),
    });
    const org = await s.core.admin.createOrganisation({ name: "Expired Org" });
    expiredKey = (
      await s.core.admin.createApiKey({
        organisationId: org.id,
        label: "expired",
        expiresAt: new Date(Date.now() - 60_000),
      })
    ).key;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("health and readiness", async () => {
    expect((await get("/v1/health", null)).status).toBe(200);
    expect((await get("/v1/health/ready", null)).status).toBe(200);
    expect((await checked("POST", "/v1/health", { token: null })).status).toBe(405);
  });

  it("accounts, and the three authentication failures", async () => {
    expect((await get("/v1/accounts")).status).toBe(200);
    expect((await get("/v1/accounts?status=all")).status).toBe(200);
    expect((await get("/v1/accounts?status=CONNECTED")).status).toBe(400);
    expect((await get("/v1/accounts", null)).body.error.code).toBe("missing_api_key");
    expect((await get("/v1/accounts", "kdv_live_AAAAAAAAAAAAAAAAAAAAAAAA")).body.error.code).toBe("invalid_api_key");
    expect((await get("/v1/accounts", expiredKey)).body.error.code).toBe("expired_api_key");
  });

  it("create: 201, then every documented failure the stack can produce", async () => {
    const created = await post(TEMPLATES, { ...CREATE_TEMPLATE_EXAMPLE, name: "openapi_order_confirmation" });
    expect(created.status, created.text).toBe(201);
    expect((await post(TEMPLATES, { ...CREATE_TEMPLATE_EXAMPLE, name: "openapi_order_confirmation" })).status).toBe(
      409,
    );
    expect((await post(TEMPLATES, orderConfirmation("id"))).status).toBe(201);

    const { category: _category, ...noCategory } = orderConfirmation("en_GB");
    expect((await post(TEMPLATES, noCategory)).body.error.code).toBe("missing_required_field");
    expect((await post(TEMPLATES, { ...orderConfirmation("en_GB"), category: "Utility" })).body.error.code).toBe(
      "invalid_field_value",
    );
    expect((await checked("POST", TEMPLATES, { token: s.demoKey, body: '{"name": ' })).body.error.code).toBe(
      "invalid_json",
    );
    expect((await checked("POST", TEMPLATES, { token: s.demoKey, body: "[1]" })).body.error.code).toBe(
      "invalid_request",
    );
    expect(
      (
        await checked("POST", TEMPLATES, {
          token: s.demoKey,
          body: "name=x",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).body.error.code,
    ).toBe("unsupported_content_type");
    expect(
      (await checked("POST", TEMPLATES, { token: s.demoKey, body: `{"name":"${"a".repeat(300_000)}"}` })).status,
    ).toBe(413);
    expect((await post("/v1/12345/templates", orderConfirmation())).body.error.code).toBe("invalid_phone_number_id");
    expect((await post(`/v1/${OTHER_PHONE_NUMBER_ID}/templates`, orderConfirmation())).status).toBe(404);

    s.sandbox.control.faults.add({ kind: "server_error", method: "POST", path: "/message_templates" });
    try {
      expect((await post(TEMPLATES, { ...orderConfirmation("pt_BR"), name: "openapi_upstream" })).status).toBe(502);
    } finally {
      s.sandbox.control.faults.clear();
    }
    s.sandbox.control.faults.add({ kind: "waba_rate_limit", method: "POST", path: "/message_templates" });
    try {
      expect((await post(TEMPLATES, { ...orderConfirmation("pt_BR"), name: "openapi_throttled" })).status).toBe(429);
    } finally {
      s.sandbox.control.faults.clear();
    }
  });

  it("Idempotency-Key: first answer, replay, reuse with another body, malformed key", async () => {
    const body = { ...orderConfirmation("ms"), name: "openapi_idempotent" };
    const key = { "Idempotency-Key": "0b0e3f8e-openapi-test-key" };
    const first = await checked("POST", TEMPLATES, { token: s.demoKey, body, headers: key });
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBe("false");
    const again = await checked("POST", TEMPLATES, { token: s.demoKey, body, headers: key });
    expect({ status: again.status, replayed: again.headers.get("idempotent-replayed") }).toEqual({
      status: 201,
      replayed: "true",
    });
    const reuse = await checked("POST", TEMPLATES, {
      token: s.demoKey,
      body: { ...body, name: "openapi_other" },
      headers: key,
    });
    expect(reuse.body.error.code).toBe("idempotency_key_reuse");
    const bad = await checked("POST", `${TEMPLATES}/sync`, {
      token: s.demoKey,
      headers: { "Idempotency-Key": "x".repeat(256) },
    });
    expect(bad.body.error).toMatchObject({ code: "invalid_field_value", param: "Idempotency-Key" });
  });

  it("429 rate_limit_exceeded with Retry-After, and 422 account_not_connected", async () => {
    const org = await s.core.admin.createOrganisation({ name: "Throttled Org" });
    const key = (await s.core.admin.createApiKey({ organisationId: org.id, label: "throttled" })).key;
    const waba = s.sandbox.control.addWaba({ name: "Throttled WABA", accessToken: "throttled-token" });
    await s.core.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: "104444444444444",
      displayPhoneNumber: "+6281255556666",
      name: "Disconnected",
      wabaId: waba.id,
      accessToken: "throttled-token",
      status: "disconnected",
    });
    expect((await post("/v1/104444444444444/templates/sync", undefined, key)).body.error.code).toBe(
      "account_not_connected",
    );
    expect((await post("/v1/104444444444444/templates", orderConfirmation(), key)).body.error.code).toBe(
      "account_not_connected",
    );
    await s.core.rateLimits.setOrganisationLimits(org.id, { readPerMinute: 1 });
    expect((await get("/v1/accounts?status=all", key)).status).toBe(200);
    const limited = await get("/v1/accounts", key);
    expect(limited.body.error.code).toBe("rate_limit_exceeded");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("sync: 200 with and without an empty body, 404, 502", async () => {
    expect(
      (await checked("POST", `${TEMPLATES}/sync`, { headers: { Authorization: `Bearer ${s.demoKey}` } })).status,
    ).toBe(200);
    expect((await post(`${TEMPLATES}/sync`, {})).status).toBe(200);
    expect((await post(`/v1/${OTHER_PHONE_NUMBER_ID}/templates/sync`)).status).toBe(404);
    s.sandbox.control.faults.configure({ failListPage: 2 });
    try {
      expect((await post(`${TEMPLATES}/sync`)).status).toBe(502);
    } finally {
      s.sandbox.control.faults.clear();
      s.sandbox.control.faults.configure({});
    }
  });

  it("list: every page of a cursor walk, filters, and the query errors", async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: CallResult = await get(
        `${TEMPLATES}?status=all&limit=20${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(res.status).toBe(200);
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect((await get(`${TEMPLATES}?status=approved&language=id`)).status).toBe(200);
    expect((await get(`${TEMPLATES}?limit=0`)).body.error.code).toBe("invalid_limit");
    expect((await get(`${TEMPLATES}?cursor=tampered.cursor`)).body.error.code).toBe("invalid_cursor");
    expect((await get(`${TEMPLATES}?status=APPROVED`)).body.error.code).toBe("invalid_field_value");
    expect((await get("/v1/abc/templates")).body.error.code).toBe("invalid_phone_number_id");
    expect((await get(`/v1/${OTHER_PHONE_NUMBER_ID}/templates`)).status).toBe(404);
  });

  it("get by name: the default language, one language, and the errors", async () => {
    const all = await get(`${TEMPLATES}/order_confirmation`);
    expect(all.status).toBe(200);
    expect(all.body.data.languages.length).toBeGreaterThan(0);
    expect((await get(`${TEMPLATES}/openapi_order_confirmation?language=en`)).status).toBe(200);
    expect((await get(`${TEMPLATES}/no_such_template`)).status).toBe(404);
    expect((await get(`${TEMPLATES}/order_confirmation?language=EN`)).body.error.code).toBe("invalid_field_value");
    expect((await checked("PUT", `${TEMPLATES}/order_confirmation`, { token: s.demoKey })).status).toBe(405);
    expect((await get("/v1/does/not/exist/here")).status).toBe(404);
  });

  it("sync runs and a template's history", async () => {
    const runs = await get(`/v1/${PID}/template_sync_runs?limit=2`);
    expect(runs.status, runs.text).toBe(200);
    expect(runs.body.data.length).toBeGreaterThan(0);
    expect((await get(`/v1/${PID}/template_sync_runs?limit=0`)).body.error.code).toBe("invalid_limit");
    const counts = await get(`/v1/${PID}/template_counts`);
    expect(counts.status, counts.text).toBe(200);
    expect((await get(`/v1/${PID}/template_counts?x=1`)).body.error.code).toBe("unknown_parameter");
    const events = await get(`${TEMPLATES}/openapi_order_confirmation/events`);
    expect(events.status, events.text).toBe(200);
    expect(events.body.data.length).toBeGreaterThan(0);
    expect((await get(`${TEMPLATES}/order_confirmation/events?language=EN`)).body.error.code).toBe(
      "invalid_field_value",
    );
    await get(`${TEMPLATES}/no_such_template/events`); // 200 empty or 404: either must match the document
    const text = (value: string) => ({ type: "text", text: value });
    const rendered = await post(`${TEMPLATES}/openapi_order_confirmation/render`, {
      language: { code: "en" },
      components: [
        { type: "body", parameters: [text("Budi"), text("A1")] },
        { type: "button", sub_type: "url", index: "0", parameters: [text("A1")] },
      ],
    });
    expect(rendered.status, rendered.text).toBe(200);
    expect((await post(`${TEMPLATES}/openapi_order_confirmation/render`, { language: "en" })).body.error.code).toBe(
      "template_parameter_invalid",
    );
    // Meta's Template Library (issue 16).
    const library = await get(`/v1/${DEMO_PHONE_NUMBER_ID}/template_library?topic=PAYMENTS`);
    expect(library.status, library.text).toBe(200);
    expect((await get(`/v1/${DEMO_PHONE_NUMBER_ID}/template_library?nope=1`)).body.error.code).toBe(
      "unknown_parameter",
    );
  });

  it("me, edit and delete (a template named `me`)", async () => {
    const me = await get("/v1/me");
    expect(me.status, me.text).toBe(200);
    expect((await get("/v1/me", null)).status).toBe(401);
    expect((await post(TEMPLATES, { ...CREATE_TEMPLATE_EXAMPLE, name: "me" })).status).toBe(201);
    const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "me", "en");
    s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED", reason: "INVALID_FORMAT" });
    expect((await post(`${TEMPLATES}/sync`)).status).toBe(200);
    const edited = await checked("PATCH", `${TEMPLATES}/me`, {
      token: s.demoKey,
      body: { language: "en", components: CREATE_TEMPLATE_EXAMPLE.components },
    });
    expect(edited.status, edited.text).toBe(200);
    const notEditable = await checked("PATCH", `${TEMPLATES}/me`, {
      token: s.demoKey,
      body: { language: "en", components: CREATE_TEMPLATE_EXAMPLE.components },
    });
    expect(notEditable.body.error).toMatchObject({
      code: "template_not_editable",
      details: { meta_status: "PENDING" },
    });
    expect((await checked("DELETE", `${TEMPLATES}/me`, { token: s.demoKey })).status).toBe(200);
    expect((await get(`${TEMPLATES}/me`)).status).toBe(404);
    expect((await get(`${TEMPLATES}/me?include_deleted=true`)).status).toBe(200);
  });

  it("media upload: 201 with a handle, 415 and 413 (raw bodies, so fetch directly)", async () => {
    const upload = async (body: Uint8Array, type: string) => {
      const path = `/v1/${DEMO_PHONE_NUMBER_ID}/uploads`;
      const response = await fetch(`${s.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${s.demoKey}`, "content-type": type },
        body,
      });
      const res = { status: response.status, headers: response.headers, body: await response.json() };
      validator.assert({ method: "POST", path, status: res.status, body: res.body, headers: res.headers });
      return res.status;
    };
    expect(await upload(tinyPng(), "image/png")).toBe(201);
    expect(await upload(tinyPng(), "image/gif")).toBe(415);
    expect(await upload(Buffer.alloc(5 * 1024 * 1024 + 1), "image/png")).toBe(413);
  });

  it("webhook subscriptions: every operation and its errors (issue 17)", async () => {
    const created = await post("/v1/webhook_subscriptions", {
      url: "http://127.0.0.1:9/hooks",
      events: ["template.created"],
    });
    expect(created.status).toBe(201);
    const base = `/v1/webhook_subscriptions/${created.body.data.id}`;
    expect((await get("/v1/webhook_subscriptions?limit=5")).status).toBe(200);
    expect((await get(base)).status).toBe(200);
    expect((await checked("PATCH", base, { token: s.demoKey, body: { description: "documented" } })).status).toBe(200);
    expect((await post(`${base}/rotate_secret`)).status).toBe(200);
    const test = await post(`${base}/test`);
    expect(test.status).toBe(202);
    expect((await get(`${base}/deliveries`)).status).toBe(200);
    expect((await post(`${base}/redeliver`, { since: "2026-01-01T00:00:00Z" })).status).toBe(202);
    expect((await post(`${base}/redeliver`, {})).body.error.code).toBe("invalid_field_value");
    expect(
      (await post("/v1/webhook_subscriptions", { url: "ftp://example.com", events: ["template.created"] })).body.error
        .code,
    ).toBe("webhook_target_forbidden");
    expect((await get("/v1/webhook_subscriptions/whs_nope")).status).toBe(404);
    expect((await checked("PUT", base, { token: s.demoKey })).status).toBe(405);
    expect((await checked("DELETE", base, { token: s.demoKey })).status).toBe(200);
  });

  it("covered every documented /v1 operation with a validated 2xx", () => {
    const { operations: all, validated } = validator.coverage();
    const withSuccess = [...validated.entries()]
      .filter(([, statuses]) => [...statuses].some((st) => st < 300))
      .map(([op]) => op);
    // GET /v1/openapi.json is validated against the router above (and below, once the app mounts it).
    const notYetExercised = ["GET /v1/openapi.json"];
    expect(all.filter((op) => !notYetExercised.includes(op) && !withSuccess.includes(op))).toEqual([]);
  });

  it("the app serves /v1/openapi.json without an API key", async () => {
    const response = await fetch(`${s.baseUrl}/v1/openapi.json`);
    const res = { status: response.status, headers: response.headers, body: await response.json() };
    expect(res.status).toBe(200);
    validator.assert({
      method: "GET",
      path: "/v1/openapi.json",
      status: res.status,
      body: res.body,
      headers: res.headers,
    });
  });
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);

describe("/docs in headless Chromium with no network", () => {
  if (!hasChromium && !process.env.CI) {
    it.skip(`needs Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); required in CI`, () =>
      undefined);
    return;
  }

  let server: Listening;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!hasChromium)
      throw new Error(`CI requires Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
    server = await listen(openApiOnlyApp());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Belt and braces under page.route: any host but loopback fails name resolution.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders the reference from our server only, and the screenshot is a real picture", async () => {
    if (browser === undefined) throw new Error("Chromium did not start");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    const page = await context.newPage();
    const blocked: string[] = [];
    const loopback: string[] = [];
    await context.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "127.0.0.1") {
        blocked.push(url.href);
        await route.abort("internetdisconnected");
        return;
      }
      loopback.push(url.pathname);
      await route.continue();
    });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Failed loads and CSP violations are reported as console errors.
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });

    const response = await page.goto(`${server.baseUrl}/docs`, { waitUntil: "load" });
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    // Rendered: the API title and the summaries of operations from the document are on screen.
    await page
      .getByRole("heading", { name: "Kirim WhatsApp Template API" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 });
    for (const summary of ["Create a template", "List templates"]) {
      await page
        .getByText(summary, { exact: true })
        .filter({ visible: true })
        .first()
        .waitFor({ state: "visible", timeout: 10_000 });
    }
    const text = await page.locator("body").innerText();
    for (const summary of ["Sync templates from Meta", "Get a template by name", "List WhatsApp accounts"])
      expect(text).toContain(summary);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ fullPage: false });
    writeFileSync(SCREENSHOT, png);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(png.readUInt32BE(20)).toBe(900); // IHDR height
    expect(png.length).toBeGreaterThan(30_000); // a blank or near-blank page compresses to a few KB

    expect(loopback).toEqual(
      expect.arrayContaining([
        "/docs",
        "/docs/assets/scalar-standalone.js",
        "/docs/assets/init.js",
        "/v1/openapi.json",
      ]),
    );
    expect(blocked, "the page tried to reach the network").toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 90_000);
});
