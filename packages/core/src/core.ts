import { createAccountsService } from "./accounts/account.service.js";
import { createAdminService } from "./admin/admin.service.js";
import { createAuthService } from "./platform/api-keys/auth.service.js";
import { createMeService } from "./platform/api-keys/me.service.js";
import { createSecretsService } from "./platform/secrets/secrets.service.js";
import { createTokenCipher } from "./platform/secrets/token-cipher.js";
import type { TokenKeyring } from "./platform/secrets/token-cipher.js";
import { createIdempotencyService } from "./platform/idempotency/idempotency.service.js";
import { createRateLimitService, withMetaCreateBudget } from "./platform/rate-limits/rate-limit.service.js";
import { createLifecycleService } from "./lifecycle/lifecycle.service.js";
import { createMediaService } from "./media/media.service.js";
import { createTemplatesService } from "./templates/template.service.js";
import type { MetaGateway } from "./meta/types.js";
import { createWebhooksOutService } from "./webhooks-out/webhook-out.service.js";
import { createTemplateRenderService } from "./templates/template-render.js";
import { createTemplateLibraryService } from "./templates/template-library.js";
import type { Core, CoreOptions } from "./types.js";

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
    templates: { ...createTemplatesService(deps), ...createTemplateRenderService(deps), ...createTemplateLibraryService(deps) },
    lifecycle: createLifecycleService(deps),
    media: createMediaService(deps),
    // No gateway: the server only seeds the demo account it was configured with (no route connects accounts); the
    // operator CLI connects them, through createOperator({ gateway }), which has Meta confirm each one.
    admin: createAdminService({ db: options.db, now, tokens }),
    webhooks: createWebhooksOutService(deps, options.webhooks),
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
