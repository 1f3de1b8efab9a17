import { sql } from "kysely";
import type { Kysely } from "kysely";

// Frozen in time: never import application code here.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("organisations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("is_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // At most one demo organisation (seedDemo is idempotent through it).
  await sql`CREATE UNIQUE INDEX organisations_one_demo ON organisations (is_demo) WHERE is_demo`.execute(db);

  await db.schema
    .createTable("customers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("customers_organisation_id").on("customers").column("organisation_id").execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("api_keys_organisation_id").on("api_keys").column("organisation_id").execute();

  await db.schema
    .createTable("whatsapp_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id").onDelete("cascade"))
    .addColumn("customer_id", "text", (c) => c.references("customers.id").onDelete("set null"))
    .addColumn("phone_number_id", "text", (c) => c.notNull().unique())
    .addColumn("display_phone_number", "text")
    .addColumn("name", "text")
    .addColumn("waba_id", "text", (c) => c.notNull())
    .addColumn("access_token", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("connected")
        .check(sql`status IN ('connected', 'disconnected')`),
    )
    .addColumn("templates_synced_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("whatsapp_accounts_organisation_id")
    .on("whatsapp_accounts")
    .columns(["organisation_id", "created_at"])
    .execute();

  await db.schema
    .createTable("templates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("whatsapp_accounts.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('pending', 'approved', 'rejected')`))
    .addColumn("meta_status", "text", (c) => c.notNull())
    .addColumn("provider_template_id", "text")
    .addColumn("components", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("content", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("variables", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("parameter_format", "text")
    .addColumn("rejected_reason", "text")
    .addColumn("quality_score", "text")
    .addColumn("previous_category", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_synced_at", "timestamptz")
    .addUniqueConstraint("templates_account_name_language", ["account_id", "name", "language"])
    .execute();
  await sql`CREATE UNIQUE INDEX templates_account_provider_id ON templates (account_id, provider_template_id) WHERE provider_template_id IS NOT NULL`.execute(
    db,
  );
  // Serves the list keyset: WHERE account_id = ? [AND status = ?] [AND language = ?] ORDER BY created_at DESC, id DESC.
  await db.schema
    .createIndex("templates_account_keyset")
    .on("templates")
    .columns(["account_id", "created_at", "id"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("templates").ifExists().execute();
  await db.schema.dropTable("whatsapp_accounts").ifExists().execute();
  await db.schema.dropTable("api_keys").ifExists().execute();
  await db.schema.dropTable("customers").ifExists().execute();
  await db.schema.dropTable("organisations").ifExists().execute();
}
