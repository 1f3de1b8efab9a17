/**
 * What /trpc checks before tRPC reads anything (the REST surface has the same limits in its own middleware):
 * repeated single-valued headers (400), a batch of more than MAX_BATCH_CALLS calls (400, before any call runs, so
 * no database work), a declared body over the REST limit (413 without reading it; a chunked body is cut off by the
 * adapter's `maxBodySize` at the same limit). Refusals are answered in tRPC's error shape, with the same
 * `data` fields as every tRPC error (the errorFormatter's), so the tRPC client reads them like any other.
 */
import { isDomainError } from "@kirim/core";
import { DomainError } from "@kirim/core";
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import type { Logger } from "pino";
import { BODY_LIMIT_BYTES, BODY_TOO_LARGE_MESSAGE } from "../http/body.js";
import { refuseRepeatedHeaders } from "../http/headers.js";
import { kirimErrorShape, TRPCError } from "./trpc.js";
import "../http/locals.js";

/** The most calls one batched HTTP request may carry (the dashboard batches far fewer). */
export const MAX_BATCH_CALLS = 10;

/** The number of calls tRPC would run for this request (it splits the decoded last path segment on commas). */
function batchSize(req: Request): number {
  const query = req.originalUrl.indexOf("?");
  if (query === -1 || new URLSearchParams(req.originalUrl.slice(query + 1)).get("batch") !== "1") return 1;
  const segment = req.path.slice(req.path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment).split(",").length;
  } catch {
    return 1; // tRPC answers the undecodable path itself
  }
}

export function trpcRequestGuards(): RequestHandler {
  return (req, _res, next) => {
    refuseRepeatedHeaders(req);
    const calls = batchSize(req);
    if (calls > MAX_BATCH_CALLS) {
      throw new DomainError(
        "invalid_request",
        `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one has ${calls}. Split it into several requests.`,
      );
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > BODY_LIMIT_BYTES) throw new DomainError("request_too_large", BODY_TOO_LARGE_MESSAGE);
    next();
  };
}

/** Answers what the guards refused (and anything else thrown before tRPC runs) as a tRPC error. */
export function trpcGuardErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (!isDomainError(err))
      logger.error({ request_id: res.locals.requestId, method: req.method, err }, "unhandled error before tRPC");
    const shape = kirimErrorShape(
      new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: err }),
      res.locals.requestId,
      null,
    );
    if (isDomainError(err)) for (const [name, value] of Object.entries(err.headers ?? {})) res.setHeader(name, value);
    res.status(shape.data.httpStatus).json({ error: shape });
  };
}
