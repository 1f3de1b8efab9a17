/**
 * The base vocabulary every domain of core speaks: who calls, what request it is, a page of a list. It imports no
 * service (only wire types from @kirim/schema), so any module may import it without closing a circle.
 */
import type { TMe } from "@kirim/schema";

/** Who is calling: resolved from an API key by `core.auth.authenticate`. */
export interface Principal {
  organisationId: string;
  apiKeyId: string;
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

/** A page of a keyset-paged list (`lib/keyset-page.ts`). */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

// The api-keys services' interfaces (their implementations import them from here).
export interface AuthService {
  /** Throws DomainError `invalid_api_key` / `expired_api_key` (401). */
  authenticate(rawKey: string | undefined | null): Promise<Principal>;
}

export interface MeService {
  /** `GET /v1/me`: the calling key, its organisation and the organisation's request budgets. */
  get(principal: Principal): Promise<TMe>;
}
