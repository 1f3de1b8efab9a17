/**
 * Template history: append-only `template_events` rows, one per change of status, category, quality or components
 * (and category notices), whichever road the change came by (create, sync, webhook, edit, delete).
 */
import type { TTemplateEvent } from "@kirim/schema";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import type { TemplateEventKind, TemplateEventRow, TemplateEventSource } from "./template-event.table.js";
import { emitTemplateChangeEvents } from "../webhooks-out/outbox.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface TemplateChange {
  templateId: string;
  accountId: string;
  kind: TemplateEventKind;
  from: string | null;
  to: string | null;
  reason?: string | null | undefined;
  detail?: unknown;
  source: TemplateEventSource;
  sourceId: string | null | undefined;
  occurredAt: Date;
}

export async function recordTemplateChanges(db: Db, changes: readonly TemplateChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db
    .insertInto("template_events")
    .values(
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
    )
    .execute();
  // Outbound webhooks (issue 17): one outbox event per change, in the caller's transaction.
  await emitTemplateChangeEvents(db, changes);
}

export interface EventKeyset {
  createdAt: Date;
  id: string;
}

export type TemplateEventWithName = TemplateEventRow & { name: string; language: string };

/** Newest first, keyset on (created_at, id), for every language of `name` (or one). */
export async function listTemplateEventRows(
  db: Db,
  query: { accountId: string; name: string; language: string | undefined; after: EventKeyset | undefined; limit: number },
): Promise<TemplateEventWithName[]> {
  let q = db
    .selectFrom("template_events as e")
    .innerJoin("templates as t", "t.id", "e.template_id")
    .selectAll("e")
    .select(["t.name as name", "t.language as language"])
    .where("t.account_id", "=", query.accountId)
    .where("t.name", "=", query.name);
  if (query.language !== undefined) q = q.where("t.language", "=", query.language);
  if (query.after !== undefined) {
    const after = query.after;
    q = q.where((eb) => eb(eb.refTuple("e.created_at", "e.id"), "<", eb.tuple(after.createdAt, after.id)));
  }
  return q.orderBy("e.created_at", "desc").orderBy("e.id", "desc").limit(query.limit).execute();
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
    detail: detail !== null && typeof detail === "object" && !Array.isArray(detail) ? (detail as Record<string, unknown>) : null,
    source: row.source,
    source_id: row.source_id,
    occurred_at: row.occurred_at.toISOString(),
    recorded_at: row.created_at.toISOString(),
  };
}
