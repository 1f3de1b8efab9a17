import { sql } from "kysely";
import type { Kysely } from "kysely";

// Meta's create budget (platform/rate-limits): the count-then-insert under the per-WABA advisory lock in ONE call, so
// a create spends one round trip and one commit on it instead of BEGIN, lock, DELETE, SELECT, INSERT and COMMIT.
// Each statement of a VOLATILE plpgsql function takes a fresh snapshot (READ COMMITTED), so the count after the lock
// sees every reservation committed before it. Same lock key as before: old and new instances serialise together.
// Returns the new attempt's id, or (no id) the attempted_at of the attempt whose leaving frees a slot. Frozen in time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION reserve_meta_create(p_waba_id text, p_budget integer, p_window_start timestamptz, p_now timestamptz)
    RETURNS TABLE (attempt_id bigint, freeing_at timestamptz) LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      in_window integer;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('kirim:meta_create:' || p_waba_id));
      DELETE FROM meta_create_attempts WHERE waba_id = p_waba_id AND attempted_at <= p_window_start;
      SELECT count(*) INTO in_window FROM meta_create_attempts WHERE waba_id = p_waba_id;
      IF in_window >= p_budget THEN
        RETURN QUERY SELECT NULL::bigint, a.attempted_at FROM meta_create_attempts a
          WHERE a.waba_id = p_waba_id ORDER BY a.attempted_at ASC OFFSET in_window - p_budget LIMIT 1;
        RETURN;
      END IF;
      RETURN QUERY INSERT INTO meta_create_attempts (waba_id, attempted_at) VALUES (p_waba_id, p_now)
        RETURNING meta_create_attempts.id, NULL::timestamptz;
    END $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION reserve_meta_create(text, integer, timestamptz, timestamptz)`.execute(db);
}
