/**
 * Token-bucket arithmetic, pure. A bucket of `capacity` tokens refills continuously at `capacity` tokens per
 * minute (so an empty bucket is full again after 60 s); each request takes one token. The same formula runs
 * inside PostgreSQL in `rate-limit.repository.ts` (the atomic path); this copy derives the response headers and
 * is what the unit tests pin down.
 */
export const REFILL_WINDOW_SECONDS = 60;

export interface BucketState {
  tokens: number;
  /** Seconds (any epoch) at which `tokens` was measured. */
  at: number;
}

export function refillRate(capacity: number): number {
  return capacity / REFILL_WINDOW_SECONDS;
}

/** Tokens at `now`: the stored tokens plus the refill since then, never above capacity (clock going back: no refill). */
export function tokensAt(state: BucketState, capacity: number, now: number): number {
  const elapsed = Math.max(0, now - state.at);
  return Math.min(capacity, state.tokens + elapsed * refillRate(capacity));
}

export interface BucketDecision {
  allowed: boolean;
  /** X-RateLimit-Limit. */
  limit: number;
  /** X-RateLimit-Remaining: whole tokens left after this request. */
  remaining: number;
  /** X-RateLimit-Reset: unix epoch seconds at which the bucket would be full again. */
  resetAt: number;
  /** Retry-After for a refused request: whole seconds until one token is available (≥ 1). */
  retryAfterSeconds: number;
}

/**
 * The headers' view of a bucket holding `tokensLeft` at `now` (epoch seconds), after the request was taken
 * (`allowed`) or refused.
 */
export function describeBucket(capacity: number, tokensLeft: number, now: number, allowed: boolean): BucketDecision {
  const rate = refillRate(capacity);
  const left = Math.max(0, tokensLeft);
  return {
    allowed,
    limit: capacity,
    remaining: Math.floor(left + 1e-9),
    resetAt: Math.ceil(now + (capacity - left) / rate),
    retryAfterSeconds: Math.max(1, Math.ceil((1 - left) / rate)),
  };
}

/** One request against a bucket (the reference for the SQL statement). `state` undefined = a new, full bucket. */
export function take(
  state: BucketState | undefined,
  capacity: number,
  now: number,
): { next: BucketState; decision: BucketDecision } {
  const available = state === undefined ? capacity : tokensAt(state, capacity, now);
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return { next: { tokens, at: now }, decision: describeBucket(capacity, tokens, now, allowed) };
}
