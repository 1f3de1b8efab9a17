import type { TemplateWebhookField } from "../webhook-payload.schema.js";
import { applyCategoryUpdate } from "./category-update.js";
import { applyComponentsUpdate } from "./components-update.js";
import type { FieldHandler } from "./field-handler.js";
import { applyQualityUpdate } from "./quality-update.js";
import { applyStatusUpdate } from "./status-update.js";

export type { FieldEvent, FieldHandler, FieldOutcome } from "./field-handler.js";
export { mergeFlattenedComponents } from "./components-update.js";

/** One handler per webhook field (a new field: its schema, its handler here, a test with a real payload). */
export const FIELD_HANDLERS: Readonly<Record<TemplateWebhookField, FieldHandler>> = {
  message_template_status_update: applyStatusUpdate,
  message_template_quality_update: applyQualityUpdate,
  template_category_update: applyCategoryUpdate,
  message_template_components_update: applyComponentsUpdate,
};
