import type { TAccount } from "@kirim/schema";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import type { Principal } from "../base.js";
import { findOrganisationAccount, listOrganisationAccounts } from "./account.repository.js";
import type { AccountWithCustomer } from "./account.repository.js";

export interface ListAccountsOptions {
  /** `connected` (default) or `all`. */
  status?: "connected" | "all";
}

export interface AccountsService {
  list(principal: Principal, options?: ListAccountsOptions): Promise<TAccount[]>;
}

export function accountRowToAccount(row: AccountWithCustomer): TAccount {
  return {
    object: "account",
    phone_number_id: row.phone_number_id,
    phone_number: row.display_phone_number,
    name: row.name,
    status: row.status,
    customer: row.customer_id !== null ? { id: row.customer_id, name: row.customer_name ?? "" } : null,
  };
}

/**
 * Resolves `{phone_number_id}` for a principal. An account of another organisation is indistinguishable from a
 * missing one: 404 `resource_not_found` (never reveal that it exists).
 */
export async function resolveAccount(
  db: Kysely<Database>,
  principal: Principal,
  phoneNumberId: string,
): Promise<AccountWithCustomer> {
  const account = await findOrganisationAccount(db, principal.organisationId, phoneNumberId);
  if (!account) throw accountNotFound(phoneNumberId);
  return account;
}

/** The 404 for a phone_number_id the organisation has no account for (`resolveAccount`'s, for reads that join it). */
export function accountNotFound(phoneNumberId: string): DomainError {
  return new DomainError("resource_not_found", `No WhatsApp account with phone_number_id ${phoneNumberId}.`, {
    param: "phone_number_id",
  });
}

/** Operations that reach Meta need a connected account: otherwise 422 `account_not_connected`. */
export function assertConnected(account: AccountWithCustomer): void {
  if (account.status !== "connected") {
    throw new DomainError(
      "account_not_connected",
      `The WhatsApp account ${account.phone_number_id} is ${account.status}; reconnect it before calling Meta.`,
      { param: "phone_number_id" },
    );
  }
}

export function createAccountsService(deps: { db: Kysely<Database> }): AccountsService {
  return {
    async list(principal: Principal, options: ListAccountsOptions = {}): Promise<TAccount[]> {
      const rows = await listOrganisationAccounts(deps.db, principal.organisationId, options.status ?? "connected");
      return rows.map(accountRowToAccount);
    },
  };
}
