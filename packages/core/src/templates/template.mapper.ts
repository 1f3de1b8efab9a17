import { deriveTemplateFields } from "@kirim/schema";
import type { TTemplate } from "@kirim/schema";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import { mapMetaStatus } from "./template-status.js";
import type { TemplateWireRow } from "./template.table.js";

/**
 * Effective `last_synced_at`: the later of the row's own value (set when a sync inserted/changed it) and the
 * account's `templates_synced_at` when that sync completed after the row existed (an unchanged row is confirmed
 * by the sync without being written). Templates deleted on Meta are not detected by sync (README).
 */
export function effectiveLastSyncedAt(
  row: TemplateWireRow,
  account: Pick<AccountWithCustomer, "templates_synced_at">,
): Date | null {
  const own = row.last_synced_at;
  const acc = account.templates_synced_at;
  const confirmed = acc !== null && acc.getTime() >= row.created_at.getTime() ? acc : null;
  if (own === null) return confirmed;
  if (confirmed === null) return own;
  return own.getTime() >= confirmed.getTime() ? own : confirmed;
}

/**
 * The wire `rejected_reason`: Meta's reason only while the template is rejected, else null. Meta sends
 * `rejected_reason: "NONE"` for every template that is not rejected (and keeps the old reason on a template under
 * appeal), which the contract (`ZTemplate.rejected_reason`: "null unless rejected") must not leak.
 * Applied when Meta's value is stored and again when a row is read, so rows stored before this rule render right.
 */
export function rejectedReason(metaStatus: string, reason: string | null | undefined): string | null {
  if (mapMetaStatus(metaStatus) !== "rejected") return null;
  if (reason === null || reason === undefined) return null;
  const trimmed = reason.trim();
  return trimmed === "" || trimmed.toUpperCase() === "NONE" ? null : trimmed;
}

/** The account fields a template shows (a listed page reads just these with its rows). */
export type TemplateAccountFields = Pick<
  AccountWithCustomer,
  "phone_number_id" | "display_phone_number" | "customer_id" | "customer_name" | "templates_synced_at"
>;

/** Row → wire `TTemplate`. The wire shape never depends on column names. */
export function templateRowToTemplate(row: TemplateWireRow, account: TemplateAccountFields): TTemplate {
  const lastSynced = effectiveLastSyncedAt(row, account);
  return {
    id: row.id,
    object: "template",
    name: row.name,
    language: row.language,
    status: row.status,
    content: row.content,
    variables: row.variables,
    components: row.components as TTemplate["components"],
    whatsapp_account: {
      phone_number: account.display_phone_number,
      phone_number_id: account.phone_number_id,
      customer: account.customer_id !== null ? { id: account.customer_id, name: account.customer_name ?? "" } : null,
    },
    provider_template_id: row.provider_template_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    category: row.category,
    meta_status: row.meta_status,
    rejected_reason: rejectedReason(row.meta_status, row.rejected_reason),
    quality_score: row.quality_score,
    previous_category: row.previous_category,
    last_synced_at: lastSynced !== null ? lastSynced.toISOString() : null,
    ...lifecycleFields(row, account, lastSynced),
    library_template_name: row.library_template_name ?? null,
    // Kirimdev's row fields, derived from the stored components on every read (not columns of their own).
    ...deriveTemplateFields(Array.isArray(row.components) ? row.components : []),
  };
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The template-lifecycle fields (issue 5): road of the last confirmation, Meta's explanations, tombstone. */
function lifecycleFields(
  row: TemplateWireRow,
  account: Pick<AccountWithCustomer, "templates_synced_at">,
  lastSynced: Date | null,
): Pick<TTemplate, "last_synced_via" | "rejection_info" | "status_info" | "pending_category_change" | "deleted_at"> {
  // The row's own confirmation wins when it is the latest; otherwise the account's last complete sync confirmed it.
  const ownIsLatest =
    row.last_synced_at !== null && lastSynced !== null && row.last_synced_at.getTime() === lastSynced.getTime();
  const via =
    lastSynced === null
      ? null
      : ownIsLatest
        ? row.last_synced_via
        : account.templates_synced_at !== null
          ? "sync"
          : row.last_synced_via;
  const info = asObject(row.rejection_info);
  return {
    last_synced_via: via === "create" || via === "sync" || via === "webhook" || via === "edit" ? via : null,
    rejection_info:
      info !== null && mapMetaStatus(row.meta_status) === "rejected"
        ? {
            reason: typeof info["reason"] === "string" ? info["reason"] : null,
            recommendation: typeof info["recommendation"] === "string" ? info["recommendation"] : null,
          }
        : null,
    status_info: asObject(row.status_info),
    pending_category_change:
      row.pending_category !== null
        ? { category: row.pending_category, effective_at: row.pending_category_at?.toISOString() ?? null }
        : null,
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}
