export { verifyWebhookSignature } from "./webhook-signature.js";
export { TEMPLATE_WEBHOOK_FIELDS } from "./webhook-payload.schema.js";
export type { TemplateWebhookField } from "./webhook-payload.schema.js";
export { createWebhookIntakeService, normaliseLanguage } from "./webhook-intake.service.js";
export type { StoredWebhook, WebhookIntakeService } from "./webhook-intake.service.js";
