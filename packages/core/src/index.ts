/**
 * @kirim/core — domain logic: Meta gateway, template create/sync/list, Kysely on PostgreSQL or PGlite.
 * Framework-free: no HTTP server, no process.env.
 */
export { DomainError, isDomainError } from "./errors.js";
export type { DomainErrorOptions } from "./errors.js";

export { createDatabase } from "./db/database.js";
export type { DatabaseConfig, DatabaseHandle, DatabaseKind, NotificationHandlers, NotificationListener } from "./db/database.js";
export { API_KEY_CHANGED_CHANNEL, createApiKeyCache } from "./platform/api-keys/api-key.cache.js";
export type { ApiKeyCache, ApiKeyCacheOptions, CachedApiKey } from "./platform/api-keys/api-key.cache.js";
export { migrateToLatest, MIGRATIONS } from "./db/migrate.js";
export type { Database } from "./db/schema.js";

export { createMetaGateway } from "./meta/gateway.js";
export { MetaApiError, isMetaApiError } from "./meta/meta-api-error.js";
export type { MetaApiErrorKind } from "./meta/meta-api-error.js";
export type {
  MetaAccountRef,
  MetaComponent,
  MetaCreateTemplateBody,
  MetaCreateTemplateResult,
  MetaGateway,
  MetaGatewayOptions,
  MetaTemplate,
  ListTemplatesOptions as MetaListTemplatesOptions,
  RetryPolicy,
} from "./meta/types.js";

export { createCore, createOperator } from "./core.js";
export {
  createTokenCipher,
  generateTokenKeySpec,
  isEncryptedToken,
  parseTokenKeyring,
  TokenDecryptionError,
  TokenKeyringError,
} from "./platform/secrets/token-cipher.js";
export type { TokenCipher, TokenKey, TokenKeyring } from "./platform/secrets/token-cipher.js";
export type { SecretsPrepareResult, SecretsRotateResult, SecretsService } from "./platform/secrets/secrets.service.js";
export type {
  AccountsService,
  AdminAccount,
  AdminApiKey,
  AdminCustomer,
  AdminOrganisation,
  AdminService,
  AuthService,
  ConnectAccountInput,
  Core,
  CoreOptions,
  CreateApiKeyInput,
  CreateCustomerInput,
  CreatedApiKey,
  CreateOrganisationInput,
  GetTemplateOptions,
  MeService,
  ListAccountsOptions,
  ListTemplatesOptions,
  Principal,
  SeedDemoInput,
  SeedDemoResult,
  TemplatePage,
  TemplatesService,
} from "./types.js";

// Media pipeline for IMAGE/VIDEO/DOCUMENT header samples (issue 4; src/media/README.md).
export {
  ACCEPTED_UPLOAD_TYPES,
  acceptedUploadType,
  uploadLimitFor,
  DEFAULT_MEDIA_FETCH_POLICY,
  MAX_REDIRECTS_CEILING,
  MEDIA_ERROR_CODES,
  MEDIA_ERROR_HTTP,
  MEDIA_LIMITS,
  MediaError,
  createMediaFetchPolicy,
  isMediaError,
  isMediaHeaderComponent,
  mediaErrorToDomainError,
  prepareMediaHeader,
  systemResolver,
  toMetaComponentsWithMedia,
  uploadMediaToMeta,
  uploadTarget,
  withMetaHeaderHandle,
} from "./media/index.js";
export type {
  CoreMediaOptions,
  MediaConnector,
  MediaErrorCode,
  MediaFetchPolicy,
  MediaHeaderFormat,
  MediaService,
  UploadSampleInput,
  UploadedSample,
  MediaResolver,
  PrepareMediaHeaderOptions,
  PreparedMediaHeader,
  ResolvedAddress,
  UploadMediaOptions,
} from "./media/index.js";

export {
  canonicalJson,
  createIdempotencyService,
  IDEMPOTENCY_DEFAULTS,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  isReplayable,
  requestFingerprint,
} from "./platform/idempotency/index.js";
export type { IdempotencyClaim, IdempotencyOptions, IdempotencyService, IdempotencyStart, StoredResponse } from "./platform/idempotency/index.js";
export {
  bucketForMethod,
  createAuthFailureGuard,
  createRateLimitService,
  describeBucket,
  RATE_LIMIT_DEFAULTS,
  rateLimitError,
  take as takeFromBucket,
  withMetaCreateBudget,
} from "./platform/rate-limits/index.js";
export type { AuthFailureGuard, BucketClass, BucketDecision, BucketState, RateLimitOptions, RateLimitService } from "./platform/rate-limits/index.js";

// ── template lifecycle (issue 5): webhooks, sync runs, history, job queue ──
export { verifyWebhookSignature, normaliseLanguage, TEMPLATE_WEBHOOK_FIELDS } from "./lifecycle/webhooks.js";
export type { StoredWebhook } from "./lifecycle/webhooks.js";
export type { LifecycleService, Page, PageQuery } from "./lifecycle/lifecycle.service.js";
export { createInProcessQueue, createPgBossQueue } from "./lifecycle/job-queue.js";
export type { JobQueue, JobHandler, JobOptions, QueueDefinition, PgBossQueueOptions, InProcessQueueOptions } from "./lifecycle/job-queue.js";
export { createLifecycleWorker, SYNC_QUEUE, WEBHOOK_QUEUE } from "./lifecycle/lifecycle.worker.js";
export type { LifecycleWorker, LifecycleWorkerOptions } from "./lifecycle/lifecycle.worker.js";
export { HEARTBEAT_MS, STALE_RUN_MS } from "./templates/template-sync.js";
export type { RequestContext, SyncOptions } from "./types.js";

// Outbound webhooks for integrators (issue 17).
export * from "./webhooks-out/index.js";
