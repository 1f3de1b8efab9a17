/**
 * Meta's webhook payloads as zod schemas. Real deliveries are in fixtures/meta-real/webhooks.
 *
 * Tolerance is deliberate and matches what Meta sends over time: extra keys are ignored everywhere, a malformed entry
 * or change is skipped (Meta will not resend it any better), and inside a change value a member of the wrong type
 * reads as absent instead of rejecting the change. The stored value is always the change value exactly as received.
 */
import { z } from "zod";
import { isStorableText } from "../lib/text.js";

/** The fields whose changes are stored and applied; every other field is acknowledged and skipped. */
export const TEMPLATE_WEBHOOK_FIELDS = [
  "message_template_status_update",
  "message_template_quality_update",
  "template_category_update",
  "message_template_components_update",
] as const;
export type TemplateWebhookField = (typeof TEMPLATE_WEBHOOK_FIELDS)[number];

export function isTemplateWebhookField(field: string): field is TemplateWebhookField {
  return (TEMPLATE_WEBHOOK_FIELDS as readonly string[]).includes(field);
}

/** Meta's `entry.time` is unix seconds; outside year 1970–9999 it is no time PostgreSQL (or a Date) can hold. */
const MAX_EVENT_TIME_SECONDS = 253_402_300_799;
/** Meta's change values are a few levels deep; far deeper cannot be hashed or stored as jsonb without failing. */
const MAX_VALUE_DEPTH = 64;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Whether a change can be stored as jsonb: PostgreSQL refuses U+0000 and unpaired surrogates in JSON text
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

/** Any JS number, as JSON.parse gives it (zod's `number()` would refuse the Infinity a huge literal parses to). */
const anyNumber = z.custom<number>((value) => typeof value === "number");
/** An object kept as the same reference (a copy would reorder keys and change the dedupe hash). */
const sameObject = z.custom<Record<string, unknown>>(isPlainObject);

// ── the envelope ────────────────────────────────────────────────────────────────────────────────────────────────────

const ZWebhookEnvelope = z.object({ object: z.literal("whatsapp_business_account"), entry: z.array(z.unknown()) });

const ZWebhookEntry = z.object({
  /** The WABA id; Meta writes it as a string, some relays as a number. */
  id: z.union([z.string(), anyNumber.transform(String)]).refine((id) => id !== "" && isStorableText(id)),
  /** Unix seconds, as a number or a numeric string. */
  time: z
    .union([
      anyNumber,
      z
        .string()
        .refine((time) => time.trim() !== "")
        .transform(Number),
    ])
    .refine((time) => Number.isFinite(time) && time >= 0 && time <= MAX_EVENT_TIME_SECONDS),
  changes: z.array(z.unknown()),
});

/** One `changes[]` item; the whole item (extra keys too) must be storable. */
const ZWebhookChange = z
  .unknown()
  .refine(isStorableValue)
  .pipe(z.object({ field: z.string(), value: sameObject }));

export interface WebhookChange {
  wabaId: string;
  /** `entry.time`, unix seconds. */
  time: number;
  field: string;
  /** The change value exactly as Meta sent it. */
  value: Record<string, unknown>;
}

/** The changes of a `whatsapp_business_account` envelope; a malformed entry or change is skipped. */
export function changesOf(payload: unknown): WebhookChange[] {
  const envelope = ZWebhookEnvelope.safeParse(payload);
  if (!envelope.success) return [];
  const out: WebhookChange[] = [];
  for (const rawEntry of envelope.data.entry) {
    const entry = ZWebhookEntry.safeParse(rawEntry);
    if (!entry.success) continue;
    for (const rawChange of entry.data.changes) {
      const change = ZWebhookChange.safeParse(rawChange);
      if (change.success)
        out.push({ wabaId: entry.data.id, time: entry.data.time, field: change.data.field, value: change.data.value });
    }
  }
  return out;
}

// ── change values, one schema per field ───────────────────────────────────────────────────────────────────────────

/** A text or id: a string, or a number written as one; anything else reads as absent. */
const text = z
  .union([z.string(), anyNumber.transform(String)])
  .nullable()
  .catch(null);
/** A nested object (`rejection_info`, `other_info`, …), kept as sent; anything else reads as absent. */
const object = sameObject.nullable().catch(null);

/** How every template event names its template (Meta writes `en-US` in some events and `en_US` in others). */
const templateRef = {
  message_template_id: text,
  message_template_name: text,
  message_template_language: text,
};
export const ZTemplateRef = z.object(templateRef);

/** `message_template_status_update`: `event` is the new status, or FLAGGED / LOCKED / REINSTATED / UNARCHIVED … */
export const ZStatusUpdateValue = z.object({
  ...templateRef,
  event: text,
  reason: text,
  rejection_info: object,
  other_info: object,
  disable_info: object,
});

/** `message_template_quality_update` (Meta also documents this shape under the status field, see `effectiveField`). */
export const ZQualityUpdateValue = z.object({ ...templateRef, previous_quality_score: text, new_quality_score: text });

/**
 * `template_category_update`, two shapes: completed (`previous_category` → `new_category`), and the 24-hour notice
 * (`new_category` is the current category, `correct_category` the coming one, at `category_update_timestamp`).
 */
export const ZCategoryUpdateValue = z.object({
  ...templateRef,
  previous_category: text,
  new_category: text,
  correct_category: text,
  category_update_timestamp: anyNumber.nullable().catch(null),
});

const ZFlattenedButton = z.object({
  message_template_button_type: text,
  message_template_button_text: text,
  message_template_button_url: text,
  message_template_button_phone_number: text,
});

/** `message_template_components_update`: the template's texts, flattened (title, body element, footer, buttons). */
export const ZComponentsUpdateValue = z.object({
  ...templateRef,
  message_template_title: text,
  message_template_element: text,
  message_template_footer: text,
  message_template_buttons: z
    .array(z.unknown())
    .catch([])
    .transform((buttons) => buttons.filter(isPlainObject).map((button) => ZFlattenedButton.parse(button))),
});

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
