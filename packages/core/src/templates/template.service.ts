import type { TCreateTemplateRequest, TTemplate, TTemplateSyncResult } from "@kirim/schema";
import type { Kysely } from "kysely";
import { assertConnected, resolveAccount } from "../accounts/account.service.js";
import { updateAccount } from "../accounts/account.repository.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { withMetaErrors } from "../meta/meta-error-mapping.js";
import type { MetaComponent, MetaCreateTemplateBody, MetaGateway, MetaTemplate } from "../meta/types.js";
import type { GetTemplateOptions, ListTemplatesOptions, Principal, TemplatePage, TemplatesService } from "../types.js";
import { extractVariables, templateContent } from "./template-content.js";
import { decodeCursor, encodeCursor } from "./template-cursor.js";
import type { CursorFilter } from "./template-cursor.js";
import { mapMetaStatus } from "./template-status.js";
import { templateRowToTemplate } from "./template.mapper.js";
import {
  findTemplateByNameLanguage,
  findTemplatesByName,
  insertTemplate,
  listTemplateRows,
  upsertTemplatePage,
} from "./template.repository.js";
import type { SyncedTemplateValues } from "./template.repository.js";

export const DEFAULT_LIST_LIMIT = 25;
export const MAX_LIST_LIMIT = 100;

interface Deps {
  db: Kysely<Database>;
  gateway: MetaGateway;
  cursorSecret: string;
  now: () => Date;
}

/** Kirimdev's request components → Meta's create body components. */
function toMetaComponents(components: readonly unknown[]): MetaComponent[] {
  return components.map((c) => {
    const comp = { ...(c as Record<string, unknown>) } as MetaComponent;
    const example = comp["example"];
    if (example !== null && typeof example === "object" && "header_url" in example) {
      // `header_url` is Kirimdev's "upload this sample for me" field; uploading is not implemented here,
      // so it is not forwarded (Meta needs `header_handle`).
      const { header_url: _ignored, ...rest } = example as Record<string, unknown>;
      comp["example"] = rest;
    }
    return comp;
  });
}

function duplicate(name: string, language: string): DomainError {
  return new DomainError(
    "template_already_exists",
    `A template named "${name}" already exists in language "${language}" on this account.`,
    { param: "name" },
  );
}

function metaTemplateValues(t: MetaTemplate): Omit<SyncedTemplateValues, "id"> {
  return {
    name: t.name,
    language: t.language,
    category: t.category.toUpperCase(),
    status: mapMetaStatus(t.status),
    meta_status: t.status.toUpperCase(),
    provider_template_id: t.id,
    components: t.components,
    content: templateContent(t.components),
    variables: extractVariables(t.components),
    parameter_format: t.parameter_format?.toUpperCase() ?? null,
    rejected_reason: t.rejected_reason ?? null,
    quality_score: t.quality_score?.score ?? null,
    previous_category: t.previous_category ?? null,
  };
}

export function createTemplatesService(deps: Deps): TemplatesService {
  const { db, gateway } = deps;

  async function create(principal: Principal, phoneNumberId: string, input: TCreateTemplateRequest): Promise<TTemplate> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    assertConnected(account);
    const language = input.language ?? "en";
    // Checked BEFORE any Meta call so a retry loop never burns Meta's create rate limit on a known conflict.
    if (await findTemplateByNameLanguage(db, account.id, input.name, language)) throw duplicate(input.name, language);

    const components = input.components as unknown[];
    const variables = input.variables ?? extractVariables(components);
    const parameterFormat = input.parameter_format ?? (extractVariables(components).some((v) => !/^\d+$/.test(v)) ? "NAMED" : undefined);
    const body: MetaCreateTemplateBody = {
      name: input.name,
      language,
      category: input.category,
      components: toMetaComponents(components),
      ...(parameterFormat !== undefined ? { parameter_format: parameterFormat } : {}),
      ...(input.messageSendTtlSeconds !== undefined ? { message_send_ttl_seconds: input.messageSendTtlSeconds } : {}),
    };
    const created = await withMetaErrors(() =>
      gateway.createTemplate({ wabaId: account.waba_id, accessToken: account.access_token }, body),
    );

    const now = deps.now();
    const row = await insertTemplate(db, {
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
    });
    // Only reachable if a concurrent create of the same name+language won the race after Meta accepted both.
    if (!row) throw duplicate(input.name, language);
    return templateRowToTemplate(row, account);
  }

  async function sync(principal: Principal, phoneNumberId: string): Promise<TTemplateSyncResult> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    assertConnected(account);
    const syncedAt = deps.now();
    let synced = 0;
    let created = 0;
    let updated = 0;
    await withMetaErrors(async () => {
      for await (const page of gateway.listTemplates({ wabaId: account.waba_id, accessToken: account.access_token })) {
        synced += page.length;
        // One statement cannot touch a row twice: keep the last occurrence of each name+language in the page.
        const byKey = new Map<string, SyncedTemplateValues>();
        for (const t of page) {
          byKey.set(`${t.name}\u0000${t.language}`, { id: newId("tmpl", syncedAt.getTime()), ...metaTemplateValues(t) });
        }
        const written = await upsertTemplatePage(db, account.id, [...byKey.values()], syncedAt);
        for (const w of written) {
          if (w.inserted) created++;
          else updated++;
        }
      }
    });
    // Recorded only after every page succeeded; each template's effective last_synced_at derives from it.
    await updateAccount(db, account.id, { templates_synced_at: syncedAt });
    return {
      object: "template_sync_result",
      synced,
      created,
      updated,
      unchanged: Math.max(0, synced - created - updated),
    };
  }

  async function list(principal: Principal, phoneNumberId: string, query: ListTemplatesOptions = {}): Promise<TemplatePage> {
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new DomainError("invalid_limit", `limit must be an integer between 1 and ${MAX_LIST_LIMIT}.`, { param: "limit" });
    }
    const account = await resolveAccount(db, principal, phoneNumberId);
    const statusFilter = query.status ?? "all";
    const filter: CursorFilter = { accountId: account.id, status: statusFilter, language: query.language ?? null };
    const after = query.cursor ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
    const rows = await listTemplateRows(db, {
      accountId: account.id,
      status: statusFilter === "all" ? undefined : statusFilter,
      language: query.language,
      after,
      limit: limit + 1,
    });
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows[pageRows.length - 1];
    return {
      data: pageRows.map((r) => templateRowToTemplate(r, account)),
      has_more: hasMore,
      next_cursor: hasMore && last ? encodeCursor(deps.cursorSecret, { createdAt: last.created_at, id: last.id }, filter) : null,
    };
  }

  async function getByName(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    options: GetTemplateOptions = {},
  ): Promise<TTemplate[]> {
    const account = await resolveAccount(db, principal, phoneNumberId);
    const rows = await findTemplatesByName(db, account.id, name, options.language);
    if (rows.length === 0) {
      const what = options.language !== undefined ? `"${name}" in language "${options.language}"` : `"${name}"`;
      throw new DomainError("resource_not_found", `No template ${what} on this account.`, { param: "name" });
    }
    return rows.map((r) => templateRowToTemplate(r, account));
  }

  return { create, sync, list, getByName };
}
