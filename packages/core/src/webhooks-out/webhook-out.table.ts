import type { ColumnType, Generated, Selectable } from "kysely";

/** An integrator's endpoint and what it wants (issue 17). */
export interface WebhookSubscriptionTable {
  /** `whs_` + ULID. */
  id: string;
  organisation_id: string;
  url: string;
  events: ColumnType<string[], string, string>;
  phone_number_ids: ColumnType<string[] | null, string | null, string | null>;
  description: string | null;
  enabled: Generated<boolean>;
  /** `endpoint_gone` (410) or `consecutive_failures`. */
  disabled_reason: string | null;
  disabled_at: Date | null;
  consecutive_failures: Generated<number>;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The outbox: one event, written in the same transaction as the change it describes. */
export interface WebhookOutEventTable {
  /** `evt_` + ULID: the `webhook-id` header, stable across retries and redeliveries. */
  id: string;
  organisation_id: string;
  type: string;
  /** The full body we POST (`{id, type, timestamp, data}`). */
  payload: ColumnType<unknown, string, never>;
  occurred_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type WebhookDeliveryState = "pending" | "delivered" | "failed";

/** One event for one subscription. */
export interface WebhookDeliveryTable {
  /** `wdl_` + ULID. */
  id: string;
  seq: ColumnType<string, never, never>;
  subscription_id: string;
  event_id: string;
  ordering_key: string;
  state: WebhookDeliveryState;
  attempts: Generated<number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

export type WebhookAttemptOutcome = "delivered" | "retrying" | "failed" | "subscription_disabled";

/** The delivery log: one row per HTTP attempt. */
export interface WebhookDeliveryAttemptTable {
  /** `wda_` + ULID. */
  id: string;
  delivery_id: string;
  subscription_id: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  outcome: WebhookAttemptOutcome;
  next_retry_at: Date | null;
}

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type WebhookDeliveryAttemptRow = Selectable<WebhookDeliveryAttemptTable>;
