import { sql } from "kysely";
import type { Kysely } from "kysely";

// Frozen in time: never import application code here.

/**
 * Rate limits: per-organisation overrides of the request buckets, the buckets themselves (one row per
 * organisation and class, shared by every instance), and the log of template-create attempts per WABA that
 * tracks Meta's own hourly budget.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  // NULL = the server-wide default (RATE_LIMIT_WRITE_PER_MINUTE / RATE_LIMIT_READ_PER_MINUTE).
  await db.schema
    .alterTable("organisations")
    .addColumn("rate_limit_write_per_minute", "integer", (c) => c.check(sql`rate_limit_write_per_minute >= 1`))
    .execute();
  await db.schema
    .alterTable("organisations")
    .addColumn("rate_limit_read_per_minute", "integer", (c) => c.check(sql`rate_limit_read_per_minute >= 1`))
    .execute();

  await db.schema
    .createTable("rate_limit_buckets")
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("bucket", "text", (c) => c.notNull().check(sql`bucket IN ('read', 'write')`))
    .addColumn("capacity", "double precision", (c) => c.notNull())
    .addColumn("tokens", "double precision", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limit_buckets_pkey", ["organisation_id", "bucket"])
    .execute();

  await db.schema
    .createTable("meta_create_attempts")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("waba_id", "text", (c) => c.notNull())
    .addColumn("attempted_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("meta_create_attempts_waba")
    .on("meta_create_attempts")
    .columns(["waba_id", "attempted_at"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("meta_create_attempts").ifExists().execute();
  await db.schema.dropTable("rate_limit_buckets").ifExists().execute();
  await db.schema.alterTable("organisations").dropColumn("rate_limit_read_per_minute").execute();
  await db.schema.alterTable("organisations").dropColumn("rate_limit_write_per_minute").execute();
}
