import type { ApiKeyTable } from "../platform/api-keys/api-key.table.js";
import type { WhatsappAccountTable } from "../accounts/account.table.js";
import type { CustomerTable, OrganisationTable } from "../organisations/organisation.table.js";
import type { ScheduledSyncSlotTable } from "../scheduler/scheduled-sync-slot.table.js";
import type { TemplateSyncRunTable } from "../templates/template-sync-run.table.js";
import type { WebhookEventTable } from "../webhooks-in/webhook-event.table.js";
import type { TemplateEventTable } from "../templates/template-event.table.js";
import type { TemplateTable } from "../templates/template.table.js";
import type {
  WebhookDeliveryAttemptTable,
  WebhookDeliveryTable,
  WebhookOutEventTable,
  WebhookSubscriptionTable,
} from "../webhooks-out/webhook-out.table.js";
import type { IdempotencyKeyTable } from "../platform/idempotency/idempotency.table.js";
import type { MetaCreateAttemptTable, RateLimitBucketTable } from "../platform/rate-limits/rate-limit.table.js";

/** The Kysely database interface, assembled from the per-domain `*.table.ts` files. */
export interface Database {
  organisations: OrganisationTable;
  customers: CustomerTable;
  api_keys: ApiKeyTable;
  whatsapp_accounts: WhatsappAccountTable;
  templates: TemplateTable;
  template_events: TemplateEventTable;
  template_sync_runs: TemplateSyncRunTable;
  webhook_events: WebhookEventTable;
  scheduled_sync_slots: ScheduledSyncSlotTable;
  idempotency_keys: IdempotencyKeyTable;
  rate_limit_buckets: RateLimitBucketTable;
  meta_create_attempts: MetaCreateAttemptTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_out_events: WebhookOutEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptTable;
}
