import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import type { MetaGateway } from "../../meta/types.js";
import { MetaApiError } from "../../meta/meta-api-error.js";
import { readBucket, releaseMetaCreate, reserveMetaCreate, setOrganisationLimits, takeToken } from "./rate-limit.repository.js";
import type { BucketClass } from "./rate-limit.repository.js";
import { createAuthFailureGuard } from "./auth-failure-guard.js";
import type { AuthFailureGuard } from "./auth-failure-guard.js";
import { describeBucket, tokensAt } from "./token-bucket.js";
import type { BucketDecision } from "./token-bucket.js";

export interface RateLimitOptions {
  /** Default write bucket (POST, PUT, PATCH, DELETE) per organisation, requests per minute. Default 60 (Kirimdev). */
  writePerMinute?: number;
  /** Default read bucket (GET, HEAD) per organisation, requests per minute. Default 600 (Kirimdev). */
  readPerMinute?: number;
  /** Template creates Meta accepts per WABA in a rolling hour. Default 100 (Meta's documented limit). */
  metaCreatesPerHour?: number;
  /** Failed authentications (401s) per client address and minute before its requests get 429. Default 20. */
  authFailuresPerMinute?: number;
}

export const RATE_LIMIT_DEFAULTS = {
  writePerMinute: 60,
  readPerMinute: 600,
  metaCreatesPerHour: 100,
  authFailuresPerMinute: 20,
} as const satisfies Required<RateLimitOptions>;

const META_BUDGET_WINDOW_MS = 60 * 60 * 1000;

export type { BucketClass } from "./rate-limit.repository.js";
export type { BucketDecision } from "./token-bucket.js";
export type { AuthFailureGuard } from "./auth-failure-guard.js";

export interface RateLimitService {
  readonly options: Readonly<Required<RateLimitOptions>>;
  /**
   * Takes one token from the organisation's bucket for this class. Never throws for an empty bucket: the
   * caller gets `allowed: false` plus the numbers for X-RateLimit-* and Retry-After (see `rateLimitError`).
   */
  consume(organisationId: string, bucket: BucketClass): Promise<BucketDecision>;
  /** Sets (or with `null` clears) an organisation's own limits. */
  setOrganisationLimits(organisationId: string, limits: { writePerMinute?: number | null; readPerMinute?: number | null }): Promise<void>;
  /**
   * Counts one template create against Meta's hourly budget for the WABA, or throws 429 `meta_rate_limited`
   * with `Retry-After` (seconds until the oldest create in the window leaves it) — before Meta is called.
   */
  reserveMetaCreate(wabaId: string): Promise<MetaCreateReservation>;
  /** Takes a reserved attempt back: it never reached Meta, so it does not count (see `withMetaCreateBudget`). */
  releaseMetaCreate(reservation: MetaCreateReservation): Promise<void>;
  /** Per-client-address bucket of failed authentications, in memory (see auth-failure-guard.ts). */
  readonly authFailures: AuthFailureGuard;
}

/** One create counted against a WABA's budget. */
export interface MetaCreateReservation {
  attemptId: number;
}

/** The HTTP method's bucket: GET/HEAD (and OPTIONS) read, everything else write. */
export function bucketForMethod(method: string): BucketClass {
  const m = method.toUpperCase();
  return m === "GET" || m === "HEAD" || m === "OPTIONS" ? "read" : "write";
}

/** The 429 for an empty bucket. */
export function rateLimitError(bucket: BucketClass, decision: BucketDecision): DomainError {
  return new DomainError(
    "rate_limit_exceeded",
    `Too many ${bucket} requests: this organisation's limit is ${decision.limit} per minute. Retry after ${decision.retryAfterSeconds} s.`,
    { headers: { "Retry-After": String(decision.retryAfterSeconds) } },
  );
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`rate limits: ${name} must be an integer ≥ 1 (got ${value})`);
  return value;
}

interface Deps {
  db: Kysely<Database>;
  now: () => Date;
  options?: RateLimitOptions | undefined;
}

export function createRateLimitService(deps: Deps): RateLimitService {
  const { db } = deps;
  const given = deps.options ?? {};
  const options: Required<RateLimitOptions> = {
    writePerMinute: positiveInteger("writePerMinute", given.writePerMinute ?? RATE_LIMIT_DEFAULTS.writePerMinute),
    readPerMinute: positiveInteger("readPerMinute", given.readPerMinute ?? RATE_LIMIT_DEFAULTS.readPerMinute),
    metaCreatesPerHour: positiveInteger("metaCreatesPerHour", given.metaCreatesPerHour ?? RATE_LIMIT_DEFAULTS.metaCreatesPerHour),
    authFailuresPerMinute: positiveInteger("authFailuresPerMinute", given.authFailuresPerMinute ?? RATE_LIMIT_DEFAULTS.authFailuresPerMinute),
  };
  const defaultCapacity = (bucket: BucketClass): number => (bucket === "write" ? options.writePerMinute : options.readPerMinute);

  async function consume(organisationId: string, bucket: BucketClass): Promise<BucketDecision> {
    const taken = await takeToken(db, organisationId, bucket, defaultCapacity(bucket));
    if (taken !== undefined) return describeBucket(taken.capacity, taken.tokens, taken.now, true);
    const snapshot = await readBucket(db, organisationId, bucket, defaultCapacity(bucket));
    if (snapshot === undefined) {
      // takeToken writes a row for every existing organisation; no row means the organisation is gone.
      throw new DomainError("invalid_api_key", "The API key's organisation no longer exists.");
    }
    // As in takeToken: a raised limit adds its difference at once.
    const tokens = snapshot.tokens + Math.max(0, snapshot.capacity - snapshot.storedCapacity);
    const available = tokensAt({ tokens, at: snapshot.at }, snapshot.capacity, snapshot.now);
    return describeBucket(snapshot.capacity, available, snapshot.now, false);
  }

  async function reserveMetaCreateFor(wabaId: string): Promise<MetaCreateReservation> {
    const now = deps.now();
    const result = await reserveMetaCreate(db, wabaId, options.metaCreatesPerHour, META_BUDGET_WINDOW_MS, now);
    if (result.reserved) return { attemptId: result.attemptId };
    const retryAfter = Math.max(1, Math.ceil((result.freesAt.getTime() - now.getTime()) / 1000));
    throw new DomainError(
      "meta_rate_limited",
      `This WhatsApp Business Account has used Meta's budget of ${options.metaCreatesPerHour} template creates per hour. ` +
        `Meta was not called; retry after ${retryAfter} s.`,
      { headers: { "Retry-After": String(retryAfter) } },
    );
  }

  return {
    options,
    consume,
    setOrganisationLimits: (organisationId, limits) => setOrganisationLimits(db, organisationId, limits),
    reserveMetaCreate: reserveMetaCreateFor,
    authFailures: createAuthFailureGuard({ perMinute: options.authFailuresPerMinute, now: deps.now }),
    releaseMetaCreate: (reservation) => releaseMetaCreate(db, reservation.attemptId),
  };
}

/**
 * Whether a failed create counts against the WABA's budget. Only attempts that reached Meta's WABA count: not one
 * that never left (connection refused, DNS, TLS — `reachedMeta` false), nor one Meta refused for the caller's
 * credentials before looking at the WABA (190/102 token, 10 and 200–299 permission, 100/33 an object the token
 * cannot see). Otherwise an organisation holding a bogus token for someone else's WABA id could spend the real
 * owner's budget. Timeouts and 5xx may have landed on Meta: they count.
 */
export function createAttemptCounts(error: unknown): boolean {
  if (!(error instanceof MetaApiError)) return false; // failed on our side before or without any Meta answer
  if (!error.reachedMeta) return false;
  if (error.kind !== "graph" || error.code === undefined) return true;
  const code = error.code;
  if (code === 190 || code === 102 || code === 10 || (code >= 200 && code <= 299)) return false;
  return !(code === 100 && error.subcode === 33);
}

/**
 * The gateway, with every template create first counted against Meta's hourly per-WABA budget (refused with
 * 429 `meta_rate_limited` before any HTTP call when it is used up); an attempt that did not reach the WABA is
 * taken back (`createAttemptCounts`). Listing is not limited here.
 */
export function withMetaCreateBudget(
  gateway: MetaGateway,
  rateLimits: Pick<RateLimitService, "reserveMetaCreate" | "releaseMetaCreate">,
): MetaGateway {
  return {
    createTemplate: async (account, body) => {
      const reservation = await rateLimits.reserveMetaCreate(account.wabaId);
      try {
        return await gateway.createTemplate(account, body);
      } catch (error) {
        if (!createAttemptCounts(error)) await rateLimits.releaseMetaCreate(reservation).catch(() => undefined);
        throw error;
      }
    },
    listTemplates: (account, options) => gateway.listTemplates(account, options),
    ...(gateway.editTemplate !== undefined ? { editTemplate: gateway.editTemplate.bind(gateway) } : {}),
    ...(gateway.deleteTemplate !== undefined ? { deleteTemplate: gateway.deleteTemplate.bind(gateway) } : {}),
    ...(gateway.lookUpAccount !== undefined ? { lookUpAccount: gateway.lookUpAccount.bind(gateway) } : {}),
    ...(gateway.listLibraryTemplates !== undefined ? { listLibraryTemplates: gateway.listLibraryTemplates.bind(gateway) } : {}),
  };
}
