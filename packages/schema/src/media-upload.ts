import { z } from "zod";

/** `POST /v1/{phone_number_id}/uploads` query: the body is the file's raw bytes, its type the Content-Type. */
export const ZMediaUploadQuery = z
  .object({
    file_name: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe(
        "The file's name as the uploader knows it; sent to Meta as `file_name` (path and odd characters removed, extension from the type).",
      ),
  })
  .strict();
export type TMediaUploadQuery = z.infer<typeof ZMediaUploadQuery>;

/** The answer: a Meta handle for `example.header_handle[0]` of an IMAGE/VIDEO/DOCUMENT header. */
export const ZMediaUpload = z
  .object({
    object: z.literal("media_upload"),
    handle: z
      .string()
      .min(1)
      .describe("Meta's asset handle (Resumable Upload API `h`); put it in the header's `example.header_handle[0]`."),
    format: z.enum(["IMAGE", "VIDEO", "DOCUMENT"]).describe("The header format this file can be the sample of."),
    mime_type: z.enum(["image/jpeg", "image/png", "video/mp4", "application/pdf"]),
    bytes: z.number().int().positive(),
    file_name: z.string().describe("The name sent to Meta."),
  })
  .describe("A header sample uploaded to Meta.")
  .meta({ id: "MediaUpload" });
export type TMediaUpload = z.infer<typeof ZMediaUpload>;
