import { Migrator } from "kysely";
import type { Kysely, Migration, MigrationProvider, MigrationResultSet } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
type AnyDb = Kysely<any>;
import * as m001 from "./migrations/2026_11_23_000001_create_core_tables.js";
import * as m010 from "./migrations/2026_11_23_000010_create_idempotency_keys.js";
import * as m011 from "./migrations/2026_11_23_000011_create_rate_limits.js";
import * as m030 from "./migrations/2026_11_23_000030_encrypted_access_tokens.js";
import * as m050 from "./migrations/2026_11_23_000050_template_lifecycle.js";
import * as m170 from "./migrations/2026_12_02_000170_webhook_subscriptions.js";
import * as m190 from "./migrations/2026_12_03_000190_template_library_name.js";
import * as m200 from "./migrations/2026_12_03_000200_api_key_change_notify.js";
import * as m221 from "./migrations/2026_12_03_000221_template_content_hash.js";
import * as m800 from "./migrations/2026_12_03_000800_webhook_deliveries_ordering.js";
import * as m901 from "./migrations/2026_12_03_000901_meta_create_reserve_function.js";
import * as m1000 from "./migrations/2026_12_03_001000_template_wire_text.js";

/** In-code provider: works identically from `src` (vitest) and `dist` (node), no filesystem scanning. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "2026_11_23_000001_create_core_tables": m001,
  "2026_11_23_000010_create_idempotency_keys": m010,
  "2026_11_23_000011_create_rate_limits": m011,
  "2026_11_23_000030_encrypted_access_tokens": m030,
  "2026_11_23_000050_template_lifecycle": m050,
  "2026_12_02_000170_webhook_subscriptions": m170,
  "2026_12_03_000190_template_library_name": m190,
  "2026_12_03_000200_api_key_change_notify": m200,
  "2026_12_03_000221_template_content_hash": m221,
  "2026_12_03_000800_webhook_deliveries_ordering": m800,
  "2026_12_03_000901_meta_create_reserve_function": m901,
  "2026_12_03_001000_template_wire_text": m1000,
});

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};

export function createMigrator(db: AnyDb): Migrator {
  return new Migrator({ db, provider });
}

/**
 * Applies every pending migration. Unlike Kysely's `Migrator.migrateToLatest` this throws on failure
 * (with the failed migration's name); on success it returns the per-migration results (empty when up to date).
 */
export async function migrateToLatest(db: AnyDb): Promise<NonNullable<MigrationResultSet["results"]>> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(
      `Migration ${failed ?? "(unknown)"} failed: ${error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return results ?? [];
}
