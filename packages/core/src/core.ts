import { createAccountsService } from "./accounts/account.service.js";
import { createAdminService } from "./admin/admin.service.js";
import { createAuthService } from "./api-keys/auth.service.js";
import { createTemplatesService } from "./templates/template.service.js";
import type { Core, CoreOptions } from "./types.js";

/**
 * Assembles the domain services over one database and one Meta gateway.
 *
 * ### Examples
 * ```ts
 * const { db } = createDatabase({ dataDir: ".data" });
 * await migrateToLatest(db);
 * const core = createCore({ db, gateway: createMetaGateway({ graphUrl, apiVersion: "v23.0" }), cursorSecret });
 * const principal = await core.auth.authenticate(bearer);
 * ```
 */
export function createCore(options: CoreOptions): Core {
  if (!options.cursorSecret) throw new Error("createCore: cursorSecret must be a non-empty string");
  const now = options.now ?? (() => new Date());
  const deps = { db: options.db, gateway: options.gateway, cursorSecret: options.cursorSecret, now };
  return {
    auth: createAuthService(deps),
    accounts: createAccountsService(deps),
    templates: createTemplatesService(deps),
    admin: createAdminService(deps),
  };
}
