import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import type { AccountRow, AccountUpdate, NewAccountRow } from "./account.table.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface AccountWithCustomer extends AccountRow {
  customer_name: string | null;
}

function selectWithCustomer(db: Db) {
  return db
    .selectFrom("whatsapp_accounts as a")
    .leftJoin("customers as c", "c.id", "a.customer_id")
    .selectAll("a")
    .select("c.name as customer_name");
}

export async function insertAccount(db: Db, row: NewAccountRow): Promise<AccountRow> {
  return db.insertInto("whatsapp_accounts").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findAccountByPhoneNumberId(
  db: Db,
  phoneNumberId: string,
): Promise<AccountWithCustomer | undefined> {
  return selectWithCustomer(db).where("a.phone_number_id", "=", phoneNumberId).executeTakeFirst();
}

export async function findAccountById(db: Db, id: string): Promise<AccountWithCustomer | undefined> {
  return selectWithCustomer(db).where("a.id", "=", id).executeTakeFirst();
}

/** Ids of every connected account (the scheduler's candidates). */
export async function listConnectedAccountIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("whatsapp_accounts").select("id").where("status", "=", "connected").execute();
  return rows.map((r) => r.id);
}

/** The account with this phone_number_id, only if it belongs to `organisationId`. */
export async function findOrganisationAccount(
  db: Db,
  organisationId: string,
  phoneNumberId: string,
): Promise<AccountWithCustomer | undefined> {
  return selectWithCustomer(db)
    .where("a.phone_number_id", "=", phoneNumberId)
    .where("a.organisation_id", "=", organisationId)
    .executeTakeFirst();
}

/** A connected account of ANOTHER organisation on this WABA (Meta's budgets are per WABA: sharing one shares them). */
export async function findConnectedAccountOnWabaElsewhere(
  db: Db,
  wabaId: string,
  organisationId: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom("whatsapp_accounts")
    .selectAll()
    .where("waba_id", "=", wabaId)
    .where("organisation_id", "<>", organisationId)
    .where("status", "=", "connected")
    .orderBy("created_at")
    .executeTakeFirst();
}

export async function listOrganisationAccounts(
  db: Db,
  organisationId: string,
  status: "connected" | "all",
): Promise<AccountWithCustomer[]> {
  let q = selectWithCustomer(db).where("a.organisation_id", "=", organisationId);
  if (status !== "all") q = q.where("a.status", "=", status);
  return q.orderBy("a.created_at").orderBy("a.id").execute();
}

export async function updateAccount(db: Db, id: string, update: AccountUpdate): Promise<void> {
  await db.updateTable("whatsapp_accounts").set(update).where("id", "=", id).execute();
}

/** Sets an account's status; returns whether a row with this phone_number_id exists. */
export async function setAccountStatus(
  db: Db,
  phoneNumberId: string,
  status: AccountRow["status"],
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("whatsapp_accounts")
    .set({ status, updated_at: now })
    .where("phone_number_id", "=", phoneNumberId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Every account's stored token (for encrypt-on-start, verification and key rotation). */
export async function listStoredTokens(db: Db): Promise<Array<{ id: string; access_token_encrypted: string }>> {
  return db.selectFrom("whatsapp_accounts").select(["id", "access_token_encrypted"]).orderBy("id").execute();
}

/**
 * Replaces a stored token only if it still holds `expected` (compare-and-set), so a concurrent connect that
 * wrote a new token is never overwritten with a re-encryption of the old one. Returns whether it was replaced.
 */
export async function replaceStoredToken(db: Db, id: string, expected: string, replacement: string): Promise<boolean> {
  const result = await db
    .updateTable("whatsapp_accounts")
    .set({ access_token_encrypted: replacement })
    .where("id", "=", id)
    .where("access_token_encrypted", "=", expected)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
