/**
 * THE endpoint table: one entry per endpoint — method, path, the schemas REST parses (path, query, body), the result,
 * rate-limit class, idempotency, the handler calling core, the tRPC procedure (name, kind, input) and the OpenAPI
 * operation (`docs`: summary, description, documented parameters, examples, and in `errors` every catalogue code the
 * route can answer, read from `rest/`, `http/` and `@kirim/core`). The express routes and 405 lists (../rest/v1.ts via
 * ./rest.ts), the tRPC router (../trpc/root.ts via ./trpc.ts) and the OpenAPI paths (../openapi/routes.ts) are derived
 * from it. Routes with their own handler (health, the upload) or their own router (this document, Meta's webhook
 * intake, MCP, /docs, the dashboard) are declared here too, with `rawEndpoint`.
 *
 * The order is the OpenAPI document's; see ./rest.ts for the order the /v1 router registers them in.
 */
import {
  ZAccount,
  ZCreateTemplateRequestChecked,
  ZSyncTemplatesRequest,
  TEMPLATE_RULE_CODES,
  ZCreateTemplateRequest,
  ZDeleteTemplateQuery,
  ZEditTemplateRequest,
  ZGetTemplateQuery,
  ZListAccountsQuery,
  ZListLimit,
  ZListSyncRunsQuery,
  ZListTemplateEventsQuery,
  ZListTemplatesQuery,
  ZMe,
  ZMediaUpload,
  ZMediaUploadQuery,
  ZPhoneNumberIdParams,
  ZTemplateByName,
  ZTemplateDeleteResult,
  ZTemplateEvent,
  ZTemplateSyncRun,
  ZTemplate,
  ZTemplateSyncResult,
  ZTemplateCounts,
  ZTemplateCountsQuery,
  zDataEnvelope,
  zListEnvelope,
} from "@kirim/schema";
import { TEMPLATE_NAME_PATTERN } from "@kirim/schema";
import type { TErrorCode, TTemplate } from "@kirim/schema";
import { z } from "zod";
import {
  ACCOUNT_EXAMPLES,
  CREATE_TEMPLATE_EXAMPLE,
  CREATE_CAROUSEL_EXAMPLE,
  CREATE_PRODUCT_CAROUSEL_EXAMPLE,
  CREATE_LIMITED_TIME_OFFER_EXAMPLE,
  CREATE_COUPON_EXAMPLE,
  EXAMPLE_CURSOR,
  EXAMPLE_REQUEST_ID,
  ME_EXAMPLE,
  SYNC_RESULT_EXAMPLE,
  SYNC_RUN_EXAMPLE,
  TEMPLATE_EVENT_EXAMPLES,
  TEMPLATE_APPROVED_EXAMPLE,
  TEMPLATE_PENDING_EXAMPLE,
  TEMPLATE_REJECTED_EXAMPLE,
  CREATE_FROM_LIBRARY_EXAMPLE,
} from "../openapi/examples.js";
import { DOCS_INIT_PATH, SCALAR_BUNDLE_PATH } from "../openapi/docs-page.js";
import { KIND_CREATE_EXAMPLES } from "../openapi/examples-kinds.js";
import { DOCS_PATH, OPENAPI_JSON_PATH } from "../openapi/route-spec.js";
import { ZHealth, ZOpenApiDocument, ZReadiness } from "../openapi/schemas.js";
import { jsonTextWriter, pageOfJsonTexts, sendData } from "../rest/serialize.js";
import { uploadSample } from "../rest/uploads.js";
import { infiniteQueryInput, withoutDirection } from "../trpc/paging.js";
import { endpoint, rawEndpoint } from "./define.js";
import type { AnyEndpoint } from "./define.js";
import { LIBRARY_ENDPOINT } from "./library.js";
import {
  MCP_PATH,
  META_WEBHOOK_PATH,
  ZAccountPath,
  ZAccountScope,
  ZTemplateNameInput,
  ZTemplatePath,
} from "./paths.js";
import { RENDER_ENDPOINT } from "./render.js";
import { WEBHOOK_SUBSCRIPTION_ENDPOINTS } from "./webhook-subscriptions.js";

/**
 * Every authenticated route: bearer auth (`http/auth.ts`, core's auth service; 429 `rate_limit_exceeded` also when the
 * client address used up its failed authentications) and the organisation's request bucket (`http/rate-limit.ts`),
 * both mounted before any handler in `rest/v1.ts`. A repeated Authorization / Idempotency-Key / Content-Type header
 * is 400 `invalid_request` (`http/headers.ts`, listed with BODY_ERRORS).
 */
const AUTHENTICATED_ERRORS = [
  "missing_api_key",
  "invalid_api_key",
  "expired_api_key",
  "rate_limit_exceeded",
] as const satisfies readonly TErrorCode[];
/** Answered by the JSON body parser that runs on every authenticated route (`http/body.ts`). */
const BODY_ERRORS = [
  "invalid_json",
  "unsupported_content_type",
  "invalid_request",
  "request_too_large",
] as const satisfies readonly TErrorCode[];
/**
 * `Idempotency-Key` on every POST (`http/idempotency.ts`): a malformed key is 400 `invalid_field_value`
 * (param `Idempotency-Key`), a key reused for another request 422, one still running 409.
 */
const IDEMPOTENCY_ERRORS = [
  "invalid_field_value",
  "idempotency_in_progress",
  "idempotency_key_reuse",
] as const satisfies readonly TErrorCode[];
/** The `{phone_number_id}` account of a route that calls Meta: it must exist (for the caller) and be connected. */
const META_ACCOUNT_ERRORS = ["resource_not_found", "account_not_connected"] as const satisfies readonly TErrorCode[];
/** Answered by `withMetaErrors` (core) on every route that calls Meta's Graph API, and core's local create budget. */
const META_ERRORS = [
  "meta_rate_limited",
  "whatsapp_upstream_error",
  "whatsapp_account_reauthorization_required",
] as const satisfies readonly TErrorCode[];
/** Header media samples given as `example.header_url` are downloaded and uploaded to Meta on create (core/media). */
const MEDIA_ERRORS = [
  "media_url_forbidden",
  "media_download_failed",
  "media_too_large",
  "media_type_unsupported",
] as const satisfies readonly TErrorCode[];

/** The optional `Idempotency-Key` request header of every POST. */
const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7E]+$/)
    .optional()
    .describe(
      "Makes the POST safe to retry: the first answer is stored for 24 hours and replayed (with `Idempotent-Replayed: true`) for a retry with the same key and the same request; the same key with a different request is 422 `idempotency_key_reuse`. 1–255 printable ASCII characters; a UUID v4 is recommended.",
    )
    .meta({ example: "5f0c7a52-4c1e-4b8e-9a57-2f3d1c0b9e61" }),
});

const phonePath = ZPhoneNumberIdParams;
const templateNamePath = ZPhoneNumberIdParams.extend({
  name: z
    .string()
    .min(1)
    .max(512)
    .regex(TEMPLATE_NAME_PATTERN)
    .describe(
      "Template name: lower-case letters, digits and underscores, 1–512 characters. Every such name works here, `sync`, `sync_runs`, `events` and `me` included.",
    )
    .meta({ example: "order_confirmation" }),
});

/**
 * Answered before any route by Node's HTTP parser guard (`http/client-error.ts`) for a request it refuses (headers
 * or URL over 16 kB, broken framing): possible on every route, the public ones included.
 */
const PARSER_ERRORS = ["invalid_request"] as const satisfies readonly TErrorCode[];

/**
 * `limit` arrives as a query string; the schema accepts a number too (tRPC) through a union + transform,
 * which renders as an `anyOf`. For the document it is what a client sends: an integer 1–100, default 25.
 */
const documentedLimit = ZListLimit.meta({
  description: "Page size, 1–100. Default 25.",
  override: ({ jsonSchema }) => {
    delete jsonSchema.anyOf;
    Object.assign(jsonSchema, { type: "integer", minimum: 1, maximum: 100, default: 25 });
  },
});
/** A query-string boolean (`true` / `false`; a boolean over tRPC) documented as what a client sends. */
function documentedBoolean<S extends z.ZodType>(schema: S, description: string): S {
  return schema.meta({
    description,
    override: ({ jsonSchema }) => {
      delete jsonSchema.anyOf;
      Object.assign(jsonSchema, { type: "boolean", default: false });
    },
  });
}
const listTemplatesQuery = ZListTemplatesQuery.extend({
  category: ZListTemplatesQuery.shape.category.meta({ example: "UTILITY" }),
  search: ZListTemplatesQuery.shape.search.meta({ example: "order" }),
  meta_status: ZListTemplatesQuery.shape.meta_status.meta({ example: "PAUSED" }),
  limit: documentedLimit,
  // Likewise `true` / `false` in the query string (a boolean over tRPC).
  include_deleted: documentedBoolean(
    ZListTemplatesQuery.shape.include_deleted,
    "Also list templates deleted on Meta (deleted_at set). Default false.",
  ),
});
const getTemplateQuery = ZGetTemplateQuery.extend({
  include_deleted: documentedBoolean(
    ZGetTemplateQuery.shape.include_deleted,
    "Also find a deleted template (deleted_at set). Default false: a deleted template is 404, as the list hides it.",
  ),
});

const listSyncRunsQuery = ZListSyncRunsQuery.extend({ limit: documentedLimit });
const listTemplateEventsQuery = ZListTemplateEventsQuery.extend({ limit: documentedLimit });

const data = <T>(value: T) => ({ data: value, request_id: EXAMPLE_REQUEST_ID });

/** A listed template's JSON text, with the bytes the REST list gives it (one writer: core keys stored texts by it). */
const TEMPLATE_TEXT = jsonTextWriter<TTemplate>(ZTemplate);

export const ENDPOINT_LIST = [
  rawEndpoint({
    method: "get",
    path: "/v1/health",
    rateLimit: "none",
    idempotent: false,
    stage: "public",
    raw: () => (_req, res) => {
      sendData(res, 200, { status: "ok" });
    },
    docs: {
      operationId: "getHealth",
      summary: "Liveness probe",
      description: "Answers 200 while the process serves requests. Needs no API key and touches no dependency.",
      tag: "Health",
      auth: false,
      success: {
        status: 200,
        description: "The process is up.",
        schema: zDataEnvelope(ZHealth),
        examples: { ok: { summary: "Up", value: data({ status: "ok" }) } },
      },
      errors: [...PARSER_ERRORS, "internal_error"],
    },
  }),
  rawEndpoint({
    method: "get",
    path: "/v1/health/ready",
    rateLimit: "none",
    idempotent: false,
    stage: "public",
    raw: (deps) => async (_req, res) => {
      await deps.checkReady?.();
      sendData(res, 200, { status: "ok", database: "ok" });
    },
    docs: {
      operationId: "getReadiness",
      summary: "Readiness probe",
      description:
        "Answers 200 when the database answers a trivial query, 500 `internal_error` otherwise. Needs no API key.",
      tag: "Health",
      auth: false,
      success: {
        status: 200,
        description: "The process and its database are ready.",
        schema: zDataEnvelope(ZReadiness),
        examples: { ok: { summary: "Ready", value: data({ status: "ok", database: "ok" }) } },
      },
      errors: [...PARSER_ERRORS, "internal_error"],
      errorExamples: {
        internal_error: {
          message: "An internal error occurred. Quote request id req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H when reporting it.",
        },
      },
    },
  }),
  rawEndpoint({
    method: "get",
    path: OPENAPI_JSON_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "openapi/router.ts (before the /v1 router, whose key check would claim it)",
    docs: {
      operationId: "getOpenApiDocument",
      summary: "This OpenAPI document",
      description:
        "The OpenAPI 3.1 description of every public route, generated from the same zod schemas the server validates with. Needs no API key. The interactive reference is served at `/docs`.",
      tag: "Reference",
      auth: false,
      success: {
        status: 200,
        description: "The OpenAPI document (not wrapped in the data envelope).",
        schema: ZOpenApiDocument,
        examples: {
          document: {
            summary: "Abridged",
            value: { openapi: "3.1.0", info: { title: "Kirim Template API", version: "1.0.0" }, paths: {} },
          },
        },
      },
      errors: [...PARSER_ERRORS, "internal_error"],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/me",
    rateLimit: "read",
    idempotent: false,
    input: {},
    result: { kind: "data", schema: ZMe },
    handler: ({ core, principal }) => core.me.get(principal),
    trpc: { name: "me.get", kind: "query", args: () => ({}) },
    docs: {
      operationId: "getMe",
      summary: "The calling API key",
      description:
        "The organisation the API key belongs to, the key itself (id, label, last four characters — never the secret) and the organisation's rate limits: `tier` is `default` (the server's limits) or `custom` (set for this organisation). Kirimdev's shape; its multi-team `teams` list is not returned (this server has no teams).",
      tag: "Accounts",
      auth: true,
      success: {
        status: 200,
        description: "The key, its organisation and its rate limits.",
        schema: zDataEnvelope(ZMe),
        examples: { me: { summary: "A key on the default tier", value: data(ME_EXAMPLE) } },
      },
      errors: [...PARSER_ERRORS, ...AUTHENTICATED_ERRORS, "internal_error"],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/accounts",
    rateLimit: "read",
    idempotent: false,
    input: { query: ZListAccountsQuery },
    result: { kind: "all", item: ZAccount },
    handler: ({ core, principal }, { query }) => core.accounts.list(principal, query),
    trpc: {
      name: "accounts.list",
      kind: "query",
      input: ZListAccountsQuery.optional(),
      args: (input) => ({ query: input ?? ZListAccountsQuery.parse({}) }),
    },
    docs: {
      operationId: "listAccounts",
      summary: "List WhatsApp accounts",
      description:
        "The organisation's WhatsApp accounts. Use an account's `phone_number_id` as the `{phone_number_id}` path segment of the template routes. Intentionally not paginated: `has_more` is always false.",
      tag: "Accounts",
      auth: true,
      params: { query: ZListAccountsQuery },
      success: {
        status: 200,
        description: "The accounts, in the list envelope.",
        schema: zListEnvelope(ZAccount),
        examples: {
          connected: {
            summary: "Two connected accounts (one owned by a platform customer)",
            value: { data: ACCOUNT_EXAMPLES, has_more: false, next_cursor: null, request_id: EXAMPLE_REQUEST_ID },
          },
        },
      },
      errors: ["invalid_field_value", "unknown_parameter", ...AUTHENTICATED_ERRORS, "internal_error"],
      errorExamples: {
        invalid_field_value: { message: "status must be connected or all (lower-case).", param: "status" },
      },
    },
  }),
  endpoint({
    method: "post",
    path: "/v1/{phone_number_id}/templates",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZAccountPath, body: { schema: ZCreateTemplateRequestChecked, read: "object" } },
    result: { kind: "data", schema: ZTemplate },
    handler: ({ core, principal, requestId, resumesAbandonedAttempt }, { path, body }) =>
      core.templates.create(principal, path.phone_number_id, body, { requestId, resumesAbandonedAttempt }),
    // tRPC input `{ phone_number_id, template: <the REST body> }`.
    trpc: {
      name: "templates.create",
      kind: "mutation",
      input: ZAccountScope.extend({ template: ZCreateTemplateRequestChecked }),
      args: ({ phone_number_id, template }) => ({ path: { phone_number_id }, body: template }),
    },
    docs: {
      operationId: "createTemplate",
      summary: "Create a template",
      description: [
        "Creates a message template and submits it to Meta for review. The body mirrors Meta's `message_templates` create body.",
        'The template is stored with `status: "pending"`; Meta reviews it asynchronously, so poll `GET /v1/{phone_number_id}/templates/{name}` or run `POST /v1/{phone_number_id}/templates/sync` for the `approved` / `rejected` outcome.',
        "A duplicate name + language on the account answers 409 `template_already_exists` before Meta is called. An unknown field anywhere is refused as 400 `unknown_parameter` naming it, never dropped. Meta's own spellings are accepted and normalised: lower-case enum values, PHONE_NUMBER buttons without `+`, a COPY_CODE `example` as one string, `message_send_ttl_seconds` (number or numeric string). Every Meta pre-flight rule is checked before Meta is called: a violation is 400 with its own `template_*` code and `param` (e.g. `components[1].text`), and nothing reaches Meta.",
      ].join("\n\n"),
      tag: "Templates",
      auth: true,
      params: { path: phonePath, header: idempotencyHeader },
      body: {
        schema: ZCreateTemplateRequest,
        description: "The template: exactly one BODY component, optionally one HEADER, FOOTER and BUTTONS.",
        examples: {
          order_confirmation: {
            summary: "UTILITY order confirmation: body with two variables, footer, URL button",
            value: CREATE_TEMPLATE_EXAMPLE,
          },
          media_card_carousel: {
            summary: "MARKETING media-card carousel: 2–10 cards, each an image/video, a text and the same buttons",
            value: CREATE_CAROUSEL_EXAMPLE,
          },
          product_card_carousel: {
            summary: "MARKETING product-card carousel: products chosen when sending",
            value: CREATE_PRODUCT_CAROUSEL_EXAMPLE,
          },
          limited_time_offer: {
            summary: "MARKETING limited-time offer: countdown, coupon code and URL button",
            value: CREATE_LIMITED_TIME_OFFER_EXAMPLE,
          },
          coupon_code: { summary: "MARKETING coupon code (COPY_CODE button)", value: CREATE_COUPON_EXAMPLE },
          ...KIND_CREATE_EXAMPLES,
          from_library: {
            summary: "From Meta's Template Library: library_template_name and its button inputs, no components",
            value: CREATE_FROM_LIBRARY_EXAMPLE,
          },
        },
      },
      success: {
        status: 201,
        description: "Stored and submitted to Meta; `status` is `pending` until Meta decides.",
        schema: zDataEnvelope(ZTemplate),
        examples: { created: { summary: "Submitted, pending review", value: data(TEMPLATE_PENDING_EXAMPLE) } },
      },
      errors: [
        "invalid_phone_number_id",
        "missing_required_field",
        "invalid_field_value",
        "unknown_parameter",
        // Meta's pre-flight rules, refused before Meta is called (packages/schema/src/meta-rules/DECISIONS.md).
        ...TEMPLATE_RULE_CODES,
        "meta_validation_failed",
        ...BODY_ERRORS,
        ...IDEMPOTENCY_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...META_ACCOUNT_ERRORS,
        "template_already_exists",
        ...MEDIA_ERRORS,
        ...META_ERRORS,
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "post",
    path: "/v1/{phone_number_id}/templates/sync",
    rateLimit: "write",
    idempotent: true,
    // Needs no body; a query or body may only be empty (Kirimdev's clients send `{}`).
    input: {
      path: ZAccountPath,
      query: ZSyncTemplatesRequest,
      body: { schema: ZSyncTemplatesRequest, read: "if-present" },
    },
    result: { kind: "data", schema: ZTemplateSyncResult },
    handler: ({ core, principal, via }, { path }) =>
      core.templates.sync(principal, path.phone_number_id, { trigger: via === "rest" ? "api" : "trpc" }),
    trpc: {
      name: "templates.sync",
      kind: "mutation",
      input: ZAccountScope,
      args: (input) => ({ path: input, query: {}, body: {} }),
    },
    docs: {
      operationId: "syncTemplates",
      summary: "Sync templates from Meta",
      description:
        "Pulls the account's whole template inventory from Meta (every page) and upserts it locally, picking up review decisions, recategorisations and templates created elsewhere. Idempotent; needs no body. `synced = created + updated + unchanged`.",
      tag: "Templates",
      auth: true,
      params: { path: phonePath, header: idempotencyHeader },
      success: {
        status: 200,
        description: "Counts of the sync.",
        schema: zDataEnvelope(ZTemplateSyncResult),
        examples: { synced: { summary: "42 templates read from Meta", value: data(SYNC_RESULT_EXAMPLE) } },
      },
      errors: [
        "invalid_phone_number_id",
        "unknown_parameter",
        ...BODY_ERRORS,
        ...IDEMPOTENCY_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...META_ACCOUNT_ERRORS,
        ...META_ERRORS,
        "internal_error",
      ],
      errorExamples: {
        invalid_field_value: {
          message: "Invalid Idempotency-Key header: it is longer than 255 characters.",
          param: "Idempotency-Key",
        },
      },
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/{phone_number_id}/templates",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZAccountPath, query: ZListTemplatesQuery },
    result: { kind: "page", item: ZTemplate },
    // REST answers each template's stored JSON text where it is current (core: template-wire-text.ts); tRPC, objects.
    handler: async ({ core, principal, via }, { path, query }) =>
      via === "rest"
        ? pageOfJsonTexts(await core.templates.listWireText(principal, path.phone_number_id, query, TEMPLATE_TEXT))
        : core.templates.list(principal, path.phone_number_id, query),
    // Flat input, so `cursor` works with tRPC's infinite queries.
    trpc: {
      name: "templates.list",
      kind: "query",
      input: ZListTemplatesQuery.extend({ ...ZAccountScope.shape, ...infiniteQueryInput }),
      args: (input) => {
        const { phone_number_id, ...query } = withoutDirection(input);
        return { path: { phone_number_id }, query };
      },
    },
    docs: {
      operationId: "listTemplates",
      summary: "List templates",
      description:
        "The account's templates, newest first, as stored locally (run a sync to refresh them from Meta). Filter by `status`, Meta's own status (`meta_status`: PAUSED, DISABLED… which `status` folds), `language`, `category` and a name search (`search`: the name contains the text, ignoring case; `%` and `_` are plain characters). Cursor-paginated: pass `next_cursor` back as `cursor` with the same filters until `has_more` is false; a cursor used with other filters is 400 `invalid_cursor`.",
      tag: "Templates",
      auth: true,
      params: { path: phonePath, query: listTemplatesQuery },
      success: {
        status: 200,
        description: "One page of templates, in the list envelope.",
        schema: zListEnvelope(ZTemplate),
        examples: {
          page: {
            summary: "A page with more to come",
            value: {
              data: [TEMPLATE_APPROVED_EXAMPLE, TEMPLATE_REJECTED_EXAMPLE],
              has_more: true,
              next_cursor: EXAMPLE_CURSOR,
              request_id: EXAMPLE_REQUEST_ID,
            },
          },
          last_page: {
            summary: "The last page",
            value: {
              data: [TEMPLATE_REJECTED_EXAMPLE],
              has_more: false,
              next_cursor: null,
              request_id: EXAMPLE_REQUEST_ID,
            },
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_field_value",
        "unknown_parameter",
        "invalid_limit",
        "invalid_cursor",
        ...AUTHENTICATED_ERRORS,
        "resource_not_found",
        "internal_error",
      ],
      errorExamples: {
        invalid_field_value: { message: 'status must be lower-case: use "approved", not "APPROVED".', param: "status" },
      },
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/{phone_number_id}/template_sync_runs",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZAccountPath, query: ZListSyncRunsQuery },
    result: { kind: "page", item: ZTemplateSyncRun },
    handler: ({ core, principal }, { path, query }) => core.templates.syncRuns(principal, path.phone_number_id, query),
    trpc: {
      name: "templates.syncRuns",
      kind: "query",
      input: ZListSyncRunsQuery.extend({ ...ZAccountScope.shape, ...infiniteQueryInput }),
      args: (input) => {
        const { phone_number_id, ...query } = withoutDirection(input);
        return { path: { phone_number_id }, query };
      },
    },
    docs: {
      operationId: "listSyncRuns",
      summary: "List sync runs",
      description:
        "The account's recorded syncs (API, dashboard, scheduled), newest first, with their counts and, for a failed run, why. Cursor-paginated like the template list. (Until this release it was `GET /v1/{phone_number_id}/templates/sync_runs`; that path now reads the template named `sync_runs`.)",
      tag: "Templates",
      auth: true,
      params: { path: phonePath, query: listSyncRunsQuery },
      success: {
        status: 200,
        description: "One page of sync runs, in the list envelope.",
        schema: zListEnvelope(ZTemplateSyncRun),
        examples: {
          page: {
            summary: "The latest run",
            value: { data: [SYNC_RUN_EXAMPLE], has_more: false, next_cursor: null, request_id: EXAMPLE_REQUEST_ID },
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_limit",
        "invalid_cursor",
        "unknown_parameter",
        ...AUTHENTICATED_ERRORS,
        "resource_not_found",
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/{phone_number_id}/template_counts",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZAccountPath, query: ZTemplateCountsQuery },
    result: { kind: "data", schema: ZTemplateCounts },
    handler: ({ core, principal }, { path }) => core.templates.counts(principal, path.phone_number_id),
    trpc: {
      name: "templates.counts",
      kind: "query",
      input: z.strictObject({ ...ZAccountScope.shape }),
      args: (input) => ({ path: input, query: {} }),
    },
    docs: {
      operationId: "countTemplates",
      summary: "Count templates per status",
      description:
        "How many of the account's templates (one per name and language, deleted ones left out) are in each Meta status (`by_meta_status`: APPROVED, PAUSED, …) and each folded status (`by_status`). Takes no query parameters.",
      tag: "Templates",
      auth: true,
      params: { path: phonePath, query: ZTemplateCountsQuery },
      success: {
        status: 200,
        description: "The totals.",
        schema: zDataEnvelope(ZTemplateCounts),
        examples: {
          counts: {
            summary: "An account with a paused template",
            value: {
              data: {
                object: "template_counts",
                total: 12,
                by_meta_status: { APPROVED: 9, PAUSED: 1, PENDING: 1, REJECTED: 1 },
                by_status: { approved: 9, pending: 2, rejected: 1 },
              },
              request_id: EXAMPLE_REQUEST_ID,
            },
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "unknown_parameter",
        ...AUTHENTICATED_ERRORS,
        "resource_not_found",
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/{phone_number_id}/templates/{name}/events",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZTemplatePath, query: ZListTemplateEventsQuery },
    result: { kind: "page", item: ZTemplateEvent },
    handler: ({ core, principal }, { path, query }) =>
      core.templates.events(principal, path.phone_number_id, path.name, query),
    trpc: {
      name: "templates.events",
      kind: "query",
      input: ZListTemplateEventsQuery.extend({
        ...ZAccountScope.shape,
        name: ZTemplateNameInput,
        ...infiniteQueryInput,
      }),
      args: (input) => {
        const { phone_number_id, name, ...query } = withoutDirection(input);
        return { path: { phone_number_id, name }, query };
      },
    },
    docs: {
      operationId: "listTemplateEvents",
      summary: "List a template's history",
      description:
        "Every recorded change of the named template (status, category, category notices, quality, components), newest first, whichever road it came by (create, sync, webhook, edit, delete). Cursor-paginated.",
      tag: "Templates",
      auth: true,
      params: { path: templateNamePath, query: listTemplateEventsQuery },
      success: {
        status: 200,
        description: "One page of events, in the list envelope.",
        schema: zListEnvelope(ZTemplateEvent),
        examples: {
          page: {
            summary: "Created, then approved by Meta",
            value: {
              data: TEMPLATE_EVENT_EXAMPLES,
              has_more: false,
              next_cursor: null,
              request_id: EXAMPLE_REQUEST_ID,
            },
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_field_value",
        "unknown_parameter",
        "invalid_limit",
        "invalid_cursor",
        ...AUTHENTICATED_ERRORS,
        "resource_not_found",
        "internal_error",
      ],
      errorExamples: {
        invalid_field_value: {
          message:
            "language must look like `en`, `id` or `en_US` (lower-case language, optional `_` + upper-case region).",
          param: "language",
        },
      },
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/{phone_number_id}/templates/{name}",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZTemplatePath, query: ZGetTemplateQuery },
    result: { kind: "data", schema: ZTemplateByName },
    handler: ({ core, principal }, { path, query }) =>
      core.templates.getByName(principal, path.phone_number_id, path.name, query),
    trpc: {
      name: "templates.get",
      kind: "query",
      input: ZGetTemplateQuery.extend({ ...ZAccountScope.shape, name: ZTemplateNameInput }),
      args: ({ phone_number_id, name, ...query }) => ({ path: { phone_number_id, name }, query }),
    },
    docs: {
      operationId: "getTemplateByName",
      summary: "Get a template by name",
      description: [
        "ONE template object (Kirimdev's shape): the one in `language` when given; without it, the name's only language, or — when the name has several — the one created first (ties: the smallest id). `languages` lists every language of the name, earliest created first, so the others can be fetched with `?language=`.",
        "A deleted template (deleted on Meta, or through this API) answers 404 `resource_not_found`, as the list hides it; `include_deleted=true` finds it (with `deleted_at` set).",
        "404 `resource_not_found` when no template matches.",
      ].join("\n\n"),
      tag: "Templates",
      auth: true,
      params: { path: templateNamePath, query: getTemplateQuery },
      success: {
        status: 200,
        description: "The template, in one language.",
        schema: zDataEnvelope(ZTemplateByName),
        examples: {
          approved: {
            summary: "Approved, two languages",
            value: data({ ...TEMPLATE_APPROVED_EXAMPLE, languages: [TEMPLATE_APPROVED_EXAMPLE.language, "en"] }),
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_field_value",
        "unknown_parameter",
        ...AUTHENTICATED_ERRORS,
        "resource_not_found",
        "internal_error",
      ],
      errorExamples: {
        invalid_field_value: {
          message:
            "language must look like `en`, `id` or `en_US` (lower-case language, optional `_` + upper-case region).",
          param: "language",
        },
        resource_not_found: {
          message: 'No template "order_confirmation" in language "fr" on this account.',
          param: "name",
        },
      },
    },
  }),
  endpoint({
    method: "patch",
    path: "/v1/{phone_number_id}/templates/{name}",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZTemplatePath, body: { schema: ZEditTemplateRequest, read: "object" } },
    result: { kind: "data", schema: ZTemplate },
    handler: ({ core, principal, requestId }, { path, body }) =>
      core.templates.edit(principal, path.phone_number_id, path.name, body, { requestId }),
    // tRPC input `{ phone_number_id, name, edit: <the REST body> }`.
    trpc: {
      name: "templates.edit",
      kind: "mutation",
      input: z.strictObject({ ...ZAccountScope.shape, name: ZTemplateNameInput, edit: ZEditTemplateRequest }),
      args: ({ phone_number_id, name, edit }) => ({ path: { phone_number_id, name }, body: edit }),
    },
    docs: {
      operationId: "editTemplate",
      summary: "Edit a template",
      description:
        "Replaces the components (and, unless APPROVED, the category) of one language version and submits the edit to Meta. Meta's edit rules (status APPROVED, REJECTED or PAUSED) and its quota (one edit per 24 hours, ten per 30 days for APPROVED templates) are checked before Meta is called: 409 `template_not_editable` carries `details.meta_status`, 429 `template_edit_quota_exceeded` carries `Retry-After` and `details.retry_at`. A PATCH (until this release a POST to the same path, which collided with `POST …/templates/sync` for a template named `sync`); as on every PATCH, `Idempotency-Key` is ignored — repeating an edit sends the same components again.",
      tag: "Templates",
      auth: true,
      params: { path: templateNamePath },
      body: {
        schema: ZEditTemplateRequest,
        description: "The language version to edit and its new components.",
        examples: {
          new_body: {
            summary: "New body text for the English version",
            value: { language: "en", components: CREATE_TEMPLATE_EXAMPLE.components },
          },
          carousel_cards: {
            summary: "New cards for an approved media-card carousel (same number of cards and buttons)",
            value: { language: "en_US", components: CREATE_CAROUSEL_EXAMPLE.components },
          },
        },
      },
      success: {
        status: 200,
        description: "The edited template, back in review (`pending`).",
        schema: zDataEnvelope(ZTemplate),
        examples: { edited: { summary: "Edited, pending review", value: data(TEMPLATE_PENDING_EXAMPLE) } },
      },
      errors: [
        "invalid_phone_number_id",
        "missing_required_field",
        "invalid_field_value",
        "unknown_parameter",
        // Meta's pre-flight rules, refused before Meta is called (packages/schema/src/meta-rules/DECISIONS.md).
        ...TEMPLATE_RULE_CODES,
        "meta_validation_failed",
        ...BODY_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...META_ACCOUNT_ERRORS,
        "template_not_editable",
        "template_edit_quota_exceeded",
        ...META_ERRORS,
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "delete",
    path: "/v1/{phone_number_id}/templates/{name}",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZTemplatePath, query: ZDeleteTemplateQuery },
    result: { kind: "data", schema: ZTemplateDeleteResult },
    handler: ({ core, principal, requestId }, { path, query }) =>
      core.templates.delete(principal, path.phone_number_id, path.name, query, { requestId }),
    trpc: {
      name: "templates.delete",
      kind: "mutation",
      input: ZDeleteTemplateQuery.extend({ ...ZAccountScope.shape, name: ZTemplateNameInput }),
      args: ({ phone_number_id, name, ...query }) => ({ path: { phone_number_id, name }, query }),
    },
    docs: {
      operationId: "deleteTemplate",
      summary: "Delete a template",
      description:
        "Deletes every language version of the name on Meta (or only `language`). Refused before Meta is called when a version is DISABLED (409 `template_not_deletable`, `details.disabled_languages` names them). An APPROVED template's name + language cannot be reused for 30 days (Meta's rule), returned as a warning. Afterwards a get by name is 404 unless `include_deleted=true`.",
      tag: "Templates",
      auth: true,
      params: { path: templateNamePath, query: ZDeleteTemplateQuery },
      success: {
        status: 200,
        description: "The deleted language versions.",
        schema: zDataEnvelope(ZTemplateDeleteResult),
        examples: {
          deleted: {
            summary: "One language deleted",
            value: data({
              object: "template_delete_result",
              name: "order_confirmation",
              deleted: [{ language: "en", template_id: TEMPLATE_PENDING_EXAMPLE.id }],
              warnings: [
                "order_confirmation (en) was APPROVED: Meta does not allow this name and language again for 30 days.",
              ],
            }),
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_field_value",
        "unknown_parameter",
        // A DELETE may carry a body too: it goes through the same JSON body parser (fuzz drill).
        ...BODY_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...META_ACCOUNT_ERRORS,
        "template_not_deletable",
        // Meta refuses a delete our copy did not see coming (the template was disabled there since the last sync).
        "meta_validation_failed",
        ...META_ERRORS,
        "internal_error",
      ],
      errorExamples: {
        invalid_field_value: {
          message:
            "language must look like `en`, `id` or `en_US` (lower-case language, optional `_` + upper-case region).",
          param: "language",
        },
      },
    },
  }),
  rawEndpoint({
    method: "post",
    path: "/v1/{phone_number_id}/uploads",
    rateLimit: "write",
    // No Idempotency-Key (it would fingerprint up to 100 MB); a retried upload only issues another handle.
    idempotent: false,
    // Raw bytes (the dashboard's file picker): mounted before the JSON parser, which refuses any other type.
    stage: "raw",
    raw: ({ core }) => uploadSample(core),
    docs: {
      operationId: "uploadMedia",
      summary: "Upload a header sample",
      description: [
        "Uploads the sample file of an IMAGE, VIDEO or DOCUMENT header and returns Meta's handle: put it in the header's `example.header_handle[0]` when creating or editing a template. The body is the file's raw bytes; `Content-Type` says its type.",
        "Meta's limits for samples apply before anything reaches Meta: IMAGE `image/jpeg` or `image/png` up to 5 MB, VIDEO `video/mp4` up to 16 MB, DOCUMENT `application/pdf` up to 100 MB (a bigger file is 413 `request_too_large`; another type, or bytes that are not what the Content-Type says, 415 `unsupported_media_type`; an empty body 400 `invalid_request`). The file then goes through Meta's Resumable Upload API with the account's token, as a `header_url` sample does on create.",
        "Not idempotent and takes no `Idempotency-Key`: a retry uploads again and returns another handle, which is harmless.",
      ].join("\n\n"),
      tag: "Templates",
      auth: true,
      params: { path: phonePath, query: ZMediaUploadQuery },
      rawBody: {
        description: "The file's bytes, uncompressed.",
        mediaTypes: ["image/jpeg", "image/png", "video/mp4", "application/pdf"],
      },
      success: {
        status: 201,
        description: "Uploaded to Meta; the handle is ready for `example.header_handle[0]`.",
        schema: zDataEnvelope(ZMediaUpload),
        examples: {
          uploaded: {
            summary: "A PNG for an IMAGE header",
            value: data({
              object: "media_upload",
              handle: "4::aW1hZ2UvcG5n:ARb1example",
              format: "IMAGE",
              mime_type: "image/png",
              bytes: 48213,
              file_name: "banner.png",
            }),
          },
        },
      },
      errors: [
        "invalid_phone_number_id",
        "invalid_field_value",
        "unknown_parameter",
        "invalid_request",
        "unsupported_media_type",
        "request_too_large",
        ...AUTHENTICATED_ERRORS,
        ...META_ACCOUNT_ERRORS,
        ...META_ERRORS,
        "internal_error",
      ],
      errorExamples: {
        request_too_large: {
          message: "An image sample may be at most 5 MB (Meta's limit); this one is 6291456 bytes.",
          param: "body",
        },
        invalid_request: { message: "The upload is empty: send the file's bytes as the request body.", param: "body" },
      },
    },
  }),
  // Outbound webhooks (issue 17).
  ...WEBHOOK_SUBSCRIPTION_ENDPOINTS,
  // Render-and-check (issue 18).
  RENDER_ENDPOINT,
  // Meta's Template Library (issue 16).
  LIBRARY_ENDPOINT,
  // Served by their own routers, outside /v1 and outside the OpenAPI document; declared for the 405 lists.
  rawEndpoint({
    method: "get",
    path: DOCS_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "openapi/router.ts",
  }),
  rawEndpoint({
    method: "get",
    path: SCALAR_BUNDLE_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "openapi/router.ts (/docs' bundle)",
  }),
  rawEndpoint({
    method: "get",
    path: DOCS_INIT_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "openapi/router.ts (/docs' configuration)",
  }),
  rawEndpoint({
    method: "get",
    path: META_WEBHOOK_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "webhooks/meta-webhooks.ts (Meta's verification handshake)",
  }),
  rawEndpoint({
    method: "post",
    path: META_WEBHOOK_PATH,
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "webhooks/meta-webhooks.ts (raw body, signature checked)",
  }),
  // One bucket per JSON-RPC request: write when it calls a writing tool, read otherwise (mcp/mcp-server.ts).
  rawEndpoint({
    method: "post",
    path: MCP_PATH,
    rateLimit: "by-call",
    idempotent: false,
    stage: "outside",
    mountedBy: "mcp/mcp-server.ts",
  }),
  rawEndpoint({
    method: "get",
    path: "/",
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "http/dashboard.ts (the dashboard, when built)",
  }),
  rawEndpoint({
    method: "get",
    path: "/assets/{name}",
    rateLimit: "none",
    idempotent: false,
    stage: "outside",
    mountedBy: "http/dashboard.ts",
  }),
] as const;

/** Every endpoint, in the OpenAPI document's order. */
export const ENDPOINTS: readonly AnyEndpoint[] = ENDPOINT_LIST;
