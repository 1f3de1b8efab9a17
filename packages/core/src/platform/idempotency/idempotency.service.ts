import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import {
  completeClaim,
  deleteClaim,
  deleteIfDead,
  findKey,
  insertClaim,
  purgeExpiredKeys,
} from "./idempotency.repository.js";

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export interface IdempotencyOptions {
  /** How long a key and its stored answer are kept. Default 24 h (Kirimdev, Stripe). */
  ttlMs?: number;
  /** How long a request waits for a concurrent request with the same key before 409. Default 30 s (Kirimdev). */
  waitMs?: number;
  /** First poll interval while waiting; it doubles up to 500 ms (many waiters must not starve the running request). Default 50 ms. */
  pollMs?: number;
  /**
   * An in-progress claim older than this is considered abandoned (its instance died mid-request) and may be
   * taken over. Must exceed the longest request. Default 5 minutes.
   */
  lockTtlMs?: number;
  /** Every this many claims (per process) all expired rows are purged. Default 100. */
  purgeEvery?: number;
}

export const IDEMPOTENCY_DEFAULTS = {
  ttlMs: 24 * 60 * 60 * 1000,
  waitMs: 30_000,
  pollMs: 50,
  lockTtlMs: 5 * 60 * 1000,
  purgeEvery: 100,
} as const satisfies Required<IdempotencyOptions>;

/** A response as stored and replayed: status, the headers that matter, and the body bytes (UTF-8 text). */
export interface StoredResponse {
  status: number;
  /** Lower-case header name → value. */
  headers: Record<string, string>;
  body: string;
}

/** The right to run a request for a key; give it back with `finish`. */
export interface IdempotencyClaim {
  organisationId: string;
  key: string;
  claimId: string;
  /**
   * True when this claim took over an earlier identical request (same fingerprint) that died mid-way: its effects
   * may have happened (Meta accepted the create) without an answer, so the handler should recognise them as its own.
   */
  resumesAbandonedAttempt?: boolean;
}

export type IdempotencyStart =
  { kind: "claimed"; claim: IdempotencyClaim } | { kind: "replay"; response: StoredResponse };

export interface IdempotencyService {
  readonly options: Readonly<Required<IdempotencyOptions>>;
  /**
   * Claims `key` for this request, or returns the stored answer of an earlier identical request.
   * Throws `idempotency_key_reuse` (422) when the key was used with another fingerprint, and
   * `idempotency_in_progress` (409) when a request with the key is still running after `waitMs`.
   */
  start(organisationId: string, key: string, fingerprint: string): Promise<IdempotencyStart>;
  /** Stores the answer for replay, or releases the key when the answer must not be replayed (see `isReplayable`). */
  finish(claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  /** Gives the key back without storing anything (the request failed before it produced an answer). */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Deletes expired keys of every organisation; returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * Which answers are kept for replay. Not kept, so that a retry with the same key runs again:
 * - 400: a validation failure; the client fixes the body and may reuse the key (Stripe: "results are only saved
 *   if an API endpoint started executing");
 * - 429: a rate limit (ours or Meta's) says "later", not "never";
 * - 5xx: a server or upstream failure; the retry the key exists for must be able to run.
 * Everything else (2xx, 404, 409 template_already_exists, 422 …) is the request's outcome and is replayed.
 */
export function isReplayable(status: number): boolean {
  return status !== 400 && status !== 429 && status < 500;
}

interface Deps {
  db: Kysely<Database>;
  now: () => Date;
  options?: IdempotencyOptions | undefined;
  /** Waiting uses a real monotonic clock (the injectable `now` stamps rows). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_POLL_DELAY_MS = 500;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createIdempotencyService(deps: Deps): IdempotencyService {
  const { db } = deps;
  const options: Required<IdempotencyOptions> = { ...IDEMPOTENCY_DEFAULTS, ...stripUndefined(deps.options ?? {}) };
  const sleep = deps.sleep ?? defaultSleep;
  let claimsSincePurge = 0;

  async function start(organisationId: string, key: string, fingerprint: string): Promise<IdempotencyStart> {
    const deadline = performance.now() + options.waitMs;
    let resumesAbandonedAttempt = false;
    let pollDelay = options.pollMs;
    for (;;) {
      const now = deps.now();
      const claimId = randomUUID();
      const claimed = await insertClaim(db, {
        organisationId,
        key,
        fingerprint,
        claimId,
        now,
        lockedUntil: new Date(now.getTime() + options.lockTtlMs),
        expiresAt: new Date(now.getTime() + options.ttlMs),
      });
      if (claimed) {
        await purgeOccasionally(now);
        return { kind: "claimed", claim: { organisationId, key, claimId, resumesAbandonedAttempt } };
      }

      const row = await findKey(db, organisationId, key);
      if (row === undefined) continue; // released between our INSERT and SELECT: claim again
      if (row.expires_at <= now || (row.state === "in_progress" && row.locked_until <= now)) {
        // Expired rows count as absent; an abandoned claim is taken over — and if it was this very request, the
        // handler learns that an earlier attempt may have done its work.
        if (row.expires_at > now && row.fingerprint === fingerprint) resumesAbandonedAttempt = true;
        await deleteIfDead(db, organisationId, key, now);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new DomainError(
          "idempotency_key_reuse",
          "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
          { param: "Idempotency-Key" },
        );
      }
      if (row.state === "completed" && row.response_status !== null && row.response_body !== null) {
        return {
          kind: "replay",
          response: { status: row.response_status, headers: row.response_headers ?? {}, body: row.response_body },
        };
      }
      if (performance.now() >= deadline) {
        throw new DomainError(
          "idempotency_in_progress",
          "A request with this Idempotency-Key is still being processed. Retry later with the same key.",
          { param: "Idempotency-Key" },
        );
      }
      // Never sleep past the deadline: the last look happens at the bound.
      await sleep(Math.max(1, Math.min(pollDelay, deadline - performance.now())));
      pollDelay = Math.min(pollDelay * 2, MAX_POLL_DELAY_MS);
    }
  }

  async function purgeOccasionally(now: Date): Promise<void> {
    claimsSincePurge++;
    if (claimsSincePurge < options.purgeEvery) return;
    claimsSincePurge = 0;
    await purgeExpiredKeys(db, now);
  }

  async function finish(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    if (!isReplayable(response.status)) {
      await release(claim);
      return;
    }
    // false = the claim was taken over after its lock ran out; the newer request owns the key now.
    await completeClaim(db, claim.organisationId, claim.key, claim.claimId, response);
  }

  async function release(claim: IdempotencyClaim): Promise<void> {
    await deleteClaim(db, claim.organisationId, claim.key, claim.claimId);
  }

  return {
    options,
    start,
    finish,
    release,
    purgeExpired: () => purgeExpiredKeys(db, deps.now()),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
