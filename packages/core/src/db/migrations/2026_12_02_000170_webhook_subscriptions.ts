import { sql } from "kysely";
import type { Kysely } from "kysely";

// Outbound webhooks (issue 17). Frozen in time: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webhook_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "jsonb", (c) => c.notNull())
    .addColumn("phone_number_ids", "jsonb")
    .addColumn("description", "text")
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("disabled_reason", "text")
    .addColumn("disabled_at", "timestamptz")
    .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
    // Signing secrets encrypted like Meta tokens (AES-256-GCM, `v1:<key_id>:…`).
    .addColumn("secret_encrypted", "text", (c) => c.notNull())
    .addColumn("previous_secret_encrypted", "text")
    .addColumn("previous_secret_expires_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_subscriptions_org")
    .on("webhook_subscriptions")
    .columns(["organisation_id", "created_at", "id"])
    .execute();

  // The outbox: one row per event, written in the transaction of the change it describes.
  await db.schema
    .createTable("webhook_out_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per (event, subscription): the unit of delivery, retried on its own schedule.
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigserial", (c) => c.notNull().unique())
    .addColumn("subscription_id", "text", (c) => c.notNull().references("webhook_subscriptions.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull().references("webhook_out_events.id").onDelete("cascade"))
    // Events with one ordering key (a template) go out in `seq` order per subscription.
    .addColumn("ordering_key", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state IN ('pending', 'delivered', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    .addColumn("locked_until", "timestamptz")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX webhook_deliveries_event_subscription ON webhook_deliveries (event_id, subscription_id)`.execute(
    db,
  );
  await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (subscription_id, seq) WHERE state = 'pending'`.execute(
    db,
  );
  await sql`CREATE INDEX webhook_deliveries_next ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable("webhook_delivery_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
    .addColumn("subscription_id", "text", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("attempted_at", "timestamptz", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("next_retry_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("webhook_delivery_attempts_log")
    .on("webhook_delivery_attempts")
    .columns(["subscription_id", "attempted_at", "id"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_delivery_attempts").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_out_events").execute();
  await db.schema.dropTable("webhook_subscriptions").execute();
}
