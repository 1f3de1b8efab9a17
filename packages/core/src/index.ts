/**
 * @kirim/core — domain logic: Meta gateway, template create/sync/list, Kysely on PostgreSQL or PGlite.
 * Framework-free: no HTTP server, no process.env.
 *
 * The public surface is the composition API (database, gateway, `createCore`, the workers and their queues) and
 * what the apps use beside it; tests and tools reach internals through `@kirim/core/testing`.
 */
export { DomainError, isDomainError } from "./errors.js";
export type { DomainErrorOptions } from "./errors.js";
export type { AuthService, MeService, Page, PageQuery, Principal, RequestContext } from "./base.js";

// ── composition ──
export { createCore, createOperator } from "./core.js";
export type { Core, CoreOptions } from "./core.js";
export { createDatabase } from "./db/database.js";
export type {
  DatabaseConfig,
  DatabaseHandle,
  DatabaseKind,
  NotificationHandlers,
  NotificationListener,
} from "./db/database.js";
export { API_KEY_CHANGED_CHANNEL, createApiKeyCache } from "./platform/api-keys/api-key.cache.js";
export type { ApiKeyCache, ApiKeyCacheOptions, CachedApiKey } from "./platform/api-keys/api-key.cache.js";
export { migrateToLatest } from "./db/migrate.js";
export { pooledRandomFraction } from "./lib/ids.js";
export type { Database } from "./db/schema.js";
export { createMetaGateway } from "./meta/gateway.js";
export type { MetaGateway, MetaGatewayOptions } from "./meta/types.js";
export { generateTokenKeySpec, parseTokenKeyring, TokenKeyringError } from "./platform/secrets/token-cipher.js";
export type { TokenKeyring } from "./platform/secrets/token-cipher.js";
export { createMediaFetchPolicy } from "./media/index.js";
export type { CoreMediaOptions, MediaFetchPolicy } from "./media/index.js";

// ── the services `Core` holds ──
export type { AccountsService, ListAccountsOptions } from "./accounts/account.service.js";
export type { AdminAccount, AdminApiKey, AdminService } from "./admin/admin.service.js";
export type {
  IdempotencyClaim,
  IdempotencyOptions,
  IdempotencyService,
  StoredResponse,
} from "./platform/idempotency/index.js";
export type { LifecycleService } from "./lifecycle/lifecycle.service.js";
export type { MediaService } from "./media/index.js";
export type { BucketClass, BucketDecision, RateLimitOptions, RateLimitService } from "./platform/rate-limits/index.js";
export type { SecretsService } from "./platform/secrets/secrets.service.js";
export type {
  GetTemplateOptions,
  ListTemplatesOptions,
  SyncOptions,
  TemplatePage,
  TemplatesService,
  TemplateWireTextPage,
} from "./templates/template.service.js";
export type { TemplateWireWriter } from "./templates/template-wire-text.js";
export type { WebhooksOutOptions, WebhooksOutService } from "./webhooks-out/index.js";

// ── what the HTTP layer uses beside the services ──
export { acceptedUploadType, uploadLimitFor } from "./media/index.js";
export { IDEMPOTENCY_KEY_MAX_LENGTH, requestFingerprint } from "./platform/idempotency/index.js";
export { bucketForMethod, createAuthFailureGuard, rateLimitError } from "./platform/rate-limits/index.js";
export { verifyWebhookSignature } from "./webhooks-in/index.js";
export type { WebhookIntakeService } from "./webhooks-in/index.js";

// ── background work: job queues, the scheduler / webhook worker, outbound webhook delivery ──
export { createInProcessQueue, createPgBossQueue } from "./scheduler/job-queue.js";
export type { InProcessQueueOptions, JobQueue, PgBossQueueOptions } from "./scheduler/job-queue.js";
export { createLifecycleWorker } from "./scheduler/lifecycle.worker.js";
export type { LifecycleWorker, LifecycleWorkerOptions } from "./scheduler/lifecycle.worker.js";
export { createWebhookDeliveryWorker } from "./webhooks-out/index.js";
export type { WebhookDeliveryWorker, WebhookDeliveryWorkerOptions } from "./webhooks-out/index.js";
