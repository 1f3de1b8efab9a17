import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { REFILL_WINDOW_SECONDS } from "./token-bucket.js";

export type BucketClass = "read" | "write";

export interface TakenToken {
  /** Capacity in force (tokens per minute). */
  capacity: number;
  /** Tokens left after this request (possibly fractional). */
  tokens: number;
  /** The database clock, epoch seconds. */
  now: number;
}

/**
 * Takes `count` tokens (one request's, or a lease of several: rate-limit.service.ts), atomically, in ONE statement:
 * the bucket row is created full (minus these) or refilled for the time since its last use and decremented, but
 * only WHERE at least `count` whole tokens are available. Row
 * locking of `INSERT … ON CONFLICT DO UPDATE` serialises concurrent requests from every instance, and the database
 * clock (`now()`) is the only clock, so instances with skewed clocks share one timeline.
 * Returns undefined when the bucket is empty (nothing written).
 *
 * The capacity is the organisation's own override or `defaultCapacity`, read in the same statement.
 */
export async function takeToken(
  db: Kysely<Database>,
  organisationId: string,
  bucket: BucketClass,
  defaultCapacity: number,
  count = 1,
): Promise<TakenToken | undefined> {
  const override =
    bucket === "write" ? sql.ref("o.rate_limit_write_per_minute") : sql.ref("o.rate_limit_read_per_minute");
  const window = sql.lit(REFILL_WINDOW_SECONDS);
  // Raising an organisation's limit adds the difference at once (the tokens already used stay used); lowering it
  // clamps to the new capacity. Refill since the last request at the current capacity per minute.
  const refilled = sql`LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.capacity - b.capacity) + GREATEST(0, extract(epoch FROM (excluded.updated_at - b.updated_at))::float8) * excluded.capacity / ${window})`;
  const result = await sql<{ capacity: number; tokens: number; now: number }>`
    WITH limits AS (
      SELECT COALESCE(${override}, ${defaultCapacity}::int)::float8 AS capacity FROM organisations o WHERE o.id = ${organisationId}
    )
    INSERT INTO rate_limit_buckets AS b (organisation_id, bucket, capacity, tokens, updated_at)
    SELECT ${organisationId}, ${bucket}, l.capacity, l.capacity - ${count}::float8, now() FROM limits l WHERE l.capacity >= ${count}
    ON CONFLICT (organisation_id, bucket) DO UPDATE SET
      capacity = excluded.capacity,
      tokens = ${refilled} - ${count}::float8,
      updated_at = GREATEST(b.updated_at, excluded.updated_at)
    WHERE ${refilled} >= ${count}
    RETURNING b.capacity, b.tokens, extract(epoch FROM now())::float8 AS now
  `.execute(db);
  return result.rows[0];
}

export interface BucketSnapshot {
  /** The capacity in force now. */
  capacity: number;
  /** The capacity the bucket was last used with. */
  storedCapacity: number;
  /** Stored tokens at `at`. */
  tokens: number;
  at: number;
  now: number;
}

/** The bucket as stored, with the capacity in force now (for the headers of a refused request). */
export async function readBucket(
  db: Kysely<Database>,
  organisationId: string,
  bucket: BucketClass,
  defaultCapacity: number,
): Promise<BucketSnapshot | undefined> {
  const override =
    bucket === "write" ? sql.ref("o.rate_limit_write_per_minute") : sql.ref("o.rate_limit_read_per_minute");
  const result = await sql<BucketSnapshot>`
    SELECT COALESCE(${override}, ${defaultCapacity}::int)::float8 AS capacity,
           b.capacity AS "storedCapacity",
           b.tokens,
           extract(epoch FROM b.updated_at)::float8 AS at,
           extract(epoch FROM now())::float8 AS now
    FROM rate_limit_buckets b JOIN organisations o ON o.id = b.organisation_id
    WHERE b.organisation_id = ${organisationId} AND b.bucket = ${bucket}
  `.execute(db);
  return result.rows[0];
}

export async function setOrganisationLimits(
  db: Kysely<Database>,
  organisationId: string,
  limits: { writePerMinute?: number | null; readPerMinute?: number | null },
): Promise<void> {
  await db
    .updateTable("organisations")
    .set({
      ...(limits.writePerMinute !== undefined ? { rate_limit_write_per_minute: limits.writePerMinute } : {}),
      ...(limits.readPerMinute !== undefined ? { rate_limit_read_per_minute: limits.readPerMinute } : {}),
    })
    .where("id", "=", organisationId)
    .execute();
}

export type MetaBudgetResult = { reserved: true; attemptId: number } | { reserved: false; freesAt: Date };

/**
 * Records one template create for `wabaId` if fewer than `budget` were recorded in the hour before `now`.
 * Serialised per WABA with a transaction-scoped advisory lock (count-then-insert is not atomic by itself), so
 * concurrent creates on any instance cannot overshoot. Rows older than the window are deleted on the way. One call of
 * `reserve_meta_create` (migration 2026_12_03_000901): one round trip and one commit.
 */
export async function reserveMetaCreate(
  db: Kysely<Database>,
  wabaId: string,
  budget: number,
  windowMs: number,
  now: Date,
): Promise<MetaBudgetResult> {
  const windowStart = new Date(now.getTime() - windowMs);
  const { rows } = await sql<{ attempt_id: string | number | null; freeing_at: Date | null }>`
    SELECT attempt_id, freeing_at FROM reserve_meta_create(${wabaId}, ${budget}::int, ${windowStart}, ${now})`.execute(
    db,
  );
  return metaBudgetResult(rows[0], windowMs, now);
}

/**
 * What `reserve_meta_create` answered (its one row, or none), for this function and for a statement that calls it
 * beside other reads (the create's first statement, templates/template.repository.ts).
 */
export function metaBudgetResult(
  row: { attempt_id: string | number | null; freeing_at: Date | null } | undefined,
  windowMs: number,
  now: Date,
): MetaBudgetResult {
  if (row !== undefined && row.attempt_id !== null) return { reserved: true, attemptId: Number(row.attempt_id) };
  // The slot frees when enough of the oldest attempts have left the window to bring the count below budget.
  const oldest = row?.freeing_at ?? now;
  return { reserved: false, freesAt: new Date(oldest.getTime() + windowMs) };
}

/** Takes back a recorded attempt that never reached Meta (it does not count against the WABA's budget). */
export async function releaseMetaCreate(db: Kysely<Database>, attemptId: number): Promise<void> {
  await db.deleteFrom("meta_create_attempts").where("id", "=", attemptId).execute();
}
