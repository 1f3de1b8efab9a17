/** `template_sync_runs`: one row per sync of one account's templates (see template-sync.ts for the protocol). */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import type { NewSyncRunRow, SyncRunRow, SyncRunUpdate } from "./template-sync-run.table.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Inserts the account's `running` run; undefined when the account already has one (the partial unique index on
 * `account_id WHERE status = 'running'` decides, across processes).
 */
export async function insertRunningSyncRun(
  db: Db,
  row: NewSyncRunRow & { status: "running" },
): Promise<SyncRunRow | undefined> {
  return db
    .insertInto("template_sync_runs")
    .values(row)
    .onConflict((oc) => oc.column("account_id").where("status", "=", "running").doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findRunningSyncRun(db: Db, accountId: string): Promise<SyncRunRow | undefined> {
  return db
    .selectFrom("template_sync_runs")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("status", "=", "running")
    .executeTakeFirst();
}

export async function getSyncRun(db: Db, id: string): Promise<SyncRunRow> {
  return db.selectFrom("template_sync_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Updates the run only while it is still running (a heartbeat, or marking a dead process's run failed). */
export async function updateRunningSyncRun(db: Db, id: string, set: SyncRunUpdate): Promise<void> {
  await db.updateTable("template_sync_runs").set(set).where("id", "=", id).where("status", "=", "running").execute();
}

/** Counters, heartbeat, or the run's end. */
export async function updateSyncRun(db: Db, id: string, set: SyncRunUpdate): Promise<void> {
  await db.updateTable("template_sync_runs").set(set).where("id", "=", id).execute();
}

/** The account's runs, newest first, keyset on (started_at, id). */
export async function listSyncRunRows(
  db: Db,
  query: { accountId: string; after: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<SyncRunRow[]> {
  let q = db.selectFrom("template_sync_runs").selectAll().where("account_id", "=", query.accountId);
  const after = query.after;
  if (after) q = q.where((eb) => eb(eb.refTuple("started_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
  return q.orderBy("started_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}
