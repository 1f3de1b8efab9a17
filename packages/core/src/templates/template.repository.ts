import { sql } from "kysely";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import type { NewTemplateRow, TemplateRow, TemplateStatus } from "./template.table.js";

type Db = Kysely<Database> | Transaction<Database>;

export async function findTemplateByNameLanguage(
  db: Db,
  accountId: string,
  name: string,
  language: string,
): Promise<TemplateRow | undefined> {
  return db
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name", "=", name)
    .where("language", "=", language)
    .executeTakeFirst();
}

/** Inserts a template; returns undefined when (account, name, language) already exists. */
export async function insertTemplate(db: Db, row: NewTemplateRow): Promise<TemplateRow | undefined> {
  return db
    .insertInto("templates")
    .values(row)
    .onConflict((oc) => oc.columns(["account_id", "name", "language"]).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findTemplatesByName(
  db: Db,
  accountId: string,
  name: string,
  language: string | undefined,
): Promise<TemplateRow[]> {
  let q = db.selectFrom("templates").selectAll().where("account_id", "=", accountId).where("name", "=", name);
  if (language !== undefined) q = q.where("language", "=", language);
  return q.orderBy("language").execute();
}

export interface TemplateKeyset {
  createdAt: Date;
  id: string;
}

export interface ListTemplateRowsQuery {
  accountId: string;
  status: TemplateStatus | undefined;
  language: string | undefined;
  /** Rows strictly after this keyset in (created_at DESC, id DESC) order. */
  after: TemplateKeyset | undefined;
  limit: number;
}

/** Keyset page, newest first: ORDER BY created_at DESC, id DESC — never OFFSET. Served by templates_account_keyset. */
export async function listTemplateRows(db: Db, query: ListTemplateRowsQuery): Promise<TemplateRow[]> {
  let q = db.selectFrom("templates").selectAll().where("account_id", "=", query.accountId);
  if (query.status !== undefined) q = q.where("status", "=", query.status);
  if (query.language !== undefined) q = q.where("language", "=", query.language);
  if (query.after !== undefined) {
    const after = query.after;
    q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
  }
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

/** A template as received from Meta, already mapped to our columns. */
export interface SyncedTemplateValues {
  id: string;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  meta_status: string;
  provider_template_id: string;
  components: unknown[];
  content: string;
  variables: string[];
  parameter_format: string | null;
  rejected_reason: string | null;
  quality_score: string | null;
  previous_category: string | null;
}

/**
 * Upserts one page of Meta templates in ONE statement:
 * `INSERT … ON CONFLICT (account_id, name, language) DO UPDATE … WHERE <stored data differs> RETURNING (xmax = 0)`.
 * Rows whose data did not change are not written (no new tuple, no updated_at bump). `variables` is only replaced
 * when the body text changed (it may hold caller-given names from create) and is not part of the comparison.
 * Returns one `{ inserted }` per written row: inserted = created, !inserted = updated; unchanged rows return nothing.
 */
export async function upsertTemplatePage(
  db: Db,
  accountId: string,
  rows: readonly SyncedTemplateValues[],
  syncedAt: Date,
): Promise<{ inserted: boolean }[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto("templates")
    .values(
      rows.map((r) => ({
        id: r.id,
        account_id: accountId,
        name: r.name,
        language: r.language,
        category: r.category,
        status: r.status,
        meta_status: r.meta_status,
        provider_template_id: r.provider_template_id,
        components: JSON.stringify(r.components),
        content: r.content,
        variables: JSON.stringify(r.variables),
        parameter_format: r.parameter_format,
        rejected_reason: r.rejected_reason,
        quality_score: r.quality_score,
        previous_category: r.previous_category,
        created_at: syncedAt,
        updated_at: syncedAt,
        last_synced_at: syncedAt,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(["account_id", "name", "language"])
        .doUpdateSet((eb) => ({
          category: eb.ref("excluded.category"),
          status: eb.ref("excluded.status"),
          meta_status: eb.ref("excluded.meta_status"),
          provider_template_id: eb.ref("excluded.provider_template_id"),
          components: eb.ref("excluded.components"),
          content: eb.ref("excluded.content"),
          variables: sql`CASE WHEN templates.content IS DISTINCT FROM excluded.content THEN excluded.variables ELSE templates.variables END`,
          parameter_format: eb.ref("excluded.parameter_format"),
          rejected_reason: eb.ref("excluded.rejected_reason"),
          quality_score: eb.ref("excluded.quality_score"),
          previous_category: eb.ref("excluded.previous_category"),
          updated_at: eb.ref("excluded.updated_at"),
          last_synced_at: eb.ref("excluded.last_synced_at"),
        }))
        .where(
          sql<boolean>`(templates.category, templates.status, templates.meta_status, templates.provider_template_id,
            templates.components, templates.content, templates.parameter_format, templates.rejected_reason,
            templates.quality_score, templates.previous_category)
          IS DISTINCT FROM
          (excluded.category, excluded.status, excluded.meta_status, excluded.provider_template_id,
            excluded.components, excluded.content, excluded.parameter_format, excluded.rejected_reason,
            excluded.quality_score, excluded.previous_category)`,
        ),
    )
    .returning(sql<boolean>`(xmax = 0)`.as("inserted"))
    .execute();
}
