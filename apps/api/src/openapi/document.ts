/**
 * The OpenAPI 3.1 document of the public REST API, generated with zod-openapi from the zod schemas of
 * @kirim/schema (the one source of truth: the same schemas parse requests and serialize responses).
 * Built once per process and cached: it is served on every `GET /v1/openapi.json`.
 */
import { ERROR_CODES, ZErrorEnvelope, ZTemplateButton } from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";
import { z } from "zod";
import { createDocument } from "zod-openapi";
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiResponsesObject } from "zod-openapi";
import { errorExample } from "./examples.js";
import { ROUTES } from "./routes.js";
import type { RouteSpec } from "./routes.js";
import {
  ZIdempotentReplayedHeader,
  ZRateLimitLimitHeader,
  ZRateLimitRemainingHeader,
  ZRateLimitResetHeader,
  ZRequestIdHeader,
  ZRetryAfterHeader,
} from "./schemas.js";

/** What `createDocument` returns (its exported `oas31.OpenAPIObject` is not assignable, toolchain-notes §3). */
export type OpenApiDocument = ReturnType<typeof createDocument>;

export const API_TITLE = "Kirim WhatsApp Template API";
export const API_VERSION = "1.0.0";
export const SECURITY_SCHEME = "bearerAuth";

/** Extension on each error response: the codes it can carry, so tests can check a response's `code` too. */
export const ERROR_CODES_EXTENSION = "x-error-codes";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  422: "Unprocessable request",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway (Meta)",
};

/**
 * Response headers: `X-Request-Id` always; on authenticated routes `X-RateLimit-*` (always on a 2xx; on errors
 * only once the request got past authentication, so optional there); `Retry-After` on 429; and on POSTs
 * `Idempotent-Replayed` when an `Idempotency-Key` was sent.
 */
function responseHeaders(route: RouteSpec, status: number): z.ZodObject {
  const success = status < 300;
  const rateLimit = {
    "X-RateLimit-Limit": ZRateLimitLimitHeader,
    "X-RateLimit-Remaining": ZRateLimitRemainingHeader,
    "X-RateLimit-Reset": ZRateLimitResetHeader,
  };
  return z.object({
    "X-Request-Id": ZRequestIdHeader,
    ...(status === 429 ? { "Retry-After": ZRetryAfterHeader } : {}),
    ...(route.auth && status !== 401 ? (success ? rateLimit : z.object(rateLimit).partial().shape) : {}),
    ...(route.method === "post" && route.auth ? { "Idempotent-Replayed": ZIdempotentReplayedHeader.optional() } : {}),
  });
}

const OVERVIEW = `
An open-source WhatsApp message-template service that speaks Kirimdev's public template API: create templates,
submit them to Meta for review, sync review decisions back, and list or fetch them per WhatsApp number.

## Authentication
Every route except \`/v1/health*\` and \`/v1/openapi.json\` needs an API key:
\`Authorization: Bearer kdv_live_…\`. Keys are not accepted in the query string, as Basic credentials or cookies.

## Envelopes
- Single objects: \`{ "data": …, "request_id": "req_…" }\`.
- Lists: \`{ "data": […], "has_more": bool, "next_cursor": string | null, "request_id": "req_…" }\`.
- Errors: \`{ "error": { "type", "code", "message", "param"?, "request_id", "meta"?, "details"? } }\`. Branch on
  \`code\` (permanent), never on \`message\`. \`meta\` relays Meta's own error when it explains the failure;
  \`details\` carries the structured fields a code's description names (\`retry_at\`, \`meta_status\`,
  \`disabled_languages\`).
- Response objects may gain fields in later versions: ignore the ones you do not know.

Every response carries an \`X-Request-Id\` header equal to the body's request id; quote it in support requests.

## Rate limits and retries
Each organisation has a read bucket (GET) and a write bucket (POST); authenticated responses carry
\`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and \`X-RateLimit-Reset\`. An empty bucket answers 429
\`rate_limit_exceeded\` with \`Retry-After\`. Send an \`Idempotency-Key\` with every POST you may retry: a retry with the
same key and request gets the stored answer (\`Idempotent-Replayed: true\`) instead of a second template on Meta.

## Changes for clients
- \`GET /v1/{phone_number_id}/templates/{name}\` answers ONE template object (Kirimdev's shape), no longer an array:
  \`?language=\` picks, otherwise the name's only or earliest created language; \`languages\` lists them all. A deleted
  template is 404 unless \`include_deleted=true\`.
- Template objects carry Kirimdev's read-only row fields, derived from \`components\`: \`header_type\`,
  \`header_content\`, \`footer_content\`, \`has_variables\`, \`buttons\`.
- New: \`GET /v1/me\`. Edit is \`PATCH /v1/{phone_number_id}/templates/{name}\` (was POST); sync runs are at
  \`GET /v1/{phone_number_id}/template_sync_runs\` (was \`…/templates/sync_runs\`), so every template name — \`sync\`,
  \`sync_runs\`, \`events\`, \`me\` included — reaches get, edit, delete and events. \`POST …/templates/sync\` is unchanged.

## Errors on any route
A path that matches no route answers 404 \`route_not_found\`; a known path with another method answers 405
\`method_not_allowed\` with an \`Allow\` header. Each operation lists the codes it can return per status.

## Error codes
| code | status | type | when |
| --- | --- | --- | --- |
${(Object.keys(ERROR_CODES) as TErrorCode[])
  .map((code) => {
    const { status, type, description } = ERROR_CODES[code];
    return `| \`${code}\` | ${status} | \`${type}\` | ${description.replaceAll("|", "\\|")} |`;
  })
  .join("\n")}
`.trim();

/** Error codes of a route, grouped by the catalogue's HTTP status (statuses ascending, codes in route order). */
export function errorCodesByStatus(route: Pick<RouteSpec, "errors">): Map<number, TErrorCode[]> {
  const byStatus = new Map<number, TErrorCode[]>();
  for (const code of route.errors) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}

function errorResponses(route: RouteSpec): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, codes] of errorCodesByStatus(route)) {
    const list = codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code].description}`).join("\n");
    const key = String(status) as `${4 | 5}${string}`;
    responses[key] = {
      description: `${STATUS_TEXT[status] ?? "Error"}. Possible codes:\n\n${list}`,
      headers: responseHeaders(route, status),
      content: {
        "application/json": {
          schema: ZErrorEnvelope,
          examples: Object.fromEntries(
            codes.map((code) => [code, { summary: code, value: errorExample(code, route.errorExamples?.[code]) }]),
          ),
        },
      },
      [ERROR_CODES_EXTENSION]: codes,
    };
  }
  return responses;
}

function operation(route: RouteSpec): ZodOpenApiOperationObject {
  const requestParams = route.params === undefined ? undefined : { ...route.params };
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    security: route.auth ? [{ [SECURITY_SCHEME]: [] }] : [],
    ...(requestParams === undefined ? {} : { requestParams }),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            description: route.body.description,
            content: { "application/json": { schema: route.body.schema, examples: route.body.examples } },
          },
        }),
    ...(route.rawBody === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            description: route.rawBody.description,
            content: Object.fromEntries(
              route.rawBody.mediaTypes.map((type) => [
                type,
                { schema: { type: "string" as const, contentMediaType: type } },
              ]),
            ),
          },
        }),
    responses: {
      [`${route.success.status}`]: {
        description: route.success.description,
        headers: responseHeaders(route, route.success.status),
        content: { "application/json": { schema: route.success.schema, examples: route.success.examples } },
      },
      ...errorResponses(route),
    },
  };
}

/**
 * A URL button's `url` may end with a `{{1}}` variable (`https://shop.example.com/orders/{{1}}`). zod's `z.url()`
 * accepts it (WHATWG URL parsing) but braces are not allowed in an RFC 3986 `uri`, so the emitted `format: uri`
 * would make spec-driven clients refuse valid requests: drop the format on that one field.
 */
const BUTTON_URL = ZTemplateButton.shape.url.unwrap();

/** Builds a fresh document. Use `getOpenApiDocument()` to serve it. */
export function buildOpenApiDocument(): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: API_TITLE,
        version: API_VERSION,
        summary: "Create, submit, sync and list WhatsApp message templates (Kirimdev-compatible).",
        description: OVERVIEW,
        license: { name: "MIT", identifier: "MIT" },
        // No public home is configured for a self-hosted server; operators who publish the document add theirs.
        contact: { name: "Kirim maintainers (open-source project; report problems to your server's operator)" },
      },
      servers: [{ url: "/", description: "This server" }],
      tags: [
        { name: "Templates", description: "WhatsApp message templates of one account (`{phone_number_id}`)." },
        { name: "Accounts", description: "The organisation's WhatsApp accounts." },
        {
          name: "Webhooks",
          description:
            "Outbound webhooks: template and sync events POSTed to your endpoints, signed (Standard Webhooks).",
        },
        { name: "Health", description: "Probes for load balancers and orchestrators; no API key." },
        { name: "Reference", description: "This document; the interactive reference is at `/docs`." },
      ],
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "kdv_live_<24 url-safe base64 characters>",
            description:
              "An organisation API key sent as `Authorization: Bearer kdv_live_…` (33 characters: `kdv_live_` + 24 url-safe base64 characters). One key has full access to its organisation; a missing header is 401 `missing_api_key`, an unknown, malformed or revoked key 401 `invalid_api_key`, an expired one 401 `expired_api_key`. Two Authorization headers are 400 `invalid_request`. Every 401 costs the client address a token (20 a minute by default): once they are used up the address gets 429 `rate_limit_exceeded` with `Retry-After` and its keys are not checked, except keys this server accepted recently.",
          },
        },
      },
      paths,
    },
    {
      override: ({ zodSchema, jsonSchema, io }) => {
        if (zodSchema === BUTTON_URL) delete jsonSchema.format;
        // Response objects stay open to fields added later (as Stripe's and GitHub's specs are), so a strict client
        // generated from this document keeps working; request schemas keep what the server enforces.
        if (io === "output" && jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      },
    },
  );
}

let cached: { document: OpenApiDocument; json: string } | undefined;

function cache(): { document: OpenApiDocument; json: string } {
  if (cached === undefined) {
    const document = buildOpenApiDocument();
    cached = { document, json: JSON.stringify(document) };
  }
  return cached;
}

/** The document, built on first use and shared afterwards. Treat it as read-only. */
export function getOpenApiDocument(): OpenApiDocument {
  return cache().document;
}

/** The document serialized once, as served by `GET /v1/openapi.json`. */
export function getOpenApiJson(): string {
  return cache().json;
}
