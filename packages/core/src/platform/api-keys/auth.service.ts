import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import type { AuthService, Principal } from "../../types.js";
import { hashApiKey } from "./api-key.crypto.js";
import { findApiKeyByHash } from "./api-key.repository.js";

const MAX_KEY_LENGTH = 512;

export function createAuthService(deps: { db: Kysely<Database>; now: () => Date }): AuthService {
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
      const row = await findApiKeyByHash(deps.db, hashApiKey(key));
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
