import type { MediaResolver } from "./address-guard.js";
import { MediaError } from "./errors.js";
import { fetchMedia } from "./fetch-media.js";
import type { MediaConnector } from "./fetch-media.js";
import type { MediaHeaderFormat } from "./limits.js";
import type { MediaFetchPolicy } from "./policy.js";
import { uploadMediaToMeta } from "./upload.js";
import type { UploadMediaOptions } from "./upload.js";

/** The HEADER component as it arrives in a create request (only the fields we read). */
export interface MediaHeaderComponentInput {
  type: string;
  format?: string | undefined;
  example?:
    | {
        header_url?: readonly string[] | undefined;
        header_handle?: readonly string[] | undefined;
        [key: string]: unknown;
      }
    | undefined;
  [key: string]: unknown;
}

export interface PrepareMediaHeaderOptions {
  component: MediaHeaderComponentInput;
  /** Position in `components`, for `param` (`components[<i>].example.header_url[0]`). */
  componentIndex: number;
  policy: MediaFetchPolicy;
  resolver?: MediaResolver | undefined;
  connector?: MediaConnector | undefined;
  /** Meta upload target and credentials; bytes/fileName/mimeType/param are filled in here. */
  upload: Omit<UploadMediaOptions, "bytes" | "fileName" | "mimeType" | "param">;
}

export interface PreparedMediaHeader {
  /** What goes to Meta in `example.header_handle[0]`. */
  handle: string;
  /** The URL the sample was fetched from (as given), or null when a handle was passed through. Store this. */
  sourceUrl: string | null;
  /** The `format` normalised to upper case. */
  format: MediaHeaderFormat;
  /** Detected type and size when something was uploaded. */
  uploaded: { mimeType: string; bytes: number; fileName: string } | null;
}

/** A value with a scheme and authority (`https://…`, `http://…`, `ftp://…`) is a URL, not a handle. */
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Step 3 of the create flow for IMAGE/VIDEO/DOCUMENT headers. Picks the sample
 * (`example.header_url[0]`, else `example.header_handle[0]`):
 * - a Meta handle (anything that is not URL-like) is passed through unchanged, nothing is fetched;
 * - a URL is fetched under `policy` and uploaded with the Resumable Upload API; the returned handle
 *   replaces it for Meta, and `sourceUrl` keeps the original for the stored template.
 * Throws `MediaError`; when the download is refused nothing is sent to Meta.
 */
export async function prepareMediaHeader(options: PrepareMediaHeaderOptions): Promise<PreparedMediaHeader> {
  const { component, componentIndex } = options;
  const base = `components[${componentIndex}]`;
  const format = normaliseMediaFormat(component.format);
  if (format === null) {
    throw new MediaError(
      "media_type_unsupported",
      `${base}.format`,
      "Only IMAGE, VIDEO and DOCUMENT headers carry a media sample.",
    );
  }
  const urls = component.example?.header_url;
  const handles = component.example?.header_handle;
  let value: unknown;
  let param: string;
  if (urls !== undefined && urls.length > 0) {
    value = urls[0];
    param = `${base}.example.header_url[0]`;
  } else if (handles !== undefined && handles.length > 0) {
    value = handles[0];
    param = `${base}.example.header_handle[0]`;
  } else {
    throw new MediaError(
      "media_url_forbidden",
      `${base}.example.header_url`,
      `A ${format} header needs example.header_url (or example.header_handle).`,
    );
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new MediaError("media_url_forbidden", param, "The media sample must be a non-empty string.");
  }
  const sample = value.trim();
  const isUrlField = param.includes("header_url");
  if (!isUrlField && !URL_LIKE.test(sample)) {
    return { handle: sample, sourceUrl: null, format, uploaded: null };
  }
  // Refuse before downloading anything when uploads are not configured (no META_APP_ID).
  if (options.upload.appId.trim() === "" || options.upload.accessToken === "") {
    throw new MediaError(
      "media_upload_failed",
      param,
      "Uploading header samples is not configured on this server (no Meta app id).",
      {
        details: { reason: "not_configured" },
      },
    );
  }
  // header_url values, and URL-like header_handle values, must be https URLs that pass the policy.
  const fetched = await fetchMedia({
    url: sample,
    format,
    policy: options.policy,
    param,
    resolver: options.resolver,
    connector: options.connector,
  });
  const handle = await uploadMediaToMeta({
    ...options.upload,
    bytes: fetched.bytes,
    fileName: fetched.fileName,
    mimeType: fetched.mimeType,
    param,
  });
  return {
    handle,
    sourceUrl: sample,
    format,
    uploaded: { mimeType: fetched.mimeType, bytes: fetched.bytes.length, fileName: fetched.fileName },
  };
}

/** `image` / `IMAGE` → `IMAGE`; anything that is not a media header format → null. */
export function normaliseMediaFormat(value: unknown): MediaHeaderFormat | null {
  if (typeof value !== "string") return null;
  const upper = value.toUpperCase();
  return upper === "IMAGE" || upper === "VIDEO" || upper === "DOCUMENT" ? upper : null;
}

/** True when this component is a HEADER whose sample must go through `prepareMediaHeader`. */
export function isMediaHeaderComponent(component: { type?: unknown; format?: unknown }): boolean {
  return (
    typeof component.type === "string" &&
    component.type.toUpperCase() === "HEADER" &&
    normaliseMediaFormat(component.format) !== null
  );
}

/**
 * The component as Meta must receive it: `example.header_handle: [handle]`, and no `header_url`
 * (a field Meta does not know). Other example fields are kept.
 */
export function withMetaHeaderHandle<T extends MediaHeaderComponentInput>(component: T, handle: string): T {
  const { header_url: _dropped, ...restExample } = component.example ?? {};
  return { ...component, example: { ...restExample, header_handle: [handle] } };
}
