/**
 * Wire shapes of the template lifecycle: history events, sync runs, edit and delete.
 */
import { z } from "zod";
import {
  ZCreateTemplateRequest,
  ZTemplateComponents,
  ZTemplateCategory,
  ZTemplateLanguage,
} from "./template-request.js";
import { ZListCursor, ZListLimit } from "./template.js";

const isoTimestamp = (what: string) => z.iso.datetime({ offset: true }).describe(`${what} (ISO 8601, UTC).`);

export const TEMPLATE_EVENT_KINDS = ["status", "category", "category_notice", "quality", "components"] as const;
export const TEMPLATE_EVENT_SOURCES = ["create", "sync", "webhook", "edit", "delete"] as const;

/** One change in a template's history (`GET /v1/{phone_number_id}/templates/{name}/events`). */
export const ZTemplateEvent = z
  .object({
    id: z.string().describe("`tev_` + ULID."),
    object: z.literal("template_event").describe("Always `template_event`."),
    template_id: z.string().describe("The template (one language) that changed."),
    name: z.string(),
    language: z.string(),
    kind: z
      .enum(TEMPLATE_EVENT_KINDS)
      .describe(
        "What changed: status (Meta's status), category, category_notice (Meta announced a category change 24 h ahead), quality, components.",
      ),
    from: z
      .string()
      .nullable()
      .describe("Value before (Meta's status, category, quality score; null for a new template)."),
    to: z.string().nullable().describe("Value after."),
    reason: z
      .string()
      .nullable()
      .describe("Meta's reason (e.g. INVALID_FORMAT, a pause title) or ours (e.g. not returned by Meta)."),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe("Meta's structured detail (rejection_info, other_info, disable_info, …)."),
    source: z.enum(TEMPLATE_EVENT_SOURCES).describe("The road the change came by."),
    source_id: z
      .string()
      .nullable()
      .describe("Request id (create/edit/delete), sync run id (sync) or webhook event id (webhook)."),
    occurred_at: isoTimestamp("When it happened (Meta's event time for webhooks)"),
    recorded_at: isoTimestamp("When it was recorded here"),
  })
  .describe("A change of one template.")
  .meta({ id: "TemplateEvent" });
export type TTemplateEvent = z.infer<typeof ZTemplateEvent>;

export const ZListTemplateEventsQuery = z
  .strictObject({
    language: ZTemplateLanguage.optional().describe("Only events of the template in this language."),
    limit: ZListLimit,
    cursor: ZListCursor.optional(),
  })
  .describe("Query parameters of a template's history.")
  .meta({ id: "ListTemplateEventsQuery" });
export type TListTemplateEventsQuery = z.infer<typeof ZListTemplateEventsQuery>;

export const SYNC_RUN_STATUSES = ["running", "succeeded", "failed"] as const;

/** One recorded sync of an account (`GET /v1/{phone_number_id}/template_sync_runs`). */
export const ZTemplateSyncRun = z
  .object({
    id: z.string().describe("`tsr_` + ULID."),
    object: z.literal("template_sync_run").describe("Always `template_sync_run`."),
    phone_number_id: z.string(),
    trigger: z.string().describe("api (REST), trpc (dashboard), schedule (periodic job), webhook_retry…"),
    status: z.enum(SYNC_RUN_STATUSES),
    started_at: isoTimestamp("Start"),
    finished_at: isoTimestamp("End").nullable(),
    pages: z.number().int().nonnegative().describe("Pages read from Meta so far."),
    synced: z.number().int().nonnegative(),
    created: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    error: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe("Why the run failed (the pages read before the failure are kept; nothing was removed)."),
  })
  .describe("A sync run of one account.")
  .meta({ id: "TemplateSyncRun" });
export type TTemplateSyncRun = z.infer<typeof ZTemplateSyncRun>;

/** `POST /v1/{phone_number_id}/templates/sync` takes no body fields and no query parameters. */
export const ZSyncTemplatesRequest = z
  .strictObject({})
  .describe("Sync takes no parameters.")
  .meta({ id: "SyncTemplatesRequest" });

export const ZListSyncRunsQuery = z
  .strictObject({ limit: ZListLimit, cursor: ZListCursor.optional() })
  .describe("Query parameters of the sync run list.")
  .meta({ id: "ListSyncRunsQuery" });
export type TListSyncRunsQuery = z.infer<typeof ZListSyncRunsQuery>;

/**
 * `PATCH /v1/{phone_number_id}/templates/{name}` — replace the components of one language (Meta's edit). Strict like
 * create, with the same component schema and spellings; Meta's pre-flight rules run in core once the template's
 * category is known (the edit may omit it).
 */
export const ZEditTemplateRequest = z
  .strictObject({
    language: ZTemplateLanguage.describe("The language version to edit (required: Meta edits one template id)."),
    components: ZTemplateComponents.describe("The new components; they replace all current ones (exactly one BODY)."),
    category: ZTemplateCategory.optional().describe("New category (not allowed on APPROVED templates)."),
    messageSendTtlSeconds: ZCreateTemplateRequest.shape.messageSendTtlSeconds,
    message_send_ttl_seconds: ZCreateTemplateRequest.shape.message_send_ttl_seconds,
  })
  .check((ctx) => {
    if (ctx.value.messageSendTtlSeconds !== undefined && ctx.value.message_send_ttl_seconds !== undefined) {
      ctx.issues.push({
        code: "custom",
        path: ["message_send_ttl_seconds"],
        input: ctx.value.message_send_ttl_seconds,
        message: "Give messageSendTtlSeconds or message_send_ttl_seconds (Meta's name for it), not both.",
      });
    }
  })
  .describe("Edit a template. Every object is strict: an unknown key is refused as unknown_parameter.")
  .meta({ id: "EditTemplateRequest" });
export type TEditTemplateRequest = z.infer<typeof ZEditTemplateRequest>;

export const ZDeleteTemplateQuery = z
  .strictObject({
    language: ZTemplateLanguage.optional().describe("Delete only this language (default: every language of the name)."),
  })
  .describe("Query parameters of delete.")
  .meta({ id: "DeleteTemplateQuery" });
export type TDeleteTemplateQuery = z.infer<typeof ZDeleteTemplateQuery>;

export const ZTemplateDeleteResult = z
  .object({
    object: z.literal("template_delete_result"),
    name: z.string(),
    deleted: z
      .array(z.object({ language: z.string(), template_id: z.string() }))
      .describe("The language versions deleted."),
    warnings: z
      .array(z.string())
      .describe("E.g. an APPROVED template's name + language cannot be reused for 30 days (Meta's rule)."),
  })
  .describe("Result of deleting a template.")
  .meta({ id: "TemplateDeleteResult" });
export type TTemplateDeleteResult = z.infer<typeof ZTemplateDeleteResult>;
