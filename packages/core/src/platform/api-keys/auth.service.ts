import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import type { AuthService, Principal } from "../../base.js";
import { hashApiKey } from "./api-key.crypto.js";
import { findApiKeyByHash } from "./api-key.repository.js";
import type { ApiKeyCache, CachedApiKey } from "./api-key.cache.js";

const MAX_KEY_LENGTH = 512;

export function createAuthService(deps: {
  db: Kysely<Database>;
  now: () => Date;
  apiKeyCache?: ApiKeyCache | undefined;
}): AuthService {
  const cache = deps.apiKeyCache;
  /** Only known keys are cached: an unknown key is looked up every time (the failed-auth bucket bounds that). */
  async function findKey(keyHash: string): Promise<CachedApiKey | undefined> {
    if (cache === undefined) return findApiKeyByHash(deps.db, keyHash);
    const cached = cache.get(keyHash);
    if (cached !== undefined) return cached;
    const generation = cache.generation();
    const row = await findApiKeyByHash(deps.db, keyHash);
    if (row !== undefined) cache.put(keyHash, row, generation);
    return row;
  }
  return {
    /**
     * `rawKey` is the bearer token. Keys normally look like `kdv_live_` + 24 url-safe base64 chars, but any key
     * whose SHA-256 hash is stored is accepted (e.g. a configured DEV key). Unknown or revoked → `invalid_api_key`;
     * past `expires_at` → `expired_api_key`.
     */
    async authenticate(rawKey: string | undefined | null): Promise<Principal> {
      const key = rawKey?.trim() ?? "";
      if (key === "" || key.length > MAX_KEY_LENGTH) {
        throw new DomainError("invalid_api_key", "Missing or invalid API key. Send `Authorization: Bearer <key>`.");
      }
      const row = await findKey(hashApiKey(key));
      if (!row || row.revoked_at !== null) {
        throw new DomainError("invalid_api_key", "Invalid API key.");
      }
      if (row.expires_at !== null && row.expires_at.getTime() <= deps.now().getTime()) {
        throw new DomainError("expired_api_key", "This API key has expired.");
      }
      return { organisationId: row.organisation_id, apiKeyId: row.id };
    },
  };
}
