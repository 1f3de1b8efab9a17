/** What the gateway needs to talk to Meta on behalf of one WhatsApp Business Account. */
export interface MetaAccountRef {
  wabaId: string;
  /** The account's Meta access token. Only ever sent to the configured Graph base URL. */
  accessToken: string;
}

/** One component as Meta accepts/returns it (kept loose: Meta adds fields over time). */
export type MetaComponent = Record<string, unknown> & { type: string };

/** Body of `POST /{waba_id}/message_templates` (the fields we send). */
export interface MetaCreateTemplateBody {
  name: string;
  language: string;
  category: string;
  /** Absent for a Template Library create: Meta builds the components from `library_template_name`. */
  components?: MetaComponent[];
  library_template_name?: string;
  library_template_body_inputs?: Record<string, unknown>;
  library_template_button_inputs?: Array<Record<string, unknown>>;
  parameter_format?: "POSITIONAL" | "NAMED";
  message_send_ttl_seconds?: number;
  sub_category?: string;
  cta_url_link_tracking_opted_out?: boolean;
  allow_category_change?: boolean;
}

/** Meta's answer to a create. */
export interface MetaCreateTemplateResult {
  id: string;
  status: string;
  category: string;
}

/** A template as read from `GET /{waba_id}/message_templates` (unknown fields tolerated and dropped). */
export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: MetaComponent[];
  parameter_format?: string | undefined;
  rejected_reason?: string | undefined;
  quality_score?: { score?: string | undefined } | undefined;
  previous_category?: string | undefined;
  sub_category?: string | undefined;
}

export interface ListTemplatesOptions {
  /** Exact name filter (Meta's `name` parameter; we re-check exactness client-side). */
  name?: string;
  language?: string;
  /** Page size requested from Meta (`limit`), default 100. */
  pageSize?: number;
}

/** Filters of `GET /message_template_library` (Meta's Template Library). */
export interface LibraryFilters {
  search?: string | undefined;
  topic?: string | undefined;
  usecase?: string | undefined;
  industry?: string | undefined;
  language?: string | undefined;
}

export interface MetaGateway {
  /** `GET /message_template_library` with Meta's filters (issue 16). Optional for test doubles. */
  listLibraryTemplates?(account: MetaAccountRef, filters: LibraryFilters): Promise<unknown[]>;
  /** Submits a template for review. Never sent twice without first checking whether an earlier attempt landed. */
  createTemplate(account: MetaAccountRef, body: MetaCreateTemplateBody): Promise<MetaCreateTemplateResult>;
  /** Yields one page of templates at a time, following `paging.cursors.after` until `paging.next` is absent. */
  listTemplates(
    account: MetaAccountRef,
    options?: ListTemplatesOptions,
  ): AsyncGenerator<MetaTemplate[], void, undefined>;
  /**
   * `POST /{template_id}` with the new components (and category / TTL): Meta answers `{success: true}`. Sent once
   * (an edit counts against Meta's quota; a blind retry could spend it twice). Optional so that wrappers and test
   * doubles that only read need not implement it; the real gateway does.
   */
  editTemplate?(account: MetaAccountRef, templateId: string, body: MetaEditTemplateBody): Promise<void>;
  /** `DELETE /{waba_id}/message_templates?name=` (every language) or `&hsm_id=` (one). Sent once. */
  deleteTemplate?(account: MetaAccountRef, target: { name: string; templateId?: string | undefined }): Promise<void>;
  /**
   * Asks Meta whether the token reaches the WABA (`GET /{waba_id}?fields=id,name`) and which of the WABA's phone
   * numbers is `phoneNumberId` (`GET /{waba_id}/phone_numbers`, every page). Throws Meta's refusal (190 bad token,
   * 200 no access, 100/33 not visible) as a MetaApiError. Optional like edit/delete; the real gateway has it.
   */
  lookUpAccount?(account: MetaAccountRef, phoneNumberId: string): Promise<MetaAccountLookup>;
}

export interface MetaAccountLookup {
  waba: { id: string; name: string | undefined };
  /** The number as Meta lists it under the WABA; undefined when the WABA has no number with that id. */
  phoneNumber: { id: string; displayPhoneNumber: string | undefined; verifiedName: string | undefined } | undefined;
}

export interface MetaEditTemplateBody {
  components: MetaComponent[];
  category?: string;
  message_send_ttl_seconds?: number;
}

export interface MetaGatewayOptions {
  /**
   * Graph base URL without version, e.g. `https://graph.facebook.com` or a sandbox's `url`. If it already ends
   * in a version segment (`…/v23.0`, the sandbox's `graphUrl`) it is used as is and `apiVersion` is ignored.
   */
  graphUrl: string;
  /** e.g. `v23.0`. */
  apiVersion: string;
  /** Injectable fetch (defaults to the global). */
  fetch?: typeof globalThis.fetch;
  /** Per-request timeout; default 10 000 ms. */
  timeoutMs?: number;
  /** Retry policy overrides. */
  retry?: Partial<RetryPolicy>;
  /** Injectable sleep (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable randomness in [0, 1) for jitter (tests). */
  random?: () => number;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** Longest server-stated wait (Retry-After) we are willing to honour before giving up. */
  maxRetryAfterMs: number;
}
