import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";
import "./locals.js";

/** The matched route pattern, e.g. `/v1/:phone_number_id/templates` (never the query string). */
function routeOf(req: Request): string {
  const route: unknown = req.route;
  if (route !== null && typeof route === "object" && "path" in route && typeof route.path === "string") {
    return `${req.baseUrl}${route.path}`;
  }
  if (req.baseUrl === "/trpc" || req.originalUrl.startsWith("/trpc/")) {
    return `/trpc/${req.path.replace(/^\//, "")}`;
  }
  // Unmatched (404) or rejected before routing (401): the path without its query string.
  return req.originalUrl.split("?")[0] ?? "";
}

/**
 * One structured line per request when the response is finished (or the client went away):
 * request id, method, route pattern, status, duration, organisation (absent before authentication). Never
 * headers, bodies, query strings or keys: tokens and API keys travel only in headers and bodies. 5xx at error level, everything else at info (a client's 4xx is not a server problem).
 */
export function requestLog(logger: Logger): RequestHandler {
  // Without pino's redaction: the line holds only the six fields above, none of which can carry a secret, so the
  // 28 redaction paths could never match — and @pinojs/redact parses them all again on every line (44 KiB of garbage
  // per request, measured under the REST list's load). The scrubbing of the written line (logger.ts) still applies.
  const lines = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = (event: "finish" | "close") => (): void => {
      if (done) return;
      done = true;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        request_id: res.locals.requestId,
        method: req.method,
        route: routeOf(req),
        status: event === "close" && !res.writableFinished ? 499 : res.statusCode,
        duration_ms: Math.round(durationMs * 10) / 10,
        organisation_id: res.locals.principal?.organisationId,
      };
      const level = line.status >= 500 ? "error" : "info";
      lines[level](line, "request");
    };
    res.once("finish", finish("finish"));
    res.once("close", finish("close"));
    next();
  };
}
