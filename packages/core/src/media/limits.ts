/**
 * Media formats and size caps for template header samples.
 *
 * Sources (see docs/reference/meta-templates.md §6 and docs/reference/kirimdev-contract.md §4.1):
 * - Accepted upload `file_type`s: application/pdf, image/jpeg, image/jpg, image/png, video/mp4
 *   — Meta Graph "Upload a file" (Resumable Upload API), https://developers.facebook.com/docs/graph-api/guides/upload
 *   (reference label [V M-UP]). video/3gpp is NOT in that list, so a 3GPP sample is refused here
 *   rather than failing later at Meta.
 * - Caps: image (JPEG/PNG) 5 MB, video (MP4/3GPP) 16 MB, document 100 MB — the Cloud API media limits
 *   as repeated by AWS End User Messaging "supported media types", VTEX and Exotel (reference label [S],
 *   secondary sources citing Meta); Kirimdev's own docs state the same image 5 MB / video 16 MB
 *   (docs/reference/kirimdev-contract.md §4.1, [R D-IMG, D-VID]). The upload guide itself states no limit.
 * - Meta's figures are in binary megabytes (5 MB = 5 * 1024 * 1024 bytes); we use the same reading.
 */
export type MediaHeaderFormat = "IMAGE" | "VIDEO" | "DOCUMENT";

export type MediaMimeType = "image/jpeg" | "image/png" | "video/mp4" | "application/pdf";

const MB = 1024 * 1024;

export const MEDIA_LIMITS: Readonly<
  Record<MediaHeaderFormat, { maxBytes: number; mimeTypes: readonly MediaMimeType[] }>
> = {
  IMAGE: { maxBytes: 5 * MB, mimeTypes: ["image/jpeg", "image/png"] },
  VIDEO: { maxBytes: 16 * MB, mimeTypes: ["video/mp4"] },
  DOCUMENT: { maxBytes: 100 * MB, mimeTypes: ["application/pdf"] },
};

export const MEDIA_FILE_EXTENSIONS: Readonly<Record<MediaMimeType, string>> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "video/mp4": "mp4",
  "application/pdf": "pdf",
};

export function isMediaHeaderFormat(value: unknown): value is MediaHeaderFormat {
  return value === "IMAGE" || value === "VIDEO" || value === "DOCUMENT";
}
