import { DomainError } from "../errors.js";
import type { MediaError } from "./errors.js";

/**
 * Maps a `MediaError` onto the domain error of the `ERROR_CODES` catalogue:
 * - `media_url_forbidden` (400), `media_download_failed` / `media_too_large` / `media_type_unsupported` (422): same code;
 * - `media_upload_failed` → `internal_error` (500) when uploads are not configured (no META_APP_ID),
 *   `whatsapp_account_reauthorization_required` when Meta refused the token (Graph code 190),
 *   else `whatsapp_upstream_error` (502); Meta's code/subcode/fbtrace_id also go to `details.meta`.
 * `param`, `details` and `cause` are kept; nothing here carries the token.
 */
export function mediaErrorToDomainError(error: MediaError): DomainError {
  const options = {
    param: error.param,
    cause: error,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
  if (error.code === "media_upload_failed") {
    if (error.details?.["reason"] === "not_configured")
      return new DomainError("internal_error", error.message, options);
    const metaCode = error.details?.["code"];
    // Meta's own error is relayed as `details.meta` (the API shows it as `error.meta`), as for the gateway's errors.
    const meta =
      typeof metaCode === "number"
        ? {
            code: metaCode,
            ...(typeof error.details?.["error_subcode"] === "number"
              ? { error_subcode: error.details["error_subcode"] }
              : {}),
            ...(typeof error.details?.["fbtrace_id"] === "string" ? { fbtrace_id: error.details["fbtrace_id"] } : {}),
          }
        : undefined;
    const withMeta = meta === undefined ? options : { ...options, details: { ...error.details, meta } };
    return new DomainError(
      metaCode === 190 ? "whatsapp_account_reauthorization_required" : "whatsapp_upstream_error",
      error.message,
      withMeta,
    );
  }
  return new DomainError(error.code, error.message, options);
}
