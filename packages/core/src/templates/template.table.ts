import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

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
  /** Set when Meta no longer returns the template (sync) or it was deleted through us; the row is kept. */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Meta's `rejection_info` {reason, recommendation} from the status webhook, when given. */
  rejection_info: ColumnType<unknown, string | null | undefined, string | null>;
  /** Meta's `disable_info` / `other_info` of the last status event (pause title, disable date…). */
  status_info: ColumnType<unknown, string | null | undefined, string | null>;
  /** Announced (24 h notice) category change: the future category and when it takes effect. */
  pending_category: ColumnType<string | null, string | null | undefined, string | null>;
  pending_category_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Which road last confirmed this row from Meta: create | sync | webhook | edit. */
  last_synced_via: ColumnType<string | null, string | null | undefined, string | null>;
  /** The Template Library template it was created from (issue 16); null otherwise. Sync never changes it. */
  library_template_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** Per-field clocks: when each field last changed (Meta's event time for webhooks); the monotonic guards. */
  status_changed_at: ColumnType<Date, Date | undefined, Date>;
  category_changed_at: ColumnType<Date, Date | undefined, Date>;
  quality_changed_at: ColumnType<Date, Date | undefined, Date>;
  components_changed_at: ColumnType<Date, Date | undefined, Date>;
  /** sha256 of the canonical (jsonb) components, computed by PostgreSQL on every write: what a sync compares. */
  content_hash: ColumnType<Uint8Array, never, never>;
  /**
   * The template's wire JSON as a REST list last wrote it, and what it was written under (template-wire-text.ts).
   * Cleared by the database on every other UPDATE of the row (trigger `templates_forget_wire_text`).
   */
  wire_text_key: ColumnType<string | null, never, string | null>;
  wire_text: ColumnType<string | null, never, string | null>;
}
export type TemplateRow = Selectable<TemplateTable>;
export type NewTemplateRow = Insertable<TemplateTable>;
export type TemplateUpdate = Updateable<TemplateTable>;

/**
 * The columns the wire mapper (`templateRowToTemplate`) reads — and all a listed page selects: the rest (the
 * per-field clocks, account_id, parameter_format) would only be parsed (four timestamps each row) and dropped.
 */
export const TEMPLATE_WIRE_COLUMNS = [
  "id",
  "name",
  "language",
  "status",
  "content",
  "variables",
  "components",
  "provider_template_id",
  "created_at",
  "updated_at",
  "category",
  "meta_status",
  "rejected_reason",
  "quality_score",
  "previous_category",
  "last_synced_at",
  "last_synced_via",
  "rejection_info",
  "status_info",
  "pending_category",
  "pending_category_at",
  "deleted_at",
  "library_template_name",
] as const satisfies readonly (keyof TemplateTable)[];
export type TemplateWireRow = Pick<TemplateRow, (typeof TEMPLATE_WIRE_COLUMNS)[number]>;
