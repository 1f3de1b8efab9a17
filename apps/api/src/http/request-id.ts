import { randomFillSync } from "node:crypto";
import { ulid } from "ulid";
import type { RequestHandler } from "express";
import "./locals.js";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * ulid's own PRNG asks the CSPRNG for one byte per character (16 calls, and a PRNG lookup, per id: tens of µs on
 * every request). The same bytes from the same source, drawn 4 KiB at a time.
 */
const pool = new Uint8Array(4096);
let drawn = pool.length;
function pooledRandom(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return (pool[drawn++] as number) / 256;
}

export function newRequestId(): string {
  return `req_${ulid(undefined, pooledRandom)}`;
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
