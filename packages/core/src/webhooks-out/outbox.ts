/**
 * The transactional outbox of outbound webhooks (issue 17). Called inside the transaction that makes a change:
 * `recordTemplateChanges` (every history row — create, sync page, Meta webhook, edit, delete, tombstone) and the
 * end of a sync run. The event id, type and body are fixed here, so retries and redeliveries send the same bytes.
 *
 * One event per history row, so "exactly once per change" is the history's own guarantee (a webhook event is applied
 * once; a sync writes only rows whose data differ). A first sync does not flood: `template.created` from a sync is
 * emitted only once the account has completed a sync before (`templates_synced_at` set); until then the import is
 * summarised by `template_sync.completed` with its counts.
 */
import type { TTemplate } from "@kirim/schema";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import type { TemplateChange } from "../templates/template-change.js";
import { templateRowToTemplate } from "../templates/template.mapper.js";
import { mapMetaStatus } from "../templates/template-status.js";
import {
  accountAddress,
  accountsWithCustomer,
  insertOutboxEvents,
  listEnabledSubscriptions,
  templatesByIds,
} from "./webhook-out.repository.js";
import type { OutboxEvent } from "./webhook-out.repository.js";
import type { WebhookSubscriptionRow } from "./webhook-out.table.js";

type Db = Kysely<Database> | Transaction<Database>;

function wants(subscription: WebhookSubscriptionRow, type: string, phoneNumberId: string | null): boolean {
  if (!subscription.events.includes(type)) return false;
  if (phoneNumberId === null || subscription.phone_number_ids === null) return true;
  return subscription.phone_number_ids.includes(phoneNumberId);
}

function eventType(change: TemplateChange, firstSyncDone: boolean): string | null {
  switch (change.kind) {
    case "status":
      if (change.from === null) return change.source === "sync" && !firstSyncDone ? null : "template.created";
      if (change.to === "DELETED") return "template.deleted";
      return "template.status_updated";
    case "category":
    case "category_notice":
      return "template.category_updated";
    case "quality":
      return "template.quality_updated";
    case "components":
      return "template.components_updated";
  }
}

function changeData(change: TemplateChange, template: TTemplate): Record<string, unknown> {
  const base = { template, source: change.source, source_id: change.sourceId ?? null };
  const detail = change.detail === undefined ? null : change.detail;
  switch (change.kind) {
    case "status":
      return {
        ...base,
        previous: change.from === null ? null : { status: mapMetaStatus(change.from), meta_status: change.from },
        current: { status: template.status, meta_status: change.to },
        reason: change.reason ?? null,
        rejection_info: template.rejection_info ?? null,
      };
    case "category":
      return { ...base, previous: { category: change.from }, current: { category: change.to }, notice: null };
    case "category_notice":
      // Meta's 24-hour advance notice: the category will change to `to`; nothing has changed yet.
      return {
        ...base,
        previous: { category: change.from },
        current: { category: change.from },
        notice: { upcoming_category: change.to, detail },
      };
    case "quality":
      return { ...base, previous: { quality_score: change.from }, current: { quality_score: change.to } };
    case "components":
      return { ...base, previous: { content: change.from }, current: { content: change.to }, detail };
  }
}

/** Events of history rows (one per change), for the subscriptions that want them. */
export async function emitTemplateChangeEvents(db: Db, changes: readonly TemplateChange[]): Promise<void> {
  const accountIds = [...new Set(changes.map((c) => c.accountId))];
  const accounts = await accountsWithCustomer(db, accountIds);
  const subscriptions = await listEnabledSubscriptions(db, [...new Set(accounts.map((a) => a.organisation_id))]);
  if (subscriptions.length === 0) return;
  const accountById = new Map(accounts.map((a) => [a.id, a]));
  const templateIds = [...new Set(changes.map((c) => c.templateId))];
  const rows = await templatesByIds(db, templateIds);
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const events: OutboxEvent[] = [];
  for (const change of changes) {
    const account = accountById.get(change.accountId);
    const row = rowById.get(change.templateId);
    if (account === undefined || row === undefined) continue;
    const type = eventType(change, account.templates_synced_at !== null);
    if (type === null) continue;
    const targets = subscriptions.filter(
      (s) => s.organisation_id === account.organisation_id && wants(s, type, account.phone_number_id),
    );
    if (targets.length === 0) continue;
    const id = newId("evt");
    const template = templateRowToTemplate(row, account);
    events.push({
      id,
      organisationId: account.organisation_id,
      type,
      payload: { id, type, timestamp: change.occurredAt.toISOString(), data: changeData(change, template) },
      occurredAt: change.occurredAt,
      orderingKey: `template:${row.id}`,
      subscriptionIds: targets.map((s) => s.id),
    });
  }
  await insertOutboxEvents(db, events, new Date());
}

export interface SyncRunOutcome {
  accountId: string;
  runId: string;
  trigger: string;
  succeeded: boolean;
  counts: { pages: number; synced: number; created: number; updated: number; unchanged: number; removed: number };
  error: { code: string; message: string } | null;
  firstSync: boolean;
  at: Date;
}

/** `template_sync.completed` / `template_sync.failed`, in the transaction that records the run's end. */
export async function emitSyncRunEvent(db: Db, outcome: SyncRunOutcome): Promise<void> {
  const account = await accountAddress(db, outcome.accountId);
  if (account === undefined) return;
  const type = outcome.succeeded ? "template_sync.completed" : "template_sync.failed";
  const targets = (await listEnabledSubscriptions(db, [account.organisation_id])).filter((s) =>
    wants(s, type, account.phone_number_id),
  );
  if (targets.length === 0) return;
  const id = newId("evt");
  const data = {
    sync_run_id: outcome.runId,
    phone_number_id: account.phone_number_id,
    trigger: outcome.trigger,
    // The first completed sync of an account sends no template.created per template: these counts say what arrived.
    first_sync: outcome.firstSync,
    ...outcome.counts,
    error: outcome.error,
  };
  await insertOutboxEvents(
    db,
    [
      {
        id,
        organisationId: account.organisation_id,
        type,
        payload: { id, type, timestamp: outcome.at.toISOString(), data },
        occurredAt: outcome.at,
        orderingKey: `sync:${outcome.accountId}`,
        subscriptionIds: targets.map((s) => s.id),
      },
    ],
    outcome.at,
  );
}

/** A notice for the organisation's other subscriptions that one was disabled (and the test event). */
export async function emitOrganisationEvent(
  db: Db,
  input: {
    organisationId: string;
    type: string;
    data: Record<string, unknown>;
    at: Date;
    only?: string;
    exclude?: string;
  },
): Promise<{ eventId: string; subscriptionIds: string[] } | undefined> {
  let targets = await listEnabledSubscriptions(db, [input.organisationId]);
  if (input.only !== undefined) targets = targets.filter((s) => s.id === input.only);
  else targets = targets.filter((s) => s.id !== input.exclude && s.events.includes(input.type));
  if (targets.length === 0) return undefined;
  const id = newId("evt");
  await insertOutboxEvents(
    db,
    [
      {
        id,
        organisationId: input.organisationId,
        type: input.type,
        payload: { id, type: input.type, timestamp: input.at.toISOString(), data: input.data },
        occurredAt: input.at,
        orderingKey: `${input.type}:${id}`,
        subscriptionIds: targets.map((s) => s.id),
      },
    ],
    input.at,
  );
  return { eventId: id, subscriptionIds: targets.map((s) => s.id) };
}
