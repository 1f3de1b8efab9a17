import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import { findAccountByPhoneNumberId, insertAccount, updateAccount } from "../accounts/account.repository.js";
import { describeApiKey, generateApiKey, hashApiKey } from "../api-keys/api-key.crypto.js";
import { findApiKeyByHash, insertApiKey, reactivateApiKey } from "../api-keys/api-key.repository.js";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import {
  findDemoOrganisation,
  findFirstCustomer,
  insertCustomer,
  insertOrganisation,
} from "../organisations/organisation.repository.js";
import type {
  AdminService,
  ConnectAccountInput,
  CreateApiKeyInput,
  CreateCustomerInput,
  CreatedApiKey,
  CreateOrganisationInput,
  SeedDemoInput,
  SeedDemoResult,
} from "../types.js";

type Db = Kysely<Database> | Transaction<Database>;

export const DEMO = Object.freeze({
  organisationName: "Demo Organisation",
  customerName: "Demo Customer",
  phoneNumberId: "106540352242922",
  displayPhoneNumber: "+628111222333",
  accountName: "Customer Support",
  apiKeyLabel: "demo",
});

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

export function createAdminService(deps: { db: Kysely<Database>; now: () => Date }): AdminService {
  const { db } = deps;
  return {
    async createOrganisation(input: CreateOrganisationInput) {
      const now = deps.now();
      const row = await insertOrganisation(db, { id: newId("org", now.getTime()), name: input.name, created_at: now });
      return { id: row.id };
    },

    async createCustomer(input: CreateCustomerInput) {
      const now = deps.now();
      const row = await insertCustomer(db, {
        id: newId("cus", now.getTime()),
        organisation_id: input.organisationId,
        name: input.name,
        created_at: now,
      });
      return { id: row.id };
    },

    async createApiKey(input: CreateApiKeyInput) {
      return createApiKeyIn(db, input, deps.now());
    },

    async connectAccount(input: ConnectAccountInput) {
      const now = deps.now();
      if (await findAccountByPhoneNumberId(db, input.phoneNumberId)) {
        throw new Error(`phone_number_id ${input.phoneNumberId} is already connected.`);
      }
      const row = await insertAccount(db, {
        id: newId("wa", now.getTime()),
        organisation_id: input.organisationId,
        customer_id: input.customerId ?? null,
        phone_number_id: input.phoneNumberId,
        display_phone_number: input.displayPhoneNumber ?? null,
        name: input.name ?? null,
        waba_id: input.wabaId,
        access_token: input.accessToken,
        status: input.status ?? "connected",
        templates_synced_at: null,
        created_at: now,
        updated_at: now,
      });
      return { id: row.id, phoneNumberId: row.phone_number_id };
    },

    /**
     * Creates the demo organisation, a demo customer, the demo account (phone_number_id 106540352242922) wired to
     * `graph`, and an API key. Idempotent: when already seeded it returns the existing ids, re-applies `apiKey` if
     * given, and re-wires the account only if `graph` changed. Serialised with a transaction-level advisory lock.
     */
    async seedDemo(input: SeedDemoInput): Promise<SeedDemoResult> {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext('kirim.core.seedDemo'))`.execute(trx);
        const now = deps.now();
        const existing = await findDemoOrganisation(trx);
        if (existing) {
          const customer = await findFirstCustomer(trx, existing.id);
          const account = await findAccountByPhoneNumberId(trx, DEMO.phoneNumberId);
          if (account && account.organisation_id === existing.id) {
            if (account.waba_id !== input.graph.wabaId || account.access_token !== input.graph.accessToken) {
              await updateAccount(trx, account.id, {
                waba_id: input.graph.wabaId,
                access_token: input.graph.accessToken,
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
          (await insertOrganisation(trx, { id: newId("org", now.getTime()), name: DEMO.organisationName, is_demo: true, created_at: now }))
            .id;
        const customerId =
          (await findFirstCustomer(trx, organisationId))?.id ??
          (await insertCustomer(trx, { id: newId("cus", now.getTime()), organisation_id: organisationId, name: DEMO.customerName, created_at: now }))
            .id;
        await insertAccount(trx, {
          id: newId("wa", now.getTime()),
          organisation_id: organisationId,
          customer_id: customerId,
          phone_number_id: DEMO.phoneNumberId,
          display_phone_number: DEMO.displayPhoneNumber,
          name: DEMO.accountName,
          waba_id: input.graph.wabaId,
          access_token: input.graph.accessToken,
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
