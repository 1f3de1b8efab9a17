import {
  requestedTtl,
  type TCreateTemplateRequest,
  type TTemplate,
  type TTemplateByName,
  type TTemplateCounts,
  type TTemplateSyncResult,
} from "@kirim/schema";
import type {
  TDeleteTemplateQuery,
  TEditTemplateRequest,
  TLibraryTemplate,
  TRenderedTemplate,
  TRenderTemplateRequest,
  TTemplateDeleteResult,
  TTemplateEvent,
  TTemplateLibraryQuery,
  TTemplateSyncRun,
} from "@kirim/schema";
import type { Kysely } from "kysely";
import { accountNotFound, assertConnected, resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError, isDomainError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { assertStorableText } from "../lib/text.js";
import { hasMediaHeader, toMetaComponentsWithMedia } from "../media/core-media.js";
import type { CoreMediaOptions } from "../media/core-media.js";
import { accountCredentials } from "../platform/secrets/secrets.service.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import type { MetaCreateBudget } from "../platform/rate-limits/rate-limit.service.js";
import { withMetaErrors } from "../meta/meta-error-mapping.js";
import type { MetaCreateTemplateBody, MetaGateway } from "../meta/types.js";
import type { Page, PageQuery, Principal, RequestContext } from "../base.js";
import { checkPageLimit, toPage } from "../lib/keyset-page.js";
import { deleteTemplate, editTemplate } from "./template-edit.js";
import { templateEventRowToWire } from "./template-history.js";
import { listTemplateEventRows } from "./template-event.repository.js";
import { createTemplateLibraryService } from "./template-library.js";
import { createTemplateRenderService } from "./template-render.js";
import { listSyncRunRows } from "./template-sync-run.repository.js";
import { recordTemplateChanges } from "./template-history.js";
import { moveMetaIds } from "./template-identity.js";
import { storeTemplateFromMeta, syncAccountTemplates, syncRunToWire } from "./template-sync.js";
import type { TemplateRow } from "./template.table.js";
import { wireTextFingerprint, wireTextKey } from "./template-wire-text.js";
import type { TemplateWireWriter } from "./template-wire-text.js";
import { isQueryableName } from "./template-name.js";
import { extractVariables, templateContent } from "./template-content.js";
import { decodeCursor, decodeSortCursor, encodeCursor, encodeSortCursor } from "./template-cursor.js";

/** Orders other than newest first (template-cursor.ts keeps created_desc's cursor format). */
const SORTS: Record<string, { by: "name" | "updated_at"; direction: "asc" | "desc" } | undefined> = {
  name_asc: { by: "name", direction: "asc" },
  name_desc: { by: "name", direction: "desc" },
  updated_desc: { by: "updated_at", direction: "desc" },
  updated_asc: { by: "updated_at", direction: "asc" },
};
import type { CursorFilter } from "./template-cursor.js";
import { assertMetaPreflight } from "./template-preflight.js";
import { mapMetaStatus } from "./template-status.js";
import { templateRowToTemplate } from "./template.mapper.js";
import type { TemplateAccountFields } from "./template.mapper.js";
import {
  findAccountAndTemplate,
  findTemplateByNameLanguage,
  findTemplatesByName,
  insertCreatedTemplateAlone,
  insertTemplate,
  countTemplatesByStatus,
  listTemplateRows,
  listTemplateRowsToWrite,
  listTemplateWireTextRows,
  listedAccountOf,
  storeTemplateWireTexts,
  templateNameExists,
} from "./template.repository.js";
import type { ListTemplateRowsQuery, ListedAccount } from "./template.repository.js";

export interface ListTemplatesOptions {
  /** `all` (default) = no filter. */
  status?: "approved" | "pending" | "rejected" | "all";
  language?: string | undefined;
  /** Only this category (upper-case, as stored). */
  category?: "MARKETING" | "UTILITY" | "AUTHENTICATION" | undefined;
  /** Only this Meta status (upper-case, verbatim: PAUSED, DISABLED…), which `status` folds. */
  meta_status?: string | undefined;
  /** created_desc (default), name_asc / name_desc (a name's languages together), updated_desc / updated_asc. */
  sort?: "created_desc" | "name_asc" | "name_desc" | "updated_desc" | "updated_asc" | undefined;
  /** Names containing this text, ignoring case; `%`, `_` and `\` match literally. */
  search?: string | undefined;
  /** Also templates deleted on Meta (default false). */
  include_deleted?: boolean | undefined;
  /** 1–100, default 25. */
  limit?: number;
  cursor?: string | undefined;
}

export interface TemplatePage {
  data: TTemplate[];
  has_more: boolean;
  next_cursor: string | null;
}

/** A page of `listWireText`: each template as the JSON text a list answer holds (template-wire-text.ts). */
export interface TemplateWireTextPage {
  data: string[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface GetTemplateOptions {
  /** This language; default the name's only language, else its earliest created one. */
  language?: string | undefined;
  /** Also find a deleted template (default false: 404, as the list hides it). */
  include_deleted?: boolean | undefined;
}

export interface SyncOptions {
  /** Recorded on the sync run: api (REST, default), trpc, schedule. */
  trigger?: string | undefined;
}

/** One home of the template operations (create, edit, delete, sync, list, get, history, sync runs, render, library). */
export interface TemplatesService {
  create(
    principal: Principal,
    phoneNumberId: string,
    input: TCreateTemplateRequest,
    context?: RequestContext,
  ): Promise<TTemplate>;
  /** Complete sync, recorded as a run; joins a sync of the same account already running (any process). */
  sync(principal: Principal, phoneNumberId: string, options?: SyncOptions): Promise<TTemplateSyncResult>;
  list(principal: Principal, phoneNumberId: string, query?: ListTemplatesOptions): Promise<TemplatePage>;
  /**
   * The same page as `list`, each template as the JSON text `writer` writes for it (REST's list answer): the text
   * stored with the row when it is current, else written now and stored (template-wire-text.ts).
   */
  listWireText(
    principal: Principal,
    phoneNumberId: string,
    query: ListTemplatesOptions,
    writer: TemplateWireWriter,
  ): Promise<TemplateWireTextPage>;
  /** Live templates per Meta status and per folded status. */
  counts(principal: Principal, phoneNumberId: string): Promise<TTemplateCounts>;
  getByName(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    options?: GetTemplateOptions,
  ): Promise<TTemplateByName>;
  /** Render-and-check: the template filled with Meta's send parameters, or `template_parameter_invalid` naming the
   * parameter Meta would refuse (template-render.ts). */
  render(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    request: TRenderTemplateRequest,
  ): Promise<TRenderedTemplate>;
  /** Meta's Template Library, browsed with Meta's filters through the gateway (issue 16). */
  library(principal: Principal, phoneNumberId: string, query: TTemplateLibraryQuery): Promise<TLibraryTemplate[]>;
  /** `POST /v1/{phone_number_id}/templates/{name}`: replace one language's components (Meta's edit rules). */
  edit(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    input: TEditTemplateRequest,
    context?: RequestContext,
  ): Promise<TTemplate>;
  /** `DELETE /v1/{phone_number_id}/templates/{name}[?language=]`. */
  delete(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    query: TDeleteTemplateQuery,
    context?: RequestContext,
  ): Promise<TTemplateDeleteResult>;
  /** A template's history, every language (or `language`), newest first. 404 when no template has this name. */
  events(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    query?: PageQuery & { language?: string | undefined },
  ): Promise<Page<TTemplateEvent>>;
  /** The account's sync runs, newest first (the running one included). */
  syncRuns(principal: Principal, phoneNumberId: string, query?: PageQuery): Promise<Page<TTemplateSyncRun>>;
}

interface Deps {
  db: Kysely<Database>;
  gateway: MetaGateway;
  cursorSecret: string;
  now: () => Date;
  media: CoreMediaOptions | undefined;
  /** Decrypts the account's stored Meta token where a Meta call needs it (`accountCredentials`). */
  tokens: TokenCipher;
  /**
   * Meta's create budget, reserved in the create's first statement (one round trip fewer). `gateway` must still
   * count creates itself (`withMetaCreateBudget`): a create with a media sample to upload, or a service built
   * without this, reserves there, just before Meta.
   */
  metaCreateBudget?: MetaCreateBudget | undefined;
}

/** A keyset column the page's statement must have read (a programming error otherwise, never the caller's). */
function keysetColumn<T>(value: T | undefined, column: string): T {
  if (value === undefined) throw new Error(`the listed page did not read ${column}, which its cursor needs`);
  return value;
}

function duplicate(name: string, language: string): DomainError {
  return new DomainError(
    "template_already_exists",
    `A template named "${name}" already exists in language "${language}" on this account.`,
    { param: "name" },
  );
}

/**
 * The create fields beyond name, language, category and components that go to Meta as given: the TTL (under either
 * of its names, sent as Meta's) and Meta's own optional fields (DECISIONS.md D33–D34). None is ever dropped.
 */
function metaTemplateOptions(
  input: TCreateTemplateRequest,
): Pick<
  MetaCreateTemplateBody,
  "message_send_ttl_seconds" | "sub_category" | "cta_url_link_tracking_opted_out" | "allow_category_change"
> {
  const ttl = requestedTtl(input);
  return {
    ...(ttl === undefined ? {} : { message_send_ttl_seconds: ttl.seconds }),
    ...(input.sub_category === undefined ? {} : { sub_category: input.sub_category }),
    ...(input.cta_url_link_tracking_opted_out === undefined
      ? {}
      : { cta_url_link_tracking_opted_out: input.cta_url_link_tracking_opted_out }),
    ...(input.allow_category_change === undefined ? {} : { allow_category_change: input.allow_category_change }),
  };
}

export function createTemplatesService(deps: Deps): TemplatesService {
  const { db, gateway } = deps;
  // Per writer, on its first listed page rather than at start-up: a process that never lists writes no probes.
  const fingerprints = new WeakMap<TemplateWireWriter, string>();
  const fingerprintOf = (writer: TemplateWireWriter): string => {
    let fingerprint = fingerprints.get(writer);
    if (fingerprint === undefined) fingerprints.set(writer, (fingerprint = wireTextFingerprint(writer)));
    return fingerprint;
  };

  /**
   * The components Meta built for a Template Library create (its answer is only {id, status, category}): read back
   * by name + language. Best effort: if the read fails the row starts empty and the next sync fills it.
   */
  async function readBackComponents(
    credentials: ReturnType<typeof accountCredentials>,
    id: string,
    name: string,
    language: string,
  ): Promise<unknown[]> {
    try {
      for await (const page of gateway.listTemplates(credentials, { name, language })) {
        const found = page.find((template) => template.id === id);
        if (found !== undefined) return found.components;
      }
    } catch {
      // fall through: the template exists on Meta; sync will bring its components
    }
    return [];
  }

  async function create(
    principal: Principal,
    phoneNumberId: string,
    input: TCreateTemplateRequest,
    context: RequestContext = {},
  ): Promise<TTemplate> {
    // Before anything else, like the schema checks: text the database cannot hold must not reach Meta first.
    assertStorableText(input);
    assertMetaPreflight(input);
    const language = input.language ?? "en";
    // The account and the template of this name + language in one statement.
    // Checked BEFORE any Meta call so a retry loop never burns Meta's create rate limit on a known conflict.
    // A template deleted on Meta (tombstoned by sync or delete) does not block a new one: Meta decides whether the
    // name is still locked (2388023) and the row is revived in place by insertTemplate.
    // Meta's budget is reserved in the same statement, unless a media sample is to be uploaded first: that upload may
    // take seconds, and the reservation's time must stay the time Meta is called (the gateway reserves then).
    const { metaCreateBudget } = deps;
    const reserveNow = metaCreateBudget !== undefined && !hasMediaHeader(input.components ?? []);
    const reservedAt = deps.now();
    const found = await findAccountAndTemplate(
      db,
      principal.organisationId,
      phoneNumberId,
      input.name,
      language,
      reserveNow
        ? { perHour: metaCreateBudget.perHour, windowMs: metaCreateBudget.windowMs, now: reservedAt }
        : undefined,
    );
    if (found === undefined) throw accountNotFound(phoneNumberId);
    const { account, existing, budget } = found;
    // Until Meta is called, any way out (not connected, a duplicate, a refused sample, a resumed attempt…) gives a
    // reservation taken above back; from the call on, the budget's own rule decides (`createAttemptCounts`).
    let handedToMeta = false;
    try {
      assertConnected(account);
      // A retry of an attempt that died after Meta accepted it finds that attempt's template (stored since by a sync or
      // by the 409 path below): it is this request's result.
      const ownEarlierAttempt = <R extends Pick<TemplateRow, "deleted_at" | "content" | "library_template_name">>(
        row: R | undefined,
      ): R | undefined =>
        context.resumesAbandonedAttempt === true &&
        row !== undefined &&
        row.deleted_at === null &&
        (input.components === undefined
          ? row.library_template_name === (input.library_template_name ?? null)
          : row.content === templateContent(input.components))
          ? row
          : undefined;
      if (ownEarlierAttempt(existing) !== undefined) {
        // Only a resumed attempt answers with the stored row: read it whole then.
        const resumed = ownEarlierAttempt(await findTemplateByNameLanguage(db, account.id, input.name, language));
        if (resumed !== undefined) return templateRowToTemplate(resumed, account);
      }
      if (existing !== undefined && existing.deleted_at === null) throw duplicate(input.name, language);

      // A Template Library create sends no components: Meta builds them from its library entry (read back below).
      const libraryName = input.components === undefined ? input.library_template_name : undefined;
      let components = (input.components ?? []) as unknown[];
      let variables = input.variables ?? extractVariables(components);
      const parameterFormat =
        input.parameter_format ?? (extractVariables(components).some((v) => !/^\d+$/.test(v)) ? "NAMED" : undefined);
      // Kirimdev's components → Meta's. Media header samples given as URLs are downloaded (SSRF-safe) and uploaded
      // with Meta's Resumable Upload API; the handle replaces the URL (src/media/README.md). This runs after the
      // duplicate check (no download for a known conflict) and before Meta's create, so a refused sample stops the
      // create before anything reaches Meta. `components`, with the caller's URL, is what we store.
      const credentials = accountCredentials(account, deps.tokens);
      const body: MetaCreateTemplateBody = {
        name: input.name,
        language,
        category: input.category,
        ...(libraryName === undefined
          ? { components: await toMetaComponentsWithMedia(components, deps.media, credentials.accessToken) }
          : {
              library_template_name: libraryName,
              ...(input.library_template_body_inputs === undefined
                ? {}
                : { library_template_body_inputs: input.library_template_body_inputs }),
              ...(input.library_template_button_inputs === undefined
                ? {}
                : { library_template_button_inputs: input.library_template_button_inputs }),
            }),
        ...(parameterFormat !== undefined ? { parameter_format: parameterFormat } : {}),
        ...metaTemplateOptions(input),
      };
      if (budget !== undefined && !budget.reserved && metaCreateBudget !== undefined)
        throw metaCreateBudget.refusal(budget.freesAt, reservedAt);
      let created: Awaited<ReturnType<typeof gateway.createTemplate>>;
      handedToMeta = true;
      try {
        created = await withMetaErrors(() =>
          budget?.reserved === true && metaCreateBudget !== undefined
            ? metaCreateBudget.createTemplate({ attemptId: budget.attemptId }, credentials, body)
            : gateway.createTemplate(credentials, body),
        );
      } catch (error) {
        if (isDomainError(error) && error.code === "template_already_exists") {
          // Meta has this name + language and we have no live row: store Meta's copy, so a GET now finds what the 409
          // says exists. Best effort: the 409 is the answer either way — unless the copy is this request's own.
          const storedNow = await storeTemplateFromMeta(
            deps,
            account,
            input.name,
            language,
            context.requestId ?? null,
          ).catch(() => false);
          const stored = storedNow ? await findTemplateByNameLanguage(db, account.id, input.name, language) : undefined;
          const resumedFromMeta = ownEarlierAttempt(stored);
          if (resumedFromMeta !== undefined) return templateRowToTemplate(resumedFromMeta, account);
        }
        throw error;
      }

      if (libraryName !== undefined) {
        components = await readBackComponents(credentials, created.id, input.name, language);
        variables = extractVariables(components);
      }
      const now = deps.now();
      const newRow = {
        id: newId("tmpl", now.getTime()),
        account_id: account.id,
        name: input.name,
        language,
        category: created.category.toUpperCase(),
        status: mapMetaStatus(created.status),
        meta_status: created.status.toUpperCase(),
        provider_template_id: created.id,
        components: JSON.stringify(components),
        content: templateContent(components),
        variables: JSON.stringify(variables),
        parameter_format: parameterFormat ?? "POSITIONAL",
        rejected_reason: null,
        quality_score: null,
        previous_category: null,
        created_at: now,
        updated_at: now,
        last_synced_at: null,
        library_template_name: libraryName ?? null,
      };
      // The common case in one statement (row + history, nothing for the outbox, no id to move); anything else — and a
      // live row of this name + language — takes the transaction below, which decides it exactly as before.
      const row =
        (await insertCreatedTemplateAlone(db, newRow, account.organisation_id, {
          id: newId("tev"),
          kind: "status",
          from_value: null,
          reason: null,
          detail: null,
          source: "create",
          source_id: context.requestId ?? null,
          occurred_at: now,
        })) ??
        // Meta is the authority on its ids: one that another row of ours still holds (a restarted sandbox, a template
        // recreated on Meta) moves to this template and that row is tombstoned, in the same transaction as the insert.
        (await db.transaction().execute(async (trx) => {
          const moved = await moveMetaIds(
            trx,
            account.id,
            [{ providerTemplateId: created.id, name: input.name, language }],
            new Set(),
            { source: "create", sourceId: context.requestId ?? null },
            now,
          );
          const row = await insertTemplate(trx, newRow);
          if (!row) return undefined;
          const previously = moved.movedFrom.get(created.id);
          await recordTemplateChanges(trx, [
            {
              templateId: row.id,
              accountId: account.id,
              kind: "status",
              from: null,
              to: row.meta_status,
              ...(previously === undefined
                ? {}
                : { reason: `Meta's template id ${created.id}, previously ${previously}` }),
              source: "create",
              sourceId: context.requestId,
              occurredAt: now,
            },
          ]);
          return row;
        }));
      if (!row) {
        // A live row took this name + language while Meta's answer was on its way. If it holds the id Meta gave THIS
        // create, a sync stored our own template first (e.g. the answer was late and the gateway had to look it up):
        // that is this create's result, not a conflict — a 409 would tell the caller a create that landed had failed.
        const stored = await findTemplateByNameLanguage(db, account.id, input.name, language);
        if (stored !== undefined && stored.deleted_at === null && stored.provider_template_id === created.id) {
          return templateRowToTemplate(stored, account);
        }
        // Otherwise a concurrent create of the same name + language won the race after Meta accepted both.
        throw duplicate(input.name, language);
      }
      return templateRowToTemplate(row, account);
    } finally {
      if (!handedToMeta && budget?.reserved === true && metaCreateBudget !== undefined)
        await metaCreateBudget.release({ attemptId: budget.attemptId });
    }
  }

  async function sync(
    principal: Principal,
    phoneNumberId: string,
    options: SyncOptions = {},
  ): Promise<TTemplateSyncResult> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    assertConnected(account);
    // Recorded as a run; a concurrent sync of the same account (any process) is joined (template-sync.ts).
    return (await syncAccountTemplates(deps, account, options.trigger ?? "api")).result;
  }

  /** What both ways of reading a page share: the limit, the account (known first after a cursor), the rows' query. */
  async function listedPageOf(principal: Principal, phoneNumberId: string, query: ListTemplatesOptions) {
    const limit = checkPageLimit(query.limit);
    // A first page reads the account in its own statement (one round trip); a cursor needs the account's id first.
    const firstPage = !query.cursor;
    const known = firstPage ? undefined : await resolveAccount(db, principal, phoneNumberId);
    const statusFilter = query.status ?? "all";
    const includeDeleted = query.include_deleted === true;
    // The cursor is bound to include_deleted too (through the status part of its fingerprint).
    const filterFor = (accountId: string): CursorFilter => ({
      accountId,
      status: includeDeleted ? `${statusFilter}+deleted` : statusFilter,
      language: query.language ?? null,
      category: query.category ?? null,
      search: query.search ?? null,
      metaStatus: query.meta_status ?? null,
      sort: query.sort,
    });
    const sortBy = SORTS[query.sort ?? "created_desc"];
    const after =
      query.cursor && known && sortBy === undefined
        ? decodeCursor(deps.cursorSecret, query.cursor, filterFor(known.id))
        : undefined;
    const sortAfter =
      query.cursor && known && sortBy !== undefined
        ? decodeSortCursor(deps.cursorSecret, query.cursor, filterFor(known.id))
        : undefined;
    const rowsQuery: ListTemplateRowsQuery = {
      accountId: known ? known.id : { organisationId: principal.organisationId, phoneNumberId },
      status: statusFilter === "all" ? undefined : statusFilter,
      language: query.language,
      category: query.category,
      metaStatus: query.meta_status,
      nameContains: query.search,
      includeDeleted,
      after,
      sort: sortBy === undefined ? undefined : { ...sortBy, after: sortAfter },
      limit: limit + 1,
    };
    // No row: no template on this page, or no such account (resolveAccount answers 404 for the latter).
    const accountOf = async (listed: ListedAccount | undefined): Promise<TemplateAccountFields & { id: string }> =>
      known ?? listed ?? (await resolveAccount(db, principal, phoneNumberId));
    // The last row's keyset: its id and the column of its order (the only one a page of stored texts reads).
    const cursorOf =
      (accountId: string) =>
      (last: Pick<TemplateRow, "id"> & Partial<Pick<TemplateRow, "name" | "created_at" | "updated_at">>): string =>
        sortBy === undefined
          ? encodeCursor(
              deps.cursorSecret,
              { createdAt: keysetColumn(last.created_at, "created_at"), id: last.id },
              filterFor(accountId),
            )
          : encodeSortCursor(
              deps.cursorSecret,
              {
                key:
                  sortBy.by === "name"
                    ? keysetColumn(last.name, "name")
                    : keysetColumn(last.updated_at, "updated_at").toISOString(),
                id: last.id,
              },
              filterFor(accountId),
            );
    return { limit, rowsQuery, accountOf, cursorOf };
  }

  async function list(
    principal: Principal,
    phoneNumberId: string,
    query: ListTemplatesOptions = {},
  ): Promise<TemplatePage> {
    const { limit, rowsQuery, accountOf, cursorOf } = await listedPageOf(principal, phoneNumberId, query);
    const { rows, listedAccount } = await listTemplateRows(db, rowsQuery);
    const account = await accountOf(listedAccount);
    return toPage(rows, limit, (r) => templateRowToTemplate(r, account), cursorOf(account.id));
  }

  async function listWireText(
    principal: Principal,
    phoneNumberId: string,
    query: ListTemplatesOptions,
    writer: TemplateWireWriter,
  ): Promise<TemplateWireTextPage> {
    const { limit, rowsQuery, accountOf, cursorOf } = await listedPageOf(principal, phoneNumberId, query);
    const stored = await listTemplateWireTextRows(db, rowsQuery);
    const account = await accountOf(listedAccountOf(stored.listedAccountText));
    const key = wireTextKey(fingerprintOf(writer), stored.listedAccountText);
    const page = toPage(stored.rows, limit, (row) => row, cursorOf(account.id));
    if (page.data.every((row) => row.wire_text !== null && row.wire_text_key === key)) {
      return { ...page, data: page.data.map((row) => row.wire_text as string) };
    }
    // A template changed since its text was written, or has none for this key: the page again, whole, from one
    // snapshot (as `list` reads it), written, and its texts stored for the next request.
    const fresh = await listTemplateRowsToWrite(db, rowsQuery);
    // The account as this snapshot read it (after a cursor too): the texts are stored under its key, so they must be
    // written from it, not from the account read before.
    const freshAccount = listedAccountOf(fresh.listedAccountText) ?? (await accountOf(undefined));
    const freshKey = wireTextKey(fingerprintOf(writer), fresh.listedAccountText);
    const written = toPage(
      fresh.rows,
      limit,
      (row) => ({
        id: row.id,
        rowVersion: row.row_version,
        json: writer.write(templateRowToTemplate(row, freshAccount)),
      }),
      cursorOf(freshAccount.id),
    );
    // A cache: texts that cannot be stored (a read-only replica, a lost connection) leave this answer as it is.
    await storeTemplateWireTexts(db, freshKey, written.data).catch(() => 0);
    return { ...written, data: written.data.map((text) => text.json) };
  }

  /**
   * One template of the name: the one in `language`, else the only language, else the earliest created (ties:
   * smallest id) — a rule a client can rely on — with every language of the name in `languages`. A deleted
   * template is not found unless `include_deleted`, as in the list.
   */
  async function getByName(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    options: GetTemplateOptions = {},
  ): Promise<TTemplateByName> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    const rows = isQueryableName(name)
      ? await findTemplatesByName(db, account.id, name, { includeDeleted: options.include_deleted === true })
      : [];
    const chosen = options.language === undefined ? rows[0] : rows.find((r) => r.language === options.language);
    if (chosen === undefined) {
      const what = options.language !== undefined ? `"${name}" in language "${options.language}"` : `"${name}"`;
      throw new DomainError("resource_not_found", `No template ${what} on this account.`, { param: "name" });
    }
    return { ...templateRowToTemplate(chosen, account), languages: rows.map((r) => r.language) };
  }

  async function counts(principal: Principal, phoneNumberId: string): Promise<TTemplateCounts> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    const result: TTemplateCounts = {
      object: "template_counts",
      total: 0,
      by_meta_status: {},
      by_status: { approved: 0, pending: 0, rejected: 0 },
    };
    for (const row of await countTemplatesByStatus(db, account.id)) {
      result.total += row.count;
      result.by_meta_status[row.meta_status] = (result.by_meta_status[row.meta_status] ?? 0) + row.count;
      result.by_status[row.status] += row.count;
    }
    return result;
  }

  async function events(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    query: PageQuery & { language?: string | undefined } = {},
  ): Promise<Page<TTemplateEvent>> {
    const limit = checkPageLimit(query.limit);
    const account = await resolveAccount(db, principal, phoneNumberId);
    if (!isQueryableName(name) || !(await templateNameExists(db, account.id, name, query.language))) {
      const what = query.language !== undefined ? `"${name}" in language "${query.language}"` : `"${name}"`;
      throw new DomainError("resource_not_found", `No template ${what} on this account.`, { param: "name" });
    }
    const filter: CursorFilter = {
      accountId: `${account.id}/events/${name}`,
      status: "events",
      language: query.language ?? null,
    };
    const after = query.cursor ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
    const rows = await listTemplateEventRows(db, {
      accountId: account.id,
      name,
      language: query.language,
      after,
      limit: limit + 1,
    });
    return toPage(rows, limit, templateEventRowToWire, (last) =>
      encodeCursor(deps.cursorSecret, { createdAt: last.created_at, id: last.id }, filter),
    );
  }

  async function syncRuns(
    principal: Principal,
    phoneNumberId: string,
    query: PageQuery = {},
  ): Promise<Page<TTemplateSyncRun>> {
    const limit = checkPageLimit(query.limit);
    const account = await resolveAccount(db, principal, phoneNumberId);
    const filter: CursorFilter = { accountId: `${account.id}/sync_runs`, status: "sync_runs", language: null };
    const after = query.cursor ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
    const rows = await listSyncRunRows(db, { accountId: account.id, after, limit: limit + 1 });
    return toPage(
      rows,
      limit,
      (r) => syncRunToWire(r, account.phone_number_id),
      (last) => encodeCursor(deps.cursorSecret, { createdAt: last.started_at, id: last.id }, filter),
    );
  }

  return {
    create,
    sync,
    list,
    listWireText,
    getByName,
    counts,
    events,
    syncRuns,
    edit: (principal, phoneNumberId, name, input, context) =>
      editTemplate(deps, principal, phoneNumberId, name, input, context),
    delete: (principal, phoneNumberId, name, query, context) =>
      deleteTemplate(deps, principal, phoneNumberId, name, query, context),
    ...createTemplateRenderService(deps),
    ...createTemplateLibraryService(deps),
  };
}
