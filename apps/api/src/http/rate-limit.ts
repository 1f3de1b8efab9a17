/**
 * Per-organisation request buckets (REST /v1 here, after auth; tRPC's `authedProcedure` takes from the same
 * buckets with the same headers): every authenticated response carries
 * X-RateLimit-Limit / -Remaining / -Reset, and an empty bucket answers 429 `rate_limit_exceeded` with
 * Retry-After. The buckets live in the database (`core.rateLimits`), so every instance shares them.
 */
import { bucketForMethod, rateLimitError } from "@kirim/core";
import type { BucketDecision, Core } from "@kirim/core";
import type { RequestHandler } from "express";
import { principalOf } from "./auth.js";
import "./locals.js";

/** The three headers that describe a bucket after a request took from it (REST and tRPC). */
export function rateLimitHeaders(decision: BucketDecision): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(decision.resetAt),
  };
}

/** Mount after the bearer-auth middleware: the bucket belongs to the caller's organisation. */
export function rateLimit(core: Pick<Core, "rateLimits">): RequestHandler {
  return async (req, res, next) => {
    const { organisationId } = principalOf(res.locals);
    const bucket = bucketForMethod(req.method);
    const decision = await core.rateLimits.consume(organisationId, bucket);
    // Set before the handler runs, so success and error answers (4xx included) both carry them.
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
    if (!decision.allowed) throw rateLimitError(bucket, decision);
    next();
  };
}
