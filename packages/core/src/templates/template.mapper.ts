import type { TTemplate } from "@kirim/schema";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import type { TemplateRow } from "./template.table.js";

/**
 * Effective `last_synced_at`: the later of the row's own value (set when a sync inserted/changed it) and the
 * account's `templates_synced_at` when that sync completed after the row existed (an unchanged row is confirmed
 * by the sync without being written). Templates deleted on Meta are not detected by sync (README).
 */
export function effectiveLastSyncedAt(row: TemplateRow, account: Pick<AccountWithCustomer, "templates_synced_at">): Date | null {
  const own = row.last_synced_at;
  const acc = account.templates_synced_at;
  const confirmed = acc !== null && acc.getTime() >= row.created_at.getTime() ? acc : null;
  if (own === null) return confirmed;
  if (confirmed === null) return own;
  return own.getTime() >= confirmed.getTime() ? own : confirmed;
}

/** Row → wire `TTemplate`. The wire shape never depends on column names. */
export function templateRowToTemplate(row: TemplateRow, account: AccountWithCustomer): TTemplate {
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
    rejected_reason: row.rejected_reason,
    quality_score: row.quality_score,
    previous_category: row.previous_category,
    last_synced_at: lastSynced !== null ? lastSynced.toISOString() : null,
  };
}
