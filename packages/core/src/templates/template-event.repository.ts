/** `template_events`: the append-only history of every template (template-history.ts says what goes in). */
import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import type { NewTemplateEventRow, TemplateEventRow } from "./template-event.table.js";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertTemplateEvents(db: Db, rows: readonly NewTemplateEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("template_events")
    .values([...rows])
    .execute();
}

export interface EventKeyset {
  createdAt: Date;
  id: string;
}

export type TemplateEventWithName = TemplateEventRow & { name: string; language: string };

/** Newest first, keyset on (created_at, id), for every language of `name` (or one). */
export async function listTemplateEventRows(
  db: Db,
  query: {
    accountId: string;
    name: string;
    language: string | undefined;
    after: EventKeyset | undefined;
    limit: number;
  },
): Promise<TemplateEventWithName[]> {
  let q = db
    .selectFrom("template_events as e")
    .innerJoin("templates as t", "t.id", "e.template_id")
    .selectAll("e")
    .select(["t.name as name", "t.language as language"])
    .where("t.account_id", "=", query.accountId)
    .where("t.name", "=", query.name);
  if (query.language !== undefined) q = q.where("t.language", "=", query.language);
  if (query.after !== undefined) {
    const after = query.after;
    q = q.where((eb) => eb(eb.refTuple("e.created_at", "e.id"), "<", eb.tuple(after.createdAt, after.id)));
  }
  return q.orderBy("e.created_at", "desc").orderBy("e.id", "desc").limit(query.limit).execute();
}

/** When the template's components were edited through us while it was APPROVED, since `since`, newest first. */
export async function listApprovedEditTimes(db: Db, templateId: string, since: Date): Promise<{ occurred_at: Date }[]> {
  return db
    .selectFrom("template_events")
    .select("occurred_at")
    .where("template_id", "=", templateId)
    .where("source", "=", "edit")
    .where("kind", "=", "components")
    .where(sql<boolean>`detail->>'while_status' = 'APPROVED'`)
    .where("occurred_at", ">", since)
    .orderBy("occurred_at", "desc")
    .execute();
}
