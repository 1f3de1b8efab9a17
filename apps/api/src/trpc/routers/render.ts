import { ZPhoneNumberId, ZRenderTemplateRequest, ZRenderedTemplate, ZTemplateLibraryList, ZTemplateLibraryQuery } from "@kirim/schema";
import { z } from "zod";
import { authedProcedure } from "../trpc.js";

/**
 * `POST /v1/{phone_number_id}/templates/{name}/render` over tRPC — input `{ phone_number_id, name, template }` where
 * `template` is Meta's send `template` object. A mutation like the REST POST (a write token); it changes nothing, so
 * it needs no Idempotency-Key.
 */
export const renderProcedure = authedProcedure
  .input(z.object({ phone_number_id: ZPhoneNumberId, name: z.string().min(1).max(512), template: ZRenderTemplateRequest }))
  .output(ZRenderedTemplate)
  .mutation(({ ctx, input }) => ctx.core.templates.render(ctx.principal, input.phone_number_id, input.name, input.template));

/** `GET /v1/{phone_number_id}/template_library` over tRPC (issue 16): Meta's Template Library with Meta's filters. */
export const libraryProcedure = authedProcedure
  .input(z.object({ phone_number_id: ZPhoneNumberId, query: ZTemplateLibraryQuery.optional() }))
  .output(ZTemplateLibraryList)
  .query(({ ctx, input }) => ctx.core.templates.library(ctx.principal, input.phone_number_id, input.query ?? {}));
