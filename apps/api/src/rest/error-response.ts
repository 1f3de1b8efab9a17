/**
 * The one place a thrown value becomes a REST error response. Everything the `/v1` surface can throw
 * ends up here: DomainError (core and this app), ZodError (a schema parse that bypassed `parseOrThrow`),
 * body-parser errors (malformed JSON, too large, bad charset) and anything else (→ 500, details logged,
 * never sent).
 */
import { DomainError } from "@kirim/core";
import { ERROR_CODES } from "@kirim/schema";
import type { TErrorCode, TErrorDetails, TMetaErrorDetail } from "@kirim/schema";
import { ZodError } from "zod";
import { metaDetailOf, publicDetailsOf } from "../errors/meta-detail.js";
import { BODY_TOO_LARGE_MESSAGE } from "../http/body.js";
import { validationError } from "../errors/validation.js";

export interface ErrorBody {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string;
    request_id: string;
    /** Meta's own error, when Meta's answer explains the failure. */
    meta?: TMetaErrorDetail;
    /** The documented structured detail of a few codes (`retry_at`, `meta_status`, `disabled_languages`). */
    details?: TErrorDetails;
  };
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** True for 5xx that we did not anticipate: log with the stack. */
  unexpected: boolean;
}

/** The shape body-parser (express.json) gives its errors. */
interface HttpParserError {
  type: string;
  status: number;
  expose?: boolean;
}

function isHttpParserError(value: unknown): value is Error & HttpParserError {
  return (
    value instanceof Error &&
    typeof (value as Partial<HttpParserError>).type === "string" &&
    typeof (value as Partial<HttpParserError>).status === "number"
  );
}

/**
 * An http-errors error a body reader raises without body-parser's `type` (a gzip/deflate/br body that does not
 * decompress: zlib's error wrapped as a 400 with `expose`). The client's fault, never a 500.
 */
function isExposedClientError(value: unknown): value is Error & { status: number } {
  const status = (value as { status?: unknown } | null)?.status;
  return (
    value instanceof Error &&
    (value as { expose?: unknown }).expose === true &&
    typeof status === "number" &&
    status >= 400 &&
    status < 500
  );
}

function fromCatalogue(code: TErrorCode, message: string, requestId: string, param?: string): ErrorResponse {
  const entry = ERROR_CODES[code];
  return {
    status: entry.status,
    headers: {},
    body: {
      error: { type: entry.type, code, message, ...(param === undefined ? {} : { param }), request_id: requestId },
    },
    unexpected: false,
  };
}

/** Maps body-parser's error types onto catalogue codes. */
function fromParserError(err: HttpParserError, requestId: string): ErrorResponse {
  switch (err.type) {
    case "entity.parse.failed":
      return fromCatalogue("invalid_json", "The request body is not valid JSON.", requestId);
    case "entity.too.large":
      return fromCatalogue("request_too_large", BODY_TOO_LARGE_MESSAGE, requestId);
    case "charset.unsupported":
    case "encoding.unsupported":
      return fromCatalogue(
        "unsupported_content_type",
        "Unsupported body encoding. Send `Content-Type: application/json` (UTF-8), uncompressed or gzip/deflate.",
        requestId,
      );
    default:
      return err.status >= 400 && err.status < 500
        ? fromCatalogue("invalid_request", "The request body could not be read.", requestId)
        : fromCatalogue("internal_error", "An internal error occurred.", requestId);
  }
}

export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (err instanceof DomainError) {
    const entry = ERROR_CODES[err.code];
    const meta = metaDetailOf(err);
    const details = publicDetailsOf(err);
    return {
      status: entry.status,
      headers: { ...(err.headers ?? {}) },
      body: {
        error: {
          type: entry.type,
          code: err.code,
          message: err.message,
          ...(err.param === undefined ? {} : { param: err.param }),
          request_id: requestId,
          ...(meta === undefined ? {} : { meta }),
          ...(details === undefined ? {} : { details }),
        },
      },
      // A 5xx domain error (e.g. whatsapp_upstream_error) is expected behaviour, but worth its stack in the log.
      unexpected: entry.status >= 500 && err.code === "internal_error",
    };
  }
  if (err instanceof ZodError) {
    return toErrorResponse(validationError(err, "input"), requestId);
  }
  if (isHttpParserError(err)) {
    return fromParserError(err, requestId);
  }
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    // Express could not percent-decode a path parameter (the /v1 router answers those itself, see rest/v1.ts).
    return fromCatalogue("invalid_request", "The request path is not valid percent-encoded UTF-8.", requestId);
  }
  if (isExposedClientError(err)) {
    return err.status === 413
      ? fromCatalogue("request_too_large", "The request body is too large.", requestId)
      : fromCatalogue(
          "invalid_request",
          "The request body could not be read (is its Content-Encoding right?).",
          requestId,
        );
  }
  const internal = fromCatalogue(
    "internal_error",
    `An internal error occurred. Quote request id ${requestId} when reporting it.`,
    requestId,
  );
  return { ...internal, unexpected: true };
}
