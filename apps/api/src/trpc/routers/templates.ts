import {
  ZCreateTemplateRequestChecked,
  ZGetTemplateQuery,
  ZDeleteTemplateQuery,
  ZEditTemplateRequest,
  ZTemplateDeleteResult,
  ZListSyncRunsQuery,
  ZListTemplateEventsQuery,
  ZListTemplatesQuery,
  ZTemplateCounts,
  ZTemplateEvent,
  ZTemplateSyncRun,
  ZPhoneNumberId,
  ZTemplate,
  ZTemplateByName,
  ZTemplateSyncResult,
} from "@kirim/schema";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idempotentMutation } from "../idempotency.js";
import { infiniteQueryInput, withoutDirection } from "../paging.js";
import { authedProcedure } from "../trpc.js";
import { libraryProcedure, renderProcedure } from "./render.js";

const ZAccountScope = z.strictObject({ phone_number_id: ZPhoneNumberId });

export const ZTemplatePage = z.object({
  data: z.array(ZTemplate),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
});

/** Mutations honour `Idempotency-Key` like REST POSTs (see ../idempotency.ts); every call takes a rate-limit token. */
export const templatesRouter = {
  /** `POST /v1/{phone_number_id}/templates` — input `{ phone_number_id, template: <the REST body> }`. */
  create: authedProcedure
    .input(ZAccountScope.extend({ template: ZCreateTemplateRequestChecked }))
    .output(ZTemplate)
    .mutation(({ ctx, input }) =>
      idempotentMutation(ctx, "templates.create", input, ({ resumesAbandonedAttempt }) =>
        ctx.core.templates.create(ctx.principal, input.phone_number_id, input.template, { requestId: ctx.requestId, resumesAbandonedAttempt }),
      ),
    ),

  /** `POST /v1/{phone_number_id}/templates/sync` */
  sync: authedProcedure
    .input(ZAccountScope)
    .output(ZTemplateSyncResult)
    .mutation(({ ctx, input }) =>
      idempotentMutation(ctx, "templates.sync", input, () => ctx.core.templates.sync(ctx.principal, input.phone_number_id, { trigger: "trpc" })),
    ),

  /** `GET /v1/{phone_number_id}/template_sync_runs` — newest first; the dashboard polls it for progress. */
  syncRuns: authedProcedure
    .input(ZListSyncRunsQuery.extend({ ...ZAccountScope.shape, ...infiniteQueryInput }))
    .output(z.object({ data: z.array(ZTemplateSyncRun), has_more: z.boolean(), next_cursor: z.string().nullable() }))
    .query(({ ctx, input }) => {
      const { phone_number_id, ...query } = withoutDirection(input);
      return ctx.core.templates.syncRuns(ctx.principal, phone_number_id, query);
    }),

  /** `PATCH /v1/{phone_number_id}/templates/{name}` — edit one language (input `{ phone_number_id, name, edit }`). */
  edit: authedProcedure
    .input(z.strictObject({ ...ZAccountScope.shape, name: z.string().min(1).max(512), edit: ZEditTemplateRequest }))
    .output(ZTemplate)
    .mutation(({ ctx, input }) =>
      idempotentMutation(ctx, "templates.edit", input, () => ctx.core.templates.edit(ctx.principal, input.phone_number_id, input.name, input.edit)),
    ),

  /** `DELETE /v1/{phone_number_id}/templates/{name}[?language=]`. */
  delete: authedProcedure
    .input(ZDeleteTemplateQuery.extend({ ...ZAccountScope.shape, name: z.string().min(1).max(512) }))
    .output(ZTemplateDeleteResult)
    .mutation(({ ctx, input }) => {
      const { phone_number_id, name, ...query } = input;
      return idempotentMutation(ctx, "templates.delete", input, () => ctx.core.templates.delete(ctx.principal, phone_number_id, name, query));
    }),

  /** `GET /v1/{phone_number_id}/templates/{name}/events` — the template's history, newest first. */
  events: authedProcedure
    .input(ZListTemplateEventsQuery.extend({ ...ZAccountScope.shape, name: z.string().min(1).max(512), ...infiniteQueryInput }))
    .output(z.object({ data: z.array(ZTemplateEvent), has_more: z.boolean(), next_cursor: z.string().nullable() }))
    .query(({ ctx, input }) => {
      const { phone_number_id, name, ...query } = withoutDirection(input);
      return ctx.core.templates.events(ctx.principal, phone_number_id, name, query);
    }),

  /** `GET /v1/{phone_number_id}/template_counts` — live templates per Meta status and per folded status. */
  counts: authedProcedure
    .input(z.strictObject({ ...ZAccountScope.shape }))
    .output(ZTemplateCounts)
    .query(({ ctx, input }) => ctx.core.templates.counts(ctx.principal, input.phone_number_id)),

  /** `GET /v1/{phone_number_id}/templates` — flat input, so `cursor` works with infinite queries. */
  list: authedProcedure
    .input(ZListTemplatesQuery.extend({ ...ZAccountScope.shape, ...infiniteQueryInput }))
    .output(ZTemplatePage)
    .query(async ({ ctx, input }) => {
      const { phone_number_id, ...query } = withoutDirection(input);
      return ctx.core.templates.list(ctx.principal, phone_number_id, query);
    }),

  /**
   * `GET /v1/{phone_number_id}/templates/{name}` — ONE template: `language`, else the only / earliest created
   * language; the name's languages in `languages`. Deleted → NOT_FOUND unless `include_deleted`.
   */
  get: authedProcedure
    .input(ZGetTemplateQuery.extend({ ...ZAccountScope.shape, name: z.string().min(1).max(512) }))
    .output(ZTemplateByName)
    .query(({ ctx, input }) => {
      const { phone_number_id, name, ...query } = input;
      return ctx.core.templates.getByName(ctx.principal, phone_number_id, name, query);
    }),

  /** `POST /v1/{phone_number_id}/templates/{name}/render` — render-and-check a send (./render.ts). */
  render: renderProcedure,
  /** `GET /v1/{phone_number_id}/template_library` — Meta's Template Library (issue 16). */
  library: libraryProcedure,
} satisfies TRPCRouterRecord;
