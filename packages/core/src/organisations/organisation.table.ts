import type { Generated, Insertable, Selectable } from "kysely";

export interface OrganisationTable {
  id: string;
  name: string;
  /** Marks the organisation created by `admin.seedDemo` (at most one). */
  is_demo: Generated<boolean>;
  /** Per-organisation request budgets; NULL = the server-wide default. */
  rate_limit_write_per_minute: Generated<number | null>;
  rate_limit_read_per_minute: Generated<number | null>;
  created_at: Generated<Date>;
}
export type OrganisationRow = Selectable<OrganisationTable>;
export type NewOrganisationRow = Insertable<OrganisationTable>;

export interface CustomerTable {
  id: string;
  organisation_id: string;
  name: string;
  created_at: Generated<Date>;
}
export type CustomerRow = Selectable<CustomerTable>;
export type NewCustomerRow = Insertable<CustomerTable>;
