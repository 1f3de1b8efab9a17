/**
 * A listed template's wire JSON, kept with its row (issue 19). A REST list page used to read 23 columns of 25 rows,
 * map each row (`templateRowToTemplate`) and serialise it, on every request; most of that CPU — and the garbage it
 * left — went to templates that had not changed since the last request. Now a page reads each template's text as it
 * was last written and sends it as it is; only a row with no text for the page's key is mapped, written and stored.
 *
 * When a stored text is used: only when it was written under the page's key, which is
 * - the writer's fingerprint: its output for a fixed set of probe templates plus `WIRE_TEXT_REVISION`, so a deploy
 *   that changes a template's bytes (the mapper, the wire schema, the serialiser) writes new texts; and
 * - a hash of the account's fields a template shows (number, customer, last complete sync: `last_synced_at` reads it).
 * A change to the row itself clears its text (the `templates_forget_wire_text` trigger, for every writer), and a text
 * is stored only if the row has not been written since it was read (`storeTemplateWireTexts`, by `xmin`).
 */
import { createHash } from "node:crypto";
import type { TTemplate } from "@kirim/schema";
import type { TemplateAccountFields } from "./template.mapper.js";
import { templateRowToTemplate } from "./template.mapper.js";
import type { TemplateWireRow } from "./template.table.js";

/** The JSON text of one template, exactly as the caller's list answer holds it (REST: its compiled serialiser). */
export interface TemplateWireWriter {
  write(template: TTemplate): string;
}

/** Bump when a template's text changes in a way the probes below cannot show (a rule only unusual rows meet). */
export const WIRE_TEXT_REVISION = 1;

const AT = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
const LATER = new Date(Date.UTC(2026, 0, 3, 3, 4, 5, 6));

function probeRow(overrides: Partial<TemplateWireRow>): TemplateWireRow {
  return {
    id: "tmpl_probe",
    name: "probe",
    language: "en_US",
    status: "approved",
    content: "Hi {{1}}",
    variables: ["1"],
    components: [
      { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::probe"] } },
      { type: "BODY", text: "Hi {{1}}", example: { body_text: [["Budi"]] } },
      { type: "FOOTER", text: "Reply STOP" },
      {
        type: "BUTTONS",
        buttons: [
          { type: "QUICK_REPLY", text: "Yes" },
          { type: "URL", text: "Open", url: "https://example.com/{{1}}", example: ["https://example.com/a"] },
          { type: "PHONE_NUMBER", text: "Call", phone_number: "+628111222333" },
        ],
      },
    ],
    provider_template_id: "1234567890",
    created_at: AT,
    updated_at: AT,
    category: "MARKETING",
    meta_status: "APPROVED",
    rejected_reason: "NONE",
    quality_score: "GREEN",
    previous_category: null,
    last_synced_at: AT,
    last_synced_via: "sync",
    rejection_info: null,
    status_info: null,
    pending_category: null,
    pending_category_at: null,
    deleted_at: null,
    library_template_name: null,
    ...overrides,
  };
}

const PROBE_ACCOUNT: TemplateAccountFields = {
  phone_number_id: "106540352242922",
  display_phone_number: "+62 811 1222 333",
  customer_id: "cus_probe",
  customer_name: "Probe",
  templates_synced_at: LATER,
};

/** Every branch of the mapper a row can take: each status road, the lifecycle fields, a library template, no customer. */
const PROBES: readonly [TemplateWireRow, TemplateAccountFields][] = [
  [probeRow({}), PROBE_ACCOUNT],
  [
    probeRow({
      status: "rejected",
      meta_status: "REJECTED",
      rejected_reason: "INVALID_FORMAT",
      rejection_info: { reason: "INVALID_FORMAT", recommendation: "Fix it" },
      quality_score: null,
      last_synced_at: LATER,
      last_synced_via: "webhook",
    }),
    { ...PROBE_ACCOUNT, customer_id: null, customer_name: null, templates_synced_at: null },
  ],
  [
    probeRow({
      meta_status: "PAUSED",
      status_info: { title: "Paused", description: "Low quality" },
      previous_category: "UTILITY",
      pending_category: "UTILITY",
      pending_category_at: LATER,
      quality_score: "RED",
    }),
    PROBE_ACCOUNT,
  ],
  [
    probeRow({
      status: "pending",
      meta_status: "PENDING",
      deleted_at: LATER,
      library_template_name: "order_confirmation",
      components: [{ type: "BODY", text: "Order {{1}}" }],
      last_synced_at: null,
      last_synced_via: null,
    }),
    { ...PROBE_ACCOUNT, templates_synced_at: null },
  ],
];

/** What texts written by `writer` are stored under (with the account's hash: `wireTextKey`). */
export function wireTextFingerprint(writer: TemplateWireWriter): string {
  const hash = createHash("sha256").update(`revision ${WIRE_TEXT_REVISION}\n`);
  for (const [row, account] of PROBES) hash.update(writer.write(templateRowToTemplate(row, account))).update("\n");
  return hash.digest("hex").slice(0, 32);
}

const keys = new Map<string, string>();
/** Accounts whose key is remembered; past it the memo starts again (a page costs one hash more, nothing else). */
const KEYS_KEPT = 1_000;

/** The key of texts written by the writer of `fingerprint` for the account whose fields `accountText` holds. */
export function wireTextKey(fingerprint: string, accountText: string | null): string {
  const input = `${fingerprint}\n${accountText ?? ""}`;
  let key = keys.get(input);
  if (key === undefined) {
    key = `${fingerprint}${createHash("sha256")
      .update(accountText ?? "")
      .digest("hex")
      .slice(0, 32)}`;
    if (keys.size >= KEYS_KEPT) keys.clear();
    keys.set(input, key);
  }
  return key;
}
