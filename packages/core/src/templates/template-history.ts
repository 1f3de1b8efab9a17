/**
 * Template history: append-only `template_events` rows, one per change of status, category, quality or components
 * (and category notices), whichever road the change came by (create, sync, webhook, edit, delete).
 */
import type { TTemplateEvent } from "@kirim/schema";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import type { TemplateChange } from "./template-change.js";
import { insertTemplateEvents } from "./template-event.repository.js";
import type { TemplateEventWithName } from "./template-event.repository.js";
import { emitTemplateChangeEvents } from "../webhooks-out/outbox.js";

type Db = Kysely<Database> | Transaction<Database>;

export async function recordTemplateChanges(db: Db, changes: readonly TemplateChange[]): Promise<void> {
  if (changes.length === 0) return;
  await insertTemplateEvents(
    db,
    changes.map((c) => ({
      id: newId("tev"),
      template_id: c.templateId,
      account_id: c.accountId,
      kind: c.kind,
      from_value: c.from,
      to_value: c.to,
      reason: c.reason ?? null,
      detail: c.detail === undefined || c.detail === null ? null : JSON.stringify(c.detail),
      source: c.source,
      source_id: c.sourceId ?? null,
      occurred_at: c.occurredAt,
    })),
  );
  // Outbound webhooks (issue 17): one outbox event per change, in the caller's transaction.
  await emitTemplateChangeEvents(db, changes);
}

export function templateEventRowToWire(row: TemplateEventWithName): TTemplateEvent {
  const detail = row.detail;
  return {
    id: row.id,
    object: "template_event",
    template_id: row.template_id,
    name: row.name,
    language: row.language,
    kind: row.kind,
    from: row.from_value,
    to: row.to_value,
    reason: row.reason,
    detail:
      detail !== null && typeof detail === "object" && !Array.isArray(detail)
        ? (detail as Record<string, unknown>)
        : null,
    source: row.source,
    source_id: row.source_id,
    occurred_at: row.occurred_at.toISOString(),
    recorded_at: row.created_at.toISOString(),
  };
}
