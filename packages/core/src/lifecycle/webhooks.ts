/**
 * Meta template webhooks: verify, store (deduplicated), apply.
 *
 * - `verifyWebhookSignature`: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(raw body, app secret), compared in
 *   constant time. The HTTP layer calls it on the RAW bytes before anything parses them.
 * - `storeWebhook`: one `webhook_events` row per `entry[].changes[]`, keyed by a hash of (WABA id, entry time, field,
 *   value): a redelivery of the same change inserts nothing. Returns the ids to apply (from the job queue).
 * - `applyWebhookEvent`: routes by WABA id to EVERY account on that WABA (template events carry no phone number),
 *   finds the template by Meta's id (then name + normalised language: Meta writes `en-US` in status, quality and
 *   category events), and applies each field under a monotonic guard: an event older (Meta's `entry.time`, seconds)
 *   than the field's last change is ignored and recorded as such, so events may arrive in any order and a template
 *   never moves backwards. Every applied change writes a history row (source webhook, source_id = the event id).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import { isStorableText } from "../lib/text.js";
import { extractVariables, templateContent } from "../templates/template-content.js";
import { recordTemplateChanges } from "../templates/template-history.js";
import type { TemplateChange } from "../templates/template-change.js";
import { mapMetaStatus } from "../templates/template-status.js";
import type { TemplateRow } from "../templates/template.table.js";
import type { WebhookEventRow } from "./lifecycle.table.js";

type Tx = Transaction<Database>;

export const TEMPLATE_WEBHOOK_FIELDS = [
  "message_template_status_update",
  "message_template_quality_update",
  "template_category_update",
  "message_template_components_update",
] as const;

export function verifyWebhookSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Change {
  wabaId: string;
  time: number;
  field: string;
  value: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Meta's `entry.time` is unix seconds; outside year 1970–9999 it is no time PostgreSQL (or a Date) can hold. */
const MAX_EVENT_TIME_SECONDS = 253_402_300_799;
/** Meta's change values are a few levels deep; far deeper cannot be hashed or stored as jsonb without failing. */
const MAX_VALUE_DEPTH = 64;

/**
 * Whether a change value can be stored as jsonb: PostgreSQL refuses U+0000 and unpaired surrogates in JSON text
 * (lib/text.ts) and very deep nesting. Walked with a stack (no recursion), so a hostile value cannot overflow ours.
 */
function isStorableValue(value: unknown): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { node, depth } = item;
    if (typeof node === "string") {
      if (!isStorableText(node)) return false;
    } else if (node !== null && typeof node === "object") {
      if (depth >= MAX_VALUE_DEPTH) return false;
      for (const [key, member] of Object.entries(node)) {
        if (!isStorableText(key)) return false;
        pending.push({ node: member, depth: depth + 1 });
      }
    }
  }
  return true;
}

/** The changes of a `whatsapp_business_account` envelope; anything malformed is skipped (Meta will not resend it better). */
export function changesOf(payload: unknown): Change[] {
  if (!isObject(payload) || payload["object"] !== "whatsapp_business_account" || !Array.isArray(payload["entry"])) return [];
  const out: Change[] = [];
  for (const entry of payload["entry"]) {
    if (!isObject(entry) || !Array.isArray(entry["changes"])) continue;
    const id = entry["id"];
    const wabaId = typeof id === "string" || typeof id === "number" ? String(id) : "";
    const rawTime = entry["time"];
    const time = typeof rawTime === "number" ? rawTime : typeof rawTime === "string" && rawTime.trim() !== "" ? Number(rawTime) : Number.NaN;
    if (wabaId === "" || !Number.isFinite(time) || time < 0 || time > MAX_EVENT_TIME_SECONDS || !isStorableValue(wabaId)) continue;
    for (const change of entry["changes"]) {
      if (!isObject(change) || typeof change["field"] !== "string" || !isObject(change["value"]) || !isStorableValue(change)) continue;
      out.push({ wabaId, time, field: change["field"], value: change["value"] });
    }
  }
  return out;
}

export interface StoredWebhook {
  /** Ids of newly stored events (to apply). */
  stored: string[];
  /** Changes already received before (redeliveries). */
  duplicates: number;
  /** Changes of fields we do not handle (acknowledged, not stored). */
  skipped: number;
}

export async function storeWebhook(db: Kysely<Database>, payload: unknown): Promise<StoredWebhook> {
  const result: StoredWebhook = { stored: [], duplicates: 0, skipped: 0 };
  for (const c of changesOf(payload)) {
    if (!(TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(c.field)) {
      result.skipped++;
      continue;
    }
    const dedupeKey = createHash("sha256").update(JSON.stringify([c.wabaId, c.time, c.field, c.value])).digest("hex");
    const row = await db
      .insertInto("webhook_events")
      .values({
        id: newId("whe"),
        dedupe_key: dedupeKey,
        waba_id: c.wabaId,
        field: c.field,
        event_time: new Date(c.time * 1000),
        payload: JSON.stringify(c.value),
        state: "pending",
        outcome: null,
        processed_at: null,
      })
      .onConflict((oc) => oc.column("dedupe_key").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (row) result.stored.push(row.id);
    else result.duplicates++;
  }
  return result;
}

/** Meta writes `en-US` in some template events and `en_US` in others and in the API (§8.1). */
export function normaliseLanguage(language: string): string {
  return language.replace(/-/g, "_");
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
}

/** Status webhook `event` → Meta status. Events that are not statuses (FLAGGED, LOCKED) change no status. */
function statusOfEvent(event: string): string | null {
  switch (event) {
    case "REINSTATED":
    case "UNARCHIVED":
      return "APPROVED";
    case "FLAGGED":
    case "LOCKED":
      return null;
    default:
      return event;
  }
}

async function findTemplate(tx: Tx, accountId: string, value: Record<string, unknown>): Promise<TemplateRow | undefined> {
  const metaId = str(value["message_template_id"]);
  const name = str(value["message_template_name"]);
  const language = str(value["message_template_language"]);
  if (metaId !== null) {
    const byId = await tx.selectFrom("templates").selectAll().where("account_id", "=", accountId).where("provider_template_id", "=", metaId).forUpdate().executeTakeFirst();
    // An id whose row is another template than the one the event names (public fixtures reuse ids across
    // languages) must not redirect the change: the name + language below decide then.
    const namesAnother = byId !== undefined && name !== null && language !== null && (byId.name !== name || byId.language !== normaliseLanguage(language));
    if (byId && !namesAnother) return byId;
  }
  if (name === null || language === null) return undefined;
  return tx
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name", "=", name)
    .where("language", "in", [...new Set([normaliseLanguage(language), language])])
    .forUpdate()
    .executeTakeFirst();
}

type Applied = { outcome: "applied" | "ignored" | "unchanged"; note: string };

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * The field whose rules apply to a change. Meta's own quality-update example (message_template_quality_update webhook
 * reference, Oct 2025: https://developers.facebook.com/docs/whatsapp/business-management-api/webhooks/components)
 * delivers `previous_quality_score` / `new_quality_score` under `message_template_status_update`, without an
 * `event`: such a change is a quality change, whatever field it came under.
 */
export function effectiveField(field: string, value: Record<string, unknown>): string {
  const isQualityShape = value["event"] === undefined && value["new_quality_score"] !== undefined;
  return field === "message_template_status_update" && isQualityShape ? "message_template_quality_update" : field;
}

/** Applies one change to one template row; returns what happened. */
async function applyToTemplate(tx: Tx, row: TemplateRow, event: WebhookEventRow, now: Date): Promise<Applied> {
  const value = event.payload as Record<string, unknown>;
  const at = event.event_time;
  const t = seconds(at);
  const base = { templateId: row.id, accountId: row.account_id, source: "webhook" as const, sourceId: event.id, occurredAt: at };
  const changes: TemplateChange[] = [];
  const confirm = { last_synced_at: now, last_synced_via: "webhook", updated_at: now };
  const older = (clock: Date, what: string): Applied => ({
    outcome: "ignored",
    note: `older than the template's ${what} (event ${at.toISOString()}, ${what} changed ${clock.toISOString()})`,
  });

  switch (effectiveField(event.field, value)) {
    case "message_template_status_update": {
      if (t < seconds(row.status_changed_at)) return older(row.status_changed_at, "status");
      const evt = (str(value["event"]) ?? "").toUpperCase();
      // A status change always names its event: without one there is no status to apply (never wipe Meta's status).
      if (evt === "") return { outcome: "ignored", note: "status event without event" };
      const next = statusOfEvent(evt) ?? row.meta_status;
      const reason = str(value["reason"]);
      const rejectionInfo = isObject(value["rejection_info"]) ? value["rejection_info"] : null;
      const info: Record<string, unknown> = {};
      if (isObject(value["other_info"])) info["other_info"] = value["other_info"];
      if (isObject(value["disable_info"])) info["disable_info"] = value["disable_info"];
      if (evt !== next) info["event"] = evt;
      const statusInfo = Object.keys(info).length > 0 ? info : null;
      const rejected = mapMetaStatus(next) === "rejected";
      const rejectedReason = rejected && reason !== null && reason !== "NONE" ? reason : null;
      if (next === row.meta_status && statusInfo === null && rejectedReason === row.rejected_reason) {
        await tx.updateTable("templates").set(confirm).where("id", "=", row.id).execute();
        return { outcome: "unchanged", note: `already ${next}` };
      }
      await tx
        .updateTable("templates")
        .set({
          ...confirm,
          meta_status: next,
          status: mapMetaStatus(next),
          rejected_reason: rejectedReason,
          rejection_info: next === "REJECTED" && rejectionInfo !== null ? JSON.stringify(rejectionInfo) : null,
          status_info: statusInfo !== null ? JSON.stringify(statusInfo) : null,
          status_changed_at: at > row.status_changed_at ? at : row.status_changed_at,
          ...(next === "DELETED" ? { deleted_at: now } : row.deleted_at !== null && next !== "DELETED" ? { deleted_at: null } : {}),
        })
        .where("id", "=", row.id)
        .execute();
      const detail = { ...(rejectionInfo !== null ? { rejection_info: rejectionInfo } : {}), ...(statusInfo ?? {}) };
      changes.push({ ...base, kind: "status", from: row.meta_status, to: next, reason: reason ?? evt, detail: Object.keys(detail).length > 0 ? detail : null });
      break;
    }
    case "message_template_quality_update": {
      if (t < seconds(row.quality_changed_at)) return older(row.quality_changed_at, "quality");
      const next = str(value["new_quality_score"]);
      if (next === row.quality_score) {
        await tx.updateTable("templates").set(confirm).where("id", "=", row.id).execute();
        return { outcome: "unchanged", note: `quality already ${next ?? "null"}` };
      }
      await tx
        .updateTable("templates")
        .set({ ...confirm, quality_score: next, quality_changed_at: at > row.quality_changed_at ? at : row.quality_changed_at })
        .where("id", "=", row.id)
        .execute();
      changes.push({ ...base, kind: "quality", from: row.quality_score, to: next, reason: str(value["previous_quality_score"]) !== null ? `previous ${str(value["previous_quality_score"])}` : null });
      break;
    }
    case "template_category_update": {
      if (t < seconds(row.category_changed_at)) return older(row.category_changed_at, "category");
      const correct = str(value["correct_category"]);
      if (correct !== null) {
        // Impending shape (24 h notice): new_category is the CURRENT category, correct_category the future one.
        const when = typeof value["category_update_timestamp"] === "number" ? new Date(value["category_update_timestamp"] * 1000) : null;
        await tx
          .updateTable("templates")
          .set({ ...confirm, pending_category: correct, pending_category_at: when })
          .where("id", "=", row.id)
          .execute();
        changes.push({ ...base, kind: "category_notice", from: str(value["new_category"]) ?? row.category, to: correct, reason: "Meta will change the category", detail: when !== null ? { effective_at: when.toISOString() } : null });
        break;
      }
      // Completed shape: previous_category → new_category (now in effect).
      const next = str(value["new_category"]);
      if (next === null) return { outcome: "ignored", note: "category event without new_category" };
      const previous = str(value["previous_category"]) ?? row.category;
      await tx
        .updateTable("templates")
        .set({
          ...confirm,
          category: next,
          previous_category: previous,
          pending_category: null,
          pending_category_at: null,
          category_changed_at: at > row.category_changed_at ? at : row.category_changed_at,
        })
        .where("id", "=", row.id)
        .execute();
      changes.push({ ...base, kind: "category", from: previous, to: next, reason: "changed by Meta" });
      break;
    }
    case "message_template_components_update": {
      if (t < seconds(row.components_changed_at)) return older(row.components_changed_at, "components");
      const components = mergeFlattenedComponents(row.components, value);
      await tx
        .updateTable("templates")
        .set({
          ...confirm,
          components: JSON.stringify(components),
          content: templateContent(components),
          variables: JSON.stringify(extractVariables(components)),
          components_changed_at: at > row.components_changed_at ? at : row.components_changed_at,
        })
        .where("id", "=", row.id)
        .execute();
      changes.push({ ...base, kind: "components", from: row.content, to: templateContent(components), detail: value });
      break;
    }
    default:
      return { outcome: "ignored", note: `field ${event.field} is not handled` };
  }
  await recordTemplateChanges(tx, changes);
  return { outcome: "applied", note: "applied" };
}

/**
 * The components event is flattened (body text, optional title/footer, URL and phone buttons): apply its texts to
 * the stored components, keeping what it does not carry (examples, media headers, other buttons).
 */
export function mergeFlattenedComponents(stored: unknown, value: Record<string, unknown>): unknown[] {
  const components = (Array.isArray(stored) ? stored : []).map((c) => (isObject(c) ? { ...c } : c)) as Record<string, unknown>[];
  const find = (type: string) => components.find((c) => isObject(c) && String(c["type"]).toUpperCase() === type);
  const setText = (type: string, text: string | null, extra: Record<string, unknown> = {}) => {
    if (text === null) return;
    const c = find(type);
    if (c) c["text"] = text;
    else components.push({ type, text, ...extra });
  };
  const title = str(value["message_template_title"]);
  const header = find("HEADER");
  if (title !== null && (!header || String(header["format"] ?? "TEXT").toUpperCase() === "TEXT")) setText("HEADER", title, { format: "TEXT" });
  setText("BODY", str(value["message_template_element"]));
  setText("FOOTER", str(value["message_template_footer"]));
  const buttons = Array.isArray(value["message_template_buttons"]) ? value["message_template_buttons"].filter(isObject) : [];
  if (buttons.length > 0) {
    let group = find("BUTTONS");
    if (!group) {
      group = { type: "BUTTONS", buttons: [] };
      components.push(group);
    }
    const stored = (Array.isArray(group["buttons"]) ? group["buttons"] : []).map((b) => (isObject(b) ? { ...b } : b)) as Record<string, unknown>[];
    const used = new Set<number>();
    for (const b of buttons) {
      const type = (str(b["message_template_button_type"]) ?? "").toUpperCase();
      const i = stored.findIndex((s, idx) => !used.has(idx) && String(s["type"]).toUpperCase() === type);
      const next: Record<string, unknown> = i >= 0 ? { ...stored[i] } : { type };
      if (str(b["message_template_button_text"]) !== null) next["text"] = str(b["message_template_button_text"]);
      if (str(b["message_template_button_url"]) !== null) next["url"] = str(b["message_template_button_url"]);
      if (str(b["message_template_button_phone_number"]) !== null) next["phone_number"] = str(b["message_template_button_phone_number"]);
      if (i >= 0) {
        stored[i] = next;
        used.add(i);
      } else stored.push(next);
    }
    group["buttons"] = stored;
  }
  return components;
}

/** Applies one stored event (idempotent: an event that is not pending is left as it is). */
export async function applyWebhookEvent(db: Kysely<Database>, eventId: string, now: () => Date): Promise<WebhookEventRow | undefined> {
  return db.transaction().execute(async (tx) => {
    const event = await tx.selectFrom("webhook_events").selectAll().where("id", "=", eventId).forUpdate().executeTakeFirst();
    if (!event || event.state !== "pending") return event;
    const accounts = await tx.selectFrom("whatsapp_accounts").select(["id", "phone_number_id"]).where("waba_id", "=", event.waba_id).execute();
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
    const state = applied > 0 ? "applied" : "ignored";
    return tx
      .updateTable("webhook_events")
      .set({ state, outcome: notes.join("; "), processed_at: now() })
      .where("id", "=", event.id)
      .returningAll()
      .executeTakeFirst();
  });
}

export async function pendingWebhookEventIds(db: Kysely<Database>, limit = 100): Promise<string[]> {
  const rows = await db.selectFrom("webhook_events").select("id").where("state", "=", "pending").orderBy("received_at").orderBy("id").limit(limit).execute();
  return rows.map((r) => r.id);
}
