import { sql } from "kysely";
import type { Kysely, OnConflictBuilder, Transaction } from "kysely";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import type { Database } from "../db/schema.js";
import type { NewTemplateRow, TemplateRow, TemplateStatus, TemplateUpdate } from "./template.table.js";
import type { NewTemplateEventRow } from "./template-event.table.js";

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

/** What a create needs to know about an existing row of its name + language before calling Meta. */
export interface ExistingTemplateSummary {
  id: string;
  deleted_at: Date | null;
  content: string;
  library_template_name: string | null;
}

/**
 * A create's first read, ONE statement: the organisation's account with this phone_number_id (as
 * `findOrganisationAccount` reads it) and the template of this name + language on it, if any
 * ((account, name, language) is unique). Undefined when the organisation has no such account.
 */
export async function findAccountAndTemplate(
  db: Db,
  organisationId: string,
  phoneNumberId: string,
  name: string,
  language: string,
): Promise<{ account: AccountWithCustomer; existing: ExistingTemplateSummary | undefined } | undefined> {
  const found = await db
    .selectFrom("whatsapp_accounts as a")
    .leftJoin("customers as c", "c.id", "a.customer_id")
    .leftJoin("templates as t", (join) =>
      join.onRef("t.account_id", "=", "a.id").on("t.name", "=", name).on("t.language", "=", language),
    )
    .selectAll("a")
    .select([
      "c.name as customer_name",
      "t.id as existing_id",
      "t.deleted_at as existing_deleted_at",
      "t.content as existing_content",
      "t.library_template_name as existing_library_template_name",
    ])
    .where("a.phone_number_id", "=", phoneNumberId)
    .where("a.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (found === undefined) return undefined;
  const { existing_id, existing_deleted_at, existing_content, existing_library_template_name, ...account } = found;
  return {
    account,
    existing:
      existing_id === null
        ? undefined
        : {
            id: existing_id,
            deleted_at: existing_deleted_at,
            content: existing_content ?? "",
            library_template_name: existing_library_template_name,
          },
  };
}

/** The row insertTemplate writes: the per-field clocks start at the creation time (our clock, not the database's). */
function templateInsertValues(row: NewTemplateRow): NewTemplateRow {
  const at = row.created_at ?? new Date();
  return {
    status_changed_at: at,
    category_changed_at: at,
    quality_changed_at: at,
    components_changed_at: at,
    last_synced_via: "create",
    ...row,
  };
}

/** A tombstoned row of the same (account, name, language) is revived in place; a live one is left alone. */
function reviveTombstoned(oc: OnConflictBuilder<Database, "templates">) {
  return oc
    .columns(["account_id", "name", "language"])
    .doUpdateSet((eb) => ({
      category: eb.ref("excluded.category"),
      status: eb.ref("excluded.status"),
      meta_status: eb.ref("excluded.meta_status"),
      provider_template_id: eb.ref("excluded.provider_template_id"),
      components: eb.ref("excluded.components"),
      content: eb.ref("excluded.content"),
      variables: eb.ref("excluded.variables"),
      parameter_format: eb.ref("excluded.parameter_format"),
      rejected_reason: null,
      quality_score: null,
      previous_category: null,
      rejection_info: null,
      status_info: null,
      pending_category: null,
      pending_category_at: null,
      updated_at: eb.ref("excluded.updated_at"),
      last_synced_at: null,
      last_synced_via: "create",
      deleted_at: null,
      library_template_name: eb.ref("excluded.library_template_name"),
      status_changed_at: eb.ref("excluded.status_changed_at"),
      category_changed_at: eb.ref("excluded.category_changed_at"),
      quality_changed_at: eb.ref("excluded.quality_changed_at"),
      components_changed_at: eb.ref("excluded.components_changed_at"),
    }))
    .where("templates.deleted_at", "is not", null);
}

/**
 * Inserts a template; returns undefined when a live template with that (account, name, language) exists.
 * A tombstoned row (deleted on Meta) of the same name and language is revived in place instead: its id and
 * history carry on, everything Meta-side is replaced and the lifecycle fields start afresh.
 */
export async function insertTemplate(db: Db, row: NewTemplateRow): Promise<TemplateRow | undefined> {
  return db
    .insertInto("templates")
    .values(templateInsertValues(row))
    .onConflict(reviveTombstoned)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A create's row and its history row in ONE statement (one round trip, one commit, no BEGIN/COMMIT), for the common
 * case only: no other row of the account holds Meta's id (else `moveMetaIds` must move it) and the organisation has
 * no enabled webhook subscription (else the outbox needs its events) — both read in the statement's own snapshot,
 * as the transaction would read them. Returns undefined when it wrote nothing (one of those, or a live row of this
 * name + language): the caller then takes the transactional path, which decides each of them.
 */
export async function insertCreatedTemplateAlone(
  db: Kysely<Database>,
  row: NewTemplateRow & { provider_template_id: string },
  organisationId: string,
  event: Omit<NewTemplateEventRow, "template_id" | "to_value">,
): Promise<TemplateRow | undefined> {
  const values = templateInsertValues(row);
  const columns = Object.keys(values) as (keyof NewTemplateRow)[];
  return db
    .with("holder", (qb) =>
      qb
        .selectFrom("templates")
        .select("id")
        .where("account_id", "=", row.account_id)
        .where("provider_template_id", "=", row.provider_template_id)
        .where((eb) => eb.or([eb("name", "!=", row.name), eb("language", "!=", row.language)])),
    )
    .with("subscribed", (qb) =>
      qb
        .selectFrom("webhook_subscriptions")
        .select("id")
        .where("organisation_id", "=", organisationId)
        .where("enabled", "=", true)
        .where("deleted_at", "is", null),
    )
    .with("ins", (qb) =>
      qb
        .insertInto("templates")
        .columns(columns)
        .expression(
          sql`SELECT ${sql.join(columns.map((c) => sql`${values[c]}`))}
              WHERE NOT EXISTS (SELECT 1 FROM holder) AND NOT EXISTS (SELECT 1 FROM subscribed)`,
        )
        .onConflict(reviveTombstoned)
        .returningAll(),
    )
    .with("ev", (qb) =>
      qb
        .insertInto("template_events")
        .columns([
          "id",
          "template_id",
          "account_id",
          "kind",
          "from_value",
          "to_value",
          "reason",
          "detail",
          "source",
          "source_id",
          "occurred_at",
        ])
        .expression((eb) =>
          eb
            .selectFrom("ins")
            .select([
              sql<string>`${event.id}`.as("id"),
              "ins.id as template_id",
              "ins.account_id",
              sql<string>`${event.kind}`.as("kind"),
              sql<string | null>`${event.from_value ?? null}`.as("from_value"),
              "ins.meta_status as to_value",
              sql<string | null>`${event.reason ?? null}`.as("reason"),
              sql<string | null>`${event.detail ?? null}`.as("detail"),
              sql<string>`${event.source}`.as("source"),
              sql<string | null>`${event.source_id ?? null}`.as("source_id"),
              sql<Date>`${event.occurred_at}`.as("occurred_at"),
            ]),
        ),
    )
    .selectFrom("ins")
    .selectAll()
    .executeTakeFirst();
}

/** The live (not deleted) template of this name and language ((account, name, language) is unique). */
export async function findLiveTemplate(
  db: Db,
  accountId: string,
  name: string,
  language: string,
): Promise<TemplateRow | undefined> {
  const row = await findTemplateByNameLanguage(db, accountId, name, language);
  return row?.deleted_at === null ? row : undefined;
}

/** The live templates of a name (every language, or `language`), by language. */
export async function findLiveTemplatesByName(
  db: Db,
  accountId: string,
  name: string,
  language: string | undefined,
): Promise<TemplateRow[]> {
  let q = db
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("name", "=", name)
    .where("deleted_at", "is", null);
  if (language !== undefined) q = q.where("language", "=", language);
  return q.orderBy("language").execute();
}

/** Whether any template (deleted ones included) has this name (in `language`, when given). */
export async function templateNameExists(
  db: Db,
  accountId: string,
  name: string,
  language: string | undefined,
): Promise<boolean> {
  let q = db.selectFrom("templates").select("id").where("account_id", "=", accountId).where("name", "=", name);
  if (language !== undefined) q = q.where("language", "=", language);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function updateTemplate(db: Db, id: string, set: TemplateUpdate): Promise<TemplateRow> {
  return db.updateTable("templates").set(set).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

/** Every language of a name on the account, earliest created first (ties: smallest id); live rows unless asked. */
export async function findTemplatesByName(
  db: Db,
  accountId: string,
  name: string,
  options: { includeDeleted: boolean },
): Promise<TemplateRow[]> {
  let q = db.selectFrom("templates").selectAll().where("account_id", "=", accountId).where("name", "=", name);
  if (!options.includeDeleted) q = q.where("deleted_at", "is", null);
  return q.orderBy("created_at").orderBy("id").execute();
}

export interface TemplateKeyset {
  createdAt: Date;
  id: string;
}

export interface ListTemplateRowsQuery {
  /**
   * The account's id, or the account by phone number within an organisation: then the page statement also reads
   * the account fields a listed template shows (`ListedAccount`), so a first page costs one round trip.
   */
  accountId: string | { organisationId: string; phoneNumberId: string };
  status: TemplateStatus | undefined;
  language: string | undefined;
  category?: string | undefined;
  metaStatus?: string | undefined;
  /** Names containing this text, ignoring case, matched literally (no LIKE wildcards). */
  nameContains?: string | undefined;
  /** Also templates Meta no longer has (deleted_at set). */
  includeDeleted?: boolean | undefined;
  /** Rows strictly after this keyset in (created_at DESC, id DESC) order. */
  after: TemplateKeyset | undefined;
  /** Another order than newest first, with its own keyset (the last row's name or time, and id). */
  sort?:
    | { by: "name" | "updated_at"; direction: "asc" | "desc"; after: { key: string; id: string } | undefined }
    | undefined;
  limit: number;
}

/** `text` as a LIKE pattern that matches it literally anywhere: `\`, `%` and `_` escaped with `\`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Keyset page, newest first: ORDER BY created_at DESC, id DESC — never OFFSET. Served by templates_account_keyset;
 * the other filters (name search included) narrow the account's rows on the way, which is fine at the size of one
 * account's template inventory (Meta caps a WABA at a few thousand).
 */
/** The account fields the template mapper reads, as `listTemplateRows` returns them with each row. */
export interface ListedAccount {
  id: string;
  phone_number_id: string;
  display_phone_number: string;
  customer_id: string | null;
  customer_name: string | null;
  templates_synced_at: Date | null;
}

export async function listTemplateRows(
  db: Db,
  query: ListTemplateRowsQuery,
): Promise<(TemplateRow & { listed_account?: ListedAccount })[]> {
  // No name holds U+0000, and PostgreSQL fails the whole statement on it in a text parameter.
  if (query.nameContains?.includes("\u0000") === true) return [];
  const scope = query.accountId;
  // By phone number: uncorrelated subqueries, which PostgreSQL runs once per statement (InitPlans).
  const account =
    typeof scope === "string"
      ? undefined
      : sql<
          (Omit<ListedAccount, "templates_synced_at"> & { templates_synced_at: string | null }) | null
        >`(SELECT to_json(a) FROM (
              SELECT a.id, a.phone_number_id, a.display_phone_number, a.customer_id, c.name AS customer_name, a.templates_synced_at
              FROM whatsapp_accounts a LEFT JOIN customers c ON c.id = a.customer_id
              WHERE a.phone_number_id = ${scope.phoneNumberId} AND a.organisation_id = ${scope.organisationId}) a)`;
  let q = db
    .selectFrom("templates")
    .selectAll()
    .where(
      "account_id",
      "=",
      typeof scope === "string"
        ? scope
        : sql<string>`(SELECT a.id FROM whatsapp_accounts a WHERE a.phone_number_id = ${scope.phoneNumberId} AND a.organisation_id = ${scope.organisationId})`,
    );
  if (query.status !== undefined) q = q.where("status", "=", query.status);
  if (query.language !== undefined) q = q.where("language", "=", query.language);
  if (query.category !== undefined) q = q.where("category", "=", query.category);
  if (query.metaStatus !== undefined) q = q.where("meta_status", "=", query.metaStatus);
  if (query.nameContains !== undefined) {
    // ESCAPE spelled out: the backslash default is PostgreSQL's, not the SQL standard's.
    q = q.where(sql<boolean>`name ILIKE ${containsPattern(query.nameContains)} ESCAPE '\\'`);
  }
  if (query.includeDeleted !== true) q = q.where("deleted_at", "is", null);
  if (query.sort !== undefined) {
    const { by, direction, after } = query.sort;
    if (after !== undefined) {
      const op = sql.raw(direction === "asc" ? ">" : "<");
      q =
        by === "name"
          ? q.where(
              sql<boolean>`(name COLLATE "C", id COLLATE "C") ${op} (${after.key} COLLATE "C", ${after.id} COLLATE "C")`,
            )
          : q.where(sql<boolean>`(updated_at, id COLLATE "C") ${op} (${new Date(after.key)}, ${after.id} COLLATE "C")`);
    }
    // Names compare byte-wise (COLLATE "C") so PostgreSQL and PGlite agree with the keyset whatever their locale.
    const dir = sql.raw(direction);
    const order =
      by === "name"
        ? sql`name COLLATE "C" ${dir}, id COLLATE "C" ${dir}`
        : sql`updated_at ${dir}, id COLLATE "C" ${dir}`;
    return run(q.orderBy(order).limit(query.limit));
  }
  if (query.after !== undefined) {
    const after = query.after;
    q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
  }
  return run(q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit));

  async function run(page: typeof q): Promise<(TemplateRow & { listed_account?: ListedAccount })[]> {
    if (account === undefined) return page.execute();
    const rows = await page.select(account.as("listed_account")).execute();
    return rows.map(({ listed_account: listed, ...row }) => ({
      ...row,
      ...(listed === null
        ? {}
        : {
            listed_account: {
              ...listed,
              templates_synced_at: listed.templates_synced_at === null ? null : new Date(listed.templates_synced_at),
            },
          }),
    }));
  }
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
 * `INSERT … ON CONFLICT (account_id, name, language) DO UPDATE … WHERE <stored data differs or the row is a
 * tombstone> AND <no field changed after this page was fetched> RETURNING (xmax = 0)`.
 * Rows whose data did not change are not written (no new tuple, no updated_at bump). `variables` is only replaced
 * when the body text changed (it may hold caller-given names from create) and is not part of the comparison.
 * A row a webhook changed after `fetchedAt` is left alone: the page is older news than the row (the next sync
 * converges). A tombstoned row (deleted_at set) that Meta returns again is restored (an update, not a create).
 * Each field's clock (`*_changed_at`) moves only when that field changed.
 * Returns one row per written template: inserted = created, !inserted = updated; unchanged rows return nothing.
 */
export async function upsertTemplatePage(
  db: Db,
  accountId: string,
  rows: readonly SyncedTemplateValues[],
  fetchedAt: Date,
): Promise<{ id: string; name: string; language: string; inserted: boolean }[]> {
  if (rows.length === 0) return [];
  const changedAt = (column: string, compared: string) =>
    sql<Date>`CASE WHEN ${sql.ref(`templates.${compared}`)} IS DISTINCT FROM ${sql.ref(`excluded.${compared}`)}
      THEN excluded.updated_at ELSE ${sql.ref(`templates.${column}`)} END`;
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
        created_at: fetchedAt,
        updated_at: fetchedAt,
        last_synced_at: fetchedAt,
        last_synced_via: "sync",
        status_changed_at: fetchedAt,
        category_changed_at: fetchedAt,
        quality_changed_at: fetchedAt,
        components_changed_at: fetchedAt,
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
          last_synced_via: eb.ref("excluded.last_synced_via"),
          deleted_at: null,
          // Meta's list carries no rejection explanation; keep the webhook's only while the status stays REJECTED.
          rejection_info: sql`CASE WHEN excluded.meta_status = 'REJECTED' THEN templates.rejection_info ELSE NULL END`,
          status_changed_at: changedAt("status_changed_at", "meta_status"),
          category_changed_at: changedAt("category_changed_at", "category"),
          quality_changed_at: changedAt("quality_changed_at", "quality_score"),
          components_changed_at: changedAt("components_changed_at", "components"),
        }))
        .where(
          sql<boolean>`((templates.category, templates.status, templates.meta_status, templates.provider_template_id,
            templates.components, templates.content, templates.parameter_format, templates.rejected_reason,
            templates.quality_score, templates.previous_category)
          IS DISTINCT FROM
          (excluded.category, excluded.status, excluded.meta_status, excluded.provider_template_id,
            excluded.components, excluded.content, excluded.parameter_format, excluded.rejected_reason,
            excluded.quality_score, excluded.previous_category)
          OR templates.deleted_at IS NOT NULL)
          AND GREATEST(templates.status_changed_at, templates.category_changed_at, templates.quality_changed_at,
            templates.components_changed_at) <= excluded.updated_at`,
        ),
    )
    .returning(["id", "name", "language", sql<boolean>`(xmax = 0)`.as("inserted")])
    .execute();
}

/** The stored values a sync compares with Meta's, for the history rows. */
export interface StoredTemplateState {
  id: string;
  name: string;
  language: string;
  meta_status: string;
  category: string;
  quality_score: string | null;
  components: unknown;
  rejected_reason: string | null;
  deleted_at: Date | null;
}

export async function findTemplateStates(
  db: Db,
  accountId: string,
  keys: readonly { name: string; language: string }[],
): Promise<StoredTemplateState[]> {
  if (keys.length === 0) return [];
  return (
    db
      .selectFrom("templates")
      .select([
        "id",
        "name",
        "language",
        "meta_status",
        "category",
        "quality_score",
        "components",
        "rejected_reason",
        "deleted_at",
      ])
      .where("account_id", "=", accountId)
      // Two array parameters instead of a 2×N tuple list: PostgreSQL plans a 200-parameter IN list anew each time
      // (most of this query's cost on a 100-template page), while unnest keeps the statement the same for every page.
      .where(
        sql<boolean>`(name, language) IN (SELECT * FROM unnest(${keys.map((k) => k.name)}::text[], ${keys.map((k) => k.language)}::text[]))`,
      )
      .execute()
  );
}

/** Live templates of the account that existed before `before` (candidates for a tombstone after a complete sync). */
export async function listLiveTemplateKeys(
  db: Db,
  accountId: string,
  before: Date,
): Promise<{ id: string; name: string; language: string; meta_status: string }[]> {
  return db
    .selectFrom("templates")
    .select(["id", "name", "language", "meta_status"])
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .where("created_at", "<", before)
    .execute();
}

/** A row holding one of Meta's template ids (tombstones included: the unique index covers them too). */
export interface ProviderIdHolder {
  id: string;
  name: string;
  language: string;
  provider_template_id: string;
  meta_status: string;
  deleted_at: Date | null;
}

export async function findProviderIdHolders(
  db: Db,
  accountId: string,
  providerIds: readonly string[],
): Promise<ProviderIdHolder[]> {
  if (providerIds.length === 0) return [];
  const rows = await db
    .selectFrom("templates")
    .select(["id", "name", "language", "provider_template_id", "meta_status", "deleted_at"])
    .where("account_id", "=", accountId)
    .where(sql<boolean>`provider_template_id = ANY(${[...providerIds]}::text[])`)
    .execute();
  return rows.flatMap((r) =>
    r.provider_template_id === null ? [] : [{ ...r, provider_template_id: r.provider_template_id }],
  );
}

/**
 * Takes Meta's id away from rows it no longer belongs to: every row in `release` loses its provider_template_id, and
 * those in `tombstone` are also marked deleted (as a sync marks a template Meta no longer returns).
 */
export async function releaseProviderIds(
  db: Db,
  release: readonly string[],
  tombstone: readonly string[],
  at: Date,
): Promise<void> {
  if (release.length > 0) {
    await db
      .updateTable("templates")
      .set({ provider_template_id: null, updated_at: at })
      .where("id", "in", [...release])
      .execute();
  }
  await tombstoneTemplates(db, tombstone, at);
}

/** Marks templates deleted on Meta: kept (history, `include_deleted`), hidden from lists, status DELETED. */
export async function tombstoneTemplates(db: Db, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("templates")
    .set({ deleted_at: at, meta_status: "DELETED", status: "rejected", status_changed_at: at, updated_at: at })
    .where("id", "in", [...ids])
    .execute();
}

/** Refreshes the planner's statistics of `templates` (after a large import). */
export async function analyzeTemplates(db: Db): Promise<void> {
  await sql`ANALYZE templates`.execute(db);
}

/** Live templates of an account per (Meta status, folded status). */
export async function countTemplatesByStatus(
  db: Db,
  accountId: string,
): Promise<{ meta_status: string; status: TemplateStatus; count: number }[]> {
  const rows = await db
    .selectFrom("templates")
    .select(["meta_status", "status", (eb) => eb.fn.countAll<string | number>().as("count")])
    .where("account_id", "=", accountId)
    .where("deleted_at", "is", null)
    .groupBy(["meta_status", "status"])
    .execute();
  return rows.map((r) => ({ meta_status: r.meta_status, status: r.status, count: Number(r.count) }));
}
