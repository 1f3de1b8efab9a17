import { sql } from "kysely";
import type { Kysely } from "kysely";

// Issue 19: "did Meta change this template's components?" becomes a comparison of 32 bytes instead of two jsonb
// documents. Computed by PostgreSQL from jsonb's canonical form (keys sorted and de-duplicated, fixed spacing: the
// same equality the sync's `IS DISTINCT FROM` on `components` used), so it is true for every write path — create,
// edit, webhooks, sync — by construction, and ADD COLUMN backfills existing rows. Not for security: change detection.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("templates")
    .addColumn("content_hash", "bytea", (c) =>
      c
        .notNull()
        .generatedAlwaysAs(sql`sha256(jsonb_send(components))`)
        .stored(),
    )
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("templates").dropColumn("content_hash").execute();
}
