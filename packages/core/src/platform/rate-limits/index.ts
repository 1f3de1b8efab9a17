export {
  bucketForMethod,
  createMetaCreateBudget,
  createRateLimitService,
  RATE_LIMIT_DEFAULTS,
  rateLimitError,
  withMetaCreateBudget,
} from "./rate-limit.service.js";
export type {
  AuthFailureGuard,
  BucketClass,
  BucketDecision,
  MetaCreateBudget,
  RateLimitOptions,
  RateLimitService,
} from "./rate-limit.service.js";
export { describeBucket, REFILL_WINDOW_SECONDS, take, tokensAt } from "./token-bucket.js";
export type { BucketState } from "./token-bucket.js";
export { createAuthFailureGuard, MAX_TRACKED_ADDRESSES } from "./auth-failure-guard.js";
