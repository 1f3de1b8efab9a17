import type { Generated, Insertable, Selectable } from "kysely";

export interface ApiKeyTable {
  id: string;
  organisation_id: string;
  label: string;
  /** Hex SHA-256 of the full plaintext key. The plaintext is never stored. */
  key_hash: string;
  /** First 12 characters of the key (e.g. `kdv_live_abc`), for display. */
  prefix: string;
  last4: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type NewApiKeyRow = Insertable<ApiKeyTable>;
