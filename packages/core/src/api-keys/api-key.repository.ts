import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
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
