import { sql } from "kysely";
import type { Kysely } from "kysely";

// Frozen in time: never import application code here.

/**
 * Idempotency keys, scoped to an organisation. A row is a claim (`in_progress`) until the request finishes, then
 * the stored answer (`completed`). Shared by every instance through the database, never held in process memory.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("idempotency_keys")
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    // Identifies one claim, so a finishing request never completes or releases a claim that replaced its own.
    .addColumn("claim_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('in_progress', 'completed')`))
    .addColumn("response_status", "integer")
    .addColumn("response_headers", "jsonb")
    .addColumn("response_body", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    // An in_progress claim older than this is abandoned (its instance died) and may be taken over.
    .addColumn("locked_until", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pkey", ["organisation_id", "key"])
    .execute();
  await db.schema.createIndex("idempotency_keys_expires_at").on("idempotency_keys").column("expires_at").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("idempotency_keys").ifExists().execute();
}
