/**
 * Meta template webhooks: store (deduplicated), then apply.
 *
 * - `receive`: one `webhook_events` row per `entry[].changes[]` of a handled field, keyed by a hash of (WABA id, entry
 *   time, field, value): a redelivery of the same change inserts nothing. Returns the ids to apply (from the job queue).
 * - `apply`: routes by WABA id to EVERY account on that WABA (template events carry no phone number), finds the
 *   template by Meta's id (then name + normalised language: Meta writes `en-US` in status, quality and category
 *   events), and hands the change to its field's handler, which applies it under a monotonic guard: an event older
 *   (Meta's `entry.time`, seconds) than the field's last change is ignored and recorded as such, so events may arrive
 *   in any order and a template never moves backwards. Every applied change writes a history row (source webhook,
 *   source_id = the event id).
 * The signature is checked before any of this, by the HTTP layer (`verifyWebhookSignature`).
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { recordTemplateChanges } from "../templates/template-history.js";
import type { TemplateRow } from "../templates/template.table.js";
import { FIELD_HANDLERS } from "./handlers/index.js";
import type { FieldOutcome } from "./handlers/index.js";
import * as events from "./webhook-event.repository.js";
import type { WebhookEventRow } from "./webhook-event.table.js";
import { changesOf, effectiveField, isTemplateWebhookField, ZTemplateRef } from "./webhook-payload.schema.js";

export interface StoredWebhook {
  /** Ids of newly stored events (to apply). */
  stored: string[];
  /** Changes already received before (redeliveries). */
  duplicates: number;
  /** Changes of fields we do not handle (acknowledged, not stored). */
  skipped: number;
}

export interface WebhookIntakeService {
  /** Stores the changes of a verified webhook POST (deduplicated); returns the event ids to apply. */
  receive(payload: unknown): Promise<StoredWebhook>;
  /** Applies one stored event (idempotent: an event that is not pending is left as it is). */
  apply(eventId: string): Promise<{ state: string; outcome: string | null } | undefined>;
  /** Stored events not applied yet (re-queued at start after a crash or a drain). */
  pendingEventIds(): Promise<string[]>;
}

export function createWebhookIntakeService(deps: { db: Kysely<Database>; now: () => Date }): WebhookIntakeService {
  return {
    receive: (payload) => storeWebhook(deps.db, payload),
    async apply(eventId) {
      const row = await applyWebhookEvent(deps.db, eventId, deps.now);
      return row ? { state: row.state, outcome: row.outcome } : undefined;
    },
    pendingEventIds: () => pendingWebhookEventIds(deps.db),
  };
}

export async function storeWebhook(db: Kysely<Database>, payload: unknown): Promise<StoredWebhook> {
  const result: StoredWebhook = { stored: [], duplicates: 0, skipped: 0 };
  for (const c of changesOf(payload)) {
    if (!isTemplateWebhookField(c.field)) {
      result.skipped++;
      continue;
    }
    const dedupeKey = createHash("sha256")
      .update(JSON.stringify([c.wabaId, c.time, c.field, c.value]))
      .digest("hex");
    const id = await events.insertWebhookEvent(db, {
      dedupeKey,
      wabaId: c.wabaId,
      field: c.field,
      eventTime: new Date(c.time * 1000),
      payload: c.value,
    });
    if (id !== undefined) result.stored.push(id);
    else result.duplicates++;
  }
  return result;
}

/** Meta writes `en-US` in some template events and `en_US` in others and in the API (§8.1). */
export function normaliseLanguage(language: string): string {
  return language.replace(/-/g, "_");
}

async function findTemplate(
  tx: Transaction<Database>,
  accountId: string,
  value: Record<string, unknown>,
): Promise<TemplateRow | undefined> {
  const ref = ZTemplateRef.parse(value);
  const name = ref.message_template_name;
  const language = ref.message_template_language;
  if (ref.message_template_id !== null) {
    const byId = await events.lockTemplateByMetaId(tx, accountId, ref.message_template_id);
    // An id whose row is another template than the one the event names (public fixtures reuse ids across
    // languages) must not redirect the change: the name + language below decide then.
    const namesAnother =
      byId !== undefined &&
      name !== null &&
      language !== null &&
      (byId.name !== name || byId.language !== normaliseLanguage(language));
    if (byId && !namesAnother) return byId;
  }
  if (name === null || language === null) return undefined;
  return events.lockTemplateByName(tx, accountId, name, [...new Set([normaliseLanguage(language), language])]);
}

async function applyToTemplate(
  tx: Transaction<Database>,
  row: TemplateRow,
  event: WebhookEventRow,
  now: Date,
): Promise<FieldOutcome> {
  const value = event.payload as Record<string, unknown>;
  const field = effectiveField(event.field, value);
  if (!isTemplateWebhookField(field)) return { outcome: "ignored", note: `field ${event.field} is not handled` };
  const outcome = await FIELD_HANDLERS[field]({ tx, row, event, value, now });
  if (outcome.outcome === "applied") await recordTemplateChanges(tx, outcome.changes);
  return outcome;
}

export async function applyWebhookEvent(
  db: Kysely<Database>,
  eventId: string,
  now: () => Date,
): Promise<WebhookEventRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const event = await events.lockWebhookEvent(tx, eventId);
    if (!event || event.state !== "pending") return event;
    const accounts = await events.accountsOnWaba(tx, event.waba_id);
    const notes: string[] = [];
    let applied = 0;
    for (const account of accounts) {
      const row = await findTemplate(tx, account.id, event.payload as Record<string, unknown>);
      if (!row) {
        notes.push(`${account.phone_number_id}: no such template (a sync will pick it up)`);
        continue;
      }
      const r = await applyToTemplate(tx, row, event, now());
      if (r.outcome === "applied") applied++;
      notes.push(`${account.phone_number_id}: ${r.outcome === "applied" ? "applied" : `${r.outcome}: ${r.note}`}`);
    }
    if (accounts.length === 0) notes.push(`no account on WABA ${event.waba_id}`);
    return events.finishWebhookEvent(tx, event.id, {
      state: applied > 0 ? "applied" : "ignored",
      outcome: notes.join("; "),
      processedAt: now(),
    });
  });
}

export function pendingWebhookEventIds(db: Kysely<Database>, limit = 100): Promise<string[]> {
  return events.pendingWebhookEventIds(db, limit);
}
