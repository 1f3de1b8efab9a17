import { createAccountsService } from "./accounts/account.service.js";
import { createAdminService } from "./admin/admin.service.js";
import { createAuthService } from "./platform/api-keys/auth.service.js";
import { createMeService } from "./platform/api-keys/me.service.js";
import { createSecretsService } from "./platform/secrets/secrets.service.js";
import { createTokenCipher } from "./platform/secrets/token-cipher.js";
import type { TokenKeyring } from "./platform/secrets/token-cipher.js";
import { createIdempotencyService } from "./platform/idempotency/idempotency.service.js";
import {
  createMetaCreateBudget,
  createRateLimitService,
  withMetaCreateBudget,
} from "./platform/rate-limits/rate-limit.service.js";
import { createLifecycleService } from "./lifecycle/lifecycle.service.js";
import { createMediaService } from "./media/media.service.js";
import { createWebhookIntakeService } from "./webhooks-in/webhook-intake.service.js";
import { createTemplatesService } from "./templates/template.service.js";
import type { MetaGateway } from "./meta/types.js";
import { createWebhooksOutService } from "./webhooks-out/webhook-out.service.js";
import type { Kysely } from "kysely";
import type { ApiKeyCache } from "./platform/api-keys/api-key.cache.js";
import type { AuthService, MeService } from "./base.js";
import type { AccountsService } from "./accounts/account.service.js";
import type { AdminService } from "./admin/admin.service.js";
import type { Database } from "./db/schema.js";
import type { IdempotencyOptions, IdempotencyService } from "./platform/idempotency/idempotency.service.js";
import type { LifecycleService } from "./lifecycle/lifecycle.service.js";
import type { CoreMediaOptions } from "./media/core-media.js";
import type { MediaService } from "./media/media.service.js";
import type { RateLimitOptions, RateLimitService } from "./platform/rate-limits/rate-limit.service.js";
import type { SecretsService } from "./platform/secrets/secrets.service.js";
import type { TemplatesService } from "./templates/template.service.js";
import type { WebhooksOutOptions, WebhooksOutService } from "./webhooks-out/webhook-out.service.js";
import type { WebhookIntakeService } from "./webhooks-in/webhook-intake.service.js";

export interface CoreOptions {
  db: Kysely<Database>;
  /**
   * Key rows cached in process, invalidated by LISTEN/NOTIFY (`createApiKeyCache`). Omitted → every request reads
   * its key row (tests that count statements; the CLI).
   */
  apiKeyCache?: ApiKeyCache | undefined;
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
}

export interface Core {
  auth: AuthService;
  /** The calling key and its organisation (`GET /v1/me`). */
  me: MeService;
  accounts: AccountsService;
  /** Every template operation: create, edit, delete, sync, list, get, counts, history, sync runs, render, library. */
  templates: TemplatesService;
  /** What the background worker drives: webhook intake/apply and scheduled sync claims. */
  lifecycle: LifecycleService;
  /** Header samples uploaded as bytes (`POST /v1/{pid}/uploads`): checked, then Meta's Resumable Upload → handle. */
  media: MediaService;
  /** Outbound webhooks: subscriptions, delivery log, redelivery, and the delivery step the worker runs. */
  webhooks: WebhooksOutService;
  /** Meta's template webhooks: store a verified POST's changes (deduplicated), apply one stored event. */
  webhooksIn: WebhookIntakeService;
  admin: AdminService;
  /** Idempotency-Key claims and stored answers, shared by every instance through the database. */
  idempotency: IdempotencyService;
  /** Per-organisation request buckets and Meta's per-WABA create budget. */
  rateLimits: RateLimitService;
  /** Meta access tokens at rest: encrypt-on-start + keyring check (`prepare`), key rotation. */
  secrets: SecretsService;
}

/**
 * Assembles the domain services over one database and one Meta gateway.
 *
 * ### Examples
 * ```ts
 * const { db } = createDatabase({ dataDir: ".data" });
 * await migrateToLatest(db);
 * const core = createCore({
 *   db,
 *   gateway: createMetaGateway({ graphUrl, apiVersion: "v23.0" }),
 *   cursorSecret,
 *   tokenKeyring: parseTokenKeyring(configuredKeys),
 *   media: { graphUrl, apiVersion: "v23.0", appId, policy: createMediaFetchPolicy() },
 * });
 * const principal = await core.auth.authenticate(bearer);
 * ```
 */
export function createCore(options: CoreOptions): Core {
  if (!options.cursorSecret) throw new Error("createCore: cursorSecret must be a non-empty string");
  const now = options.now ?? (() => new Date());
  const tokens = createTokenCipher(options.tokenKeyring);
  const rateLimits = createRateLimitService({ db: options.db, now, options: options.rateLimits });
  // Every template create is counted against Meta's hourly per-WABA budget before Meta is called.
  const gateway = withMetaCreateBudget(options.gateway, rateLimits);
  const deps = { db: options.db, gateway, cursorSecret: options.cursorSecret, now, media: options.media, tokens };
  return {
    auth: createAuthService({ ...deps, apiKeyCache: options.apiKeyCache }),
    me: createMeService({ db: options.db, rateLimits }),
    accounts: createAccountsService(deps),
    // A create reserves Meta's budget in its first statement and calls Meta through this (never reserving twice).
    templates: createTemplatesService({
      ...deps,
      metaCreateBudget: createMetaCreateBudget(options.gateway, rateLimits),
    }),
    lifecycle: createLifecycleService(deps),
    media: createMediaService(deps),
    // No gateway: the server only seeds the demo account it was configured with (no route connects accounts); the
    // operator CLI connects them, through createOperator({ gateway }), which has Meta confirm each one.
    admin: createAdminService({ db: options.db, now, tokens }),
    webhooks: createWebhooksOutService(deps, options.webhooks),
    webhooksIn: createWebhookIntakeService({ db: options.db, now }),
    idempotency: createIdempotencyService({ db: options.db, now, options: options.idempotency }),
    rateLimits,
    secrets: createSecretsService(deps),
  };
}

/**
 * The operator's services (the `kirim` CLI): organisations, customers, API keys, account connect/disconnect, token
 * encryption and key rotation. With a gateway, connecting an account is confirmed with Meta first.
 */
export function createOperator(options: {
  db: CoreOptions["db"];
  tokenKeyring: TokenKeyring;
  now?: () => Date;
  /** Given → `admin.connectAccount` asks Meta to confirm the token, WABA and phone number before storing them. */
  gateway?: Pick<MetaGateway, "lookUpAccount">;
}): Pick<Core, "admin" | "secrets"> {
  const tokens = createTokenCipher(options.tokenKeyring);
  const deps = { db: options.db, now: options.now ?? (() => new Date()), tokens, gateway: options.gateway };
  return { admin: createAdminService(deps), secrets: createSecretsService(deps) };
}
