import type { ColumnType, Insertable, Selectable } from "kysely";

export type TemplateStatus = "pending" | "approved" | "rejected";

/** jsonb column: written as a JSON string, read back as parsed JSON. */
export type Json<T> = ColumnType<T, string, string>;

export interface TemplateTable {
  /** `tmpl_` + ULID. */
  id: string;
  account_id: string;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  /** Meta's own status (APPROVED, PAUSED, …) verbatim. */
  meta_status: string;
  provider_template_id: string | null;
  components: Json<unknown[]>;
  /** The BODY component's text. */
  content: string;
  variables: Json<string[]>;
  parameter_format: string | null;
  rejected_reason: string | null;
  quality_score: string | null;
  previous_category: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  /**
   * When the row was last seen in a sync. Written when the row is inserted/changed by a sync; for an unchanged
   * row the effective value is the account's `templates_synced_at` (see README, "Sync").
   */
  last_synced_at: Date | null;
}
export type TemplateRow = Selectable<TemplateTable>;
export type NewTemplateRow = Insertable<TemplateTable>;
