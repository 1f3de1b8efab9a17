/** One change of one template, as every road (create, sync, webhook, edit, delete) reports it to the history. */
import type { TemplateEventKind, TemplateEventSource } from "./template-event.table.js";

export interface TemplateChange {
  templateId: string;
  accountId: string;
  kind: TemplateEventKind;
  from: string | null;
  to: string | null;
  reason?: string | null | undefined;
  detail?: unknown;
  source: TemplateEventSource;
  sourceId: string | null | undefined;
  occurredAt: Date;
}
