import type { Kysely, Transaction } from "kysely";
import {
  findAccountByPhoneNumberId,
  findConnectedAccountOnWabaElsewhere,
  insertAccount,
  listOrganisationAccounts,
  setAccountStatus,
  updateAccount,
} from "../accounts/account.repository.js";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import { describeApiKey, generateApiKey, hashApiKey } from "../platform/api-keys/api-key.crypto.js";
import {
  findApiKeyByHash,
  insertApiKey,
  listOrganisationApiKeys,
  reactivateApiKey,
  revokeApiKey,
} from "../platform/api-keys/api-key.repository.js";
import type { ApiKeyRow } from "../platform/api-keys/api-key.table.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { newId } from "../lib/ids.js";
import {
  findDemoOrganisation,
  lockSeedDemo,
  findFirstCustomer,
  findOrganisationById,
  findOrganisationCustomer,
  insertCustomer,
  insertOrganisation,
  listCustomers,
  listOrganisations,
} from "../organisations/organisation.repository.js";
import { MetaApiError } from "../meta/meta-api-error.js";
import { mapMetaError } from "../meta/meta-error-mapping.js";
import type { MetaGateway } from "../meta/types.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";

type Db = Kysely<Database> | Transaction<Database>;

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

export const DEMO = Object.freeze({
  organisationName: "Demo Organisation",
  customerName: "Demo Customer",
  phoneNumberId: "106540352242922",
  displayPhoneNumber: "+628111222333",
  accountName: "Customer Support",
  apiKeyLabel: "demo",
});

async function requireOrganisation(db: Db, organisationId: string): Promise<void> {
  if (!(await findOrganisationById(db, organisationId))) {
    throw new DomainError("resource_not_found", `No organisation with id ${organisationId}.`, {
      param: "organisation_id",
    });
  }
}

function apiKeyView(row: ApiKeyRow, now: Date): AdminApiKey {
  const status =
    row.revoked_at !== null
      ? "revoked"
      : row.expires_at !== null && row.expires_at.getTime() <= now.getTime()
        ? "expired"
        : "active";
  return {
    id: row.id,
    organisationId: row.organisation_id,
    label: row.label,
    prefix: row.prefix,
    last4: row.last4,
    status,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}

function accountView(row: AccountWithCustomer): AdminAccount {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    phoneNumberId: row.phone_number_id,
    displayPhoneNumber: row.display_phone_number,
    name: row.name,
    wabaId: row.waba_id,
    status: row.status,
    customer: row.customer_id !== null ? { id: row.customer_id, name: row.customer_name ?? "" } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function createApiKeyIn(db: Db, input: CreateApiKeyInput, now: Date): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey();
  const { prefix, last4 } = describeApiKey(key);
  const row = await insertApiKey(db, {
    id: newId("key", now.getTime()),
    organisation_id: input.organisationId,
    label: input.label ?? "default",
    key_hash: hashApiKey(key),
    prefix,
    last4,
    expires_at: input.expiresAt ?? null,
    revoked_at: null,
    created_at: now,
  });
  return { id: row.id, key, prefix, last4 };
}

/** Registers `key` for the organisation (idempotent: an existing row with this hash in the org is reactivated). */
async function applyApiKey(db: Db, organisationId: string, key: string, label: string, now: Date): Promise<void> {
  const existing = await findApiKeyByHash(db, hashApiKey(key));
  if (existing) {
    if (existing.organisation_id !== organisationId) {
      throw new Error("This API key is already registered to another organisation.");
    }
    if (existing.revoked_at !== null || existing.expires_at !== null) await reactivateApiKey(db, existing.id);
    return;
  }
  await createApiKeyIn(db, { organisationId, key, label }, now);
}

/** Why Meta's refusal means the account cannot be connected, in the operator's words. */
function verificationRefusal(error: MetaApiError, input: ConnectAccountInput): DomainError {
  const meta = mapMetaError(error, "read");
  const said = `Meta answered code ${error.code ?? "?"}${error.subcode !== undefined ? `/${error.subcode}` : ""}: ${error.message}`;
  if (error.code === 190 || error.code === 102) {
    return new DomainError(
      "account_verification_failed",
      `Meta refused the access token (${said}); nothing was stored.`,
      {
        param: "access_token",
        details: meta.details,
        cause: error,
      },
    );
  }
  return new DomainError(
    "account_verification_failed",
    `The access token cannot see WhatsApp Business Account ${input.wabaId} (${said}); nothing was stored.`,
    { param: "waba_id", details: meta.details, cause: error },
  );
}

/**
 * Proves to Meta that the token reaches the WABA and that the phone number is one of the WABA's, so an organisation
 * cannot connect (and then spend the per-WABA budget of) a WABA it does not hold.
 */
async function verifyWithMeta(gateway: Pick<MetaGateway, "lookUpAccount">, input: ConnectAccountInput): Promise<void> {
  if (gateway.lookUpAccount === undefined) throw new Error("connectAccount: the gateway cannot look up accounts");
  let lookup: Awaited<ReturnType<NonNullable<MetaGateway["lookUpAccount"]>>>;
  try {
    lookup = await gateway.lookUpAccount({ wabaId: input.wabaId, accessToken: input.accessToken }, input.phoneNumberId);
  } catch (error) {
    if (!(error instanceof MetaApiError)) throw error;
    // Anything else (unreachable, timeout, 5xx, Meta's rate limit) means we could not ask: Meta's own error.
    const code = error.kind === "graph" ? error.code : undefined;
    // 190/102 token, 10 and 200–299 permission, 100 (/33) an object the token cannot see: Meta's word on the token.
    if (
      code !== undefined &&
      (code === 190 || code === 102 || code === 10 || code === 100 || (code >= 200 && code <= 299))
    ) {
      throw verificationRefusal(error, input);
    }
    throw mapMetaError(error, "read");
  }
  if (lookup.phoneNumber === undefined) {
    throw new DomainError(
      "account_verification_failed",
      `Meta does not list phone_number_id ${input.phoneNumberId} among the phone numbers of WhatsApp Business Account ${input.wabaId}; nothing was stored.`,
      { param: "phone_number_id" },
    );
  }
}

export function createAdminService(deps: {
  db: Kysely<Database>;
  now: () => Date;
  tokens: TokenCipher;
  /** Given → connectAccount asks Meta to confirm the token, WABA and phone number first (the CLI). */
  gateway?: Pick<MetaGateway, "lookUpAccount"> | undefined;
}): AdminService {
  const { db, tokens } = deps;
  return {
    async createOrganisation(input: CreateOrganisationInput) {
      const now = deps.now();
      const row = await insertOrganisation(db, { id: newId("org", now.getTime()), name: input.name, created_at: now });
      return { id: row.id };
    },

    async listOrganisations(): Promise<AdminOrganisation[]> {
      return (await listOrganisations(db)).map((row) => ({
        id: row.id,
        name: row.name,
        isDemo: row.is_demo,
        createdAt: row.created_at,
      }));
    },

    async createCustomer(input: CreateCustomerInput) {
      await requireOrganisation(db, input.organisationId);
      const now = deps.now();
      const row = await insertCustomer(db, {
        id: newId("cus", now.getTime()),
        organisation_id: input.organisationId,
        name: input.name,
        created_at: now,
      });
      return { id: row.id };
    },

    async listCustomers(organisationId: string): Promise<AdminCustomer[]> {
      await requireOrganisation(db, organisationId);
      return (await listCustomers(db, organisationId)).map((row) => ({
        id: row.id,
        organisationId: row.organisation_id,
        name: row.name,
        createdAt: row.created_at,
      }));
    },

    async createApiKey(input: CreateApiKeyInput) {
      await requireOrganisation(db, input.organisationId);
      return createApiKeyIn(db, input, deps.now());
    },

    async listApiKeys(organisationId: string): Promise<AdminApiKey[]> {
      await requireOrganisation(db, organisationId);
      const now = deps.now();
      return (await listOrganisationApiKeys(db, organisationId)).map((row) => apiKeyView(row, now));
    },

    /**
     * Takes effect on the very next request: authentication reads the key row on every request (there is no
     * verification cache to invalidate). Revoking an already revoked key keeps its first revocation time.
     */
    async revokeApiKey(keyId: string): Promise<AdminApiKey> {
      const row = await revokeApiKey(db, keyId, deps.now());
      if (!row) throw new DomainError("resource_not_found", `No API key with id ${keyId}.`, { param: "key_id" });
      return apiKeyView(row, deps.now());
    },

    async listAccounts(
      organisationId: string,
      options: { status?: "connected" | "all" } = {},
    ): Promise<AdminAccount[]> {
      await requireOrganisation(db, organisationId);
      return (await listOrganisationAccounts(db, organisationId, options.status ?? "connected")).map(accountView);
    },

    async connectAccount(input: ConnectAccountInput) {
      const now = deps.now();
      await requireOrganisation(db, input.organisationId);
      if (input.customerId !== undefined && input.customerId !== null) {
        if (!(await findOrganisationCustomer(db, input.organisationId, input.customerId))) {
          throw new DomainError(
            "resource_not_found",
            `No customer ${input.customerId} in organisation ${input.organisationId}.`,
            {
              param: "customer_id",
            },
          );
        }
      }
      const existing = await findAccountByPhoneNumberId(db, input.phoneNumberId);
      if (existing) {
        if (existing.status === "connected" || existing.organisation_id !== input.organisationId) {
          throw new DomainError(
            "account_already_connected",
            existing.organisation_id === input.organisationId
              ? `phone_number_id ${input.phoneNumberId} is already connected; disconnect it first to replace its credentials.`
              : `phone_number_id ${input.phoneNumberId} belongs to another organisation.`,
            { param: "phone_number_id" },
          );
        }
      }
      const sharing = await findConnectedAccountOnWabaElsewhere(db, input.wabaId, input.organisationId);
      if (sharing !== undefined && input.allowSharedWaba !== true) {
        throw new DomainError(
          "waba_connected_elsewhere",
          `WhatsApp Business Account ${input.wabaId} is already connected by another organisation; Meta's limits are per WABA, so both would share them. Connect it anyway only if both organisations really use it (allow a shared WABA explicitly).`,
          { param: "waba_id" },
        );
      }
      // Local refusals first; only then ask Meta (one lookup), and store nothing unless Meta confirms.
      if (deps.gateway !== undefined) await verifyWithMeta(deps.gateway, input);
      if (existing) {
        // A disconnected account of the same organisation: reconnect it with the new credentials (its templates
        // and history stay attached).
        await updateAccount(db, existing.id, {
          customer_id: input.customerId ?? existing.customer_id,
          display_phone_number: input.displayPhoneNumber ?? existing.display_phone_number,
          name: input.name ?? existing.name,
          waba_id: input.wabaId,
          access_token_encrypted: tokens.encrypt(input.accessToken),
          status: input.status ?? "connected",
          updated_at: now,
        });
        return { id: existing.id, phoneNumberId: existing.phone_number_id };
      }
      const row = await insertAccount(db, {
        id: newId("wa", now.getTime()),
        organisation_id: input.organisationId,
        customer_id: input.customerId ?? null,
        phone_number_id: input.phoneNumberId,
        display_phone_number: input.displayPhoneNumber ?? null,
        name: input.name ?? null,
        waba_id: input.wabaId,
        access_token_encrypted: tokens.encrypt(input.accessToken),
        status: input.status ?? "connected",
        templates_synced_at: null,
        created_at: now,
        updated_at: now,
      });
      return { id: row.id, phoneNumberId: row.phone_number_id };
    },

    /** Sends stop at once (`account_not_connected`); the account, its templates and its token stay for a reconnect. */
    async disconnectAccount(phoneNumberId: string): Promise<void> {
      if (!(await setAccountStatus(db, phoneNumberId, "disconnected", deps.now()))) {
        throw new DomainError("resource_not_found", `No WhatsApp account with phone_number_id ${phoneNumberId}.`, {
          param: "phone_number_id",
        });
      }
    },

    /**
     * Creates the demo organisation, a demo customer, the demo account (phone_number_id 106540352242922) wired to
     * `graph`, and an API key. Idempotent: when already seeded it returns the existing ids, re-applies `apiKey` if
     * given, and re-wires the account only if `graph` changed. Serialised with a transaction-level advisory lock.
     */
    async seedDemo(input: SeedDemoInput): Promise<SeedDemoResult> {
      return db.transaction().execute(async (trx) => {
        await lockSeedDemo(trx);
        const now = deps.now();
        const existing = await findDemoOrganisation(trx);
        if (existing) {
          const customer = await findFirstCustomer(trx, existing.id);
          const account = await findAccountByPhoneNumberId(trx, DEMO.phoneNumberId);
          if (account && account.organisation_id === existing.id) {
            if (
              account.waba_id !== input.graph.wabaId ||
              tokens.decrypt(account.access_token_encrypted) !== input.graph.accessToken
            ) {
              await updateAccount(trx, account.id, {
                waba_id: input.graph.wabaId,
                access_token_encrypted: tokens.encrypt(input.graph.accessToken),
                updated_at: now,
              });
            }
            if (input.apiKey !== undefined) await applyApiKey(trx, existing.id, input.apiKey, DEMO.apiKeyLabel, now);
            return {
              organisationId: existing.id,
              customerId: customer?.id ?? account.customer_id ?? "",
              apiKey: input.apiKey ?? null,
              phoneNumberId: DEMO.phoneNumberId,
              created: false,
            };
          }
          if (account) throw new Error(`phone_number_id ${DEMO.phoneNumberId} belongs to a non-demo organisation.`);
        }
        const organisationId =
          existing?.id ??
          (
            await insertOrganisation(trx, {
              id: newId("org", now.getTime()),
              name: DEMO.organisationName,
              is_demo: true,
              created_at: now,
            })
          ).id;
        const customerId =
          (await findFirstCustomer(trx, organisationId))?.id ??
          (
            await insertCustomer(trx, {
              id: newId("cus", now.getTime()),
              organisation_id: organisationId,
              name: DEMO.customerName,
              created_at: now,
            })
          ).id;
        await insertAccount(trx, {
          id: newId("wa", now.getTime()),
          organisation_id: organisationId,
          customer_id: customerId,
          phone_number_id: DEMO.phoneNumberId,
          display_phone_number: DEMO.displayPhoneNumber,
          name: DEMO.accountName,
          waba_id: input.graph.wabaId,
          access_token_encrypted: tokens.encrypt(input.graph.accessToken),
          status: "connected",
          templates_synced_at: null,
          created_at: now,
          updated_at: now,
        });
        let apiKey: string;
        if (input.apiKey !== undefined) {
          await applyApiKey(trx, organisationId, input.apiKey, DEMO.apiKeyLabel, now);
          apiKey = input.apiKey;
        } else {
          apiKey = (await createApiKeyIn(trx, { organisationId, label: DEMO.apiKeyLabel }, now)).key;
        }
        return { organisationId, customerId, apiKey, phoneNumberId: DEMO.phoneNumberId, created: true };
      });
    },
  };
}
