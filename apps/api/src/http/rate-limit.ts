/**
 * Per-organisation request buckets (REST /v1, after auth): every authenticated response carries
 * X-RateLimit-Limit / -Remaining / -Reset, and an empty bucket answers 429 `rate_limit_exceeded` with
 * Retry-After. The buckets live in the database (`core.rateLimits`), so every instance shares them.
 */
import { bucketForMethod, rateLimitError } from "@kirim/core";
import type { BucketDecision, Core } from "@kirim/core";
import type { Response, RequestHandler } from "express";
import { principalOf } from "./auth.js";
import "./locals.js";

export function setRateLimitHeaders(res: Response, decision: BucketDecision): void {
  res.setHeader("X-RateLimit-Limit", String(decision.limit));
  res.setHeader("X-RateLimit-Remaining", String(decision.remaining));
  res.setHeader("X-RateLimit-Reset", String(decision.resetAt));
}

/** Mount after the bearer-auth middleware: the bucket belongs to the caller's organisation. */
export function rateLimit(core: Pick<Core, "rateLimits">): RequestHandler {
  return async (req, res, next) => {
    const { organisationId } = principalOf(res.locals);
    const bucket = bucketForMethod(req.method);
    const decision = await core.rateLimits.consume(organisationId, bucket);
    // Set before the handler runs, so success and error answers (4xx included) both carry them.
    setRateLimitHeaders(res, decision);
    if (!decision.allowed) throw rateLimitError(bucket, decision);
    next();
  };
}
