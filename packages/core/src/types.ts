import type { Kysely } from "kysely";
import type { TAccount, TCreateTemplateRequest, TMe, TTemplate, TTemplateByName, TTemplateCounts, TTemplateSyncResult } from "@kirim/schema";
import type { TRenderTemplateRequest, TTemplateLibraryQuery, TLibraryTemplate, TRenderedTemplate } from "@kirim/schema";
import type { Database } from "./db/schema.js";
import type { ApiKeyCache } from "./platform/api-keys/api-key.cache.js";
import type { LifecycleService } from "./lifecycle/lifecycle.service.js";
import type { WebhooksOutOptions, WebhooksOutService } from "./webhooks-out/webhook-out.service.js";
import type { CoreMediaOptions } from "./media/core-media.js";
import type { MediaService } from "./media/media.service.js";
import type { IdempotencyOptions, IdempotencyService } from "./platform/idempotency/idempotency.service.js";
import type { MetaGateway } from "./meta/types.js";
import type { RateLimitOptions, RateLimitService } from "./platform/rate-limits/rate-limit.service.js";
import type { SecretsService } from "./platform/secrets/secrets.service.js";
import type { TokenKeyring } from "./platform/secrets/token-cipher.js";

/** Who is calling: resolved from an API key by `core.auth.authenticate`. */
export interface Principal {
  organisationId: string;
  apiKeyId: string;
}

export interface CoreOptions {
  db: Kysely<Database>;
  gateway: MetaGateway;
  /** HMAC key for list cursors (any non-empty string; keep it stable across restarts). */
  cursorSecret: string;
  /** Clock (tests). */
  now?: () => Date;
  /** Idempotency-Key storage and waiting (defaults: kept 24 h, a concurrent duplicate waits up to 30 s). */
  idempotency?: IdempotencyOptions | undefined;
  /** Request buckets and Meta's create budget (defaults: 60 writes and 600 reads a minute; 100 creates per WABA an hour). */
  rateLimits?: RateLimitOptions | undefined;
  /**
   * Keys for Meta access tokens at rest (AES-256-GCM). `current` encrypts; `previous` keys still decrypt values
   * written before a rotation. Tests: `testTokenKeyring()` from `@kirim/core/testing`.
   */
  tokenKeyring: TokenKeyring;
  /**
   * Header-sample uploads (issue 4): where and how `example.header_url` samples are fetched and uploaded to Meta.
   * Omitted → a URL sample is refused (before any download) and only real Meta handles pass through.
   */
  media?: CoreMediaOptions | undefined;
  /** Outbound webhooks (issue 17): target policy (WEBHOOK_ALLOW_PRIVATE_TARGETS), resolver, timeout. */
  webhooks?: WebhooksOutOptions | undefined;
  /**
   * Key rows cached in process, invalidated by LISTEN/NOTIFY (`createApiKeyCache`). Omitted → every request reads
   * its key row (tests that count statements; the CLI).
   */
  apiKeyCache?: ApiKeyCache | undefined;
}

export interface ListAccountsOptions {
  /** `connected` (default) or `all`. */
  status?: "connected" | "all";
}

export interface ListTemplatesOptions {
  /** `all` (default) = no filter. */
  status?: "approved" | "pending" | "rejected" | "all";
  language?: string | undefined;
  /** Only this category (upper-case, as stored). */
  category?: "MARKETING" | "UTILITY" | "AUTHENTICATION" | undefined;
  /** Only this Meta status (upper-case, verbatim: PAUSED, DISABLED…), which `status` folds. */
  meta_status?: string | undefined;
  /** created_desc (default), name_asc / name_desc (a name's languages together), updated_desc / updated_asc. */
  sort?: "created_desc" | "name_asc" | "name_desc" | "updated_desc" | "updated_asc" | undefined;
  /** Names containing this text, ignoring case; `%`, `_` and `\` match literally. */
  search?: string | undefined;
  /** Also templates deleted on Meta (default false). */
  include_deleted?: boolean | undefined;
  /** 1–100, default 25. */
  limit?: number;
  cursor?: string | undefined;
}

export interface TemplatePage {
  data: TTemplate[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface GetTemplateOptions {
  /** This language; default the name's only language, else its earliest created one. */
  language?: string | undefined;
  /** Also find a deleted template (default false: 404, as the list hides it). */
  include_deleted?: boolean | undefined;
}

export interface CreateOrganisationInput {
  name: string;
}
export interface CreateCustomerInput {
  organisationId: string;
  name: string;
}
export interface CreateApiKeyInput {
  organisationId: string;
  label?: string;
  /** Use this plaintext key instead of generating one (e.g. a configured DEV key). */
  key?: string;
  expiresAt?: Date | null;
}
export interface CreatedApiKey {
  id: string;
  /** The plaintext key. Returned once; only its SHA-256 hash is stored. */
  key: string;
  prefix: string;
  last4: string;
}
export interface ConnectAccountInput {
  organisationId: string;
  customerId?: string | null;
  phoneNumberId: string;
  displayPhoneNumber?: string | null;
  name?: string | null;
  wabaId: string;
  accessToken: string;
  status?: "connected" | "disconnected";
  /**
   * Another organisation already has a connected account on this WABA: refused (409 `waba_connected_elsewhere`)
   * unless the operator says both may use it — they then share Meta's per-WABA budgets.
   */
  allowSharedWaba?: boolean;
}
export interface SeedDemoInput {
  graph: { wabaId: string; accessToken: string };
  /** Plaintext key to (re)register for the demo organisation; a new one is generated when omitted on first seed. */
  apiKey?: string;
}
export interface SeedDemoResult {
  organisationId: string;
  customerId: string;
  /**
   * The demo API key in plaintext: the given one, or a newly generated one on first seed.
   * `null` when already seeded and no key was given (plaintext keys are never stored).
   */
  apiKey: string | null;
  phoneNumberId: string;
  /** false when the demo data already existed (no-op apart from re-applying `apiKey`). */
  created: boolean;
}

export interface AuthService {
  /** Throws DomainError `invalid_api_key` / `expired_api_key` (401). */
  authenticate(rawKey: string | undefined | null): Promise<Principal>;
}

export interface MeService {
  /** `GET /v1/me`: the calling key, its organisation and the organisation's request budgets. */
  get(principal: Principal): Promise<TMe>;
}

export interface AccountsService {
  list(principal: Principal, options?: ListAccountsOptions): Promise<TAccount[]>;
}

/** Who asked, for the history (`template_events.source_id`). */
export interface RequestContext {
  requestId?: string | undefined;
  /**
   * The request retries an identical one (same Idempotency-Key and body) whose process died before it answered
   * (`IdempotencyClaim.resumesAbandonedAttempt`): a create then takes a template with the same name, language and
   * text as the one that earlier attempt made, and answers it instead of 409.
   */
  resumesAbandonedAttempt?: boolean | undefined;
}

export interface SyncOptions {
  /** Recorded on the sync run: api (REST, default), trpc, schedule. */
  trigger?: string | undefined;
}

export interface TemplatesService {
  create(principal: Principal, phoneNumberId: string, input: TCreateTemplateRequest, context?: RequestContext): Promise<TTemplate>;
  /** Complete sync, recorded as a run; joins a sync of the same account already running (any process). */
  sync(principal: Principal, phoneNumberId: string, options?: SyncOptions): Promise<TTemplateSyncResult>;
  list(principal: Principal, phoneNumberId: string, query?: ListTemplatesOptions): Promise<TemplatePage>;
  /** Live templates per Meta status and per folded status. */
  counts(principal: Principal, phoneNumberId: string): Promise<TTemplateCounts>;
  getByName(principal: Principal, phoneNumberId: string, name: string, options?: GetTemplateOptions): Promise<TTemplateByName>;
  /** Render-and-check: the template filled with Meta's send parameters, or `template_parameter_invalid` naming the
   * parameter Meta would refuse (template-render.ts). */
  render(principal: Principal, phoneNumberId: string, name: string, request: TRenderTemplateRequest): Promise<TRenderedTemplate>;
  /** Meta's Template Library, browsed with Meta's filters through the gateway (issue 16). */
  library(principal: Principal, phoneNumberId: string, query: TTemplateLibraryQuery): Promise<TLibraryTemplate[]>;
}

export interface AdminOrganisation {
  id: string;
  name: string;
  isDemo: boolean;
  createdAt: Date;
}
export interface AdminCustomer {
  id: string;
  organisationId: string;
  name: string;
  createdAt: Date;
}
/** An API key as operators see it: never the key itself, only `prefix…last4`. */
export interface AdminApiKey {
  id: string;
  organisationId: string;
  label: string;
  prefix: string;
  last4: string;
  status: "active" | "expired" | "revoked";
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}
/** A WhatsApp account as operators see it (never the access token). */
export interface AdminAccount {
  id: string;
  organisationId: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  name: string | null;
  wabaId: string;
  status: "connected" | "disconnected";
  customer: { id: string; name: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Operator actions (the `kirim` CLI, the demo seed, tests). Unknown organisation / customer / key / account →
 * DomainError `resource_not_found`.
 */
export interface AdminService {
  createOrganisation(input: CreateOrganisationInput): Promise<{ id: string }>;
  listOrganisations(): Promise<AdminOrganisation[]>;
  createCustomer(input: CreateCustomerInput): Promise<{ id: string }>;
  listCustomers(organisationId: string): Promise<AdminCustomer[]>;
  createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey>;
  listApiKeys(organisationId: string): Promise<AdminApiKey[]>;
  /** Immediate: the next request with this key gets 401 `invalid_api_key`. */
  revokeApiKey(keyId: string): Promise<AdminApiKey>;
  /**
   * Stores the token encrypted. An existing *disconnected* account of the same organisation is reconnected with
   * the new credentials; a connected one (or one of another organisation) → 409 `account_already_connected`; a WABA
   * another organisation has connected → 409 `waba_connected_elsewhere` (unless `allowSharedWaba`). When the service
   * has a gateway (`createOperator({ gateway })`, the CLI) Meta must first confirm that the token reaches the WABA
   * and that the phone number is one of its numbers, else 422 `account_verification_failed` and nothing is stored.
   */
  connectAccount(input: ConnectAccountInput): Promise<{ id: string; phoneNumberId: string }>;
  /** Sets the account to `disconnected` (kept for `?status=all` and a later reconnect). */
  disconnectAccount(phoneNumberId: string): Promise<void>;
  listAccounts(organisationId: string, options?: { status?: "connected" | "all" }): Promise<AdminAccount[]>;
  seedDemo(input: SeedDemoInput): Promise<SeedDemoResult>;
}

export interface Core {
  auth: AuthService;
  /** The calling key and its organisation (`GET /v1/me`). */
  me: MeService;
  accounts: AccountsService;
  templates: TemplatesService;
  /** Template lifecycle: history, sync runs, webhook intake/apply, scheduled sync claims, edit, delete. */
  lifecycle: LifecycleService;
  /** Header samples uploaded as bytes (`POST /v1/{pid}/uploads`): checked, then Meta's Resumable Upload → handle. */
  media: MediaService;
  /** Outbound webhooks: subscriptions, delivery log, redelivery, and the delivery step the worker runs. */
  webhooks: WebhooksOutService;
  admin: AdminService;
  /** Idempotency-Key claims and stored answers, shared by every instance through the database. */
  idempotency: IdempotencyService;
  /** Per-organisation request buckets and Meta's per-WABA create budget. */
  rateLimits: RateLimitService;
  /** Meta access tokens at rest: encrypt-on-start + keyring check (`prepare`), key rotation. */
  secrets: SecretsService;
}
