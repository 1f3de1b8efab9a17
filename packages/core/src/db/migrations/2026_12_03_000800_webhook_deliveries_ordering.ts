import { sql } from "kysely";
import type { Kysely } from "kysely";

// The delivery claim's per-template ordering check ("no earlier pending delivery with this ordering key") becomes
// one index probe instead of a scan of every pending delivery of the subscription (docs/benchmarks.md, 5.).
// Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX webhook_deliveries_pending_ordering ON webhook_deliveries (subscription_id, ordering_key, seq) WHERE state = 'pending'`.execute(
    db,
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX webhook_deliveries_pending_ordering`.execute(db);
}
