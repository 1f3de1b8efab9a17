import type { Kysely } from "kysely";
import type { TAccount, TCreateTemplateRequest, TTemplate, TTemplateSyncResult } from "@kirim/schema";
import type { Database } from "./db/schema.js";
import type { MetaGateway } from "./meta/types.js";

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
}

export interface ListAccountsOptions {
  /** `connected` (default) or `all`. */
  status?: "connected" | "all";
}

export interface ListTemplatesOptions {
  /** `all` (default) = no filter. */
  status?: "approved" | "pending" | "rejected" | "all";
  language?: string | undefined;
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
  language?: string | undefined;
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

export interface AccountsService {
  list(principal: Principal, options?: ListAccountsOptions): Promise<TAccount[]>;
}

export interface TemplatesService {
  create(principal: Principal, phoneNumberId: string, input: TCreateTemplateRequest): Promise<TTemplate>;
  sync(principal: Principal, phoneNumberId: string): Promise<TTemplateSyncResult>;
  list(principal: Principal, phoneNumberId: string, query?: ListTemplatesOptions): Promise<TemplatePage>;
  getByName(principal: Principal, phoneNumberId: string, name: string, options?: GetTemplateOptions): Promise<TTemplate[]>;
}

export interface AdminService {
  createOrganisation(input: CreateOrganisationInput): Promise<{ id: string }>;
  createCustomer(input: CreateCustomerInput): Promise<{ id: string }>;
  createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey>;
  connectAccount(input: ConnectAccountInput): Promise<{ id: string; phoneNumberId: string }>;
  seedDemo(input: SeedDemoInput): Promise<SeedDemoResult>;
}

export interface Core {
  auth: AuthService;
  accounts: AccountsService;
  templates: TemplatesService;
  admin: AdminService;
}
