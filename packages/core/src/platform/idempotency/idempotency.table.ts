import type { ColumnType, Selectable } from "kysely";

/** See migration 2026_11_23_000010_create_idempotency_keys. */
export interface IdempotencyKeyTable {
  organisation_id: string;
  key: string;
  /** sha256 hex of method + path + canonical JSON body. */
  fingerprint: string;
  claim_id: string;
  state: "in_progress" | "completed";
  response_status: number | null;
  /** The headers that matter (lower-case name → value). */
  response_headers: ColumnType<Record<string, string> | null, string | undefined, string>;
  response_body: string | null;
  created_at: Date;
  locked_until: Date;
  expires_at: Date;
}
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;
