import type { ApiKeyTable } from "../api-keys/api-key.table.js";
import type { WhatsappAccountTable } from "../accounts/account.table.js";
import type { CustomerTable, OrganisationTable } from "../organisations/organisation.table.js";
import type { TemplateTable } from "../templates/template.table.js";

/** The Kysely database interface, assembled from the per-domain `*.table.ts` files. */
export interface Database {
  organisations: OrganisationTable;
  customers: CustomerTable;
  api_keys: ApiKeyTable;
  whatsapp_accounts: WhatsappAccountTable;
  templates: TemplateTable;
}
