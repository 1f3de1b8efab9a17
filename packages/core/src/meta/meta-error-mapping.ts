import { DomainError } from "../errors.js";
import { MetaApiError } from "./meta-api-error.js";
import { META_DUPLICATE_SUBCODE } from "./gateway.js";
import { isMetaAuthCode, isMetaRateLimit } from "./retry.js";

/** Retry-After we advertise for a Meta rate limit that stated no wait (seconds). */
export const DEFAULT_RATE_LIMIT_RETRY_AFTER_S = 60;

/**
 * `details.meta` has exactly the shape of `ZMetaErrorDetail` in @kirim/schema (present when Meta sent its error
 * envelope, so the API can relay it as `error.meta`); `details.upstream` says what kind of failure it was.
 */
function metaDetails(error: MetaApiError): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (error.code !== undefined) {
    const meta: Record<string, unknown> = { code: error.code };
    if (error.subcode !== undefined) meta["error_subcode"] = error.subcode;
    if (error.userTitle !== undefined) meta["error_user_title"] = error.userTitle;
    if (error.userMessage !== undefined) meta["error_user_msg"] = error.userMessage;
    // Meta's own words: for 190 (token), 4 (app rate limit) and 1 (unknown) they are the only explanation there is.
    if (error.metaMessage !== undefined) meta["message"] = error.metaMessage;
    if (error.fbtraceId !== undefined) meta["fbtrace_id"] = error.fbtraceId;
    details["meta"] = meta;
  }
  const upstream: Record<string, unknown> = { kind: error.kind };
  if (error.status !== undefined) upstream["http_status"] = error.status;
  if (error.fbtraceId !== undefined) upstream["fbtrace_id"] = error.fbtraceId;
  details["upstream"] = upstream;
  return details;
}

/** Best-effort request field a Meta code-100 refusal points at (subcode table in docs/reference/meta-templates.md §7.3). */
export function inferParam(error: MetaApiError): string | undefined {
  switch (error.subcode) {
    case META_DUPLICATE_SUBCODE: // name + language already exists
    case 2388023: // name + language locked while an approved template of that name is being deleted
      return "name";
    case 2388047:
      return "components.HEADER";
    case 2388072:
    case 2388293:
    case 2388299:
      return "components.BODY";
    case 2388073:
      return "components.FOOTER";
    case 2388043:
      return "components";
  }
  const text = `${error.userTitle ?? ""} ${error.userMessage ?? ""} ${error.message}`.toLowerCase();
  if (text.includes("category")) return "category";
  if (text.includes("language")) return "language";
  return undefined;
}

/**
 * What the failed call was: a `write` sends the client's template to Meta (a code-100 refusal is about the client's
 * input), a `read` only asks Meta for data (a code-100 refusal is about OUR request, so it is an upstream error).
 */
export type MetaOperation = "write" | "read";

/**
 * The one place a MetaApiError becomes a DomainError (so a Meta answer is never a 500):
 * - subcode 2388024 (duplicate name+language) → 409 `template_already_exists`, param `name`;
 * - code 100 on a write (rule refusals) → 400 `meta_validation_failed` with Meta's subcode/title/message in
 *   details and `param` when it can be inferred; on a read → 502 `whatsapp_upstream_error`;
 * - rate limits (4, 80007, 80008, 130429, or HTTP 429) → 429 `meta_rate_limited` with a Retry-After header;
 * - 190 / 102 / 10 / 200–299 → 502 `whatsapp_account_reauthorization_required`;
 * - anything else (incl. malformed answers, timeouts, network) → 502 `whatsapp_upstream_error`.
 */
export function mapMetaError(error: MetaApiError, operation: MetaOperation = "write"): DomainError {
  const details = metaDetails(error);
  if (error.kind === "graph") {
    // "Content in this language already exists" is about a template we sent; on a read it is Meta's fault, not a
    // conflict of the caller's (a sync must not answer 409 template_already_exists).
    if (error.subcode === META_DUPLICATE_SUBCODE && operation === "write") {
      return new DomainError(
        "template_already_exists",
        "A template with this name and language already exists on Meta.",
        {
          param: "name",
          details,
          cause: error,
        },
      );
    }
    if (isMetaRateLimit(error) || error.status === 429) {
      const seconds =
        error.retryAfterMs !== undefined
          ? Math.max(1, Math.ceil(error.retryAfterMs / 1000))
          : DEFAULT_RATE_LIMIT_RETRY_AFTER_S;
      return new DomainError(
        "meta_rate_limited",
        "Meta is rate limiting this WhatsApp Business Account; retry later.",
        {
          details: { ...details, retry_after_seconds: seconds },
          headers: { "Retry-After": String(seconds) },
          cause: error,
        },
      );
    }
    if (isMetaAuthCode(error.code)) {
      return new DomainError(
        "whatsapp_account_reauthorization_required",
        "Meta refused this account's access token or permissions; reconnect the WhatsApp account.",
        { details, cause: error },
      );
    }
    if (error.code === 100 && operation === "write") {
      const param = inferParam(error);
      const message = error.userMessage ?? error.userTitle ?? error.message;
      return new DomainError("meta_validation_failed", `Meta rejected the template: ${message}`, {
        ...(param !== undefined ? { param } : {}),
        details,
        cause: error,
      });
    }
  }
  const what =
    error.kind === "timeout"
      ? "Meta did not answer in time"
      : error.kind === "network"
        ? "Meta could not be reached"
        : error.kind === "malformed_response"
          ? "Meta sent an answer we could not understand"
          : `Meta returned an error${error.code !== undefined ? ` (code ${error.code})` : ""}`;
  return new DomainError("whatsapp_upstream_error", `${what}.`, { details, cause: error });
}

/** Runs `fn`, turning any MetaApiError into its DomainError. */
export async function withMetaErrors<T>(fn: () => Promise<T>, operation: MetaOperation = "write"): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof MetaApiError) throw mapMetaError(error, operation);
    throw error;
  }
}
