/**
 * @kirim/sdk — a fetch-only TypeScript client for the Kirim WhatsApp template API (Node ≥ 20, Deno, Bun, browsers).
 *
 * ```ts
 * const kirim = new Kirim({ apiKey, baseUrl: "https://kirim.example.com" });
 * for await (const t of kirim.phoneNumbers(id).templates.list({ status: "approved" })) console.log(t.name);
 * ```
 */
export { Kirim, PhoneNumberResource, WebhookSubscriptionsResource } from "./client.js";
export type {
  Account,
  CreateTemplateParams,
  EditTemplateParams,
  KirimOptions,
  ListAccountsParams,
  ListSyncRunsParams,
  ListTemplateEventsParams,
  ListTemplatesParams,
  Me,
  TemplateByName,
  RenderTemplateParams,
  RenderedTemplate,
  Template,
  TemplateDeleteResult,
  TemplateEvent,
  TemplateSyncResult,
  TemplateSyncRun,
  CreateWebhookSubscriptionParams,
  ListWebhookDeliveriesParams,
  ListWebhookSubscriptionsParams,
  RedeliverParams,
  RedeliverResult,
  UpdateWebhookSubscriptionParams,
  WebhookDeliveryAttempt,
  WebhookSubscription,
  WebhookSubscriptionDeleteResult,
  WebhookTestResult,
} from "./client.js";
export { KirimError, isKirimError } from "./errors.js";
export type { KirimErrorFields } from "./errors.js";
export { retryDelayMs } from "./http.js";
export type { RequestOptions } from "./http.js";
export { PageIterator } from "./paging.js";
export type { Page } from "./paging.js";
export { verifyWebhook, WEBHOOK_TOLERANCE_SECONDS } from "./webhooks.js";
export type { VerifyWebhookOptions, WebhookHeaders } from "./webhooks.js";
