import { sql } from "kysely";
import type { Kysely, SelectQueryBuilder, Transaction } from "kysely";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import type { AccountRow } from "../accounts/account.table.js";
import { fixedStatement, PREPARED, PREPARED_MARKER } from "../db/prepared.js";
import type { Database } from "../db/schema.js";
import { metaBudgetResult } from "../platform/rate-limits/rate-limit.repository.js";
import type { MetaBudgetResult } from "../platform/rate-limits/rate-limit.repository.js";
import { TEMPLATE_WIRE_COLUMNS } from "./template.table.js";
import type {
  NewTemplateRow,
  TemplateRow,
  TemplateStatus,
  TemplateTable,
  TemplateUpdate,
  TemplateWireRow,
} from "./template.table.js";
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
 * Every column of `whatsapp_accounts`, as `selectAll` would read them: a column added to the table fails to compile
 * here.
 */
const ACCOUNT_COLUMNS = Object.keys({
  id: true,
  organisation_id: true,
  customer_id: true,
  phone_number_id: true,
  display_phone_number: true,
  name: true,
  waba_id: true,
  access_token_encrypted: true,
  status: true,
  templates_synced_at: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof AccountRow, true>);

/** The columns and joins of a create's first read: $1 organisation, $2 phone_number_id, $3 name, $4 language. */
const ACCOUNT_AND_TEMPLATE = `SELECT ${ACCOUNT_COLUMNS.map((c) => `a.${c}`).join(", ")},
    c.name AS customer_name, t.id AS existing_id, t.deleted_at AS existing_deleted_at,
    t.content AS existing_content, t.library_template_name AS existing_library_template_name
  FROM whatsapp_accounts a
  LEFT JOIN customers c ON c.id = a.customer_id
  LEFT JOIN templates t ON t.account_id = a.id AND t.name = $3 AND t.language = $4
  WHERE a.phone_number_id = $2 AND a.organisation_id = $1`;

type AccountAndTemplateRow = AccountWithCustomer & {
  existing_id: string | null;
  existing_deleted_at: Date | null;
  existing_content: string | null;
  existing_library_template_name: string | null;
};

/** `findAccountAndTemplate`'s statement, fixed text: prepared once per connection (db/prepared.ts). */
const accountAndTemplate = fixedStatement<AccountAndTemplateRow>(`${PREPARED_MARKER}${ACCOUNT_AND_TEMPLATE}`);

/**
 * The same read, and Meta's create budget reserved for the account's WABA in the same round trip, only when no live
 * template holds this name + language (a known conflict never spends the budget). `budget_attempted` says whether
 * `reserve_meta_create` ran; it is called once, for the account's one row: a restriction on `found` alone is applied
 * at its scan, before the lateral call. $5 budget, $6 the window's start, $7 now.
 */
const accountTemplateAndBudget = fixedStatement<
  AccountAndTemplateRow & {
    budget_attempted: boolean;
    budget_attempt_id: string | number | null;
    budget_freeing_at: Date | null;
  }
>(`${PREPARED_MARKER}WITH found AS MATERIALIZED (${ACCOUNT_AND_TEMPLATE}),
  budget AS MATERIALIZED (
    SELECT r.attempt_id, r.freeing_at FROM found f, reserve_meta_create(f.waba_id, $5::int, $6, $7) r
    WHERE f.existing_id IS NULL OR f.existing_deleted_at IS NOT NULL)
  SELECT ${[...ACCOUNT_COLUMNS, "customer_name", "existing_id", "existing_deleted_at", "existing_content", "existing_library_template_name"].map((c) => `found.${c}`).join(", ")},
    (found.existing_id IS NULL OR found.existing_deleted_at IS NOT NULL) AS budget_attempted,
    budget.attempt_id AS budget_attempt_id, budget.freeing_at AS budget_freeing_at
  FROM found LEFT JOIN budget ON true`);

/** A create's first read, with (when asked for) Meta's budget reserved beside it. */
export interface AccountAndTemplate {
  account: AccountWithCustomer;
  existing: ExistingTemplateSummary | undefined;
  /** Undefined when no budget was asked for, or a live template of this name + language made it moot. */
  budget: MetaBudgetResult | undefined;
}

function accountAndTemplateFrom(found: AccountAndTemplateRow): Omit<AccountAndTemplate, "budget"> {
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

/**
 * A create's first read, ONE statement: the organisation's account with this phone_number_id (as
 * `findOrganisationAccount` reads it) and the template of this name + language on it, if any
 * ((account, name, language) is unique). Undefined when the organisation has no such account.
 *
 * With `budget`, the same statement also reserves one create of Meta's hourly budget for the account's WABA
 * (`reserve_meta_create`, the same function and lock as `reserveMetaCreate`) unless a live template holds the name:
 * one round trip and one commit instead of two. The caller gives the reservation back if it stops before Meta.
 */
export async function findAccountAndTemplate(
  db: Db,
  organisationId: string,
  phoneNumberId: string,
  name: string,
  language: string,
  budget?: { perHour: number; windowMs: number; now: Date },
): Promise<AccountAndTemplate | undefined> {
  if (budget === undefined) {
    const { rows } = await accountAndTemplate(db, [organisationId, phoneNumberId, name, language]);
    const found = rows[0];
    return found === undefined ? undefined : { ...accountAndTemplateFrom(found), budget: undefined };
  }
  const windowStart = new Date(budget.now.getTime() - budget.windowMs);
  const { rows } = await accountTemplateAndBudget(db, [
    organisationId,
    phoneNumberId,
    name,
    language,
    budget.perHour,
    windowStart,
    budget.now,
  ]);
  const found = rows[0];
  if (found === undefined) return undefined;
  const { budget_attempted, budget_attempt_id, budget_freeing_at, ...rest } = found;
  return {
    ...accountAndTemplateFrom(rest),
    budget: budget_attempted
      ? metaBudgetResult(
          budget_attempt_id === null && budget_freeing_at === null
            ? undefined
            : { attempt_id: budget_attempt_id, freeing_at: budget_freeing_at },
          budget.windowMs,
          budget.now,
        )
      : undefined,
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

/**
 * Reviving a tombstoned row of the same (account, name, language): everything Meta-side comes from the new row, the
 * lifecycle fields start afresh (`REVIVE_TOMBSTONED`, in both statements a create writes with).
 */
const REVIVED_FROM_NEW_ROW = [
  "category",
  "status",
  "meta_status",
  "provider_template_id",
  "components",
  "content",
  "variables",
  "parameter_format",
  "updated_at",
  "library_template_name",
  "status_changed_at",
  "category_changed_at",
  "quality_changed_at",
  "components_changed_at",
] as const satisfies readonly (keyof TemplateTable)[];
const REVIVED_CLEARED = [
  "rejected_reason",
  "quality_score",
  "previous_category",
  "rejection_info",
  "status_info",
  "pending_category",
  "pending_category_at",
  "last_synced_at",
  "deleted_at",
] as const satisfies readonly (keyof TemplateTable)[];

/** A tombstoned row of the same (account, name, language) is revived in place; a live one is left alone. */
const REVIVE_TOMBSTONED = `ON CONFLICT (account_id, name, language) DO UPDATE SET ${[
  ...REVIVED_FROM_NEW_ROW.map((column) => `${column} = excluded.${column}`),
  ...REVIVED_CLEARED.map((column) => `${column} = NULL`),
  "last_synced_via = 'create'",
].join(", ")}
  WHERE templates.deleted_at IS NOT NULL`;

/**
 * Inserts a template; returns undefined when a live template with that (account, name, language) exists.
 * A tombstoned row (deleted on Meta) of the same name and language is revived in place instead: its id and
 * history carry on, everything Meta-side is replaced and the lifecycle fields start afresh.
 */
export async function insertTemplate(db: Db, row: NewTemplateRow): Promise<TemplateRow | undefined> {
  const values = templateInsertValues(row);
  const columns = (Object.keys(values) as (keyof NewTemplateRow)[]).filter((column) => values[column] !== undefined);
  const { rows } = await sql<TemplateRow>`
    INSERT INTO templates (${sql.join(columns.map((column) => sql.ref(column)))})
    VALUES (${sql.join(columns.map((column) => sql`${values[column]}`))})
    ${sql.raw(REVIVE_TOMBSTONED)}
    RETURNING *`.execute(db);
  return rows[0];
}

/** The columns a create writes, in the order of `insertCreatedTemplateAlone`'s parameters. */
const CREATED_COLUMNS = [
  "id",
  "account_id",
  "name",
  "language",
  "category",
  "status",
  "meta_status",
  "provider_template_id",
  "components",
  "content",
  "variables",
  "parameter_format",
  "rejected_reason",
  "quality_score",
  "previous_category",
  "created_at",
  "updated_at",
  "last_synced_at",
  "last_synced_via",
  "library_template_name",
  "status_changed_at",
  "category_changed_at",
  "quality_changed_at",
  "components_changed_at",
] as const satisfies readonly (keyof NewTemplateRow)[];

const CREATED_EVENT_COLUMNS = [
  "id",
  "kind",
  "from_value",
  "reason",
  "detail",
  "source",
  "source_id",
  "occurred_at",
] as const satisfies readonly (keyof NewTemplateEventRow)[];

/**
 * `insertCreatedTemplateAlone`'s statement, fixed text whatever the row (every column a parameter, `null` included):
 * PostgreSQL prepares it once per connection (db/prepared.ts), and no query builder runs per create. Parameters: $1
 * the organisation, then CREATED_COLUMNS, then CREATED_EVENT_COLUMNS.
 */
const createdAlone = fixedStatement<TemplateWireRow>(
  (() => {
    const param = (i: number) => `$${i + 2}`;
    const templateParam = (column: (typeof CREATED_COLUMNS)[number]) => param(CREATED_COLUMNS.indexOf(column));
    const eventParam = (column: (typeof CREATED_EVENT_COLUMNS)[number]) =>
      param(CREATED_COLUMNS.length + CREATED_EVENT_COLUMNS.indexOf(column));
    const returned = TEMPLATE_WIRE_COLUMNS.join(", ");
    return `${PREPARED_MARKER}WITH holder AS (
      SELECT id FROM templates
      WHERE account_id = ${templateParam("account_id")} AND provider_template_id = ${templateParam("provider_template_id")}
        AND (name <> ${templateParam("name")} OR language <> ${templateParam("language")})
    ),
    subscribed AS (
      SELECT id FROM webhook_subscriptions WHERE organisation_id = $1 AND enabled AND deleted_at IS NULL
    ),
    ins AS (
      INSERT INTO templates (${CREATED_COLUMNS.join(", ")})
      SELECT ${CREATED_COLUMNS.map((_, i) => param(i)).join(", ")}
      WHERE NOT EXISTS (SELECT 1 FROM holder) AND NOT EXISTS (SELECT 1 FROM subscribed)
      ${REVIVE_TOMBSTONED}
      RETURNING ${returned}
    ),
    ev AS (
      INSERT INTO template_events (template_id, account_id, to_value, ${CREATED_EVENT_COLUMNS.join(", ")})
      SELECT ins.id, ${templateParam("account_id")}, ins.meta_status, ${CREATED_EVENT_COLUMNS.map(eventParam).join(", ")}
      FROM ins
    )
    SELECT ${returned} FROM ins`;
  })(),
);

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
  event: Omit<NewTemplateEventRow, "template_id" | "account_id" | "to_value">,
): Promise<TemplateWireRow | undefined> {
  const values = templateInsertValues(row);
  const parameters = [
    organisationId,
    ...CREATED_COLUMNS.map((column) => values[column] ?? null),
    ...CREATED_EVENT_COLUMNS.map((column) => event[column] ?? null),
  ];
  const { rows } = await createdAlone(db, parameters);
  return rows[0];
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

/** The account a page names, as one JSON text (the same value on every row: JSON-parsed once, from the first row). */
function listedAccountText(scope: ListTemplateRowsQuery["accountId"]) {
  const where =
    typeof scope === "string"
      ? sql`a.id = ${scope}`
      : sql`a.phone_number_id = ${scope.phoneNumberId} AND a.organisation_id = ${scope.organisationId}`;
  return sql<string | null>`(SELECT to_json(a)::text FROM (
      SELECT a.id, a.phone_number_id, a.display_phone_number, a.customer_id, c.name AS customer_name, a.templates_synced_at
      FROM whatsapp_accounts a LEFT JOIN customers c ON c.id = a.customer_id
      WHERE ${where}) a)`;
}

/** The account fields of `listedAccountText`, parsed (the mapper's `ListedAccount`). */
export function listedAccountOf(text: string | null | undefined): ListedAccount | undefined {
  if (text === null || text === undefined) return undefined;
  const listed = JSON.parse(text) as Omit<ListedAccount, "templates_synced_at"> & {
    templates_synced_at: string | null;
  };
  return {
    ...listed,
    templates_synced_at: listed.templates_synced_at === null ? null : new Date(listed.templates_synced_at),
  };
}

/**
 * The page's filters, keyset and order on a statement over `templates` (whatever it selects). By phone number, the
 * account's id is an uncorrelated subquery, which PostgreSQL runs once per statement (an InitPlan).
 */
function listedPage<DB extends Database, TB extends keyof DB & "templates", O>(
  base: SelectQueryBuilder<DB, TB, O>,
  query: ListTemplateRowsQuery,
): SelectQueryBuilder<DB, TB, O> {
  // Typed against `templates` alone: the joins some callers add never shadow these column names.
  let q = base as unknown as SelectQueryBuilder<Database, "templates", O>;
  const scope = query.accountId;
  q = q.where(
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
    q = q.orderBy(order);
  } else {
    const after = query.after;
    if (after !== undefined) {
      q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
    }
    q = q.orderBy("created_at", "desc").orderBy("id", "desc");
  }
  return q.limit(query.limit);
}

export async function listTemplateRows(
  db: Db,
  query: ListTemplateRowsQuery,
): Promise<{ rows: TemplateWireRow[]; listedAccount?: ListedAccount | undefined }> {
  // No name holds U+0000, and PostgreSQL fails the whole statement on it in a text parameter.
  if (query.nameContains?.includes("\u0000") === true) return { rows: [] };
  // Only what the mapper reads (the keyset's created_at, id, name and updated_at among them).
  const page = listedPage(db.selectFrom("templates").select(TEMPLATE_WIRE_COLUMNS), query);
  if (typeof query.accountId === "string") return { rows: await page.execute() };
  const rows = await page.select(listedAccountText(query.accountId).as("listed_account")).execute();
  return { rows, listedAccount: listedAccountOf(rows[0]?.listed_account) };
}

/**
 * What a page of stored template texts reads per row: its id and the column its order's keyset needs (created_at,
 * name or updated_at: the cursor reads it from the last row), and its text with the text's key.
 */
export type WireTextListRow = Pick<TemplateWireRow, "id"> &
  Partial<Pick<TemplateWireRow, "name" | "created_at" | "updated_at">> & {
    wire_text: string | null;
    wire_text_key: string | null;
  };

/**
 * The page `listTemplateRows` would read, each row as its stored wire JSON text and the key it was written under
 * (template-wire-text.ts), with the account's fields as one JSON text (`listedAccountText`: the key hashes it) — for
 * either way of naming the account.
 */
export async function listTemplateWireTextRows(
  db: Db,
  query: ListTemplateRowsQuery,
): Promise<{ rows: WireTextListRow[]; listedAccountText: string | null }> {
  if (query.nameContains?.includes("\u0000") === true) return { rows: [], listedAccountText: null };
  const page = listedPage(
    db.selectFrom("templates").select([
      "id",
      // Only the keyset's own column: every other would be parsed for each row (dates by a regex) and dropped.
      query.sort === undefined ? "created_at" : query.sort.by === "name" ? "name" : "updated_at",
      "wire_text_key",
      "wire_text",
      listedAccountText(query.accountId).as("listed_account"),
    ]),
    query,
  );
  const rows: (WireTextListRow & { listed_account: string | null })[] = await page.execute();
  return { rows, listedAccountText: rows[0]?.listed_account ?? null };
}

/**
 * The page again, as `listTemplateRows` reads it, with each row's version (`xmin`: a text written from this read is
 * stored only while the row is still this version) and the account's fields as one JSON text, in one snapshot.
 */
export async function listTemplateRowsToWrite(
  db: Db,
  query: ListTemplateRowsQuery,
): Promise<{
  rows: (TemplateWireRow & { row_version: string })[];
  listedAccountText: string | null;
}> {
  if (query.nameContains?.includes("\u0000") === true) return { rows: [], listedAccountText: null };
  const rows = await listedPage(
    db
      .selectFrom("templates")
      .select(TEMPLATE_WIRE_COLUMNS)
      .select([sql<string>`xmin::text`.as("row_version"), listedAccountText(query.accountId).as("listed_account")]),
    query,
  ).execute();
  return { rows, listedAccountText: rows[0]?.listed_account ?? null };
}

/**
 * Stores texts rendered from rows read at `row_version`: a row written since (its `xmin` moved) keeps no text, so a
 * text is never stored over a newer state than it was rendered from. Returns how many were stored.
 */
export async function storeTemplateWireTexts(
  db: Db,
  key: string,
  texts: readonly { id: string; rowVersion: string; json: string }[],
): Promise<number> {
  if (texts.length === 0) return 0;
  const result = await sql`
    UPDATE templates AS t SET wire_text_key = ${key}, wire_text = v.json
    FROM unnest(${texts.map((r) => r.id)}::text[], ${texts.map((r) => r.rowVersion)}::text[],
                ${texts.map((r) => r.json)}::text[]) AS v(id, row_version, json)
    WHERE t.id = v.id AND t.xmin = v.row_version::xid`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
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

/** Where a page's history rows come from (a sync run, or a create that found Meta ahead of us). */
export interface PageWriteOrigin {
  source: "sync" | "create";
  sourceId: string | null;
  /** The reason of the status row of a template seen for the first time (after Meta's own rejection reason). */
  firstSeenReason: string;
}

/** A page row with the note its history rows carry when Meta's id moved to it from another row ("" otherwise). */
export type PageRow = SyncedTemplateValues & { idNote: string };

/** One history row the page statement wrote; `ord` is its template's index in the page. */
export interface PageChange {
  template_id: string;
  ord: number;
  kind: "status" | "category" | "quality" | "components";
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
}

export interface PageWriteResult {
  /**
   * A Meta id of the page is held by a row of another name or language: the statement wrote nothing (the unique
   * (account, provider_template_id) index would refuse it). The caller moves the ids, then writes the page again.
   */
  idConflict: boolean;
  /**
   * Written `alone` while the account's organisation has an enabled webhook subscription: the statement wrote
   * nothing, since the outbox events of its changes must commit with them (the caller writes it in a transaction).
   */
  needsOutbox: boolean;
  created: number;
  updated: number;
  /** The history rows written, when the account's organisation has an enabled webhook subscription; else null. */
  changes: PageChange[] | null;
}

/** A page's rows as the statement's one JSON parameter, encoded before its write (see `writeTemplatePage`). */
export interface EncodedPage {
  rows: number;
  json: string;
}

export function encodePage(rows: readonly PageRow[]): EncodedPage {
  const json = JSON.stringify(
    rows.map((r, ord) => ({
      ord,
      id: r.id,
      name: r.name,
      language: r.language,
      category: r.category,
      status: r.status,
      meta_status: r.meta_status,
      provider_template_id: r.provider_template_id,
      components: r.components,
      content: r.content,
      variables: r.variables,
      parameter_format: r.parameter_format,
      rejected_reason: r.rejected_reason,
      quality_score: r.quality_score,
      previous_category: r.previous_category,
      id_note: r.idNote,
    })),
  );
  return { rows: rows.length, json };
}

/** The rows of an encoded page again (`idNote`s dropped: the caller sets them). */
export function decodePage(page: EncodedPage): SyncedTemplateValues[] {
  const rows = JSON.parse(page.json) as (SyncedTemplateValues & { ord: number; id_note: string })[];
  return rows.map(({ ord: _ord, id_note: _idNote, ...values }) => values);
}

/** A sync run's counters after a page, moved by the page's own statement when it is written `alone`. */
export interface PageRunProgress {
  runId: string;
  /** Pages and Meta templates seen so far, this page included. */
  pages: number;
  synced: number;
  heartbeatAt: Date;
}

/**
 * Writes one page of Meta templates in ONE statement (one round trip), its CTEs over one snapshot:
 * - `before`: the stored state of the page's templates (data-modifying CTEs do not see each other's writes, so this
 *   is the state before `written`, whatever order PostgreSQL runs them in);
 * - `written`: `INSERT … ON CONFLICT (account_id, name, language) DO UPDATE … WHERE <stored data differs or the row
 *   is a tombstone> AND <no field changed after this page was fetched>`. Unchanged rows are not written (no new
 *   tuple, no updated_at bump); "components changed?" compares the stored `content_hash`es. `variables` is only
 *   replaced when the body text changed (it may hold caller-given names from create). A row a webhook changed after
 *   `fetchedAt` is left alone: the page is older news than the row (the next sync converges). A tombstone Meta
 *   returns again is restored (an update, not a create). Each field's clock (`*_changed_at`) moves only when that
 *   field changed;
 * - `changes` / `events`: one history row per change of a written row (status, category, quality, components), as
 *   the history reads them, with ids `eventIdPrefix` + 8 hex digits of (index in the page × 8 + kind), so they sort
 *   in page order;
 * - nothing at all when a Meta id of the page is held by another name + language (`idConflict`).
 * The page travels as one JSON parameter (`encodePage`): a 100-row VALUES list was 2,300 parameters to build, bind and
 * parse.
 *
 * `alone` (a sync's page outside any transaction): the statement is the page's whole transaction, so it also moves
 * the run's counters and heartbeat (`run`), and it writes nothing when the organisation has an enabled webhook
 * subscription (`needsOutbox`: the outbox events are written by the caller, in a transaction with the page). One
 * autocommitted statement instead of BEGIN, the page, the counters and COMMIT: four round trips became one.
 */
export async function writeTemplatePage(
  db: Db,
  accountId: string,
  page: EncodedPage,
  fetchedAt: Date,
  origin: PageWriteOrigin,
  eventIdPrefix: string,
  alone?: PageRunProgress,
): Promise<PageWriteResult> {
  if (page.rows === 0) return { idConflict: false, needsOutbox: false, created: 0, updated: 0, changes: null };
  const input = page.json;
  const at = sql`${fetchedAt}::timestamptz`;
  // Whether `w` is a template this statement saw for the first time (inserted, or no stored state in the snapshot).
  const firstSeen = sql`(w.inserted OR b.name IS NULL)`;
  const changedAt = (column: string, compared: string) =>
    sql`CASE WHEN ${sql.ref(`templates.${compared}`)} IS DISTINCT FROM ${sql.ref(`excluded.${compared}`)}
      THEN excluded.updated_at ELSE ${sql.ref(`templates.${column}`)} END`;
  const { rows: result } = await sql<{
    id_conflict: boolean;
    needs_outbox: boolean;
    created: number;
    written: number;
    changes: PageChange[] | null;
  }>`${PREPARED}
    WITH input AS (
      SELECT * FROM json_to_recordset(${input}::json) AS i(ord int, id text, name text, language text, category text,
        status text, meta_status text, provider_template_id text, components jsonb, content text, variables jsonb,
        parameter_format text, rejected_reason text, quality_score text, previous_category text, id_note text)
    ),
    id_conflict AS (
      SELECT EXISTS (
        SELECT 1 FROM input i JOIN templates t
          ON t.account_id = ${accountId} AND t.provider_template_id = i.provider_template_id
        WHERE t.name <> i.name OR t.language <> i.language) AS found
    ),
    subscribed AS (
      SELECT EXISTS (
        SELECT 1 FROM whatsapp_accounts a JOIN webhook_subscriptions s ON s.organisation_id = a.organisation_id
        WHERE a.id = ${accountId} AND s.enabled AND s.deleted_at IS NULL) AS found
    ),
    before AS (
      SELECT t.name, t.language, t.meta_status, t.category, t.quality_score, t.content_hash, t.deleted_at
      FROM input i JOIN templates t ON t.account_id = ${accountId} AND t.name = i.name AND t.language = i.language
    ),
    written AS (
      INSERT INTO templates (id, account_id, name, language, category, status, meta_status, provider_template_id,
        components, content, variables, parameter_format, rejected_reason, quality_score, previous_category,
        created_at, updated_at, last_synced_at, last_synced_via, status_changed_at, category_changed_at,
        quality_changed_at, components_changed_at)
      SELECT i.id, ${accountId}, i.name, i.language, i.category, i.status, i.meta_status, i.provider_template_id,
        i.components, i.content, i.variables, i.parameter_format, i.rejected_reason, i.quality_score,
        i.previous_category, ${at}, ${at}, ${at}, 'sync', ${at}, ${at}, ${at}, ${at}
      FROM input i
      WHERE NOT (SELECT found FROM id_conflict) ${alone !== undefined ? sql`AND NOT (SELECT found FROM subscribed)` : sql``}
      ON CONFLICT (account_id, name, language) DO UPDATE SET
        category = excluded.category,
        status = excluded.status,
        meta_status = excluded.meta_status,
        provider_template_id = excluded.provider_template_id,
        components = excluded.components,
        content = excluded.content,
        variables = CASE WHEN templates.content IS DISTINCT FROM excluded.content
          THEN excluded.variables ELSE templates.variables END,
        parameter_format = excluded.parameter_format,
        rejected_reason = excluded.rejected_reason,
        quality_score = excluded.quality_score,
        previous_category = excluded.previous_category,
        updated_at = excluded.updated_at,
        last_synced_at = excluded.last_synced_at,
        last_synced_via = excluded.last_synced_via,
        deleted_at = NULL,
        -- Meta's list carries no rejection explanation; keep the webhook's only while the status stays REJECTED.
        rejection_info = CASE WHEN excluded.meta_status = 'REJECTED' THEN templates.rejection_info ELSE NULL END,
        status_changed_at = ${changedAt("status_changed_at", "meta_status")},
        category_changed_at = ${changedAt("category_changed_at", "category")},
        quality_changed_at = ${changedAt("quality_changed_at", "quality_score")},
        components_changed_at = ${changedAt("components_changed_at", "content_hash")}
      WHERE ((templates.category, templates.status, templates.meta_status, templates.provider_template_id,
          templates.content_hash, templates.content, templates.parameter_format, templates.rejected_reason,
          templates.quality_score, templates.previous_category)
        IS DISTINCT FROM
        (excluded.category, excluded.status, excluded.meta_status, excluded.provider_template_id,
          excluded.content_hash, excluded.content, excluded.parameter_format, excluded.rejected_reason,
          excluded.quality_score, excluded.previous_category)
        OR templates.deleted_at IS NOT NULL)
        AND GREATEST(templates.status_changed_at, templates.category_changed_at, templates.quality_changed_at,
          templates.components_changed_at) <= excluded.updated_at
      RETURNING templates.id, templates.name, templates.language, (templates.xmax = 0) AS inserted,
        templates.content_hash
    ),
    changes AS (
      SELECT w.id AS template_id, i.ord, c.slot, c.kind, c.from_value, c.to_value, c.reason,
        CASE WHEN c.kind = 'components' THEN jsonb_build_object('components', i.components) END AS detail
      FROM written w
      JOIN input i ON i.name = w.name AND i.language = w.language
      LEFT JOIN before b ON b.name = w.name AND b.language = w.language
      CROSS JOIN LATERAL (VALUES
        (0, 'status', NULL, i.meta_status, COALESCE(i.rejected_reason, ${origin.firstSeenReason}::text) || i.id_note,
          ${firstSeen}),
        -- The row keeps its status but now carries the id Meta moved to it: history says where the id came from.
        (1, 'status', b.meta_status, i.meta_status, 'takes over' || i.id_note,
          NOT ${firstSeen} AND i.id_note <> '' AND b.deleted_at IS NULL AND b.meta_status = i.meta_status),
        (2, 'status', CASE WHEN b.deleted_at IS NOT NULL THEN 'DELETED' ELSE b.meta_status END, i.meta_status,
          CASE WHEN b.deleted_at IS NOT NULL THEN 'returned by Meta again (restored)' || i.id_note
            WHEN i.id_note = '' THEN i.rejected_reason
            ELSE COALESCE(i.rejected_reason, 'changed') || i.id_note END,
          NOT ${firstSeen} AND (b.deleted_at IS NOT NULL OR b.meta_status IS DISTINCT FROM i.meta_status)),
        (3, 'category', b.category, i.category, NULL, NOT ${firstSeen} AND b.category IS DISTINCT FROM i.category),
        (4, 'quality', b.quality_score, i.quality_score, NULL,
          NOT ${firstSeen} AND b.quality_score IS DISTINCT FROM i.quality_score),
        (5, 'components', NULL, i.content, NULL, NOT ${firstSeen} AND b.content_hash IS DISTINCT FROM w.content_hash)
      ) AS c(slot, kind, from_value, to_value, reason, wanted)
      WHERE c.wanted
    ),
    events AS (
      INSERT INTO template_events (id, template_id, account_id, kind, from_value, to_value, reason, detail, source,
        source_id, occurred_at)
      SELECT ${eventIdPrefix}::text || upper(lpad(to_hex(c.ord * 8 + c.slot), 8, '0')), c.template_id, ${accountId},
        c.kind, c.from_value, c.to_value, c.reason, c.detail, ${origin.source}::text, ${origin.sourceId}::text, ${at}
      FROM changes c
    )${
      alone === undefined
        ? sql``
        : sql`,
    run AS (
      UPDATE template_sync_runs r SET pages = ${alone.pages}, synced = ${alone.synced},
        created = r.created + n.created, updated = r.updated + n.updated,
        unchanged = ${alone.synced} - (r.created + n.created) - (r.updated + n.updated),
        heartbeat_at = ${alone.heartbeatAt}
      FROM (SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated
        FROM written) n
      WHERE r.id = ${alone.runId} AND NOT (SELECT found FROM id_conflict) AND NOT (SELECT found FROM subscribed)
    )`
    }
    SELECT (SELECT found FROM id_conflict) AS id_conflict,
      ${alone !== undefined ? sql`(SELECT found FROM subscribed)` : sql`false`} AS needs_outbox,
      (SELECT count(*) FROM written WHERE inserted)::int AS created,
      (SELECT count(*) FROM written)::int AS written,
      -- The outbox needs the changes only when someone subscribed (webhooks-out, issue 17).
      CASE WHEN (SELECT found FROM subscribed)
      THEN (SELECT json_agg(json_build_object('template_id', c.template_id, 'ord', c.ord, 'kind', c.kind,
        'from_value', c.from_value, 'to_value', c.to_value, 'reason', c.reason) ORDER BY c.ord, c.slot) FROM changes c)
      END AS changes
  `.execute(db);
  const row = result[0];
  if (row === undefined) throw new Error("the page statement returned no row");
  return {
    idConflict: row.id_conflict,
    needsOutbox: row.needs_outbox,
    created: row.created,
    updated: row.written - row.created,
    changes: row.changes === null ? null : row.changes,
  };
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

/**
 * Refreshes the planner's statistics of `templates` (after a large import): the row count and the columns our
 * statements filter, join and sort on. Sampling the large jsonb and text columns as well (components, content…) made
 * it about 3.5 times slower (issue 19) for statistics no query uses; autovacuum's own ANALYZE still covers them.
 */
export async function analyzeTemplates(db: Db): Promise<void> {
  await sql`ANALYZE templates (id, account_id, name, language, status, meta_status, category, provider_template_id,
    deleted_at, created_at, updated_at)`.execute(db);
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
