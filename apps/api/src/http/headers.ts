import { DomainError } from "@kirim/core";
import type { Request, RequestHandler } from "express";

/**
 * Headers we act on that Node reduces to one value when they are repeated: `Authorization` and `Content-Type` keep
 * the first (two keys would be answered as the first key's organisation), `Idempotency-Key` is joined into
 * `"a, b"`. `req.headersDistinct` still shows every copy. (`X-Request-Id` is not here: a client's is never read.)
 */
export const SINGLE_VALUED_HEADERS = ["Authorization", "Idempotency-Key", "Content-Type"] as const;

/** 400 `invalid_request` (param = the header) when one of SINGLE_VALUED_HEADERS appears more than once. */
export function refuseRepeatedHeaders(req: Request): void {
  for (const name of SINGLE_VALUED_HEADERS) {
    const copies = req.headersDistinct[name.toLowerCase()]?.length ?? 0;
    if (copies > 1) {
      throw new DomainError("invalid_request", `The ${name} header appears ${copies} times; send it once.`, {
        param: name,
      });
    }
  }
}

/** REST: mount before authentication. */
export function singleValuedHeaders(): RequestHandler {
  return (req, _res, next) => {
    refuseRepeatedHeaders(req);
    next();
  };
}
