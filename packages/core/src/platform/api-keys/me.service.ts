/**
 * `GET /v1/me` (Kirimdev's shape): the calling key, its organisation, and the request budgets the organisation
 * spends from — its own limits when the operator set them, else the server's defaults.
 */
import type { TMe } from "@kirim/schema";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { DomainError } from "../../errors.js";
import type { RateLimitService } from "../rate-limits/rate-limit.service.js";
import type { MeService, Principal } from "../../base.js";
import { findApiKeyWithOrganisation } from "./api-key.repository.js";

interface Deps {
  db: Kysely<Database>;
  rateLimits: Pick<RateLimitService, "options">;
}

export function createMeService(deps: Deps): MeService {
  return {
    async get(principal: Principal): Promise<TMe> {
      const row = await findApiKeyWithOrganisation(deps.db, principal.apiKeyId, principal.organisationId);
      // Authentication read this key a moment ago; gone now means it was deleted in between.
      if (row === undefined) throw new DomainError("invalid_api_key", "The API key is malformed, unknown or revoked.");
      const custom = row.rate_limit_write_per_minute !== null || row.rate_limit_read_per_minute !== null;
      return {
        organization: { id: row.organisation_id, object: "organization", name: row.organisation_name },
        api_key: { id: row.key_id, object: "api_key", label: row.key_label, last4: row.key_last4 },
        rate_limits: {
          tier: custom ? "custom" : "default",
          write_per_minute: row.rate_limit_write_per_minute ?? deps.rateLimits.options.writePerMinute,
          read_per_minute: row.rate_limit_read_per_minute ?? deps.rateLimits.options.readPerMinute,
        },
      };
    },
  };
}
