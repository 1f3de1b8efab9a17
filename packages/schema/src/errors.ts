import { z } from "zod";
import { TEMPLATE_RULE_CODES, TEMPLATE_RULES, type TemplateRuleCode } from "./meta-rules/catalogue.js";

/** The seven error types of Kirimdev's envelope. `type` is the coarse class; branch on `code` for detail. */
export const ERROR_TYPES = [
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found",
  "conflict",
  "rate_limit_error",
  "api_error",
] as const;

export const ZErrorType = z
  .enum(ERROR_TYPES)
  .describe("Coarse error class. One of seven stable values; branch on `code` for the precise reason.")
  .meta({ id: "ErrorType" });
export type TErrorType = z.infer<typeof ZErrorType>;

/** One catalogue entry: the envelope `type`, the HTTP status, and when the code is returned. */
export interface ErrorCodeDefinition {
  readonly type: TErrorType;
  readonly status: number;
  readonly description: string;
}

/** Every Meta pre-flight rule is a 400 `invalid_request_error`: the request is wrong and Meta would refuse it. */
type TemplateRuleErrorCodes = {
  readonly [Code in TemplateRuleCode]: {
    readonly type: "invalid_request_error";
    readonly status: 400;
    readonly description: string;
  };
};
const TEMPLATE_RULE_ERROR_CODES = Object.fromEntries(
  TEMPLATE_RULE_CODES.map((code) => [
    code,
    {
      type: "invalid_request_error",
      status: 400,
      description: `Meta pre-flight rule: ${TEMPLATE_RULES[code].description}`,
    },
  ]),
) as TemplateRuleErrorCodes;

/**
 * The one error-code catalogue shared by REST, tRPC and the web form. Codes are permanent: add, never rename.
 * Each `description` says when the code is returned. Pre-flight template rules (see `meta-rules/DECISIONS.md`)
 * are all 400 `invalid_request_error` because the request itself is wrong and would be refused by Meta.
 */
export const ERROR_CODES = {
  // ── 400 request shape ────────────────────────────────────────────────────────────────────────────
  invalid_request: {
    type: "invalid_request_error",
    status: 400,
    description: "The request is malformed in a way no more specific code describes.",
  },
  invalid_json: {
    type: "invalid_request_error",
    status: 400,
    description: "The request body is not valid JSON.",
  },
  unsupported_content_type: {
    type: "invalid_request_error",
    status: 400,
    description: "A request body was sent with a Content-Type other than application/json.",
  },
  missing_required_field: {
    type: "invalid_request_error",
    status: 400,
    description: "A required field is absent; `param` names it (e.g. `components[0].type`).",
  },
  invalid_field_value: {
    type: "invalid_request_error",
    status: 400,
    description:
      "A field has the wrong type, is out of range, does not match its pattern or is not an allowed value; `param` names it.",
  },
  unknown_parameter: {
    type: "invalid_request_error",
    status: 400,
    description:
      "The request has a field (or query parameter) this endpoint does not take; `param` names it (e.g. `components[0].buttons[1].payload`). Nothing is ever dropped silently.",
  },
  invalid_phone_number_id: {
    type: "invalid_request_error",
    status: 400,
    description: "The `{phone_number_id}` path segment is not 6 to 20 digits.",
  },
  invalid_limit: {
    type: "invalid_request_error",
    status: 400,
    description: "The `limit` query parameter is not an integer from 1 to 100.",
  },
  invalid_cursor: {
    type: "invalid_request_error",
    status: 400,
    description:
      "The `cursor` is malformed, longer than 2048 characters, tampered with, or was issued for different filters.",
  },
  request_too_large: {
    type: "invalid_request_error",
    status: 413,
    description: "The request body exceeds the server's size limit (for a media upload: Meta's cap for its format).",
  },
  unsupported_media_type: {
    type: "invalid_request_error",
    status: 415,
    description:
      "A media upload's Content-Type is not one Meta takes for header samples (image/jpeg, image/png, video/mp4, application/pdf), or the file's bytes are not of that type.",
  },
  // ── 401 / 403 ────────────────────────────────────────────────────────────────────────────────────
  missing_api_key: {
    type: "authentication_error",
    status: 401,
    description: "No `Authorization: Bearer <key>` header was sent.",
  },
  invalid_api_key: {
    type: "authentication_error",
    status: 401,
    description: "The API key is malformed, unknown or revoked.",
  },
  expired_api_key: {
    type: "authentication_error",
    status: 401,
    description: "The API key is past its `expires_at`.",
  },
  permission_denied: {
    type: "permission_error",
    status: 403,
    description:
      "The key is valid but not allowed to perform this operation (resources of other organisations answer 404, not 403).",
  },
  // ── 404 / 405 ────────────────────────────────────────────────────────────────────────────────────
  resource_not_found: {
    type: "not_found",
    status: 404,
    description: "The addressed resource (account, template) does not exist or belongs to another organisation.",
  },
  route_not_found: {
    type: "not_found",
    status: 404,
    description: "No route matches the request path.",
  },
  method_not_allowed: {
    type: "invalid_request_error",
    status: 405,
    description: "The path exists but does not accept this HTTP method; the `Allow` header lists those it does.",
  },
  // ── 409 / 422 ────────────────────────────────────────────────────────────────────────────────────
  account_already_connected: {
    type: "conflict",
    status: 409,
    description:
      "Operator CLI: the phone_number_id is already connected (to this or another organisation); disconnect it first. `param` is `phone_number_id`.",
  },
  waba_connected_elsewhere: {
    type: "conflict",
    status: 409,
    description:
      "Operator CLI: another organisation already connected this WhatsApp Business Account (Meta's budgets are per WABA, so sharing it lets one organisation spend the other's); the operator must allow it explicitly (`--allow-shared-waba`). `param` is `waba_id`.",
  },
  account_verification_failed: {
    type: "invalid_request_error",
    status: 422,
    description:
      "Operator CLI: Meta did not confirm the account being connected — the access token is refused (190), cannot see the WABA (200, or 100/33), or the phone number is not one of the WABA's. Meta's own error (code, subcode, message) is shown when there was one; nothing is stored.",
  },
  template_already_exists: {
    type: "conflict",
    status: 409,
    description:
      "A template with this name and language already exists on the account; checked before any Meta call. `param` is `name`.",
  },
  idempotency_in_progress: {
    type: "conflict",
    status: 409,
    description:
      "An earlier request with the same Idempotency-Key is still being processed; retry later with the same key.",
  },
  idempotency_key_reuse: {
    type: "invalid_request_error",
    status: 422,
    description: "The Idempotency-Key was already used with a different method, path or body.",
  },
  account_not_connected: {
    type: "invalid_request_error",
    status: 422,
    description:
      "The WhatsApp account exists but is not connected (onboarding, disconnected or degraded), so it cannot reach Meta.",
  },
  template_not_editable: {
    type: "conflict",
    status: 409,
    description:
      "Edit refused before calling Meta: the template is not APPROVED, REJECTED or PAUSED (Meta's rule), or it is deleted; `details.meta_status` says which.",
  },
  template_not_deletable: {
    type: "conflict",
    status: 409,
    description:
      "Delete refused before calling Meta: a language version of the name is DISABLED (Meta refuses to delete disabled templates).",
  },
  // ── template lifecycle: webhooks ─────────────────────────────────────────────────────────────────
  webhook_signature_invalid: {
    type: "authentication_error",
    status: 401,
    description:
      "A POST to /webhooks/meta without a valid X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret); nothing was applied.",
  },
  webhook_verification_failed: {
    type: "permission_error",
    status: 403,
    description: "The webhook GET handshake had a wrong hub.mode or hub.verify_token.",
  },
  webhooks_not_configured: {
    type: "invalid_request_error",
    status: 404,
    description: "/webhooks/meta was called but META_APP_SECRET / META_WEBHOOK_VERIFY_TOKEN are not configured.",
  },
  // ── outbound webhooks (issue 17) ─────────────────────────────────────────────────────────────────
  webhook_target_forbidden: {
    type: "invalid_request_error",
    status: 400,
    description:
      "A webhook subscription URL is not https, has credentials, or resolves to a non-public address (the same guard as media downloads); allowed only when the operator sets WEBHOOK_ALLOW_PRIVATE_TARGETS=true.",
  },
  // ── 429 ──────────────────────────────────────────────────────────────────────────────────────────
  rate_limit_exceeded: {
    type: "rate_limit_error",
    status: 429,
    description: "The organisation's request bucket for this endpoint class is empty; wait `Retry-After` seconds.",
  },
  template_edit_quota_exceeded: {
    type: "rate_limit_error",
    status: 429,
    description:
      "An APPROVED template was already edited in the last 24 hours, or 10 times in 30 days (Meta's quota, enforced locally from the history before calling Meta); `Retry-After` and `details.retry_at` say when it becomes possible.",
  },
  meta_rate_limited: {
    type: "rate_limit_error",
    status: 429,
    description:
      "Meta throttled the call (e.g. codes 4, 80007, 80008, 130429), or this create would exceed Meta's budget of template creates per WABA per hour (refused before Meta is called); wait `Retry-After` seconds.",
  },
  // ── 5xx ──────────────────────────────────────────────────────────────────────────────────────────
  internal_error: {
    type: "api_error",
    status: 500,
    description: "An unexpected server error; safe to retry with the same Idempotency-Key.",
  },
  whatsapp_upstream_error: {
    type: "api_error",
    status: 502,
    description:
      "Meta's Graph API failed, timed out or answered with something we could not interpret; `meta` carries Meta's error when there was one.",
  },
  whatsapp_account_reauthorization_required: {
    type: "api_error",
    status: 502,
    description:
      "Meta refused the account's access token (invalid, expired, or missing whatsapp_business_management permission); the account must be reconnected.",
  },
  // ── Meta refused the template ────────────────────────────────────────────────────────────────────
  meta_validation_failed: {
    type: "invalid_request_error",
    status: 400,
    description:
      "Meta refused the template for a rule we could not check locally; `meta` carries Meta's code, error_subcode, error_user_title and error_user_msg.",
  },
  template_parameter_invalid: {
    type: "invalid_request_error",
    status: 400,
    description:
      "Render-and-check: a send parameter does not fit the template (count, missing named parameter, wrong type, media link not https, text too long …); `param` names it in the request and `meta` carries the error Meta's send would answer (131008, 131009, 132000, 132005, 132012).",
  },
  // ── header media samples (example.header_url) ────────────────────────────────────────────────────
  // 400 when the URL itself is unacceptable (known from the request alone); 422 when fetching it showed the
  // content is unusable (the request was well-formed, the world was not) — the split Stripe and Kirimdev's SDK use.
  media_url_forbidden: {
    type: "invalid_request_error",
    status: 400,
    description:
      "A header sample URL is not https://, carries credentials, uses a port that is not allowed (default 443), resolves to a non-public address (loopback, private, link-local, CGNAT, multicast, reserved, unspecified, incl. IPv4-mapped IPv6), or redirects to such a URL.",
  },
  media_download_failed: {
    type: "invalid_request_error",
    status: 422,
    description:
      "A header sample URL could not be downloaded (DNS or network error, timeout, an answer other than 200, more than 3 redirects, a truncated or empty body).",
  },
  media_too_large: {
    type: "invalid_request_error",
    status: 422,
    description:
      "A downloaded header sample exceeds Meta's size limit for its format (IMAGE 5 MB, VIDEO 16 MB, DOCUMENT 100 MB).",
  },
  media_type_unsupported: {
    type: "invalid_request_error",
    status: 422,
    description:
      "A downloaded header sample's bytes (magic bytes) or declared type do not fit the header format (IMAGE: JPEG/PNG, VIDEO: MP4 only, as Meta's upload API accepts no 3GPP; DOCUMENT: PDF), or the body is content-encoded.",
  },
  // ── Meta pre-flight rules (meta-rules/catalogue.ts, one code per rule) ───────────────────────────
  ...TEMPLATE_RULE_ERROR_CODES,
} as const satisfies Record<string, ErrorCodeDefinition>;

/** Every code of the catalogue. */
export type TErrorCode = keyof typeof ERROR_CODES;

/** Codes as a tuple, for `z.enum` and exhaustive tests. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [TErrorCode, ...TErrorCode[]];

/** True when `code` is in the catalogue (e.g. a code carried in a zod issue's `params`). */
export function isErrorCode(code: unknown): code is TErrorCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/**
 * Meta's own error, relayed on `whatsapp_upstream_error`, `whatsapp_account_reauthorization_required`,
 * `meta_rate_limited` and `meta_validation_failed` so integrators see exactly what Meta said.
 */
export const ZMetaErrorDetail = z
  .object({
    code: z.number().int().describe("Meta's error code (e.g. 100 invalid parameter, 190 access token)."),
    message: z
      .string()
      .optional()
      .describe(
        'Meta\'s own message, e.g. "Error validating access token: Session has expired…" (190) or "(#4) Application request limit reached".',
      ),
    error_subcode: z
      .number()
      .int()
      .optional()
      .describe("Meta's error_subcode (e.g. 2388040 character limit exceeded)."),
    error_user_title: z.string().optional().describe("Meta's short user-facing title."),
    error_user_msg: z.string().optional().describe("Meta's user-facing explanation."),
    fbtrace_id: z.string().optional().describe("Meta's trace id; quote it to Meta support."),
  })
  .describe("The error Meta's Graph API returned, relayed verbatim where it explains the failure.")
  .meta({ id: "MetaErrorDetail" });
export type TMetaErrorDetail = z.infer<typeof ZMetaErrorDetail>;

/**
 * Structured detail a few codes carry (REST `error.details`, tRPC `data.details`); absent on every other code.
 * Only these fields are ever sent: whatever else an error records internally stays in the logs.
 */
export const ZErrorDetails = z
  .object({
    meta_status: z
      .string()
      .optional()
      .describe("template_not_editable: Meta's current status of the template (e.g. PENDING)."),
    retry_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        "template_edit_quota_exceeded: when the template can be edited again (ISO 8601, UTC); `Retry-After` gives the seconds.",
      ),
    disabled_languages: z
      .array(z.string())
      .optional()
      .describe("template_not_deletable: the languages of the name that are DISABLED on Meta."),
  })
  .describe("Structured detail of template_not_editable, template_edit_quota_exceeded and template_not_deletable.")
  .meta({ id: "ErrorDetails" });
export type TErrorDetails = z.infer<typeof ZErrorDetails>;

/**
 * Error envelope of every `/v1` error. `code` is a plain string on read so clients keep parsing when we add codes;
 * servers should only emit codes of `ERROR_CODES`.
 */
export const ZErrorEnvelope = z
  .object({
    error: z.object({
      type: ZErrorType,
      code: z.string().describe("Stable, machine-readable reason (see the error-code catalogue). Branch on this."),
      message: z.string().describe("Human-readable explanation. May change; never branch on it."),
      param: z
        .string()
        .optional()
        .describe("Path of the offending field when one is to blame, e.g. `name` or `components[1].buttons[0].text`."),
      request_id: z.string().describe("Id of the failed request (`req_…`), also in the X-Request-Id header."),
      meta: ZMetaErrorDetail.optional().describe("Present only when Meta's own error explains the failure."),
      details: ZErrorDetails.optional().describe(
        "Present only on the codes whose description names a `details.…` field.",
      ),
    }),
  })
  .describe("Error response of every /v1 endpoint.")
  .meta({ id: "ErrorEnvelope" });
export type TErrorEnvelope = z.infer<typeof ZErrorEnvelope>;
