import { sql } from "kysely";
import type { Kysely } from "kysely";

// Frozen in time: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  // What a template shows beyond the seed, and the per-field clocks the webhook guards compare event times with
  // (a quality event must not be refused because the status changed later, so each field has its own clock).
  await db.schema
    .alterTable("templates")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("rejection_info", "jsonb")
    .addColumn("status_info", "jsonb")
    .addColumn("pending_category", "text")
    .addColumn("pending_category_at", "timestamptz")
    .addColumn("last_synced_via", "text")
    .addColumn("status_changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("category_changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("quality_changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("components_changed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`UPDATE templates SET status_changed_at = updated_at, category_changed_at = updated_at,
    quality_changed_at = updated_at, components_changed_at = updated_at`.execute(db);

  await db.schema
    .createTable("template_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("template_id", "text", (c) => c.notNull().references("templates.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind IN ('status', 'category', 'category_notice', 'quality', 'components')`),
    )
    .addColumn("from_value", "text")
    .addColumn("to_value", "text")
    .addColumn("reason", "text")
    .addColumn("detail", "jsonb")
    .addColumn("source", "text", (c) =>
      c.notNull().check(sql`source IN ('create', 'sync', 'webhook', 'edit', 'delete')`),
    )
    .addColumn("source_id", "text")
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Serves the history keyset: WHERE template_id IN (…) ORDER BY created_at DESC, id DESC.
  await db.schema
    .createIndex("template_events_template_keyset")
    .on("template_events")
    .columns(["template_id", "created_at", "id"])
    .execute();

  await db.schema
    .createTable("template_sync_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("whatsapp_accounts.id").onDelete("cascade"))
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('running', 'succeeded', 'failed')`))
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("heartbeat_at", "timestamptz", (c) => c.notNull())
    .addColumn("finished_at", "timestamptz")
    .addColumn("pages", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("synced", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("unchanged", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("removed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .execute();
  // At most one running sync per account, in every process: the insert that loses this race joins the winner.
  await sql`CREATE UNIQUE INDEX template_sync_runs_one_running ON template_sync_runs (account_id) WHERE status = 'running'`.execute(
    db,
  );
  await db.schema
    .createIndex("template_sync_runs_account_keyset")
    .on("template_sync_runs")
    .columns(["account_id", "started_at", "id"])
    .execute();

  await db.schema
    .createTable("webhook_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("waba_id", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("event_time", "timestamptz", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('pending', 'applied', 'ignored', 'failed')`))
    .addColumn("outcome", "text")
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("processed_at", "timestamptz")
    .execute();
  // One row per (account, interval slot) of the scheduled sync: the instance whose insert wins enqueues that sync,
  // so N instances with the scheduler on still sync each account once per interval.
  await db.schema
    .createTable("scheduled_sync_slots")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("claimed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("webhook_events_pending")
    .on("webhook_events")
    .columns(["state", "received_at"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("scheduled_sync_slots").ifExists().execute();
  await db.schema.dropTable("webhook_events").ifExists().execute();
  await db.schema.dropTable("template_sync_runs").ifExists().execute();
  await db.schema.dropTable("template_events").ifExists().execute();
  await db.schema
    .alterTable("templates")
    .dropColumn("deleted_at")
    .dropColumn("rejection_info")
    .dropColumn("status_info")
    .dropColumn("pending_category")
    .dropColumn("pending_category_at")
    .dropColumn("last_synced_via")
    .dropColumn("status_changed_at")
    .dropColumn("category_changed_at")
    .dropColumn("quality_changed_at")
    .dropColumn("components_changed_at")
    .execute();
}
