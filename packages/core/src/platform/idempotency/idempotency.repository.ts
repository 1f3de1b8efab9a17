import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import type { IdempotencyKeyRow } from "./idempotency.table.js";

export interface NewClaim {
  organisationId: string;
  key: string;
  fingerprint: string;
  claimId: string;
  now: Date;
  lockedUntil: Date;
  expiresAt: Date;
}

/**
 * Claims a key: one `INSERT … ON CONFLICT DO NOTHING` in its own (implicit, single-statement) transaction, so
 * of any number of concurrent claimers on any number of instances exactly one gets the row back.
 */
export async function insertClaim(db: Kysely<Database>, claim: NewClaim): Promise<boolean> {
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      organisation_id: claim.organisationId,
      key: claim.key,
      fingerprint: claim.fingerprint,
      claim_id: claim.claimId,
      state: "in_progress",
      response_status: null,
      response_body: null,
      created_at: claim.now,
      locked_until: claim.lockedUntil,
      expires_at: claim.expiresAt,
    })
    .onConflict((oc) => oc.columns(["organisation_id", "key"]).doNothing())
    .returning("claim_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findKey(
  db: Kysely<Database>,
  organisationId: string,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("key", "=", key)
    .executeTakeFirst();
}

/**
 * Deletes the row if it is dead: expired, or an in-progress claim whose lock ran out (its instance died).
 * The condition is re-checked in the DELETE itself, so a row that a concurrent request just re-claimed survives.
 */
export async function deleteIfDead(
  db: Kysely<Database>,
  organisationId: string,
  key: string,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("organisation_id", "=", organisationId)
    .where("key", "=", key)
    .where((eb) =>
      eb.or([eb("expires_at", "<=", now), eb.and([eb("state", "=", "in_progress"), eb("locked_until", "<=", now)])]),
    )
    .execute();
}

export interface StoredResponseValues {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Records the answer on the claim; false when the claim is no longer ours (taken over after its lock ran out). */
export async function completeClaim(
  db: Kysely<Database>,
  organisationId: string,
  key: string,
  claimId: string,
  response: StoredResponseValues,
): Promise<boolean> {
  const result = await db
    .updateTable("idempotency_keys")
    .set({
      state: "completed",
      response_status: response.status,
      response_headers: JSON.stringify(response.headers),
      response_body: response.body,
    })
    .where("organisation_id", "=", organisationId)
    .where("key", "=", key)
    .where("claim_id", "=", claimId)
    .where("state", "=", "in_progress")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteClaim(
  db: Kysely<Database>,
  organisationId: string,
  key: string,
  claimId: string,
): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("organisation_id", "=", organisationId)
    .where("key", "=", key)
    .where("claim_id", "=", claimId)
    .where("state", "=", "in_progress")
    .execute();
}

/** Removes every expired row (any organisation); returns how many. Served by the `expires_at` index. */
export async function purgeExpiredKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
