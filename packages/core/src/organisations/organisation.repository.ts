import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import type { CustomerRow, NewCustomerRow, NewOrganisationRow, OrganisationRow } from "./organisation.table.js";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertOrganisation(db: Db, row: NewOrganisationRow): Promise<OrganisationRow> {
  return db.insertInto("organisations").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findDemoOrganisation(db: Db): Promise<OrganisationRow | undefined> {
  return db.selectFrom("organisations").selectAll().where("is_demo", "=", true).executeTakeFirst();
}

export async function findOrganisationById(db: Db, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom("organisations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertCustomer(db: Db, row: NewCustomerRow): Promise<CustomerRow> {
  return db.insertInto("customers").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findFirstCustomer(db: Db, organisationId: string): Promise<CustomerRow | undefined> {
  return db
    .selectFrom("customers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

export async function listOrganisations(db: Db): Promise<OrganisationRow[]> {
  return db.selectFrom("organisations").selectAll().orderBy("created_at").orderBy("id").execute();
}

export async function listCustomers(db: Db, organisationId: string): Promise<CustomerRow[]> {
  return db
    .selectFrom("customers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function findOrganisationCustomer(
  db: Db,
  organisationId: string,
  customerId: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom("customers")
    .selectAll()
    .where("id", "=", customerId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
}

/** Serialises demo seeding across processes until the transaction ends (a transaction-level advisory lock). */
export async function lockSeedDemo(db: Transaction<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('kirim.core.seedDemo'))`.execute(db);
}
