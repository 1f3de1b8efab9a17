import { z } from "zod";

// Zod models of the parts of Meta's answers we rely on. Objects are non-strict: unknown fields are
// tolerated (and dropped); a missing required field is a `malformed_response` MetaApiError, not a crash.

export const ZMetaErrorBody = z.object({
  message: z.string().optional(),
  type: z.string().optional(),
  code: z.number().int(),
  error_subcode: z.number().int().optional(),
  is_transient: z.boolean().optional(),
  error_user_title: z.string().optional(),
  error_user_msg: z.string().optional(),
  fbtrace_id: z.string().optional(),
  error_data: z.unknown().optional(),
});
export const ZMetaErrorEnvelope = z.object({ error: ZMetaErrorBody });
export type TMetaErrorBody = z.infer<typeof ZMetaErrorBody>;

export const ZMetaCreateTemplateResponse = z.object({
  id: z.union([z.string().min(1), z.number().transform(String)]),
  status: z.string().min(1),
  category: z.string().min(1).optional(),
});

const ZComponent = z.looseObject({ type: z.string() });

export const ZMetaTemplate = z.object({
  id: z.union([z.string().min(1), z.number().transform(String)]),
  name: z.string().min(1),
  language: z.string().min(1),
  status: z.string().min(1),
  category: z.string().min(1),
  components: z.array(ZComponent).default([]),
  parameter_format: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  rejected_reason: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  quality_score: z
    .object({
      score: z
        .string()
        .nullish()
        .transform((v) => v ?? undefined),
    })
    .nullish()
    .transform((v) => v ?? undefined),
  previous_category: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  sub_category: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

export const ZMetaTemplatePage = z.object({
  data: z.array(ZMetaTemplate),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});

const ZMetaId = z.union([z.string().min(1), z.number().transform(String)]);

/** `GET /{waba_id}?fields=id,name`. */
export const ZMetaWabaNode = z.object({ id: ZMetaId, name: z.string().optional() });

/** `GET /{waba_id}/phone_numbers?fields=id,display_phone_number,verified_name`, one page. */
export const ZMetaPhoneNumberPage = z.object({
  data: z.array(
    z.object({ id: ZMetaId, display_phone_number: z.string().optional(), verified_name: z.string().optional() }),
  ),
  paging: z
    .object({
      cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
});
