import { sql } from "kysely";
import type { Kysely } from "kysely";

// The request buckets are written on every lease (every POST at the default limits): as an UNLOGGED table their
// commits write no WAL and so never wait for a WAL flush. What that gives up: a PostgreSQL crash (not a clean restart,
// not an API restart) empties the table, so every bucket starts full again once, and standbys do not have it (after a
// failover, the same). Meta's create budget (meta_create_attempts) stays logged: its reservation must survive a crash.
// Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE rate_limit_buckets SET UNLOGGED`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE rate_limit_buckets SET LOGGED`.execute(db);
}
