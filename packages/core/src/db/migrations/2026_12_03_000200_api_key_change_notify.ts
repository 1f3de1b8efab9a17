import { sql } from "kysely";
import type { Kysely } from "kysely";

// API keys cached in process (platform/api-keys/api-key.cache.ts): every change to a key row — revocation, expiry,
// reactivation, deletion (an organisation's cascade too) — notifies `api_key_changed` with the key's hash, on
// commit, whatever wrote it (the API, the CLI, an operator's psql). Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('api_key_changed', OLD.key_hash);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER api_keys_notify_change AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER api_keys_notify_change ON api_keys`.execute(db);
  await sql`DROP FUNCTION notify_api_key_changed()`.execute(db);
}
