/* eslint-disable @typescript-eslint/no-explicit-any -- fuzzed requests and their answers are arbitrary JSON */
/**
 * Drill (issue #8): 10,000 fuzzed requests against every public route — every REST operation of the emitted
 * OpenAPI document (so a new route is fuzzed without touching this file), every tRPC procedure of the router
 * over HTTP, and Meta's webhook callback (POST with signed and unsigned bodies, GET handshake) — mixing values
 * derived from the request schemas with hostile ones: wrong types, nulls, strings up to and past the body limit,
 * nesting 100 000 deep, unicode (lone surrogates, RTL overrides, emoji, NUL), prototype-pollution keys, repeated
 * and bracketed query parameters, percent-encoding garbage in path and query, missing or wrong Content-Type and
 * Content-Encoding, invalid JSON and invalid UTF-8.
 *
 * Every answer must be < 500 (the sandbox is healthy and no fault is injected, so any 5xx is a bug), carry an
 * `X-Request-Id` equal to the body's request id, no stack trace, be JSON, and be the Kirimdev error envelope
 * (REST, webhooks) or the tRPC error shape with our `data` fields (tRPC) when it is an error. /v1 answers are also
 * checked against the OpenAPI document. Afterwards the server must still be healthy, serve a normal list, have
 * logged nothing at error level, and Object.prototype must be untouched (the server runs in this process).
 *
 * Reproduce: the seed is printed; `FUZZ_SEED=<seed>` replays the same requests, `FUZZ_REQUESTS=<n>` changes how
 * many (run vitest directly: turbo does not pass unknown variables through).
 */
import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { databaseKinds } from "@kirim/core/testing";
import type { DatabaseKind } from "@kirim/core/testing";
import { ERROR_CODES } from "@kirim/schema";
import fc from "fast-check";
import type { Arbitrary } from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getOpenApiDocument } from "../../src/openapi/document.js";
import { appRouter } from "../../src/trpc/root.js";
import { createResponseValidator } from "../helpers/openapi-validator.js";
import { call } from "../support/http.js";
import { arbitraryFromSchema, resolveRef } from "../support/json-schema-arbitrary.js";
import type { JsonSchema } from "../support/json-schema-arbitrary.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_PHONE_NUMBER_ID, orderConfirmation, startStack } from "../support/stack.js";
import type { Stack } from "../support/stack.js";

const DEFAULT_SEED = 808_2026;
const SEED = parseIntegerKnob(process.env.FUZZ_SEED, DEFAULT_SEED);
const TOTAL_REQUESTS = parseIntegerKnob(process.env.FUZZ_REQUESTS, 10_000);
/** Requests in flight at once: enough to exercise concurrency (joins, idempotency, pool), few enough for 2 cores. */
const CONCURRENCY = 8;
/** Requests are generated chunk by chunk (see chunkSeed) so huge bodies never pile up in memory. */
const CHUNK_SIZE = 250;
const VERIFY_TOKEN = "fuzz-verify-token";
/** REST's JSON body limit (http/body.ts, 256 kB): bodies are generated on both sides of it. */
const REST_BODY_LIMIT = 256 * 1024;
/** Node's HTTP parser answers 431 without our envelope above 16 kB of headers, so URLs stay well below that. */
const MAX_URL_LENGTH = 8_000;
const REQUEST_ID = /^req_[0-9A-HJKMNP-TV-Z]{26}$/;
const STACK_PATTERNS = [
  /"stack"/i,
  /\n\s+at\s/,
  /\bat\s+\S+\s+\(.*:\d+:\d+\)/,
  /node_modules/,
  /\.ts:\d+/,
  /\.js:\d+:\d+/,
];
const ENVELOPE_ERROR_KEYS = new Set(["type", "code", "message", "param", "request_id", "meta", "details"]);
/** Names the fixtures create on the demo account, so path and input names often hit real rows. */
const KNOWN_NAMES = ["order_confirmation", "fuzz_approved", "fuzz_rejected", "fuzz_disabled", "sync_runs"];

/** Each chunk's own seed, mixed from the run's seed and the chunk index, so runs with nearby seeds share no chunk. */
function chunkSeed(seed: number, chunk: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(chunk + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

function parseIntegerKnob(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new Error(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Both kinds together exceed the time budget on a 2-core machine (PGlite serialises every statement on one
 * connection), so the drill fuzzes the database CI cares about: PostgreSQL whenever it is available (always under
 * REQUIRE_POSTGRES=1), PGlite otherwise.
 */
function fuzzKind(): DatabaseKind {
  const kinds = databaseKinds();
  return kinds.includes("postgres") ? "postgres" : "pglite";
}

// ---- requests ----------------------------------------------------------------------------------------------------

interface FuzzRequest {
  /** The route (or procedure) this request aims at, for the per-route counts. */
  target: string;
  method: string;
  /** Path and query, already encoded (deliberately broken encodings included). */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface FuzzContext {
  demoKey: string;
  otherKey: string;
  appSecret: string;
  demoWabaId: string;
  providerTemplateIds: string[];
}

/** Percent-encodes a string for a path segment or query value; a lone surrogate becomes its (invalid) CESU-8 bytes. */
function encodeLoose(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    if (isHigh && i + 1 < value.length && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (isHigh || isLow) {
      out +=
        `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(value[i] ?? "");
    }
  }
  return out;
}

/** Already-encoded hostile path segments and query values. */
const percentGarbage = fc.constantFrom(
  "%",
  "%zz",
  "%4",
  "%ED%A0%80",
  "%00",
  "%2F",
  "%2F..%2F..",
  "..",
  "%2e%2e",
  "%C0%AE",
  "%FF%FE",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "%uD800",
  "%25",
  "%0D%0A",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
);

const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff",
    "\u202eevil\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "😀".repeat(20),
    "👨‍👩‍👧‍👦",
    "\ufeff",
    "{{1}}",
    "'; DROP TABLE templates; --",
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/x}",
    "../../etc/passwd",
    "null",
    "undefined",
    "NaN",
    "-1",
    "1e309",
    "0x10",
  ),
  fc.integer({ min: 100, max: 3_000 }).map((n) => "z".repeat(n)),
);

function segmentArbitrary(schema: JsonSchema, root: JsonSchema, name: string): Arbitrary<string> {
  const favourites =
    name === "phone_number_id"
      ? fc.constantFrom(
          DEMO_PHONE_NUMBER_ID,
          DEMO_PHONE_NUMBER_ID,
          DEMO_PHONE_NUMBER_ID,
          OTHER_PHONE_NUMBER_ID,
          "000000",
          "99999999999999999999",
        )
      : fc.constantFrom(...KNOWN_NAMES);
  return fc.oneof(
    { weight: 8, arbitrary: favourites },
    { weight: 2, arbitrary: arbitraryFromSchema(schema, root).map((v) => encodeLoose(String(v))) },
    { weight: 2, arbitrary: hostileText.map(encodeLoose) },
    { weight: 1, arbitrary: percentGarbage },
    { weight: 1, arbitrary: fc.integer({ min: 21, max: 2_000 }).map((n) => "9".repeat(n)) },
  );
}

/**
 * A query string: the route's own parameters with schema values and hostile ones, repeated parameters, bracket
 * notation, prototype keys, unknown keys and broken percent-encoding.
 */
function queryArbitrary(params: Array<{ name: string; schema: JsonSchema }>, root: JsonSchema): Arbitrary<string> {
  const known =
    params.length > 0 ? fc.constantFrom(...params) : fc.constant({ name: "status", schema: { type: "string" } });
  const part = fc.oneof(
    {
      weight: 6,
      arbitrary: known.chain((p) =>
        arbitraryFromSchema(p.schema, root).map((v) => `${p.name}=${encodeLoose(String(v))}`),
      ),
    },
    { weight: 3, arbitrary: fc.tuple(known, hostileText).map(([p, v]) => `${p.name}=${encodeLoose(v)}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(known, fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 4 }))
        .map(([p, vs]) => vs.map((v) => `${p.name}=${encodeLoose(v)}`).join("&")),
    },
    {
      weight: 1,
      arbitrary: known.chain((p) =>
        fc.constantFrom(`${p.name}[]=1`, `${p.name}[a]=b`, `${p.name}`, `${p.name}=`, `${p.name}[__proto__]=x`),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "__proto__=1",
        "__proto__[polluted]=yes",
        "constructor[prototype][polluted]=yes",
        "constructor=x",
        "hasOwnProperty=1",
        "toString=1",
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), hostileText)
        .map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v)}`),
    },
    { weight: 1, arbitrary: fc.tuple(percentGarbage, percentGarbage).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: fc.constantFrom("&", "&&", "=", "==", "?", "#") },
  );
  return fc.array(part, { maxLength: 6 }).map((parts) => parts.join("&"));
}

// ---- bodies ------------------------------------------------------------------------------------------------------

/** A JSON-text fragment spliced in after serialization (deep nesting and huge strings are never built as objects). */
interface RawJson {
  raw: string;
}
type Hostile = { value: unknown } | RawJson;

const HUGE_UNITS = ["a", "é", "😀", "\\u0000", "\\ud800", "\\u202e", "\\n", '\\"', "ß\u0301"];

function hugeString(bytes: number, unit: string): string {
  return `"${unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))))}"`;
}

function deepNesting(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "null" + "}".repeat(depth);
}

const PROTO_JSON =
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}';

/** Values that replace a field of an otherwise sensible body. Sizes stay small unless `big` (bodies, not URLs). */
function hostileValue(big: boolean): Arbitrary<Hostile> {
  const small: Array<fc.WeightedArbitrary<Hostile>> = [
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0, 1e308, "", [], {}, [null], { a: null })
        .map((value) => ({ value })),
    },
    { weight: 3, arbitrary: hostileText.map((value) => ({ value })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("1e999", "-1e999", "9007199254740993", "1E2", "0.0000001", "-0.0")
        .map((raw) => ({ raw })),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.constant({ raw: PROTO_JSON }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 20, max: 500 }), fc.constantFrom<"array" | "object">("array", "object"))
        .map(([d, k]) => ({ raw: deepNesting(d, k) })),
    },
  ];
  if (!big) return fc.oneof(...small);
  return fc.oneof(
    ...small,
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom(...HUGE_UNITS))
        .map(([n, u]) => ({ raw: hugeString(n, u) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(1_000, 10_000, 50_000), fc.constantFrom<"array" | "object">("array", "object"))
        .map(([d, k]) => ({ raw: deepNesting(d, k) })),
    },
  );
}

type JsonPath = Array<string | number>;

function pathsOf(value: unknown, path: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

/** Sets an OWN property, even `__proto__` (plain assignment would change the prototype instead). */
function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `text` swaps one string of the value for hostile text, keeping everything else valid: it reaches deepest. */
type Mutation = "replace" | "delete" | "add-key" | "wrap-in-array" | "text";

/** Applies one mutation at a chosen path and serializes, splicing raw fragments in by placeholder. */
function mutate(base: unknown, pathIndex: number, mutation: Mutation, key: string, hostile: Hostile): string {
  const value = structuredClone(base);
  const all = pathsOf(value);
  const textPaths = all.filter((p) => typeof p.reduce((node: any, k) => node?.[k], value) === "string");
  const paths = mutation === "text" && textPaths.length > 0 ? textPaths : all;
  const path = paths[pathIndex % paths.length] ?? [];
  const placeholder = "@@fuzz-raw@@";
  const replacement = "raw" in hostile ? placeholder : hostile.value;
  let root: unknown = value;
  if (path.length === 0) {
    if (mutation === "add-key" && root !== null && typeof root === "object" && !Array.isArray(root))
      setOwn(root, key, replacement);
    else if (mutation === "wrap-in-array") root = [root];
    else root = replacement;
  } else {
    const parent: any = path.slice(0, -1).reduce((node: any, k) => node[k], value);
    const last = path[path.length - 1] as string | number;
    if (mutation === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (mutation === "wrap-in-array") {
      setOwn(parent, last, [parent[last]]);
    } else if (
      mutation === "add-key" &&
      parent[last] !== null &&
      typeof parent[last] === "object" &&
      !Array.isArray(parent[last])
    ) {
      setOwn(parent[last], key, replacement);
    } else {
      setOwn(parent, last, replacement);
    }
  }
  const text = JSON.stringify(root) ?? "null";
  return "raw" in hostile ? text.replace(`"${placeholder}"`, () => hostile.raw) : text;
}

function mutatedJson(bases: Arbitrary<unknown>, big: boolean): Arbitrary<string> {
  return fc
    .record({
      base: bases,
      pathIndex: fc.nat(),
      mutation: fc.constantFrom<Mutation>(
        "replace",
        "replace",
        "replace",
        "delete",
        "add-key",
        "wrap-in-array",
        "text",
        "text",
        "text",
      ),
      key: fc.oneof(
        fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "then"),
        fc.string({ maxLength: 10 }),
      ),
      hostile: hostileValue(big),
      // Text that keeps a field plausible: a few ordinary characters around the hostile ones.
      text: fc
        .tuple(fc.string({ maxLength: 8 }), hostileText, fc.string({ maxLength: 8 }))
        .map((parts) => parts.join("")),
    })
    .map(({ base, pathIndex, mutation, key, hostile, text }) =>
      mutate(base, pathIndex, mutation, key, mutation === "text" ? { value: text } : hostile),
    );
}

const invalidJsonText = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    '{"name":',
    '{"name":"x",}',
    "{'name':'x'}",
    '{"a":01}',
    '{"a":NaN}',
    '{"a":Infinity}',
    "undefined",
    '{"a":"\\x41"}',
    '{"a":"\\ud83d"}',
    '{"a":"\u0001"}',
    "\ufeff{}",
    '{"a":1}{"b":2}',
    '{"a":1} trailing',
    "[1,2",
    "nul",
    "//comment\n{}",
    '{"__proto__":',
  ),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => {
    const text = JSON.stringify(v) ?? "";
    return text.slice(0, Math.max(0, text.length - 1));
  }),
);

/** Raw bodies for a JSON endpoint: schema values, examples, mutations, and every kind of malformed payload. */
function jsonBodyArbitrary(valid: Arbitrary<unknown>): Arbitrary<Buffer | undefined> {
  const text = (arb: Arbitrary<string>) => arb.map((s) => Buffer.from(s, "utf8"));
  return fc.oneof(
    { weight: 6, arbitrary: text(valid.map((v) => JSON.stringify(v) ?? "null")) },
    { weight: 10, arbitrary: text(mutatedJson(valid, true)) },
    { weight: 1, arbitrary: text(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null")) },
    { weight: 1, arbitrary: text(fc.constantFrom("null", "[]", "1", '"x"', "true", "[{}]", "{}")) },
    { weight: 2, arbitrary: text(invalidJsonText) },
    {
      weight: 1,
      arbitrary: text(
        fc.constantFrom(
          PROTO_JSON,
          '{"name":"x","__proto__":{"polluted":"yes"}}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
        ),
      ),
    },
    // Just inside and well past the body limit.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 150_000, max: REST_BODY_LIMIT - 1_000 }), fc.constantFrom(...HUGE_UNITS))
        .map(([n, u]) => Buffer.from(`{"name":${hugeString(n, u)}}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: REST_BODY_LIMIT + 1, max: 1_200_000 }), fc.constantFrom("a", "😀"))
        .map(([n, u]) => Buffer.from(`{"name":${hugeString(n, u)}}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(1_000, 10_000, 100_000), fc.constantFrom<"array" | "object">("array", "object"))
        .map(([d, k]) =>
          Buffer.from(k === "array" ? `{"components":${deepNesting(d, k)}}` : deepNesting(Math.min(d, 40_000), k)),
        ),
    },
    // Invalid UTF-8, a UTF-16 body, raw bytes.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
        Buffer.from('{"name":"x"}', "utf16le"),
        Buffer.from([0xed, 0xa0, 0x80]),
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
}

const CONTENT_TYPES = [
  "text/plain",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "application/json; charset=nope",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/vnd.api+json",
  "application/json, text/html",
  "application/octet-stream",
  "*/*",
  "json",
  ";;;",
];

/** Content-Type: JSON mostly, otherwise missing or wrong. */
const contentTypeArbitrary: Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

/** Printable ASCII (header values must be ByteStrings without control characters). */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

function authorizationArbitrary(ctx: FuzzContext): Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(`Bearer ${ctx.demoKey}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${ctx.otherKey}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        headerText(80),
        headerText(40).map((s) => `Bearer ${s}`),
        fc.constantFrom(
          "Bearer",
          "Bearer ",
          "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
          `bearer ${ctx.demoKey}`,
          `Bearer  ${ctx.demoKey}  `,
          `Bearer ${ctx.demoKey.toUpperCase()}`,
          `Token ${ctx.demoKey}`,
        ),
        fc.integer({ min: 513, max: 4_000 }).map((n) => `Bearer ${"k".repeat(n)}`),
      ),
    },
  );
}

/** Optional extra headers, now and then: Idempotency-Key (valid or not), Content-Encoding (mostly a lie). */
function extraHeaders(method: string): Arbitrary<Record<string, string>> {
  const sometimes = <T>(arb: Arbitrary<T>, oneIn: number): Arbitrary<T | undefined> =>
    fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  return fc
    .record({
      idempotencyKey: sometimes(
        fc.oneof(
          headerText(60).filter((s) => s.trim().length > 0),
          fc.constantFrom("", " ", "k".repeat(256), "caf\u00e9", "a\tb"),
        ),
        6,
      ),
      contentEncoding: sometimes(fc.constantFrom("gzip", "deflate", "br", "identity", "x-nope", "gzip, gzip"), 12),
    })
    .map((h) => ({
      ...(h.idempotencyKey !== undefined && method === "POST" ? { "idempotency-key": h.idempotencyKey } : {}),
      ...(h.contentEncoding !== undefined ? { "content-encoding": h.contentEncoding } : {}),
    }));
}

/** Applies a Content-Encoding header: sometimes the body really is gzip, mostly it is a lie. */
function encodeBody(
  body: Buffer | undefined,
  headers: Record<string, string>,
  reallyCompress: boolean,
): Buffer | undefined {
  if (body !== undefined && reallyCompress && headers["content-encoding"] === "gzip") return gzipSync(body);
  return body;
}

// ---- targets -----------------------------------------------------------------------------------------------------

interface Target {
  id: string;
  arbitrary: Arbitrary<FuzzRequest>;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** One target per REST operation of the OpenAPI document. */
function restTargets(doc: JsonSchema, ctx: FuzzContext): Target[] {
  const targets: Target[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; schema: JsonSchema }>;
      const pathParams = parameters.filter((p) => p.in === "path");
      const queryParams = parameters.filter((p) => p.in === "query");
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema as JsonSchema | undefined;
      const examples = Object.values(
        (op.requestBody?.content?.["application/json"]?.examples ?? {}) as Record<string, { value: unknown }>,
      ).map((e) => e.value);
      const upper = method.toUpperCase();
      const segments = Object.fromEntries(pathParams.map((p) => [p.name, segmentArbitrary(p.schema, doc, p.name)]));
      const validBody =
        bodySchema === undefined ? fc.jsonValue({ maxDepth: 2 }) : validBodyArbitrary(bodySchema, doc, examples);
      const arbitrary = fc
        .record({
          method: fc.oneof(
            { weight: 12, arbitrary: fc.constant(upper) },
            { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
          ),
          segments: fc.record(segments),
          query: fc.oneof(
            { weight: 1, arbitrary: fc.constant("") },
            { weight: 1, arbitrary: queryArbitrary(queryParams, doc) },
          ),
          authorization: authorizationArbitrary(ctx),
          contentType: contentTypeArbitrary,
          extra: extraHeaders(upper),
          // Bodies on every method: a GET with a body must be refused cleanly too.
          body:
            bodySchema === undefined
              ? fc.oneof(
                  { weight: 4, arbitrary: fc.constant(undefined) },
                  { weight: 1, arbitrary: jsonBodyArbitrary(validBody) },
                )
              : jsonBodyArbitrary(validBody),
          reallyCompress: fc.boolean(),
        })
        .map((r): FuzzRequest => {
          const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => r.segments[name] ?? "");
          const headers: Record<string, string> = { ...r.extra };
          if (r.authorization !== undefined) headers.authorization = r.authorization;
          if (r.body !== undefined && r.contentType !== undefined) headers["content-type"] = r.contentType;
          const body =
            r.method === "GET" || r.method === "OPTIONS" ? undefined : encodeBody(r.body, headers, r.reallyCompress);
          return {
            target: `${upper} ${template}`,
            method: r.method,
            url: r.query === "" ? path : `${path}?${r.query}`,
            headers,
            ...(body === undefined ? {} : { body }),
          };
        });
      targets.push({ id: `${upper} ${template}`, arbitrary });
    }
  }
  return targets;
}

/**
 * Sensible bodies: schema-derived values, the document's examples, and for the create body the seed's realistic
 * template under a fresh name (so many creates succeed and the later routes meet real rows).
 */
function validBodyArbitrary(schema: JsonSchema, doc: JsonSchema, examples: unknown[]): Arbitrary<unknown> {
  const fromSchema = arbitraryFromSchema(schema, doc);
  const resolved = typeof schema.$ref === "string" ? resolveRef(doc, schema.$ref) : schema;
  const properties = (resolved.properties ?? {}) as Record<string, unknown>;
  const freshName = fc.stringMatching(/^fz_[a-z0-9_]{1,24}$/);
  const options: Array<fc.WeightedArbitrary<unknown>> = [{ weight: 2, arbitrary: fromSchema }];
  if (examples.length > 0) options.push({ weight: 1, arbitrary: fc.constantFrom(...examples) });
  if ("name" in properties && "category" in properties) {
    options.push({
      weight: 3,
      arbitrary: fc
        .tuple(freshName, fc.constantFrom("en", "id", "en_US"))
        .map(([name, language]) => ({ ...orderConfirmation(language), name })),
    });
  }
  return fc.oneof(...options);
}

/** Steers the fields that decide how deep a tRPC call gets: mostly our own account, often a real template name. */
function steerTrpcInput(
  value: unknown,
  steer: { phone: string; name: string; template: unknown; edit: unknown },
): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if ("phone_number_id" in out) out.phone_number_id = steer.phone;
  if ("name" in out) out.name = steer.name;
  if ("template" in out) out.template = steer.template;
  if ("edit" in out) out.edit = steer.edit;
  return out;
}

/** One target per tRPC procedure, from the router itself (so a new procedure is fuzzed too). */
function trpcTargets(doc: JsonSchema, ctx: FuzzContext): Target[] {
  const procedures = (appRouter as any)._def.procedures as Record<
    string,
    { _def: { type: "query" | "mutation"; inputs: z.ZodType[] } }
  >;
  const createBody =
    doc.paths && (doc.paths as any)["/v1/{phone_number_id}/templates"].post.requestBody.content["application/json"];
  const editBody =
    doc.paths &&
    (doc.paths as any)["/v1/{phone_number_id}/templates/{name}"].patch.requestBody.content["application/json"];
  const templateArb = validBodyArbitrary(
    createBody.schema,
    doc,
    Object.values(createBody.examples ?? {}).map((e: any) => e.value),
  );
  const editArb = validBodyArbitrary(
    editBody.schema,
    doc,
    Object.values(editBody.examples ?? {}).map((e: any) => e.value),
  );
  const names = Object.keys(procedures);
  const targets: Target[] = [];
  for (const [name, procedure] of Object.entries(procedures)) {
    const type = procedure._def.type;
    const inputSchemas = procedure._def.inputs.map(
      (input) => z.toJSONSchema(input, { io: "input", unrepresentable: "any" }) as JsonSchema,
    );
    const inputSchema = inputSchemas[0] ?? {};
    const required = Array.isArray(inputSchema.required) ? (inputSchema.required as string[]) : [];
    // Schema values, and the smallest input the schema allows (its required keys only, steered below), so that
    // many calls get past validation and reach the database and the sandbox.
    const fromSchema =
      inputSchemas.length === 0
        ? fc.constant(undefined)
        : fc.oneof(
            { weight: 3, arbitrary: arbitraryFromSchema(inputSchema, inputSchema) },
            { weight: 2, arbitrary: fc.constant(Object.fromEntries(required.map((key) => [key, null]))) },
          );
    const steered = fc
      .record({
        value: fromSchema,
        phone: fc.oneof(
          { weight: 6, arbitrary: fc.constant(DEMO_PHONE_NUMBER_ID) },
          { weight: 1, arbitrary: fc.constant(OTHER_PHONE_NUMBER_ID) },
          { weight: 1, arbitrary: hostileText },
        ),
        name: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...KNOWN_NAMES) },
          { weight: 1, arbitrary: hostileText },
        ),
        template: templateArb,
        edit: editArb,
      })
      .map(({ value, ...steer }) => steerTrpcInput(value, steer));
    const input = fc.oneof(
      { weight: 4, arbitrary: steered.map((v) => JSON.stringify(v) ?? "null") },
      { weight: 3, arbitrary: mutatedJson(steered, type === "mutation") },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null") },
      { weight: 1, arbitrary: invalidJsonText },
    );
    const arbitrary = fc
      .record({
        input,
        noInput: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        batch: fc.oneof(
          { weight: 5, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...names) },
        ),
        wrongMethod: fc.oneof(
          { weight: 12, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        authorization: authorizationArbitrary(ctx),
        contentType: contentTypeArbitrary,
        extraQuery: fc.oneof(
          { weight: 4, arbitrary: fc.constant("") },
          {
            weight: 1,
            arbitrary: queryArbitrary(
              [
                { name: "input", schema: { type: "string" } },
                { name: "batch", schema: { type: "string" } },
              ],
              doc,
            ),
          },
        ),
        rawBody: fc.oneof(
          { weight: 6, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: jsonBodyArbitrary(steered) },
        ),
      })
      .map((r): FuzzRequest => {
        const useGet = (type === "query") !== r.wrongMethod;
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        const paths = r.batch === null ? name : `${name},${r.batch}`;
        const inputText = r.batch === null ? r.input : `{"0":${r.input},"1":${r.input}}`;
        const batchQuery = r.batch === null ? "" : "batch=1";
        const extra = r.extraQuery === "" ? "" : `&${r.extraQuery}`;
        if (useGet) {
          let query = r.noInput
            ? batchQuery
            : [batchQuery, `input=${encodeLoose(inputText)}`].filter((s) => s !== "").join("&");
          // Keep the URL inside Node's header limit (an input that would not fit goes without).
          if (query.length + paths.length + 20 > MAX_URL_LENGTH) query = batchQuery;
          return { target: `trpc ${name}`, method: "GET", url: `/trpc/${paths}?${query}${extra}`, headers };
        }
        const body = r.rawBody ?? (r.noInput ? undefined : Buffer.from(inputText, "utf8"));
        if (body !== undefined && r.contentType !== undefined) headers["content-type"] = r.contentType;
        return {
          target: `trpc ${name}`,
          method: "POST",
          url: `/trpc/${paths}${batchQuery === "" ? (extra === "" ? "" : `?${extra.slice(1)}`) : `?${batchQuery}${extra}`}`,
          headers,
          ...(body === undefined ? {} : { body }),
        };
      });
    targets.push({ id: `trpc ${name}`, arbitrary });
  }
  // Procedure names that do not exist, including prototype members a lookup by `obj[name]` would find.
  targets.push({
    id: "trpc (unknown procedure)",
    arbitrary: fc
      .record({
        name: fc.oneof(
          fc.constantFrom(
            "nope",
            "__proto__",
            "constructor",
            "toString",
            "templates.__proto__",
            "templates.constructor",
            "templates",
            "templates.list.extra",
            "accounts.list.__proto__",
            "",
            ".",
            "..",
            "templates..list",
          ),
          hostileText.map(encodeLoose),
          percentGarbage,
        ),
        method: fc.constantFrom("GET", "POST"),
        authorization: authorizationArbitrary(ctx),
      })
      .map(({ name, method, authorization }): FuzzRequest => ({
        target: "trpc (unknown procedure)",
        method,
        url: `/trpc/${name}${method === "GET" ? "?input=%7B%7D" : ""}`,
        headers: {
          ...(authorization === undefined ? {} : { authorization }),
          ...(method === "POST" ? { "content-type": "application/json" } : {}),
        },
        ...(method === "POST" ? { body: Buffer.from("{}") } : {}),
      })),
  });
  return targets;
}

const WEBHOOK_FIELDS = [
  "message_template_status_update",
  "message_template_quality_update",
  "template_category_update",
  "message_template_components_update",
];
const WEBHOOK_EVENTS = [
  "APPROVED",
  "REJECTED",
  "PENDING",
  "PAUSED",
  "DISABLED",
  "FLAGGED",
  "REINSTATED",
  "UNARCHIVED",
  "LOCKED",
  "PENDING_DELETION",
  "DELETED",
  "IN_APPEAL",
  "ARCHIVED",
];

/** Meta-shaped webhook payloads with every field fuzzed (times far outside any calendar included). */
function webhookPayloadArbitrary(ctx: FuzzContext): Arbitrary<unknown> {
  const anyValue = fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 }));
  const time = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        0,
        -1,
        1.5,
        1e15,
        -1e15,
        1e20,
        8.64e12,
        -8.64e12,
        9007199254740991,
        "1700000000",
        "abc",
        "",
        null,
        true,
        [],
        {},
      ),
    },
    { weight: 1, arbitrary: fc.double() },
  );
  const templateId = fc.oneof(
    ctx.providerTemplateIds.length > 0 ? fc.constantFrom(...ctx.providerTemplateIds) : fc.constant("1"),
    fc.stringMatching(/^\d{1,20}$/),
    anyValue,
  );
  const value = fc.record(
    {
      event: fc.oneof(fc.constantFrom(...WEBHOOK_EVENTS), anyValue),
      message_template_id: templateId,
      message_template_name: fc.oneof(fc.constantFrom(...KNOWN_NAMES), anyValue),
      message_template_language: fc.oneof(fc.constantFrom("en", "en-US", "en_US", "id"), anyValue),
      reason: fc.oneof(fc.constantFrom("NONE", "INVALID_FORMAT", null), anyValue),
      new_quality_score: fc.oneof(fc.constantFrom("GREEN", "YELLOW", "RED", "UNKNOWN"), anyValue),
      previous_quality_score: anyValue,
      previous_category: fc.oneof(fc.constantFrom("MARKETING", "UTILITY", "AUTHENTICATION"), anyValue),
      new_category: fc.oneof(fc.constantFrom("MARKETING", "UTILITY", "AUTHENTICATION"), anyValue),
      correct_category: fc.oneof(fc.constantFrom("MARKETING", "UTILITY"), anyValue),
      message_template_element: anyValue,
      message_template_title: anyValue,
      message_template_footer: anyValue,
      message_template_buttons: fc.oneof(
        fc.array(fc.record({ message_template_button_type: anyValue, message_template_button_text: anyValue })),
        anyValue,
      ),
      other_info: fc.oneof(fc.record({ title: anyValue, description: anyValue }), anyValue),
      rejection_info: fc.oneof(fc.record({ reason: anyValue, recommendation: anyValue }), anyValue),
      disable_info: fc.oneof(fc.record({ disable_date: anyValue }), anyValue),
    },
    { requiredKeys: [] },
  );
  const change = fc.record({
    field: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WEBHOOK_FIELDS) }, { weight: 1, arbitrary: anyValue }),
    value: fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: anyValue }),
  });
  const entry = fc.record({
    id: fc.oneof(
      { weight: 5, arbitrary: fc.constant<unknown>(ctx.demoWabaId) },
      { weight: 1, arbitrary: fc.stringMatching(/^\d{1,20}$/) },
      { weight: 1, arbitrary: anyValue },
    ),
    time,
    changes: fc.oneof({ weight: 6, arbitrary: fc.array(change, { maxLength: 3 }) }, { weight: 1, arbitrary: anyValue }),
  });
  return fc.record({
    object: fc.oneof(
      { weight: 8, arbitrary: fc.constant<unknown>("whatsapp_business_account") },
      { weight: 1, arbitrary: anyValue },
    ),
    entry: fc.oneof(
      { weight: 8, arbitrary: fc.array(entry, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: anyValue },
    ),
  });
}

function webhookTargets(ctx: FuzzContext, doc: JsonSchema): Target[] {
  const sign = (body: Buffer) => `sha256=${createHmac("sha256", ctx.appSecret).update(body).digest("hex")}`;
  const post = fc
    .record({
      body: fc.oneof(
        { weight: 6, arbitrary: webhookPayloadArbitrary(ctx).map((v) => Buffer.from(JSON.stringify(v) ?? "null")) },
        { weight: 3, arbitrary: mutatedJson(webhookPayloadArbitrary(ctx), true).map((s) => Buffer.from(s)) },
        { weight: 2, arbitrary: jsonBodyArbitrary(fc.jsonValue({ maxDepth: 3 })).map((b) => b ?? Buffer.alloc(0)) },
      ),
      signature: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string>("valid") },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "upper",
            "missing",
            "sha256=",
            "sha256=zz",
            `sha256=${"0".repeat(64)}`,
            "sha1=abc",
            "SHA256=00",
            `sha256=${"a".repeat(10_000)}`,
          ),
        },
        { weight: 1, arbitrary: headerText(80) },
      ),
      contentType: contentTypeArbitrary,
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant("POST") },
        { weight: 1, arbitrary: fc.constantFrom("PUT", "PATCH", "DELETE") },
      ),
    })
    .map(({ body, signature, contentType, method }): FuzzRequest => {
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers["content-type"] = contentType;
      if (signature === "valid") headers["x-hub-signature-256"] = sign(body);
      else if (signature === "upper") headers["x-hub-signature-256"] = `sha256=${sign(body).slice(7).toUpperCase()}`;
      else if (signature !== "missing") headers["x-hub-signature-256"] = signature;
      return { target: "POST /webhooks/meta", method, url: "/webhooks/meta", headers, body };
    });
  const handshakeParams = [
    { name: "hub.mode", schema: { enum: ["subscribe", "unsubscribe", "SUBSCRIBE"] } },
    { name: "hub.verify_token", schema: { enum: [VERIFY_TOKEN, `${VERIFY_TOKEN} `, "wrong"] } },
    { name: "hub.challenge", schema: { type: "string" } },
  ];
  const get = fc
    .record({
      valid: fc.boolean(),
      challenge: fc.oneof(fc.stringMatching(/^\d{1,12}$/), hostileText),
      query: queryArbitrary(handshakeParams, doc),
    })
    .map(({ valid, challenge, query }): FuzzRequest => {
      const handshake = valid
        ? `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${encodeLoose(challenge)}`
        : "";
      const q = [handshake, query].filter((s) => s !== "").join("&");
      return {
        target: "GET /webhooks/meta",
        method: "GET",
        url: `/webhooks/meta${q === "" ? "" : `?${q}`}`,
        headers: {},
      };
    });
  return [
    { id: "POST /webhooks/meta", arbitrary: post },
    { id: "GET /webhooks/meta", arbitrary: get },
  ];
}

// ---- checks ------------------------------------------------------------------------------------------------------

const validator = createResponseValidator();

function checkErrorEnvelope(body: any, status: number, requestId: string | null, problems: string[]): void {
  const error = body?.error;
  if (
    body === null ||
    typeof body !== "object" ||
    Object.keys(body).join() !== "error" ||
    error === null ||
    typeof error !== "object"
  ) {
    problems.push("error body is not { error: {…} }");
    return;
  }
  for (const key of Object.keys(error)) if (!ENVELOPE_ERROR_KEYS.has(key)) problems.push(`unexpected error.${key}`);
  for (const key of ["type", "code", "message", "request_id"])
    if (typeof error[key] !== "string" || error[key] === "") problems.push(`error.${key} missing`);
  if (error.param !== undefined && typeof error.param !== "string") problems.push("error.param is not a string");
  const entry = (ERROR_CODES as Record<string, { status: number; type: string }>)[error.code];
  if (entry === undefined) problems.push(`error.code ${JSON.stringify(error.code)} is not in the catalogue`);
  else {
    if (entry.status !== status)
      problems.push(`error.code ${error.code} is ${entry.status} in the catalogue, answered ${status}`);
    if (entry.type !== error.type) problems.push(`error.type ${error.type} ≠ catalogue ${entry.type}`);
  }
  if (error.request_id !== requestId) problems.push("error.request_id ≠ X-Request-Id");
}

function checkTrpcError(error: any, status: number | null, requestId: string | null, problems: string[]): void {
  const data = error?.data;
  if (
    typeof error?.message !== "string" ||
    typeof error?.code !== "number" ||
    data === null ||
    typeof data !== "object"
  ) {
    problems.push("tRPC error lacks message/code/data");
    return;
  }
  const entry = (ERROR_CODES as Record<string, { status: number; type: string }>)[data.code];
  if (entry === undefined) problems.push(`tRPC data.code ${JSON.stringify(data.code)} is not in the catalogue`);
  else {
    if (entry.status !== data.httpStatus)
      problems.push(`tRPC data.code ${data.code} is ${entry.status} in the catalogue, httpStatus ${data.httpStatus}`);
    if (entry.type !== data.type) problems.push(`tRPC data.type ${data.type} ≠ catalogue ${entry.type}`);
  }
  if (status !== null && data.httpStatus !== status)
    problems.push(`tRPC data.httpStatus ${data.httpStatus} ≠ HTTP ${status}`);
  if (data.httpStatus >= 500) problems.push(`tRPC error ${data.code} (${data.httpStatus})`);
  if (data.request_id !== requestId) problems.push("tRPC data.request_id ≠ X-Request-Id");
}

interface Verdict {
  problems: string[];
}

function checkResponse(request: FuzzRequest, status: number, headers: Headers, text: string): Verdict {
  const problems: string[] = [];
  // What was really sent: fetch resolves dot segments (`/..`, `/%2e%2e`) the way every WHATWG client does.
  const sent = new URL(request.url, "http://127.0.0.1");
  if (status >= 500) problems.push(`status ${status}`);
  const requestId = headers.get("x-request-id");
  if (requestId === null || !REQUEST_ID.test(requestId)) problems.push(`X-Request-Id ${JSON.stringify(requestId)}`);
  for (const pattern of STACK_PATTERNS) if (pattern.test(text)) problems.push(`body matches ${pattern}`);
  const contentType = headers.get("content-type") ?? "";
  const isHandshakeAnswer = request.target === "GET /webhooks/meta" && status === 200;
  if (isHandshakeAnswer) {
    if (!contentType.startsWith("text/plain")) problems.push(`handshake answered ${contentType}`);
    return { problems };
  }
  const isTrpc = sent.pathname.startsWith("/trpc/");
  if (!contentType.includes("application/json")) {
    problems.push(`Content-Type ${JSON.stringify(contentType)}`);
    return { problems };
  }
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push("body is not JSON");
    return { problems };
  }
  if (isTrpc) {
    const items: any[] = Array.isArray(body) ? body : [body];
    if (Array.isArray(body) && !/[?&]batch=1/.test(request.url)) problems.push("array answer to a non-batch call");
    for (const item of items) {
      if (item?.error !== undefined)
        checkTrpcError(item.error, Array.isArray(body) ? null : status, requestId, problems);
      else if (item === null || typeof item !== "object" || !("result" in item))
        problems.push("tRPC answer is neither result nor error");
      else if (status >= 400) problems.push(`tRPC result with status ${status}`);
    }
    return { problems };
  }
  if (status >= 400) checkErrorEnvelope(body, status, requestId, problems);
  else if (sent.pathname.startsWith("/webhooks") && body?.request_id !== requestId)
    problems.push("webhook answer without request_id");
  if (sent.pathname.startsWith("/v1/")) {
    const result = validator.validate({
      method: request.method,
      path: `${sent.pathname}${sent.search}`,
      status,
      body,
      headers,
    });
    // A method or path the document does not describe (PUT on a route, `/v1//templates`) is answered by the
    // middleware that runs first — 401 before 405, 400 for a bad body — which the document cannot list per path;
    // the envelope check above covers those answers.
    if (result.operation !== undefined) problems.push(...result.errors);
  }
  return { problems };
}

// ---- the drill ---------------------------------------------------------------------------------------------------

interface Failure {
  request: FuzzRequest;
  status: number | null;
  problems: string[];
  excerpt: string;
}

function describeRequest(r: FuzzRequest): string {
  const body =
    r.body === undefined ? "" : ` body(${r.body.length} B)=${JSON.stringify(r.body.subarray(0, 300).toString("utf8"))}`;
  return `${r.method} ${r.url.slice(0, 300)} headers=${JSON.stringify({ ...r.headers, authorization: r.headers.authorization?.slice(0, 20) })}${body}`;
}

async function runPool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await run(item);
      }
    }),
  );
}

const kind = fuzzKind();

describe(`fuzz drill on ${kind}`, () => {
  let stack: Stack;
  const errorLogs: string[] = [];
  let ctx: FuzzContext;
  let prototypeBefore: Record<string, string[]>;

  const prototypes = (): Record<string, string[]> => ({
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    function: Object.getOwnPropertyNames(Function.prototype).sort(),
    string: Object.getOwnPropertyNames(String.prototype).sort(),
  });

  beforeAll(async () => {
    prototypeBefore = prototypes();
    // Everything at error level (5xx request lines, unhandled errors, failed webhook dispatch) is a finding.
    const logger = pino(
      { level: "error" },
      {
        write(line: string) {
          errorLogs.push(line);
        },
      },
    );
    stack = await startStack(kind, {
      logger,
      metaWebhooks: (_core, sandbox) => ({ config: { appSecret: sandbox.demo.appSecret, verifyToken: VERIFY_TOKEN } }),
    });
    // Fixtures: templates in the states edit/delete treat differently, so fuzzed names meet real rows.
    const api = (method: string, path: string, body?: unknown) =>
      call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });
    for (const name of KNOWN_NAMES) {
      const res = await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, { ...orderConfirmation(), name });
      expect(res.status, res.text).toBe(201);
    }
    const find = (name: string) => stack.sandbox.control.findTemplate(stack.sandbox.demo.wabaId, name, "en");
    const statusOf: Record<string, "APPROVED" | "REJECTED" | "DISABLED"> = {
      fuzz_approved: "APPROVED",
      fuzz_rejected: "REJECTED",
      fuzz_disabled: "DISABLED",
    };
    for (const [name, status] of Object.entries(statusOf)) {
      const template = find(name);
      if (template === undefined) throw new Error(`fixture ${name} missing in the sandbox`);
      stack.sandbox.control.setStatus(template.id, { status });
    }
    expect((await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`)).status).toBe(200);
    ctx = {
      demoKey: stack.demoKey,
      otherKey: stack.otherKey,
      appSecret: stack.sandbox.demo.appSecret,
      demoWabaId: stack.sandbox.demo.wabaId,
      providerTemplateIds: stack.sandbox.control.templates(stack.sandbox.demo.wabaId).map((t) => t.id),
    };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it(
    `answers ${TOTAL_REQUESTS} fuzzed requests (seed ${SEED}) with no 5xx, always in the envelope, and stays healthy`,
    { timeout: 300_000 },
    async () => {
      const doc = getOpenApiDocument() as unknown as JsonSchema;
      const targets = [...restTargets(doc, ctx), ...trpcTargets(doc, ctx), ...webhookTargets(ctx, doc)];
      // Every operation of the document is a target: a route added to routes.ts is fuzzed automatically.
      expect(targets.filter((t) => !t.id.startsWith("trpc") && !t.id.includes("webhooks"))).toHaveLength(
        Object.values(doc.paths as Record<string, object>).reduce(
          (n, item) =>
            n + Object.keys(item).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m)).length,
          0,
        ),
      );
      const requestArbitrary = fc.constantFrom(...targets).chain((t) => t.arbitrary);
      console.log(
        `fuzz[${kind}]: seed ${SEED} (override with FUZZ_SEED), ${TOTAL_REQUESTS} requests over ${targets.length} targets, ${CONCURRENCY} in flight`,
      );

      const counts = new Map<string, Map<number, number>>();
      const statuses = new Map<number, number>();
      const failures: Failure[] = [];
      const codes = new Map<string, Map<string, number>>();
      let sent = 0;
      for (let chunk = 0; sent < TOTAL_REQUESTS; chunk++) {
        const size = Math.min(CHUNK_SIZE, TOTAL_REQUESTS - sent);
        const requests = fc.sample(requestArbitrary, { seed: chunkSeed(SEED, chunk), numRuns: size });
        sent += size;
        await runPool(requests, CONCURRENCY, async (request) => {
          let status: number | null = null;
          let problems: string[];
          let excerpt = "";
          try {
            const response = await fetch(`${stack.baseUrl}${request.url}`, {
              method: request.method,
              headers: request.headers,
              ...(request.body === undefined ? {} : { body: request.body }),
              redirect: "manual",
            });
            status = response.status;
            const text = await response.text();
            excerpt = text.slice(0, 400);
            const verdict = checkResponse(request, status, response.headers, text);
            problems = verdict.problems;
            const code = /"code":"([a-z_]+)"/.exec(excerpt)?.[1];
            if (code !== undefined) {
              const perCode = codes.get(request.target) ?? new Map<string, number>();
              perCode.set(code, (perCode.get(code) ?? 0) + 1);
              codes.set(request.target, perCode);
            }
          } catch (error) {
            const cause = (error as { cause?: unknown }).cause ?? "";
            const causeText =
              typeof cause === "string" ? cause : cause instanceof Error ? cause.toString() : JSON.stringify(cause);
            problems = [`request failed: ${(error as Error).message} (${causeText})`];
          }
          const perTarget = counts.get(request.target) ?? new Map<number, number>();
          perTarget.set(status ?? 0, (perTarget.get(status ?? 0) ?? 0) + 1);
          counts.set(request.target, perTarget);
          statuses.set(status ?? 0, (statuses.get(status ?? 0) ?? 0) + 1);
          if (problems.length > 0) failures.push({ request, status, problems, excerpt });
        });
      }

      const table = [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([target, byStatus]) => {
          const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
          const detail = [...byStatus.entries()]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(" ");
          const topCodes = [...(codes.get(target) ?? new Map<string, number>()).entries()]
            .sort(([, a], [, b]) => b - a)
            .slice(0, 4)
            .map(([c, n]) => `${c} ${n}`)
            .join(", ");
          return `  ${target.padEnd(52)} ${String(total).padStart(5)}  ${detail}  (${topCodes})`;
        });
      const statusLine = [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" ");
      console.log(`fuzz[${kind}] per route:\n${table.join("\n")}`);
      console.log(
        `fuzz[${kind}]: ${sent} requests, seed ${SEED}, statuses ${statusLine}, ${failures.length} failures, ${errorLogs.length} error logs`,
      );
      // One example per distinct problem, so a run with many failures still shows each kind.
      const byProblem = new Map<string, { count: number; example: Failure }>();
      for (const failure of failures) {
        const key = `${failure.request.target} ${failure.status}: ${failure.problems.join("; ").slice(0, 160)}`;
        const seen = byProblem.get(key);
        byProblem.set(key, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? failure });
      }
      for (const [key, { count, example }] of byProblem) {
        console.log(`FAIL ×${count} ${key}\n  ${describeRequest(example.request)}\n  → ${example.excerpt}`);
      }
      // Error-level log lines grouped by what failed (the request lines only repeat the 5xx already counted).
      type LogEntry = {
        msg?: string;
        request_id?: string;
        method?: string;
        path?: string;
        route?: string;
        err?: { type?: string; message?: string; stack?: string };
      };
      const entries = errorLogs.map((line) => JSON.parse(line) as LogEntry);
      const routeOf = new Map(
        entries.filter((e) => e.msg === "request").map((e) => [e.request_id, `${e.method} ${e.route}`]),
      );
      const byCause = new Map<string, number>();
      for (const entry of entries) {
        if (entry.msg === "request") continue;
        const where = entry.path ?? routeOf.get(entry.request_id) ?? "";
        const frame = /\n\s+at .*?(\w[\w.-]*\.ts:\d+)/.exec(entry.err?.stack ?? "")?.[1] ?? "";
        const key = `${entry.msg ?? ""} ${where}: ${entry.err?.type ?? ""} ${entry.err?.message ?? ""} @${frame}`.slice(
          0,
          300,
        );
        byCause.set(key, (byCause.get(key) ?? 0) + 1);
      }
      for (const [cause, count] of byCause) console.log(`ERROR LOG ×${count} ${cause}`);

      // Every target was exercised, with every request answered.
      expect(sent).toBe(TOTAL_REQUESTS);
      if (TOTAL_REQUESTS >= 1_000) expect([...counts.keys()].sort()).toEqual(targets.map((t) => t.id).sort());
      expect(
        failures
          .map((f) => `${f.status} ${f.problems.join("; ")} ← ${describeRequest(f.request).slice(0, 200)}`)
          .slice(0, 20),
      ).toEqual([]);
      expect(statuses.get(0) ?? 0).toBe(0);
      expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);

      // Still healthy and serving.
      expect((await call(stack.baseUrl, "GET", "/v1/health")).status).toBe(200);
      expect((await call(stack.baseUrl, "GET", "/v1/health/ready")).status).toBe(200);
      const list = await call(stack.baseUrl, "GET", `/v1/${DEMO_PHONE_NUMBER_ID}/templates?limit=100`, {
        token: stack.demoKey,
      });
      expect(list.status).toBe(200);
      expect(list.body.data.length).toBeGreaterThan(0);
      expect(
        (await call(stack.baseUrl, "GET", "/v1/accounts", { token: stack.demoKey })).body.data.map(
          (a: any) => a.phone_number_id,
        ),
      ).toEqual([DEMO_PHONE_NUMBER_ID]);
      const sync = await call(stack.baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`, {
        token: stack.demoKey,
      });
      expect(sync.status, sync.text).toBe(200);

      // Nothing logged at error level, and no prototype gained a member (the server shares this process).
      expect(errorLogs.slice(0, 5)).toEqual([]);
      expect(prototypes()).toEqual(prototypeBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});
