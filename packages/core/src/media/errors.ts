/**
 * Errors of the media pipeline. The codes are stable API strings; the lead maps them onto the
 * domain error (`DomainError`) and the `ERROR_CODES` catalogue. `message` never contains a token.
 */
export const MEDIA_ERROR_CODES = [
  /** The URL itself is refused: scheme, credentials, port, or an address that is not public. */
  "media_url_forbidden",
  /** The URL was allowed but fetching failed: HTTP status, timeout, DNS, too many redirects, broken stream. */
  "media_download_failed",
  /** The body is larger than the cap for the header format (declared or counted while streaming). */
  "media_too_large",
  /** The bytes are not a format Meta accepts for this header, or they contradict the declared type. */
  "media_type_unsupported",
  /** Meta's Resumable Upload API failed (or answered something we cannot parse). HTTP 502. */
  "media_upload_failed",
] as const;

export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

/**
 * HTTP mapping, mirroring `ERROR_CODES` in @kirim/schema: 400 when the URL itself is unacceptable,
 * 422 when fetching showed the content is unusable, 502 when Meta's upload failed (the catalogue
 * code for that is `whatsapp_upstream_error`; see `toDomainError` in ./domain.ts).
 */
export const MEDIA_ERROR_HTTP: Readonly<
  Record<MediaErrorCode, { status: number; type: "invalid_request_error" | "api_error" }>
> = {
  media_url_forbidden: { status: 400, type: "invalid_request_error" },
  media_download_failed: { status: 422, type: "invalid_request_error" },
  media_too_large: { status: 422, type: "invalid_request_error" },
  media_type_unsupported: { status: 422, type: "invalid_request_error" },
  media_upload_failed: { status: 502, type: "api_error" },
};

export interface MediaErrorOptions {
  cause?: unknown;
  /** Machine-readable detail that is safe to show (never a token), e.g. `{ status: 404 }`. */
  details?: Record<string, unknown>;
}

export class MediaError extends Error {
  override readonly name = "MediaError";
  readonly code: MediaErrorCode;
  /** JSON-pointer-style hint to the example field, e.g. `components[0].example.header_url[0]`. */
  readonly param: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: MediaErrorCode, param: string, message: string, options: MediaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.param = param;
    this.status = MEDIA_ERROR_HTTP[code].status;
    this.details = options.details;
  }
}

export function isMediaError(value: unknown): value is MediaError {
  return value instanceof MediaError;
}
