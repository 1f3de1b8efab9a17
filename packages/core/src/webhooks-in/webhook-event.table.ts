import type { ColumnType, Selectable } from "kysely";

export type WebhookEventState = "pending" | "applied" | "ignored" | "failed";

/** One `changes[]` item of a Meta webhook POST, stored before it is applied (ack fast, apply from the queue). */
export interface WebhookEventTable {
  /** `whe_` + ULID. */
  id: string;
  /** SHA-256 of (WABA id, entry time, field, value): a redelivery of the same change is a no-op. */
  dedupe_key: string;
  waba_id: string;
  field: string;
  /** `entry.time` (Meta's clock, seconds). */
  event_time: Date;
  payload: ColumnType<unknown, string, never>;
  state: WebhookEventState;
  /** What applying it did (applied to n templates / ignored: older than the row / no such template …). */
  outcome: string | null;
  received_at: ColumnType<Date, Date | undefined, never>;
  processed_at: Date | null;
}
export type WebhookEventRow = Selectable<WebhookEventTable>;
