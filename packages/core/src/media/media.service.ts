import type { Kysely } from "kysely";
import { assertConnected, resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { accountCredentials } from "../platform/secrets/secrets.service.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import type { Principal } from "../base.js";
import type { CoreMediaOptions } from "./core-media.js";
import { uploadTarget } from "./core-media.js";
import { mediaErrorToDomainError } from "./domain.js";
import { isMediaError } from "./errors.js";
import { MEDIA_FILE_EXTENSIONS, MEDIA_LIMITS } from "./limits.js";
import type { MediaHeaderFormat, MediaMimeType } from "./limits.js";
import { declaredMediaType, sniffMediaType } from "./sniff.js";
import { uploadMediaToMeta } from "./upload.js";

/** The header format each accepted upload type belongs to (limits.ts: Meta's `file_type`s for samples). */
const FORMAT_OF: Readonly<Record<MediaMimeType, MediaHeaderFormat>> = {
  "image/jpeg": "IMAGE",
  "image/png": "IMAGE",
  "video/mp4": "VIDEO",
  "application/pdf": "DOCUMENT",
};

export const ACCEPTED_UPLOAD_TYPES = Object.keys(FORMAT_OF) as MediaMimeType[];

/** The accepted type a Content-Type names (aliases such as `image/jpg` folded), or null. */
export function acceptedUploadType(contentType: string | undefined): MediaMimeType | null {
  const declared = declaredMediaType(contentType);
  return declared !== null && declared in FORMAT_OF ? (declared as MediaMimeType) : null;
}

/** Meta's size cap for a sample of this type (IMAGE 5 MB, VIDEO 16 MB, DOCUMENT 100 MB). */
export function uploadLimitFor(mimeType: MediaMimeType): {
  format: MediaHeaderFormat;
  maxBytes: number;
  tooLarge: (size: string) => string;
} {
  const format = FORMAT_OF[mimeType];
  const maxBytes = MEDIA_LIMITS[format].maxBytes;
  const what = format === "IMAGE" ? "An image" : format === "VIDEO" ? "A video" : "A document";
  return {
    format,
    maxBytes,
    tooLarge: (size) => `${what} sample may be at most ${maxBytes / MB} MB (Meta's limit); this one is ${size}.`,
  };
}

export interface UploadSampleInput {
  bytes: Uint8Array;
  /** The request's Content-Type. */
  contentType: string | undefined;
  fileName?: string | undefined;
}

export interface UploadedSample {
  handle: string;
  format: MediaHeaderFormat;
  mimeType: MediaMimeType;
  bytes: number;
  fileName: string;
}

export interface MediaService {
  /**
   * A header sample sent as bytes (the dashboard's file picker): checked like a `header_url` download (type by magic
   * bytes, Meta's caps), then the same Resumable Upload path; returns the handle for `example.header_handle[0]`.
   */
  uploadSample(principal: Principal, phoneNumberId: string, input: UploadSampleInput): Promise<UploadedSample>;
}

interface Deps {
  db: Kysely<Database>;
  media: CoreMediaOptions | undefined;
  tokens: TokenCipher;
}

const MB = 1024 * 1024;

export function createMediaService(deps: Deps): MediaService {
  return {
    async uploadSample(principal, phoneNumberId, input) {
      // The account first: another organisation's number is 404 whatever the body, as on every route.
      const account = await resolveAccount(deps.db, principal, phoneNumberId);
      assertConnected(account);
      const mimeType = acceptedUploadType(input.contentType);
      if (mimeType === null) {
        throw new DomainError(
          "unsupported_media_type",
          `A header sample must be sent as ${ACCEPTED_UPLOAD_TYPES.join(", ")} (got ${input.contentType === undefined ? "no Content-Type" : `\`${input.contentType}\``}).`,
          { param: "Content-Type" },
        );
      }
      const { format, maxBytes, tooLarge } = uploadLimitFor(mimeType);
      if (input.bytes.length === 0)
        throw new DomainError("invalid_request", "The upload is empty: send the file's bytes as the request body.", {
          param: "body",
        });
      if (input.bytes.length > maxBytes) {
        throw new DomainError("request_too_large", tooLarge(`${input.bytes.length} bytes`), { param: "body" });
      }
      // The bytes must be what the Content-Type says (an HTML page sent as image/png never reaches Meta).
      const sniffed = sniffMediaType(input.bytes.subarray(0, 64));
      if (sniffed !== mimeType) {
        throw new DomainError(
          "unsupported_media_type",
          `The file's content is not ${mimeType}${sniffed === null ? "" : ` (it looks like ${sniffed})`}.`,
          { param: "body" },
        );
      }
      const fileName = safeFileName(input.fileName, mimeType);
      const media = deps.media;
      const target =
        media === undefined ? { graphUrl: "", apiVersion: "" } : uploadTarget(media.graphUrl, media.apiVersion);
      const appId = media?.appId?.trim() ?? "";
      if (media === undefined || appId === "") {
        throw new DomainError(
          "internal_error",
          "Uploading header samples is not configured on this server (no Meta app id).",
          { details: { reason: "not_configured" } },
        );
      }
      const credentials = accountCredentials(account, deps.tokens);
      try {
        const handle = await uploadMediaToMeta({
          ...target,
          appId,
          accessToken: credentials.accessToken,
          fetch: media.fetch,
          ...media.upload,
          bytes: input.bytes,
          fileName,
          mimeType,
          param: "body",
        });
        return { handle, format, mimeType, bytes: input.bytes.length, fileName };
      } catch (error) {
        if (isMediaError(error)) throw mediaErrorToDomainError(error);
        throw error;
      }
    },
  };
}

/** A plain file name for Meta's `file_name` (no path, control characters or odd punctuation), with the type's extension. */
function safeFileName(given: string | undefined, mimeType: MediaMimeType): string {
  const ext = MEDIA_FILE_EXTENSIONS[mimeType];
  const base = ((given ?? "").split(/[\\/]/).pop() ?? "")
    .replace(/\.[^.]*$/, "")
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .slice(0, 100);
  return `${base === "" || base === "_" ? "sample" : base}.${ext}`;
}
