import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { ApiKeyRow, NewApiKeyRow } from "./api-key.table.js";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertApiKey(db: Db, row: NewApiKeyRow): Promise<ApiKeyRow> {
  return db.insertInto("api_keys").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
}

/** Makes an existing key usable again (clears revocation/expiry). */
export async function reactivateApiKey(db: Db, id: string): Promise<void> {
  await db.updateTable("api_keys").set({ revoked_at: null, expires_at: null }).where("id", "=", id).execute();
}

export async function listOrganisationApiKeys(db: Db, organisationId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** Sets `revoked_at` (keeping an earlier revocation time); `undefined` when no key has this id. */
export async function revokeApiKey(db: Db, id: string, now: Date): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable("api_keys")
    .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", eb.val(now)) }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** The key with its organisation's name and own rate limits (`GET /v1/me`); scoped to the organisation. */
export async function findApiKeyWithOrganisation(db: Db, apiKeyId: string, organisationId: string) {
  return db
    .selectFrom("api_keys")
    .innerJoin("organisations", "organisations.id", "api_keys.organisation_id")
    .select([
      "api_keys.id as key_id",
      "api_keys.label as key_label",
      "api_keys.last4 as key_last4",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
      "organisations.rate_limit_write_per_minute",
      "organisations.rate_limit_read_per_minute",
    ])
    .where("api_keys.id", "=", apiKeyId)
    .where("api_keys.organisation_id", "=", organisationId)
    .executeTakeFirst();
}
