/**
 * All SQL of the webhook intake: the `webhook_events` rows, the accounts a WABA's events apply to, and the template
 * rows those events find and change (locked FOR UPDATE inside the event's transaction).
 */
import type { Kysely, Transaction, Updateable } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import type { TemplateRow, TemplateTable } from "../templates/template.table.js";
import type { WebhookEventRow, WebhookEventState } from "./webhook-event.table.js";

type Tx = Transaction<Database>;

export interface NewWebhookEvent {
  dedupeKey: string;
  wabaId: string;
  field: string;
  eventTime: Date;
  /** The change value as received. */
  payload: Record<string, unknown>;
}

/** Stores a pending event; undefined when its dedupe key is already stored (a redelivery). */
export async function insertWebhookEvent(db: Kysely<Database>, event: NewWebhookEvent): Promise<string | undefined> {
  const row = await db
    .insertInto("webhook_events")
    .values({
      id: newId("whe"),
      dedupe_key: event.dedupeKey,
      waba_id: event.wabaId,
      field: event.field,
      event_time: event.eventTime,
      payload: JSON.stringify(event.payload),
      state: "pending",
      outcome: null,
      processed_at: null,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

export function lockWebhookEvent(tx: Tx, eventId: string): Promise<WebhookEventRow | undefined> {
  return tx.selectFrom("webhook_events").selectAll().where("id", "=", eventId).forUpdate().executeTakeFirst();
}

export function finishWebhookEvent(
  tx: Tx,
  eventId: string,
  result: { state: WebhookEventState; outcome: string; processedAt: Date },
): Promise<WebhookEventRow | undefined> {
  return tx
    .updateTable("webhook_events")
    .set({ state: result.state, outcome: result.outcome, processed_at: result.processedAt })
    .where("id", "=", eventId)
    .returningAll()
    .executeTakeFirst();
}

export async function pendingWebhookEventIds(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("webhook_events")
    .select("id")
    .where("state", "=", "pending")
    .orderBy("received_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Every account on the WABA (template events carry no phone number). */
export function accountsOnWaba(tx: Tx, wabaId: string): Promise<Array<{ id: string; phone_number_id: string }>> {
  return tx.selectFrom("whatsapp_accounts").select(["id", "phone_number_id"]).where("waba_id", "=", wabaId).execute();
}

export function lockTemplateByMetaId(tx: Tx, accountId: string, metaId: string): Promise<TemplateRow | undefined> {
  return tx
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("provider_template_id", "=", metaId)
    .forUpdate()
    .executeTakeFirst();
}

export function lockTemplateByName(
  tx: Tx,
  accountId: string,
  name: string,
  languages: readonly string[],
): Promise<TemplateRow | undefined> {
  return tx
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name", "=", name)
    .where("language", "in", [...languages])
    .forUpdate()
    .executeTakeFirst();
}

export async function updateTemplate(tx: Tx, templateId: string, changes: Updateable<TemplateTable>): Promise<void> {
  await tx.updateTable("templates").set(changes).where("id", "=", templateId).execute();
}
