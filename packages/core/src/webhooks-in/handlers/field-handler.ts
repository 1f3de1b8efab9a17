import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { TemplateChange } from "../../templates/template-change.js";
import type { TemplateRow } from "../../templates/template.table.js";
import type { WebhookEventRow } from "../webhook-event.table.js";

/** One stored event applied to one template row (inside the event's transaction, the row locked). */
export interface FieldEvent {
  tx: Transaction<Database>;
  row: TemplateRow;
  event: WebhookEventRow;
  /** The change value as Meta sent it; each handler parses it with its field's schema. */
  value: Record<string, unknown>;
  now: Date;
}

/** Applied → the history rows to record; otherwise why nothing was recorded. */
export type FieldOutcome =
  { outcome: "applied"; changes: TemplateChange[] } | { outcome: "ignored" | "unchanged"; note: string };

/** Applies one webhook field's change to one template. */
export type FieldHandler = (event: FieldEvent) => Promise<FieldOutcome>;

/** Meta's `entry.time` has second precision: clocks are compared in whole seconds. */
export const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** The monotonic guard: an event older than the field's last change is ignored, so a template never moves backwards. */
export function isOlder(event: WebhookEventRow, clock: Date): boolean {
  return seconds(event.event_time) < seconds(clock);
}

export function olderThan(event: WebhookEventRow, clock: Date, what: string): FieldOutcome {
  return {
    outcome: "ignored",
    note: `older than the template's ${what} (event ${event.event_time.toISOString()}, ${what} changed ${clock.toISOString()})`,
  };
}

/** The field's new clock: the event's time, never earlier than what the row already has. */
export function later(event: WebhookEventRow, clock: Date): Date {
  return event.event_time > clock ? event.event_time : clock;
}

/** Every handled event confirms the row as seen by Meta now, changed or not. */
export function confirmation(now: Date): { last_synced_at: Date; last_synced_via: string; updated_at: Date } {
  return { last_synced_at: now, last_synced_via: "webhook", updated_at: now };
}

/** What every history row of a webhook change carries (source webhook, source_id = the event id). */
export function changeOrigin({
  row,
  event,
}: FieldEvent): Pick<TemplateChange, "templateId" | "accountId" | "source" | "sourceId" | "occurredAt"> {
  return {
    templateId: row.id,
    accountId: row.account_id,
    source: "webhook",
    sourceId: event.id,
    occurredAt: event.event_time,
  };
}
