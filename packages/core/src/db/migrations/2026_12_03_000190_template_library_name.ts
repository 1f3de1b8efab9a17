import type { Kysely } from "kysely";

// Template Library creates (issue 16): the library template a template was created from. Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("templates").addColumn("library_template_name", "text").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("templates").dropColumn("library_template_name").execute();
}
