/** `scheduled_sync_slots`: which instance enqueues an account's sync of one interval. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Inserts the slot; true when this call won it (the key did not exist). */
export async function claimSyncSlot(db: Db, key: string): Promise<boolean> {
  const won = await db
    .insertInto("scheduled_sync_slots")
    .values({ key })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("key")
    .executeTakeFirst();
  return won !== undefined;
}

export async function deleteSyncSlotsClaimedBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom("scheduled_sync_slots").where("claimed_at", "<", before).execute();
}
