import type { ColumnType, Insertable, Selectable } from "kysely";

export type TemplateEventKind = "status" | "category" | "category_notice" | "quality" | "components";
export type TemplateEventSource = "create" | "sync" | "webhook" | "edit" | "delete";

/** One change of one template (history). Append-only. */
export interface TemplateEventTable {
  /** `tev_` + ULID. */
  id: string;
  template_id: string;
  account_id: string;
  kind: TemplateEventKind;
  from_value: string | null;
  to_value: string | null;
  /** Meta's reason (REJECTED → INVALID_FORMAT, pause title…) or ours ("not returned by Meta"). */
  reason: string | null;
  /** Extra structured detail (rejection_info, disable_info, other_info, component texts). */
  detail: ColumnType<unknown, string | null | undefined, never>;
  source: TemplateEventSource;
  /** The request id (create/edit/delete), sync run id (sync) or webhook event id (webhook). */
  source_id: string | null;
  /** When the change happened: Meta's event time for webhooks, else when we observed it. */
  occurred_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type TemplateEventRow = Selectable<TemplateEventTable>;
export type NewTemplateEventRow = Insertable<TemplateEventTable>;
