import { sql } from "kysely";
import type { Kysely } from "kysely";

// Issue 19: a REST list page sends each template's wire JSON as it was last rendered (templates/template-wire-text.ts)
// instead of reading, mapping and serialising every row per request. `wire_text_key` names what the text was
// rendered from (the renderer's fingerprint and the account's fields); `wire_text` is the text. The trigger
// forgets both on every UPDATE that writes neither (a new text, or the same text under a new key), whatever wrote the
// row (sync, create, edit, webhooks, an operator's psql), so a stored text is never older than its row. Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("templates").addColumn("wire_text_key", "text").addColumn("wire_text", "text").execute();
  await sql`
    CREATE FUNCTION templates_forget_wire_text() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.wire_text IS NOT DISTINCT FROM OLD.wire_text AND NEW.wire_text_key IS NOT DISTINCT FROM OLD.wire_text_key THEN
        NEW.wire_text_key := NULL;
        NEW.wire_text := NULL;
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER templates_forget_wire_text BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION templates_forget_wire_text()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER templates_forget_wire_text ON templates`.execute(db);
  await sql`DROP FUNCTION templates_forget_wire_text()`.execute(db);
  await db.schema.alterTable("templates").dropColumn("wire_text").dropColumn("wire_text_key").execute();
}
