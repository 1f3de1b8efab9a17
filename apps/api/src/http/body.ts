import { DomainError } from "@kirim/core";
import express from "express";
import type { Request, RequestHandler } from "express";

export const JSON_TYPES = ["application/json", "application/*+json"];
/** The largest JSON body /v1 and /trpc read (256 kB); beyond it 413 `request_too_large`. */
export const BODY_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_BODY_LIMIT = BODY_LIMIT_BYTES;
export const BODY_TOO_LARGE_MESSAGE = "The request body is too large.";

/** Whether the request carries a body at all (a POST with no body / `Content-Length: 0` has none). */
export function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  if (req.headers["transfer-encoding"] !== undefined) return true;
  return length !== undefined && length !== "0";
}

/**
 * JSON body parsing for the REST surface:
 * - a body with any content type but JSON → 415 `unsupported_content_type` (a body-less POST, like the seed's
 *   sync call with no Content-Type, is fine);
 * - malformed JSON → 400 `invalid_json` (via the error translator);
 * - a JSON body that is not an object (array, string, number, null) → 400 `invalid_request`.
 */
export function jsonBody(limit: number = DEFAULT_BODY_LIMIT): RequestHandler[] {
  const requireJsonType: RequestHandler = (req, _res, next) => {
    if (hasBody(req) && req.is(JSON_TYPES) === false) {
      const given = req.headers["content-type"];
      throw new DomainError(
        "unsupported_content_type",
        given === undefined
          ? "The request has a body but no Content-Type. Send `Content-Type: application/json`."
          : `Unsupported Content-Type \`${given}\`. Send \`Content-Type: application/json\`.`,
      );
    }
    next();
  };
  // strict: false so a top-level `"x"` / `1` / `null` parses and gets the clearer "must be an object" below.
  const parse = express.json({ limit, strict: false, type: JSON_TYPES });
  const requireObject: RequestHandler = (req, _res, next) => {
    if (hasBody(req)) {
      const body: unknown = req.body;
      if (body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new DomainError("invalid_request", "The JSON request body must be an object.");
      }
    }
    next();
  };
  return [requireJsonType, parse, requireObject];
}

/** For routes that need a body: a missing one is the same error as a non-object one. */
export function objectBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new DomainError(
      "invalid_request",
      "This endpoint needs a JSON object body with `Content-Type: application/json`.",
    );
  }
  return body as Record<string, unknown>;
}
