/**
 * Edit and delete, with Meta's rules checked locally BEFORE calling Meta (§5 of the reference):
 * - edit only APPROVED, REJECTED or PAUSED (else 409 `template_not_editable`); an APPROVED template's category
 *   cannot change; an APPROVED template may be edited once per 24 h and 10 times per 30 days — counted from our
 *   own history (`template_events`, source edit, made while approved) → 429 `template_edit_quota_exceeded` with
 *   `Retry-After` and `details.retry_at`;
 * - delete every language of a name, or one (`language`); refused (409 `template_not_deletable`) when a target is
 *   DISABLED, as Meta refuses; the answer warns that an APPROVED name + language is locked for 30 days.
 * Successful calls write the row and the history (source edit / delete, source_id = the request id).
 */
import {
  requestedTtl,
  type TDeleteTemplateQuery,
  type TEditTemplateRequest,
  type TTemplate,
  type TTemplateCategory,
  type TTemplateDeleteResult,
} from "@kirim/schema";
import type { Kysely } from "kysely";
import { assertConnected, resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { assertStorableText } from "../lib/text.js";
import { withMetaErrors } from "../meta/meta-error-mapping.js";
import type { CoreMediaOptions } from "../media/core-media.js";
import { toMetaComponentsWithMedia } from "../media/core-media.js";
import type { MetaGateway } from "../meta/types.js";
import { accountCredentials } from "../platform/secrets/secrets.service.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import type { Principal, RequestContext } from "../base.js";
import { extractVariables, templateContent } from "./template-content.js";
import { recordTemplateChanges } from "./template-history.js";
import { assertMetaPreflight } from "./template-preflight.js";
import { isQueryableName } from "./template-name.js";
import { templateRowToTemplate } from "./template.mapper.js";
import { listApprovedEditTimes } from "./template-event.repository.js";
import {
  findLiveTemplate,
  findLiveTemplatesByName,
  tombstoneTemplates,
  updateTemplate,
} from "./template.repository.js";

const DAY_MS = 86_400_000;
export const EDITABLE_STATUSES = ["APPROVED", "REJECTED", "PAUSED"] as const;
export const APPROVED_EDITS_PER_DAY = 1;
export const APPROVED_EDITS_PER_30_DAYS = 10;

interface Deps {
  db: Kysely<Database>;
  gateway: MetaGateway;
  now: () => Date;
  tokens: TokenCipher;
  media: CoreMediaOptions | undefined;
}

function quotaError(retryAt: Date, now: Date, why: string): DomainError {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  return new DomainError("template_edit_quota_exceeded", `${why} It can be edited again at ${retryAt.toISOString()}.`, {
    details: { retry_at: retryAt.toISOString() },
    headers: { "Retry-After": String(seconds) },
  });
}

export async function editTemplate(
  deps: Deps,
  principal: Principal,
  phoneNumberId: string,
  name: string,
  input: TEditTemplateRequest,
  context: RequestContext = {},
): Promise<TTemplate> {
  const { db } = deps;
  // Before anything else, like the schema checks: text the database cannot hold must not reach Meta first.
  assertStorableText(input);
  const account = await resolveAccount(db, principal, phoneNumberId);
  assertConnected(account);
  const row = !isQueryableName(name) ? undefined : await findLiveTemplate(db, account.id, name, input.language);
  if (!row || row.provider_template_id === null) {
    throw new DomainError(
      "resource_not_found",
      `No template "${name}" in language "${input.language}" on this account.`,
      { param: "name" },
    );
  }
  if (!(EDITABLE_STATUSES as readonly string[]).includes(row.meta_status)) {
    throw new DomainError(
      "template_not_editable",
      `Meta only edits APPROVED, REJECTED or PAUSED templates; this one is ${row.meta_status}.`,
      {
        details: { meta_status: row.meta_status },
      },
    );
  }
  const now = deps.now();
  if (row.meta_status === "APPROVED") {
    if (input.category !== undefined && input.category !== row.category) {
      throw new DomainError(
        "template_not_editable",
        "The category of an APPROVED template cannot be changed (Meta's rule).",
        {
          param: "category",
          details: { meta_status: row.meta_status },
        },
      );
    }
    const edits = await listApprovedEditTimes(db, row.id, new Date(now.getTime() - 30 * DAY_MS));
    const lastDay = edits.filter((e) => e.occurred_at.getTime() > now.getTime() - DAY_MS);
    if (lastDay.length >= APPROVED_EDITS_PER_DAY) {
      const oldest = lastDay[lastDay.length - 1]?.occurred_at ?? now;
      throw quotaError(
        new Date(oldest.getTime() + DAY_MS),
        now,
        "An APPROVED template can be edited once per 24 hours.",
      );
    }
    if (edits.length >= APPROVED_EDITS_PER_30_DAYS) {
      const tenth = edits[APPROVED_EDITS_PER_30_DAYS - 1]?.occurred_at ?? now;
      throw quotaError(
        new Date(tenth.getTime() + 30 * DAY_MS),
        now,
        "An APPROVED template can be edited 10 times per 30 days.",
      );
    }
  }
  // Meta's pre-flight rules, with the category the template will have after the edit: a refusal costs no Meta call
  // and none of the edit quota.
  const ttl = requestedTtl(input);
  assertMetaPreflight({
    name: row.name,
    language: row.language,
    category: input.category ?? (row.category as TTemplateCategory),
    components: input.components,
    ...(ttl === undefined ? {} : { [ttl.field]: ttl.seconds }),
    ...(row.parameter_format === "NAMED" || row.parameter_format === "POSITIONAL"
      ? { parameter_format: row.parameter_format }
      : {}),
  });
  const edit = deps.gateway.editTemplate?.bind(deps.gateway);
  if (edit === undefined) throw new Error("the Meta gateway has no editTemplate");
  const providerId = row.provider_template_id;
  const components = input.components;
  const credentials = accountCredentials(account, deps.tokens);
  // The same conversion as create: media samples uploaded, buttons in Meta's syntax.
  const metaComponents = await toMetaComponentsWithMedia(components, deps.media, credentials.accessToken);
  await withMetaErrors(() =>
    edit(credentials, providerId, {
      components: metaComponents,
      ...(input.category !== undefined ? { category: input.category } : {}),
      ...(ttl !== undefined ? { message_send_ttl_seconds: ttl.seconds } : {}),
    }),
  );
  // Meta reviews an edited template again: PENDING until its status webhook (or a sync) says otherwise.
  // One transaction: the row, its history and its outbox events (issue 17) commit together.
  return db.transaction().execute(async (trx) => {
    const updated = await updateTemplate(trx, row.id, {
      components: JSON.stringify(components),
      content: templateContent(components),
      variables: JSON.stringify(extractVariables(components)),
      ...(input.category !== undefined ? { category: input.category } : {}),
      meta_status: "PENDING",
      status: "pending",
      rejected_reason: null,
      rejection_info: null,
      status_changed_at: now,
      components_changed_at: now,
      updated_at: now,
      last_synced_at: now,
      last_synced_via: "edit",
    });
    const base = {
      templateId: row.id,
      accountId: account.id,
      source: "edit" as const,
      sourceId: context.requestId,
      occurredAt: now,
    };
    await recordTemplateChanges(trx, [
      {
        ...base,
        kind: "components",
        from: row.content,
        to: updated.content,
        detail: { while_status: row.meta_status },
      },
      ...(input.category !== undefined && input.category !== row.category
        ? [{ ...base, kind: "category" as const, from: row.category, to: input.category }]
        : []),
      { ...base, kind: "status", from: row.meta_status, to: "PENDING", reason: "edited: in review again" },
    ]);
    return templateRowToTemplate(updated, account);
  });
}

export async function deleteTemplate(
  deps: Deps,
  principal: Principal,
  phoneNumberId: string,
  name: string,
  query: TDeleteTemplateQuery,
  context: RequestContext = {},
): Promise<TTemplateDeleteResult> {
  const { db } = deps;
  const account = await resolveAccount(db, principal, phoneNumberId);
  assertConnected(account);
  const rows = isQueryableName(name) ? await findLiveTemplatesByName(db, account.id, name, query.language) : [];
  if (rows.length === 0) {
    const what = query.language !== undefined ? `"${name}" in language "${query.language}"` : `"${name}"`;
    throw new DomainError("resource_not_found", `No template ${what} on this account.`, { param: "name" });
  }
  const disabled = rows.filter((r) => r.meta_status === "DISABLED");
  if (disabled.length > 0) {
    throw new DomainError(
      "template_not_deletable",
      `Meta does not delete DISABLED templates: ${disabled.map((r) => `${name} (${r.language})`).join(", ")}.`,
      {
        details: { disabled_languages: disabled.map((r) => r.language) },
      },
    );
  }
  const remove = deps.gateway.deleteTemplate?.bind(deps.gateway);
  if (remove === undefined) throw new Error("the Meta gateway has no deleteTemplate");
  const target =
    query.language !== undefined ? { name, templateId: rows[0]?.provider_template_id ?? undefined } : { name };
  await withMetaErrors(() => remove(accountCredentials(account, deps.tokens), target));
  const now = deps.now();
  // One transaction: the tombstones, their history and their outbox events (issue 17) commit together.
  await db.transaction().execute(async (trx) => {
    await tombstoneTemplates(
      trx,
      rows.map((r) => r.id),
      now,
    );
    await recordTemplateChanges(
      trx,
      rows.map((r) => ({
        templateId: r.id,
        accountId: account.id,
        kind: "status" as const,
        from: r.meta_status,
        to: "DELETED",
        reason: "deleted through the API",
        source: "delete" as const,
        sourceId: context.requestId,
        occurredAt: now,
      })),
    );
  });
  return {
    object: "template_delete_result",
    name,
    deleted: rows.map((r) => ({ language: r.language, template_id: r.id })),
    warnings: rows
      .filter((r) => r.meta_status === "APPROVED")
      .map(
        (r) =>
          `"${name}" in "${r.language}" was APPROVED: Meta locks this name and language for 30 days, so a new template with them is refused until then.`,
      ),
  };
}
