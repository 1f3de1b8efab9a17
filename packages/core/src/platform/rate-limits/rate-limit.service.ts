import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import type { MetaGateway } from "../../meta/types.js";
import { MetaApiError } from "../../meta/meta-api-error.js";
import {
  readBucket,
  releaseMetaCreate,
  reserveMetaCreate,
  setOrganisationLimits,
  takeToken,
} from "./rate-limit.repository.js";
import type { BucketClass } from "./rate-limit.repository.js";
import { createAuthFailureGuard } from "./auth-failure-guard.js";
import type { AuthFailureGuard } from "./auth-failure-guard.js";
import { describeBucket, tokensAt } from "./token-bucket.js";
import type { BucketDecision, BucketState } from "./token-bucket.js";

export interface RateLimitOptions {
  /** Default write bucket (POST, PUT, PATCH, DELETE) per organisation, requests per minute. Default 60 (Kirimdev). */
  writePerMinute?: number;
  /** Default read bucket (GET, HEAD) per organisation, requests per minute. Default 600 (Kirimdev). */
  readPerMinute?: number;
  /** Template creates Meta accepts per WABA in a rolling hour. Default 100 (Meta's documented limit). */
  metaCreatesPerHour?: number;
  /** Failed authentications (401s) per client address and minute before its requests get 429. Default 20. */
  authFailuresPerMinute?: number;
  /**
   * Tokens an instance takes from the shared bucket at once, as this many milliseconds of the bucket's rate
   * (`leaseSize`): 100 ms → one token at a time below 1,200 a minute (exact, as before), a lease of up to
   * `MAX_LEASE_TOKENS` above. Each instance holds at most lease − 1 tokens, so N instances admit at most
   * N × (lease − 1) more than one bucket would in any window. 0 = never lease. Default 100.
   */
  leaseMs?: number;
}

export const RATE_LIMIT_DEFAULTS = {
  writePerMinute: 60,
  readPerMinute: 600,
  metaCreatesPerHour: 100,
  authFailuresPerMinute: 20,
  leaseMs: 100,
} as const satisfies Required<RateLimitOptions>;

/** The largest lease, whatever the rate: bounds what one instance can hold. */
export const MAX_LEASE_TOKENS = 100;

/** Tokens taken per statement for a bucket of `capacity` a minute: `leaseMs` of its rate, 1 to MAX_LEASE_TOKENS. */
export function leaseSize(capacity: number, leaseMs: number): number {
  return Math.max(1, Math.min(MAX_LEASE_TOKENS, Math.floor((capacity * leaseMs) / 60_000)));
}

/** Meta's create budget is per rolling hour. */
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
  setOrganisationLimits(
    organisationId: string,
    limits: { writePerMinute?: number | null; readPerMinute?: number | null },
  ): Promise<void>;
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
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`rate limits: ${name} must be an integer ≥ 1 (got ${value})`);
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
    metaCreatesPerHour: positiveInteger(
      "metaCreatesPerHour",
      given.metaCreatesPerHour ?? RATE_LIMIT_DEFAULTS.metaCreatesPerHour,
    ),
    authFailuresPerMinute: positiveInteger(
      "authFailuresPerMinute",
      given.authFailuresPerMinute ?? RATE_LIMIT_DEFAULTS.authFailuresPerMinute,
    ),
    leaseMs: given.leaseMs ?? RATE_LIMIT_DEFAULTS.leaseMs,
  };
  if (!Number.isInteger(options.leaseMs) || options.leaseMs < 0)
    throw new Error(`rate limits: leaseMs must be an integer ≥ 0 (got ${options.leaseMs})`);
  const defaultCapacity = (bucket: BucketClass): number =>
    bucket === "write" ? options.writePerMinute : options.readPerMinute;

  /**
   * Tokens this instance took from a shared bucket ahead of its requests (only when the lease is > 1 token). `shared`
   * is what the bucket held after the lease, at the database clock `at`; `takenAtMs` the local clock then.
   */
  interface Lease {
    held: number;
    capacity: number;
    shared: BucketState;
    takenAtMs: number;
  }
  const leases = new Map<string, Lease>();
  /** The capacity last seen per bucket, to size the next lease (the first request of a bucket takes one token). */
  const capacities = new Map<string, number>();
  /** One lease statement in flight per bucket and instance; other requests wait for it instead of leasing too. */
  const leasing = new Map<string, Promise<void>>();

  function spend(lease: Lease): BucketDecision {
    lease.held -= 1;
    const now = lease.shared.at + (deps.now().getTime() - lease.takenAtMs) / 1000;
    return describeBucket(lease.capacity, tokensAt(lease.shared, lease.capacity, now) + lease.held, now, true);
  }

  async function consume(organisationId: string, bucket: BucketClass): Promise<BucketDecision> {
    const key = `${bucket}:${organisationId}`;
    for (;;) {
      const lease = leases.get(key);
      // A lease is `leaseMs` of the bucket's rate and lives that long: tokens it still holds after that are dropped
      // (never handed out late), so a limit changed by another instance applies here within `leaseMs`.
      if (lease !== undefined && lease.held > 0 && deps.now().getTime() - lease.takenAtMs <= options.leaseMs)
        return spend(lease);
      const count = leaseSize(capacities.get(key) ?? 1, options.leaseMs);
      if (count <= 1) break;
      const inFlight = leasing.get(key);
      if (inFlight !== undefined) {
        await inFlight;
        continue;
      }
      let decision: BucketDecision | undefined;
      const request = (async () => {
        const taken = await takeToken(db, organisationId, bucket, defaultCapacity(bucket), count);
        if (taken === undefined) return; // fewer than `count` left: one token at a time from here (below)
        capacities.set(key, taken.capacity);
        const next: Lease = {
          held: count,
          capacity: taken.capacity,
          shared: { tokens: taken.tokens, at: taken.now },
          takenAtMs: deps.now().getTime(),
        };
        leases.set(key, next);
        decision = spend(next);
      })();
      leasing.set(key, request);
      try {
        await request;
      } finally {
        leasing.delete(key);
      }
      if (decision !== undefined) return decision;
      break;
    }
    const taken = await takeToken(db, organisationId, bucket, defaultCapacity(bucket));
    if (taken !== undefined) {
      capacities.set(key, taken.capacity);
      return describeBucket(taken.capacity, taken.tokens, taken.now, true);
    }
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
    throw metaCreateRefusal(options.metaCreatesPerHour, result.freesAt, now);
  }

  return {
    options,
    consume,
    setOrganisationLimits: async (organisationId, limits) => {
      await setOrganisationLimits(db, organisationId, limits);
      // The new limit applies to this instance's next request, not after its current leases run out.
      for (const bucket of ["read", "write"] as const) {
        leases.delete(`${bucket}:${organisationId}`);
        capacities.delete(`${bucket}:${organisationId}`);
      }
    },
    reserveMetaCreate: reserveMetaCreateFor,
    authFailures: createAuthFailureGuard({ perMinute: options.authFailuresPerMinute, now: deps.now }),
    releaseMetaCreate: (reservation) => releaseMetaCreate(db, reservation.attemptId),
  };
}

/** The 429 for a WABA whose budget is used up; Meta was not called. */
export function metaCreateRefusal(perHour: number, freesAt: Date, now: Date): DomainError {
  const retryAfter = Math.max(1, Math.ceil((freesAt.getTime() - now.getTime()) / 1000));
  return new DomainError(
    "meta_rate_limited",
    `This WhatsApp Business Account has used Meta's budget of ${perHour} template creates per hour. ` +
      `Meta was not called; retry after ${retryAfter} s.`,
    { headers: { "Retry-After": String(retryAfter) } },
  );
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
  rateLimits: Pick<RateLimitService, "options" | "reserveMetaCreate" | "releaseMetaCreate">,
): MetaGateway {
  const budget = createMetaCreateBudget(gateway, rateLimits);
  return {
    createTemplate: async (account, body) =>
      budget.createTemplate(await rateLimits.reserveMetaCreate(account.wabaId), account, body),
    listTemplates: (account, options) => gateway.listTemplates(account, options),
    ...(gateway.editTemplate !== undefined ? { editTemplate: gateway.editTemplate.bind(gateway) } : {}),
    ...(gateway.deleteTemplate !== undefined ? { deleteTemplate: gateway.deleteTemplate.bind(gateway) } : {}),
    ...(gateway.lookUpAccount !== undefined ? { lookUpAccount: gateway.lookUpAccount.bind(gateway) } : {}),
    ...(gateway.listLibraryTemplates !== undefined
      ? { listLibraryTemplates: gateway.listLibraryTemplates.bind(gateway) }
      : {}),
  };
}

/**
 * Meta's create budget for a caller that takes the reservation in a statement of its own: the template create's first
 * read does, in the same round trip (`reserve_meta_create` beside the account, templates/template.repository.ts).
 * The same rules as `withMetaCreateBudget`, which is built on it: the reservation is taken before Meta is called, and
 * given back when the attempt did not reach the WABA (`createAttemptCounts`) or the create stopped before Meta.
 */
export interface MetaCreateBudget {
  readonly perHour: number;
  readonly windowMs: number;
  /** The 429 for a full budget (`reserve_meta_create` answered no attempt): thrown before Meta is called. */
  refusal(freesAt: Date, now: Date): DomainError;
  /** Meta's create on a reservation already taken, never a second one; given back if the attempt does not count. */
  createTemplate(
    reservation: MetaCreateReservation,
    account: Parameters<MetaGateway["createTemplate"]>[0],
    body: Parameters<MetaGateway["createTemplate"]>[1],
  ): ReturnType<MetaGateway["createTemplate"]>;
  /** Gives back the reservation of a create refused before Meta was called. Never throws: the refusal is the answer. */
  release(reservation: MetaCreateReservation): Promise<void>;
}

/** `gateway` must be the undecorated one: a create through this budget is reserved by its caller, not again here. */
export function createMetaCreateBudget(
  gateway: MetaGateway,
  rateLimits: Pick<RateLimitService, "options" | "releaseMetaCreate">,
): MetaCreateBudget {
  const release = (reservation: MetaCreateReservation): Promise<void> =>
    rateLimits.releaseMetaCreate(reservation).catch(() => undefined);
  return {
    perHour: rateLimits.options.metaCreatesPerHour,
    windowMs: META_BUDGET_WINDOW_MS,
    refusal: (freesAt, now) => metaCreateRefusal(rateLimits.options.metaCreatesPerHour, freesAt, now),
    createTemplate: async (reservation, account, body) => {
      try {
        return await gateway.createTemplate(account, body);
      } catch (error) {
        if (!createAttemptCounts(error)) await release(reservation);
        throw error;
      }
    },
    release,
  };
}
