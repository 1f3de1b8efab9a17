import { pooledRandomFraction } from "@kirim/core";
import { ulid } from "ulid";
import type { RequestHandler } from "express";
import "./locals.js";

export const REQUEST_ID_HEADER = "X-Request-Id";

export function newRequestId(): string {
  return `req_${ulid(undefined, pooledRandomFraction)}`;
}

/**
 * First middleware: every response carries `X-Request-Id`, and handlers read it from `res.locals.requestId`
 * to put it in the body. A client-supplied id is never trusted (it would end up in our logs and bodies).
 */
export function requestId(generate: () => string = newRequestId): RequestHandler {
  return (_req, res, next) => {
    const id = generate();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}
