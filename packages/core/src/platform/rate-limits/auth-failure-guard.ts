/**
 * Failed authentication costs the caller, not the database: one token bucket per client address, taken from by
 * every 401. While an address's bucket is empty its requests are answered 429 `rate_limit_exceeded` (Retry-After)
 * BEFORE the key is looked up, so a caller without a valid key cannot spend database queries.
 *
 * The buckets live in this process's memory, unlike the organisation buckets: their purpose is to answer without
 * a query, and each instance protects the database from its own connections. Bounded: at most
 * `MAX_TRACKED_ADDRESSES` addresses (least recently failing dropped first).
 *
 * Clients behind one address (a NAT, a reverse proxy) share a bucket; so that a failing neighbour cannot lock out a
 * working client, a key this instance accepted recently (its hash, never the key) is still checked against the
 * database while the bucket is empty — it is a real client, and revocation is still enforced by that check.
 */
import { hashApiKey } from "../api-keys/api-key.crypto.js";
import { DomainError } from "../../errors.js";
import { describeBucket, take, tokensAt } from "./token-bucket.js";
import type { BucketState } from "./token-bucket.js";

export const MAX_TRACKED_ADDRESSES = 10_000;
export const MAX_REMEMBERED_KEYS = 10_000;

export interface AuthFailureGuard {
  /** Failed authentications allowed per address and minute (the bucket's capacity and refill). */
  readonly perMinute: number;
  /**
   * Throws 429 `rate_limit_exceeded` with Retry-After when `address` has used up its failures and `rawKey` is not
   * a key accepted recently on this instance. Takes nothing: only `recordFailure` does.
   */
  admit(address: string, rawKey: string | undefined): void;
  /** One failed authentication (any 401) from `address`. */
  recordFailure(address: string): void;
  /** `rawKey` authenticated: it may be tried even from an address whose bucket is empty. */
  recordSuccess(rawKey: string): void;
}

/** Re-inserts `key` so the Map's insertion order is least-recently-used first, and drops the oldest beyond `max`. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

export function createAuthFailureGuard(deps: { perMinute: number; now: () => Date }): AuthFailureGuard {
  const { perMinute } = deps;
  const buckets = new Map<string, BucketState>();
  const acceptedKeyHashes = new Map<string, true>();
  const nowSeconds = (): number => deps.now().getTime() / 1000;

  return {
    perMinute,
    admit(address, rawKey) {
      const state = buckets.get(address);
      if (state === undefined) return;
      const now = nowSeconds();
      const available = tokensAt(state, perMinute, now);
      if (available >= 1) return;
      if (rawKey !== undefined && acceptedKeyHashes.has(hashApiKey(rawKey))) return;
      const decision = describeBucket(perMinute, available, now, false);
      throw new DomainError(
        "rate_limit_exceeded",
        `Too many failed authentications from this address (${perMinute} per minute): the key was not checked. ` +
          `Retry after ${decision.retryAfterSeconds} s with a valid key.`,
        { headers: { "Retry-After": String(decision.retryAfterSeconds) } },
      );
    },
    recordFailure(address) {
      const { next } = take(buckets.get(address), perMinute, nowSeconds());
      touch(buckets, address, next, MAX_TRACKED_ADDRESSES);
    },
    recordSuccess(rawKey) {
      touch(acceptedKeyHashes, hashApiKey(rawKey), true, MAX_REMEMBERED_KEYS);
    },
  };
}
